"""{% gift_line work %}: the work page's "for <name>" line, in one query."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from fichive.gifts.selectors import gifts_of_work
from fichive.works.blurbs import gifts_html
from fichive.works.models import Work

register = template.Library()


@register.simple_tag
def gift_line(work: Work) -> SafeString:
    """"for A, B" (archive users linked to their gifts page), or nothing."""
    gifts = gifts_of_work(work)
    if not gifts:
        return mark_safe("")  # noqa: S308 - empty
    recipients = [(g.pseud.name if g.pseud else g.recipient_name,
                   g.pseud.user.username if g.pseud else None) for g in gifts]
    return mark_safe(  # noqa: S308 - gifts_html escapes every name
        f'<p class="gifts">{gifts_html(recipients)}</p>')
