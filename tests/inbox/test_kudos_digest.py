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


def _end_the_day() -> None:
    """Time passes: the queued summaries are due now."""
    from django.utils import timezone

    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_the_days_kudos_arrive_as_one_mail_per_creator(author, co_author, reader, stranger,
                                                       run_tasks, smtp_server):
    from fichive.kudos.services import kudos_leave
    from fichive.lib.visitors import address_hash
    from tests.factories import WorkFactory

    shared = WorkFactory(author=author, title="Harbour Lights",
                         creators=[author.default_pseud, co_author.default_pseud])
    solo = WorkFactory(author=author, title="Quiet Pages")
    run_tasks()
    kudos_leave(work=shared, user=reader)
    kudos_leave(work=shared, user=stranger)
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        kudos_leave(work=shared, guest_hash=address_hash({"REMOTE_ADDR": address}))
    kudos_leave(work=solo, user=reader)
    run_tasks()

    # One summary queued per creator for the day, none sent before the day ends.
    assert KudosDigest.objects.count() == 2
    assert smtp_server.messages == []

    _end_the_day()
    run_tasks()

    (alices,) = smtp_server.to("alice@example.org")
    (bobs,) = smtp_server.to("bob@example.org")
    assert alices["Subject"].strip() == "[Fichive] Kudos on your works"
    body = alices.get_content()
    assert "carol, dave and 3 guests left kudos on “Harbour Lights”." in body
    assert "carol left kudos on “Quiet Pages”." in body
    assert f"/works/{shared.pk}" in body
    assert "Quiet Pages" not in bobs.get_content()
    assert not KudosDigest.objects.filter(sent_at__isnull=True).exists()


def test_no_kudos_mail_when_switched_off_or_without_an_address(author, co_author, reader,
                                                               run_tasks, mailoutbox):
    from fichive.accounts.services import preferences_update
    from fichive.kudos.services import kudos_leave
    from tests.factories import WorkFactory

    preferences_update(user=author, email_kudos=False)
    co_author.email = ""
    co_author.save(update_fields=["email"])
    work = WorkFactory(author=author,
                       creators=[author.default_pseud, co_author.default_pseud])
    run_tasks()
    mailoutbox.clear()
    kudos_leave(work=work, user=reader)
    run_tasks()
    _end_the_day()
    run_tasks()
    assert mailoutbox == []
    assert KudosDigest.objects.filter(sent_at__isnull=False).count() == 2
