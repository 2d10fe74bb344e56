"""Template tags of users' pages: the tabs with counts (Profile, Works, Series, Bookmarks,
Gifts) every page about a user carries."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from fichive.accounts.models import User
from fichive.accounts.selectors import user_page_counts
from fichive.lib.sanitize import sanitize_html

register = template.Library()


@register.inclusion_tag("accounts/_user_tabs.html", takes_context=True)
def user_tabs(context: template.Context, owner: User, current: str = "") -> dict[str, Any]:
    """`{% user_tabs owner "works" %}`: the tabs, counting what the visitor may see."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {"owner": owner, "current": current, "counts": user_page_counts(viewer, owner)}


@register.filter
def profile_html(value: str) -> SafeString:
    """A stored profile text (about me, a pseud's description), sanitized again as it is
    shown: the services store it sanitized, and text kept from before is made safe too."""
    return mark_safe(sanitize_html(value or "", allow_classes=False))  # noqa: S308 - sanitized
