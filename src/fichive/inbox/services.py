"""Writes to the inbox: marking items read or unread, deleting them, replying to a comment
from the inbox, making items for a batch of users, and scheduling kudos summaries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fichive.accounts.models import User
from fichive.inbox.models import InboxItem, KudosDigest
from fichive.inbox.selectors import inbox_items_for
from fichive.lib.tasks import enqueue_on_commit

if TYPE_CHECKING:
    from fichive.comments.models import Comment

BATCH = 1000


@transaction.atomic
def inbox_mark(*, user: User, item_ids: Iterable[int], read: bool) -> int:
    """Mark the user's items read (or unread); returns how many changed."""
    return InboxItem.objects.filter(user=user, pk__in=list(item_ids)).exclude(
        read=read).update(read=read)


@transaction.atomic
def inbox_delete(*, user: User, item_ids: Iterable[int]) -> int:
    """Delete the user's items; returns how many went."""
    deleted, _ = InboxItem.objects.filter(user=user, pk__in=list(item_ids)).delete()
    return deleted


@transaction.atomic
def inbox_reply(*, user: User, item_id: int, content: str) -> Comment:
    """Reply from the inbox to the comment an item is about, through the comments app's
    service (its rules: frozen threads, closed comments, limits, moderation); the item is
    marked read. Returns the new comment."""
    from fichive.comments.services import comment_post

    item = (inbox_items_for(user).filter(pk=item_id)
            .select_related("work", "comment__chapter").first())
    if item is None:
        raise ValidationError("That message is gone.")
    if item.comment is None:
        raise ValidationError("There is no comment to reply to in that message.")
    comment = comment_post(user=user, work=item.work, chapter=item.comment.chapter,
                           parent=item.comment, content=content)
    InboxItem.objects.filter(pk=item.pk).update(read=True)
    return comment


@dataclass
class Notice:
    """What one notification says, for every user it goes to."""

    kind: str
    work_id: int
    chapter_id: int | None = None
    comment_id: int | None = None
    url: str = ""
    actor_name: str = ""
    summary: str = ""


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    it = iter(ids)
    while batch := list(islice(it, size)):
        yield batch


@transaction.atomic
def inbox_items_create(*, notice: Notice, user_ids: Iterable[int]) -> int:
    """Put the notice in each user's inbox (in batches) and queue the mail for those
    batches; all or nothing. Returns how many items were made."""
    from fichive.inbox.tasks import mail_items

    made = 0
    now = timezone.now()
    for batch in _batches(user_ids, BATCH):
        items = InboxItem.objects.bulk_create(
            [InboxItem(user_id=user_id, kind=notice.kind, work_id=notice.work_id,
                       chapter_id=notice.chapter_id, comment_id=notice.comment_id,
                       url=notice.url[:500], actor_name=notice.actor_name[:100],
                       summary=notice.summary, created_at=now)
             for user_id in batch])
        item_ids = [item.pk for item in items]
        if None in item_ids:  # a database that doesn't return ids from a bulk insert
            item_ids = list(InboxItem.objects.filter(
                user_id__in=batch, work_id=notice.work_id, kind=notice.kind,
                created_at=now).values_list("pk", flat=True))
        enqueue_on_commit(mail_items, item_ids)
        made += len(items)
    return made


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` (UTC), when its kudos summary goes out."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min,
                                     tzinfo=datetime.UTC)


def kudos_digest_schedule(*, user_id: int, day: datetime.date) -> bool:
    """Make sure one kudos summary of `day` is queued for the user, for the end of that day;
    True if this call queued it."""
    from fichive.inbox.tasks import send_kudos_digest

    try:
        with transaction.atomic():
            _, created = KudosDigest.objects.get_or_create(user_id=user_id, day=day)
            if created:
                enqueue_on_commit(send_kudos_digest.using(run_after=end_of_day(day)),
                                  user_id, day.isoformat())
    except IntegrityError:  # another request made it at the same moment
        return False
    return created

