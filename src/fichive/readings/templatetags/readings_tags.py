"""Template tags of the readings app: a logged-in reader's state on a work (one query)."""

from __future__ import annotations

from django import template

from fichive.accounts.requests import Viewer
from fichive.readings.models import Reading
from fichive.readings.selectors import reading_state
from fichive.works.models import Work

register = template.Library()


@register.simple_tag
def reading_of(user: Viewer, work: Work) -> Reading | None:
    """`{% reading_of user work as reading %}`: the reader's reading of the work, or None."""
    return reading_state(user, work)
