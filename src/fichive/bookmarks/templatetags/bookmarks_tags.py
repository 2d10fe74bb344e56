"""Template helpers of the bookmarks app: the viewer's bookmark of a work (for the work page's
actions), in one query."""

from __future__ import annotations

from typing import Any

from django import template

from fichive.bookmarks.selectors import work_bookmarked_by

register = template.Library()


@register.simple_tag(takes_context=True)
def viewer_bookmark(context: template.Context, user: Any, work: Any) -> int | None:
    """The id of the logged-in viewer's bookmark of the work, or None: from the page's
    `reader_state` (works.selectors.reader_state) when it has one for this work."""
    state = context.get("reader_state")
    if state is not None and state.work_id == work.pk:
        return state.bookmark_id
    return work_bookmarked_by(user, work.pk)
