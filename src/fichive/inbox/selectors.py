"""Reads of the inbox: what a user may still see of their notifications, and the unread
count in the header.

An item is shown only while its work is visible to the user (a deleted work takes its items
with it; a work made a draft again hides them from everyone but its creators) and, for an
item about a comment, while the comment exists, is not deleted, and may be seen: creators
see comments on their works that are held or hidden; a reply's addressee only a published
one. An invitation to be a co-creator shows while it waits for the invitee's answer.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from fichive.accounts.models import User
from fichive.comments.models import Comment
from fichive.inbox.models import InboxItem
from fichive.lib.compiled import user_count
from fichive.works.models import CreatorInvitation
from fichive.works.selectors import works_visible_to

FILTERS = {"all": None, "unread": False, "read": True}
CREATORS_KINDS = (InboxItem.Kind.COMMENT, InboxItem.Kind.AWAITING_APPROVAL)


def inbox_items_for(user: User, *, show: str = "all") -> QuerySet[InboxItem]:
    """The user's items they may still see, newest first; `show`: all, unread or read."""
    # Per item, a look-up of its work (not the set of every visible work, which a big
    # archive would build for each page's header count).
    visible = works_visible_to(user).filter(pk=OuterRef("work_id"))
    # An invitation to be a co-creator shows while it waits for an answer, even for a work
    # the invitee may not see yet (a draft).
    invited = CreatorInvitation.objects.filter(work_id=OuterRef("work_id"), pseud__user=user)
    items = InboxItem.objects.filter(
        Exists(visible) | Q(Exists(invited), kind=InboxItem.Kind.CREATOR_INVITATION),
        user=user).filter(
        Q(comment__isnull=True)
        | Q(kind__in=CREATORS_KINDS, comment__deleted=False)
        | Q(kind=InboxItem.Kind.REPLY, comment__deleted=False,
            comment__status=Comment.Status.PUBLISHED))
    read = FILTERS.get(show)
    if read is not None:
        items = items.filter(read=read)
    return items.order_by("-created_at", "-id")


def inbox_page_items(user: User, *, show: str = "all") -> QuerySet[InboxItem]:
    """inbox_items_for with what the inbox page shows of each item's work."""
    return inbox_items_for(user, show=show).select_related("work")


def inbox_unread_count(user: User) -> int:
    """How many unread items the user may see (the header's count): one query, whose SQL
    (its visibility conditions cost ~5 ms of CPU to build, on every logged-in page) is built
    once per process for users who see the same works as this one (lib/compiled.py)."""
    return user_count(("inbox_unread", user.can_moderate), user,
                      lambda someone: inbox_items_for(someone, show="unread"))
