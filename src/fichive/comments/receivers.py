"""What the comments app does when other apps change things: a deleted chapter takes its
comments with it, so its work's comment count is counted again."""

from __future__ import annotations

from typing import Any

from fichive.comments.services import comments_recount
from fichive.works.models import Chapter


def chapter_deleted(sender: type[Chapter], instance: Chapter, **kwargs: Any) -> None:
    comments_recount(work_ids=[instance.work_id])
