"""What the comments app does when other apps change things: a deleted chapter takes its
comments with it, so its work's comment count drops by those it counted."""

from __future__ import annotations

from typing import Any

from fichive.comments.services import comments_leaving
from fichive.works.models import Chapter


def chapter_deleting(sender: type[Chapter], instance: Chapter, **kwargs: Any) -> None:
    # pre_delete: the comments are still there to count (the cascade order differs between
    # databases, so after the delete they may or may not be gone yet).
    comments_leaving(chapter=instance)
