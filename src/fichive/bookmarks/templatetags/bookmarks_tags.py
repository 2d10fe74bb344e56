"""Template helpers of the bookmarks app: the viewer's bookmark of a work (for the work page's
actions), in one query."""

from __future__ import annotations

from typing import Any

from django import template

from fichive.bookmarks.selectors import work_bookmarked_by

register = template.Library()


@register.simple_tag
def viewer_bookmark(user: Any, work: Any) -> int | None:
    """The id of the logged-in viewer's bookmark of the work, or None."""
    return work_bookmarked_by(user, work.pk)
