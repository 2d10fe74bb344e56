"""Template helpers of series: a series' byline and a work's "Part N of" lines."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from fichive.accounts.models import Pseud
from fichive.works import blurbs

register = template.Library()


@register.simple_tag
def series_byline(creators: list[Pseud]) -> SafeString:
    """Creator links, "pseud (user)" where the pseud is not the login name."""
    return mark_safe(  # noqa: S308 - byline_html escapes names and URLs
        blurbs.byline_html([(p.name, p.user.username) for p in creators]))
