"""Fan-out: a new chapter or work reaches its subscribers' inboxes and mail through one
queued task, never in the request."""

from __future__ import annotations

import logging

from django_tasks_db.models import DBTaskResult

from fichive.accounts.services import preferences_update
from fichive.inbox.models import InboxItem
from fichive.subscriptions.models import Subscription
from fichive.works.models import Work
from fichive.works.services import work_post
from tests.factories import UserFactory, WorkFactory
from tests.inbox.conftest import commit_now, make_subscribers


def test_a_chapter_for_500_subscribers_queues_one_task_then_the_worker_delivers(
        work, post_chapter, run_tasks, mailoutbox):
    readers = make_subscribers(500, work=work)
    run_tasks()  # what posting the work itself queued
    before = set(DBTaskResult.objects.values_list("pk", flat=True))

    response = post_chapter(work, title="The Storm")
    commit_now()

    assert response.status_code == 302
    # (Besides "More like this" comparing the work again: tests/recommendations.)
    queued = list(DBTaskResult.objects.exclude(pk__in=before)
                  .exclude(task_path__startswith="fichive.recommendations.")
                  .values_list("task_path", "status"))
    assert queued == [("fichive.inbox.tasks.deliver_new_chapter", "READY")]
    assert not InboxItem.objects.exists()
    assert mailoutbox == []

    run_tasks()

    items = InboxItem.objects.filter(kind="chapter")
    assert items.count() == 500
    assert set(items.values_list("user_id", flat=True)) == {u.pk for u in readers}
    assert len(mailoutbox) == 500
    assert {m.to[0] for m in mailoutbox} == {u.email for u in readers}
    chapter = work.chapters.get(position=2)
    assert "Chapter 2: The Storm" in mailoutbox[0].subject
    assert chapter.get_absolute_url() in mailoutbox[0].body
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    # One task made the items, one per batch of 1,000 items mailed them.
    assert DBTaskResult.objects.exclude(pk__in=before).exclude(
        task_path__startswith="fichive.recommendations.").count() == 2


def test_a_chapter_of_a_work_without_subscribers_makes_nothing(work, post_chapter, run_tasks,
                                                                mailoutbox):
    post_chapter(work)
    run_tasks()
    assert not InboxItem.objects.exists()
    assert mailoutbox == []


def test_a_chapter_added_to_a_draft_tells_nobody(author, reader, run_tasks, mailoutbox,
                                                  post_chapter):
    draft = WorkFactory(author=author, post=False)
    Subscription.objects.create(user=reader, work=draft)  # from before it was a draft again
    post_chapter(draft)
    commit_now()
    assert not InboxItem.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_new_work_reaches_subscribers_of_any_creator_once(author, co_author, reader,
                                                            stranger, run_tasks, mailoutbox):
    Subscription.objects.create(user=reader, creator=author)
    Subscription.objects.create(user=reader, creator=co_author)
    Subscription.objects.create(user=stranger, creator=co_author)
    # A creator who subscribed to their co-creator hears nothing of their own work.
    Subscription.objects.create(user=co_author, creator=author)

    work = WorkFactory(author=author, title="Two Hands",
                       creators=[author.default_pseud, co_author.default_pseud])
    run_tasks()

    items = InboxItem.objects.filter(kind="work", work=work)
    assert sorted(items.values_list("user__username", flat=True)) == ["carol", "dave"]
    assert sorted(m.to[0] for m in mailoutbox) == ["carol@example.org", "dave@example.org"]
    assert mailoutbox[0].subject == "[Fichive] alice and bob posted “Two Hands”"


def test_a_draft_is_announced_only_when_posted(author, reader, run_tasks, mailoutbox):
    Subscription.objects.create(user=reader, creator=author)
    draft = WorkFactory(author=author, post=False)
    run_tasks()
    assert not InboxItem.objects.exists()

    work_post(user=author, work=draft)
    run_tasks()
    assert InboxItem.objects.filter(user=reader, work=draft, kind="work").count() == 1
    assert len(mailoutbox) == 1


def test_restricted_works_reach_their_subscribers(author, reader, post_chapter, run_tasks):
    work = WorkFactory(author=author, restricted=True)
    Subscription.objects.create(user=reader, work=work)
    post_chapter(work)
    run_tasks()
    assert InboxItem.objects.filter(user=reader, work=work).count() == 1


def test_mail_follows_each_users_preferences_and_address(work, post_chapter, run_tasks,
                                                         mailoutbox):
    wants, quiet, no_address = (UserFactory(username=n) for n in ("wants", "quiet", "nomail"))
    no_address.email = ""
    no_address.save(update_fields=["email"])
    preferences_update(user=quiet, email_subscriptions=False)
    for user in (wants, quiet, no_address):
        Subscription.objects.create(user=user, work=work)

    post_chapter(work)
    run_tasks()

    # Everyone gets the inbox item; only those who want mail and have an address get mail.
    assert InboxItem.objects.filter(work=work).count() == 3
    assert [m.to for m in mailoutbox] == [["wants@example.org"]]


def test_a_failing_mail_is_retried_logged_and_sent_once(work, post_chapter, run_tasks,
                                                        smtp_server, monkeypatch, caplog):
    monkeypatch.setattr("fichive.lib.tasks.FIRST_DELAY_SECONDS", 0)
    readers = make_subscribers(3, work=work)
    smtp_server.refuse = 1  # the first message is refused once

    with caplog.at_level(logging.ERROR):
        post_chapter(work)
        run_tasks()

    assert sorted(m["To"] for m in smtp_server.messages) == sorted(u.email for u in readers)
    assert "Mail for inbox item" in caplog.text
    assert "fichive.inbox.tasks.mail_items" in caplog.text
    assert "retrying" in caplog.text
    assert not InboxItem.objects.filter(mailed_at__isnull=True).exists()
    statuses = sorted(DBTaskResult.objects.filter(
        task_path="fichive.inbox.tasks.mail_items").values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL", "SUCCESSFUL"]


def test_mail_that_never_goes_is_kept_as_a_failed_task(work, post_chapter, run_tasks,
                                                       smtp_server, monkeypatch):
    monkeypatch.setattr("fichive.lib.tasks.FIRST_DELAY_SECONDS", 0)
    make_subscribers(1, work=work)
    smtp_server.refuse = 100

    post_chapter(work)
    run_tasks()

    assert smtp_server.messages == []
    assert DBTaskResult.objects.filter(task_path="fichive.inbox.tasks.mail_items",
                                       status="FAILED").count() == 1
    # The item itself is in the inbox all the same.
    assert InboxItem.objects.filter(mailed_at__isnull=True).count() == 1


def test_items_of_works_one_may_no_longer_see_are_hidden(author, reader, reader_client,
                                                         run_tasks):
    shown = WorkFactory(author=author, title="Shown Work")
    hidden = WorkFactory(author=author, title="Draft Again")
    gone = WorkFactory(author=author, title="Deleted Work")
    Subscription.objects.create(user=reader, creator=author)
    for work in (shown, hidden, gone):
        work_post(user=author, work=work)  # already posted: nothing new
    InboxItem.objects.bulk_create([
        InboxItem(user=reader, kind="work", work=w, actor_name="alice") for w in
        (shown, hidden, gone)])
    Work.objects.filter(pk=hidden.pk).update(state=Work.State.DRAFT)
    gone.delete()

    html = reader_client.get(f"/users/{reader.username}/inbox").content.decode()
    assert "Shown Work" in html
    assert "Draft Again" not in html
    assert "Deleted Work" not in html
    assert "Inbox (1)" in html
