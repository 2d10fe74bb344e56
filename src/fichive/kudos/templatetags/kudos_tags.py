"""Template tags for the kudos partials on the work and chapter pages: the viewer's state
(one query for a logged-in viewer, none for guests, whose page is shared) and the kudos
sentence (the same for everyone)."""

from __future__ import annotations

from typing import Any

from django import template

from fichive.kudos import selectors
from fichive.kudos.selectors import KudosSummary
from fichive.works.models import Work

register = template.Library()


@register.simple_tag(takes_context=True)
def kudos_state(context: template.Context, work: Work) -> str:
    """"guest" (not logged in: the shared form), "creator" (their own work), "left" (they
    already left kudos) or "open" (they may press the button). A view that knows the answer
    (after a press) passes it as `kudos_state` in the context."""
    known = context.get("kudos_state")
    if known:
        return str(known)
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return "guest"
    if context.get("is_creator"):
        return "creator"
    return "left" if selectors.has_left_kudos(user, work) else "open"


@register.simple_tag
def kudos_summary(work: Work) -> KudosSummary:
    return selectors.kudos_summary(work)


@register.simple_tag
def kudos_parts(summary: KudosSummary) -> list[dict[str, Any]]:
    """The pieces of the sentence, joined in the template with commas and a last "and":
    each name, then "N more users" (a link to the full list), then "N guests"."""
    parts: list[dict[str, Any]] = [{"name": name} for name in summary.names]
    if summary.more_users:
        parts.append({"more": summary.more_users})
    if summary.guests:
        parts.append({"guests": summary.guests})
    return parts
