"""Background tasks of the inbox: the fan-out of a new chapter, work or comment into inbox
items (in batches), the mail for those items, and the daily kudos summaries. Receivers
(receivers.py) only queue these; `fichive worker` runs them."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from fichive.accounts.selectors import preferences_of
from fichive.blocking.models import Mute
from fichive.inbox import mail
from fichive.inbox.models import InboxItem, KudosDigest
from fichive.inbox.services import Notice, end_of_day, inbox_items_create
from fichive.lib.tasks import retrying_task
from fichive.series.models import Series, SeriesPart
from fichive.subscriptions.selectors import (
    creator_subscriber_ids,
    series_subscriber_ids,
    work_subscriber_ids,
)
from fichive.works.models import Chapter, Creatorship, Work

if TYPE_CHECKING:
    from fichive.comments.models import Comment

logger = logging.getLogger("fichive.inbox")

SUMMARY_MAX = 10_000


def _byline(work: Work) -> str:
    if work.anonymous:
        return "Anonymous"
    names = list(Creatorship.objects.filter(work=work).order_by("position")
                 .values_list("pseud__name", flat=True))
    return mail.names_and_guests(names, 0) or "Anonymous"


def _creator_ids(work: Work) -> set[int]:
    return set(Creatorship.objects.filter(work=work).values_list("pseud__user_id", flat=True))


@retrying_task()
def deliver_new_chapter(chapter_id: int) -> int:
    """A chapter was posted: an item (and mail) for each subscriber of its work."""
    chapter = Chapter.objects.select_related("work").filter(pk=chapter_id).first()
    if chapter is None or chapter.work.state != Work.State.POSTED:
        return 0
    work = chapter.work
    notice = Notice(kind=InboxItem.Kind.NEW_CHAPTER, work_id=work.pk, chapter_id=chapter.pk,
                    url=chapter.get_absolute_url(), actor_name=_byline(work),
                    summary=chapter.full_title)
    return inbox_items_create(notice=notice, user_ids=work_subscriber_ids(work).iterator())


# Kinds of item that tell a subscriber a work was posted: a reader gets one of them per work,
# whether they subscribed to its creator, to one of its series, or to several of those.
_NEW_WORK_KINDS = (InboxItem.Kind.NEW_WORK, InboxItem.Kind.NEW_PART)


def _not_yet_told(work: Work, user_ids: QuerySet[Any, int]) -> QuerySet[Any, int]:
    """`user_ids` less the users who already have an item saying this work was posted."""
    told = InboxItem.objects.filter(work=work, kind__in=_NEW_WORK_KINDS).values("user_id")
    return user_ids.exclude(user_id__in=told)


def _posted_work_locked(work_id: int) -> Work | None:
    """The posted work, its row locked until the caller's transaction ends, so two fan-outs
    of the same work (its posting, and its joining a series) take turns and the second
    sees whom the first told."""
    return Work.objects.select_for_update().filter(pk=work_id, state=Work.State.POSTED).first()


def _part_notice(series: Series, work: Work) -> Notice:
    """"Part N of “Title”", N counting the posted parts (drafts are no part to readers)."""
    ids = list(SeriesPart.objects.filter(series=series, work__state=Work.State.POSTED)
               .values_list("work_id", flat=True))
    number = ids.index(work.pk) + 1
    return Notice(kind=InboxItem.Kind.NEW_PART, work_id=work.pk, url=work.get_absolute_url(),
                  actor_name=_byline(work), summary=f"Part {number} of “{series.title}”")


def _tell_series_subscribers(series: Series, work: Work) -> int:
    return inbox_items_create(
        notice=_part_notice(series, work),
        user_ids=_not_yet_told(work, series_subscriber_ids(series, work)).iterator())


@retrying_task()
@transaction.atomic
def deliver_new_work(work_id: int) -> int:
    """A work was posted: an item (and mail) for each subscriber of any of its series (a new
    part), then for each subscriber of any of its creators (a new work; not for a work
    posted anonymously: that would name its creator) not told already: each reader hears of
    a work once."""
    work = _posted_work_locked(work_id)
    if work is None:
        return 0
    made = 0
    for part in SeriesPart.objects.filter(work=work).select_related("series").order_by(
            "created_at", "pk"):
        made += _tell_series_subscribers(part.series, work)
    if work.anonymous:
        return made
    notice = Notice(kind=InboxItem.Kind.NEW_WORK, work_id=work.pk,
                    url=work.get_absolute_url(), actor_name=_byline(work),
                    summary=Truncator(strip_tags(work.summary)).chars(300))
    return made + inbox_items_create(
        notice=notice, user_ids=_not_yet_told(work, creator_subscriber_ids(work)).iterator())


@retrying_task()
@transaction.atomic
def deliver_series_part(series_id: int, work_id: int) -> int:
    """A work joined a series: if it is posted (and still a part), an item (and mail) for
    each subscriber of the series not told of the work already. A draft's part is told
    when the draft is posted (deliver_new_work)."""
    work = _posted_work_locked(work_id)
    series = Series.objects.filter(pk=series_id, parts__work_id=work_id).first()
    if work is None or series is None:
        return 0
    return _tell_series_subscribers(series, work)


def _comment(comment_id: int) -> Comment | None:
    from fichive.comments.models import Comment

    return (Comment.objects.select_related("work", "pseud__user", "parent__user")
            .filter(pk=comment_id).first())


def _comment_notice(comment: Comment, kind: str) -> Notice:
    text = strip_tags(comment.content).replace("&nbsp;", " ").strip()
    actor = comment.author_name
    if comment.work.anonymous and comment.user_id in _creator_ids(comment.work):
        actor = "Anonymous Creator"  # a creator of an anonymous work: the name would reveal
    return Notice(kind=kind, work_id=comment.work_id, chapter_id=comment.chapter_id,
                  comment_id=comment.pk, url=comment.get_absolute_url(),
                  actor_name=actor, summary=Truncator(text).chars(SUMMARY_MAX))


@retrying_task()
def deliver_comment(comment_id: int) -> int:
    """A comment was published: "reply to your comment" for the author of the comment it
    answers, "comment on your work" for the work's creators (never the commenter)."""
    comment = _comment(comment_id)
    if (comment is None or comment.deleted or comment.status != "published"
            or comment.work.state != Work.State.POSTED):
        return 0
    commenter = comment.user_id
    replied_to = comment.replied_to_user
    addressee = replied_to.pk if replied_to is not None else None
    made = 0
    creator_ids = _creator_ids(comment.work)
    # Whoever mutes the commenter hears nothing of it (unless the commenter is a creator of
    # the anonymous work it is on: their comments show for everyone, see comments.selectors).
    muting: set[int] = set()
    if commenter is not None and not (comment.work.anonymous and commenter in creator_ids):
        muting = set(Mute.objects.filter(muted_id=commenter,
                                         muter_id__in=creator_ids | {addressee} - {None})
                     .values_list("muter_id", flat=True))
    if addressee is not None and addressee != commenter and addressee not in muting:
        made += inbox_items_create(notice=_comment_notice(comment, InboxItem.Kind.REPLY),
                                   user_ids=[addressee])
    creators = sorted(creator_ids - {commenter, addressee} - muting)
    if creators:
        made += inbox_items_create(notice=_comment_notice(comment, InboxItem.Kind.COMMENT),
                                   user_ids=creators)
    return made


@retrying_task()
def deliver_comment_awaiting(comment_id: int) -> int:
    """A comment is held for approval: tell the work's creators (not the commenter)."""
    comment = _comment(comment_id)
    if comment is None or comment.deleted or comment.status != "pending":
        return 0
    creators = sorted(_creator_ids(comment.work) - {comment.user_id})
    return inbox_items_create(
        notice=_comment_notice(comment, InboxItem.Kind.AWAITING_APPROVAL), user_ids=creators)


@retrying_task()
def deliver_creator_invitations(work_id: int, pseud_ids: list[int]) -> int:
    """Pseuds were invited to be a work's co-creators: an item (and mail) for each invitee
    whose invitation still waits, leading to their Co-Creator Requests page."""
    from django.urls import reverse

    from fichive.works.models import CreatorInvitation

    made = 0
    for invitation in (CreatorInvitation.objects.filter(work_id=work_id, pseud_id__in=pseud_ids)
                       .select_related("pseud__user", "invited_by", "work").order_by("id")):
        invitee = invitation.pseud.user
        inviter = invitation.invited_by
        notice = Notice(kind=InboxItem.Kind.CREATOR_INVITATION, work_id=work_id,
                        url=reverse("works:creatorships", args=[invitee.username]),
                        actor_name=inviter.username if inviter else "A creator",
                        summary=invitation.pseud.byline)
        made += inbox_items_create(notice=notice, user_ids=[invitee.pk])
    return made


@retrying_task()
def mail_items(item_ids: list[int]) -> int:
    """Mail the items whose users want that kind of mail, over one connection. Each sent
    item is marked, so a retry after a failure sends only what is left."""
    items = list(InboxItem.objects.filter(pk__in=item_ids, mailed_at__isnull=True)
                 .select_related("user", "work", "chapter").order_by("pk"))
    if not items:
        return 0
    by_kind: dict[str, set[int]] = defaultdict(set)
    for item in items:
        by_kind[item.kind].add(item.user_id)
    wanting: set[tuple[str, int]] = set()
    for kind, user_ids in by_kind.items():
        wanting.update((kind, pk) for pk in mail.users_wanting(
            user_ids, mail.PREFERENCE_OF[kind]).values_list("pk", flat=True))
    to_send = [item for item in items if (item.kind, item.user_id) in wanting]
    sent: list[int] = []
    failed = 0
    if to_send:
        connection = get_connection()
        try:
            connection.open()
            for item in to_send:
                try:
                    connection.send_messages([mail.item_message(item)])
                except Exception:
                    failed += 1
                    logger.exception("Mail for inbox item %s to user %s failed", item.pk,
                                     item.user_id)
                else:
                    sent.append(item.pk)
        finally:
            connection.close()
            InboxItem.objects.filter(pk__in=sent).update(mailed_at=timezone.now())
    if failed:
        raise RuntimeError(f"{failed} of {len(to_send)} notification mails failed; "
                           "they will be tried again")
    return len(sent)


@dataclass
class _WorkKudos:
    """One work's kudos of the day: who (user names, in order) and how many guests."""

    work: Work
    names: list[str] = field(default_factory=list)
    guests: int = 0


@retrying_task()
def send_kudos_digest(user_id: int, day: str) -> int:
    """The end of a day (UTC): mail the creator who got kudos that day one line per work,
    "alice, bob and 3 guests left kudos on “Title”", if they want kudos mail."""
    date = datetime.date.fromisoformat(day)
    digest = KudosDigest.objects.select_related("user").filter(
        user_id=user_id, day=date, sent_at__isnull=True).first()
    if digest is None:
        return 0
    user = digest.user
    if not user.is_active or not user.email or not preferences_of(user).email_kudos:
        KudosDigest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
        return 0
    from fichive.kudos.models import Kudos

    start = end_of_day(date) - datetime.timedelta(days=1)
    own_works = Creatorship.objects.filter(pseud__user=user).values("work_id")
    rows = (Kudos.objects
            .filter(work__in=own_works, work__state=Work.State.POSTED,
                    created_at__gte=start, created_at__lt=end_of_day(date))
            .exclude(user_id=user.pk)
            .select_related("user", "work").order_by("work_id", "created_at", "pk"))
    per_work: dict[int, _WorkKudos] = {}
    for kudos in rows:
        entry = per_work.setdefault(kudos.work_id, _WorkKudos(kudos.work))
        if kudos.user is None:
            entry.guests += 1
        elif kudos.user.username not in entry.names:
            entry.names.append(kudos.user.username)
    lines = [(f"{mail.names_and_guests(e.names, e.guests)} left kudos on “{e.work.title}”.",
              e.work.get_absolute_url()) for e in per_work.values()]
    if lines:
        message = mail.kudos_message(user, lines)
        message.send()
    KudosDigest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return len(lines)
