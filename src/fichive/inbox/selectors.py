"""Reads of the inbox: what a user may still see of their notifications, and the unread
count in the header.

An item is shown only while its work is visible to the user (a deleted work takes its items
with it; a work made a draft again hides them from everyone but its creators) and, for an
item about a comment, while the comment exists, is not deleted, and may be seen: creators
see comments on their works that are held or hidden; a reply's addressee only a published
one.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from fichive.accounts.models import User
from fichive.inbox.models import InboxItem
from fichive.works.selectors import works_visible_to

FILTERS = {"all": None, "unread": False, "read": True}
CREATORS_KINDS = (InboxItem.Kind.COMMENT, InboxItem.Kind.AWAITING_APPROVAL)


def comment_model() -> type[models.Model] | None:
    """The comments app's Comment model, or None while that app has none."""
    try:
        return apps.get_model("comments", "Comment")
    except LookupError:
        return None


def inbox_items_for(user: User, *, show: str = "all") -> QuerySet[InboxItem]:
    """The user's items they may still see, newest first; `show`: all, unread or read."""
    # Per item, a look-up of its work (not the set of every visible work, which a big
    # archive would build for each page's header count).
    visible = works_visible_to(user).filter(pk=OuterRef("work_id"))
    items = InboxItem.objects.filter(Exists(visible), user=user)
    comment = comment_model()
    if comment is None:
        items = items.filter(comment_id__isnull=True)
    else:
        existing = comment._default_manager.filter(pk=OuterRef("comment_id"), deleted=False)
        items = items.filter(
            Q(comment_id__isnull=True)
            | (Q(kind__in=CREATORS_KINDS) & Exists(existing))
            | (Q(kind=InboxItem.Kind.REPLY) & Exists(existing.filter(status="published")))
        )
    read = FILTERS.get(show)
    if read is not None:
        items = items.filter(read=read)
    return items.order_by("-created_at", "-id")


def inbox_page_items(user: User, *, show: str = "all") -> QuerySet[InboxItem]:
    """inbox_items_for with what the inbox page shows of each item's work."""
    return inbox_items_for(user, show=show).select_related("work")


def inbox_unread_count(user: User) -> int:
    """How many unread items the user may see (the header's count): one query."""
    return inbox_items_for(user, show="unread").order_by().count()
