"""Template tags of the readings app: a logged-in reader's state on a work (one query)."""

from __future__ import annotations

from django import template

from fichive.accounts.requests import Viewer
from fichive.readings.models import Reading
from fichive.readings.selectors import reading_state
from fichive.works.models import Work

register = template.Library()


@register.simple_tag(takes_context=True)
def reading_of(context: template.Context, user: Viewer, work: Work) -> Reading | None:
    """`{% reading_of user work as reading %}`: the reader's reading of the work, or None:
    from the page's `reader_state` (works.selectors.reader_state) when it has one for it."""
    state = context.get("reader_state")
    if state is not None and state.work_id == work.pk:
        return state.reading
    return reading_state(user, work)
