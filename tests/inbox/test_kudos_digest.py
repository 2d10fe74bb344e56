"""Daily kudos summaries: one queued per creator and day, for the end of the day (UTC)."""

from __future__ import annotations

import datetime

from django_tasks_db.models import DBTaskResult

from fichive.inbox.models import KudosDigest
from fichive.inbox.services import end_of_day, kudos_digest_schedule
from tests.inbox.conftest import commit_now


def test_one_summary_a_day_is_queued_for_midnight_utc(author):
    today = datetime.date(2026, 12, 6)
    assert kudos_digest_schedule(user_id=author.pk, day=today)
    assert not kudos_digest_schedule(user_id=author.pk, day=today)
    commit_now()

    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "fichive.inbox.tasks.send_kudos_digest"
    assert task.run_after == datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
    assert task.args_kwargs["args"] == [author.pk, "2026-12-06"]
    assert KudosDigest.objects.filter(user=author, day=today).count() == 1

    assert kudos_digest_schedule(user_id=author.pk, day=today + datetime.timedelta(days=1))
    commit_now()
    assert DBTaskResult.objects.count() == 2


def test_the_summary_waits_for_the_end_of_the_day(author, run_tasks):
    kudos_digest_schedule(user_id=author.pk, day=datetime.datetime.now(datetime.UTC).date())
    run_tasks()
    assert DBTaskResult.objects.get().status == "READY"


def test_end_of_day_is_the_next_midnight_utc():
    assert end_of_day(datetime.date(2026, 12, 31)) == datetime.datetime(
        2027, 1, 1, tzinfo=datetime.UTC)
