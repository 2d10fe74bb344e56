"""Template tags of the inbox: the header's unread count (one query)."""

from __future__ import annotations

from django import template

from fichive.accounts.models import User
from fichive.inbox.selectors import inbox_unread_count

register = template.Library()


@register.simple_tag
def inbox_unread(user: User) -> int:
    """How many unread inbox items the logged-in user may see; 0 for guests."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_unread_count(user)
