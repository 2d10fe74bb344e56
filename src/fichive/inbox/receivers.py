"""Receivers of the works, comments and kudos signals: each only queues a task with ids
(the fan-out never runs in the request), or for kudos makes sure the day's summary is
queued."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from fichive.inbox import tasks
from fichive.inbox.services import kudos_digest_schedule
from fichive.lib.tasks import enqueue_on_commit
from fichive.works.models import Creatorship


def on_chapter_published(sender: Any, chapter: Any, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.deliver_new_chapter, chapter.pk)


def on_work_published(sender: Any, work: Any, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.deliver_new_work, work.pk)


def on_series_part_added(sender: Any, series: Any, work: Any, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.deliver_series_part, series.pk, work.pk)


def on_comment_published(sender: Any, comment: Any, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.deliver_comment, comment.pk)


def on_comment_awaiting_approval(sender: Any, comment: Any, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.deliver_comment_awaiting, comment.pk)


def on_creators_invited(sender: Any, work_id: int, pseud_ids: list[int],
                        **kwargs: Any) -> None:
    enqueue_on_commit(tasks.deliver_creator_invitations, work_id, list(pseud_ids))


def on_kudos_left(sender: Any, kudos: Any, **kwargs: Any) -> None:
    """Queue the work's creators' kudos summaries of today (UTC), once per creator a day."""
    when = getattr(kudos, "created_at", None) or timezone.now()
    day = when.astimezone(datetime.UTC).date()
    creators = set(Creatorship.objects.filter(work_id=kudos.work_id)
                   .values_list("pseud__user_id", flat=True))
    for user_id in sorted(creators - {kudos.user_id}):
        kudos_digest_schedule(user_id=user_id, day=day)


def connect() -> None:
    """Connect the receivers (InboxConfig.ready)."""
    from fichive.comments import signals as comment_signals
    from fichive.kudos import signals as kudos_signals
    from fichive.series import signals as series_signals
    from fichive.works import signals as work_signals

    uid = "fichive.inbox"
    work_signals.chapter_published.connect(on_chapter_published, dispatch_uid=f"{uid}.chapter")
    work_signals.work_published.connect(on_work_published, dispatch_uid=f"{uid}.work")
    series_signals.series_part_added.connect(on_series_part_added,
                                             dispatch_uid=f"{uid}.series_part")
    comment_signals.comment_published.connect(on_comment_published,
                                              dispatch_uid=f"{uid}.comment")
    comment_signals.comment_awaiting_approval.connect(on_comment_awaiting_approval,
                                                      dispatch_uid=f"{uid}.awaiting")
    work_signals.creators_invited.connect(on_creators_invited, dispatch_uid=f"{uid}.invited")
    kudos_signals.kudos_left.connect(on_kudos_left, dispatch_uid=f"{uid}.kudos")
