"""Subscriptions to series: subscribing and unsubscribing through the buttons' posts, the
list, and the fan-out of a new part (inbox item + mail), once per reader and work."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fichive.inbox.models import InboxItem
from fichive.series.services import series_add_work, series_create
from fichive.subscriptions.models import Subscription
from fichive.subscriptions.services import subscription_create
from fichive.works.models import Work
from fichive.works.services import work_post
from tests.factories import UserFactory, WorkFactory


@pytest.fixture
def series(author, work, run_tasks):
    """A series of one posted work, whose posting and joining are told already."""
    series = series_create(user=author, title="Team Seven")
    series_add_work(user=author, series=series, work=work)
    run_tasks()
    return series


def _text(response) -> str:
    return response.content.decode()


def test_subscribe_and_unsubscribe_through_the_buttons(reader_client, reader, series):
    page = _text(reader_client.get(f"/series/{series.pk}/bookmarks"))
    assert "Subscribe to the series" in page
    response = reader_client.post(f"/users/{reader.username}/subscriptions",
                                  {"series_id": series.pk, "next": "/bookmarks"}, follow=True)
    assert response.status_code == 200
    assert "You are now subscribed to the series “Team Seven”." in _text(response)
    subscription = Subscription.objects.get(user=reader)
    assert subscription.series == series
    listing = _text(reader_client.get(f"/users/{reader.username}/subscriptions"))
    assert f'href="/series/{series.pk}">Team Seven</a>' in listing
    assert "(series: new parts)" in listing
    assert "Unsubscribe from the series" in _text(
        reader_client.get(f"/series/{series.pk}/bookmarks"))
    again = reader_client.post(f"/users/{reader.username}/subscriptions",
                               {"series_id": series.pk}, follow=True)
    assert "You are already subscribed to the series “Team Seven”." in _text(again)
    response = reader_client.post(
        f"/users/{reader.username}/subscriptions/{subscription.pk}/delete", follow=True)
    assert "You have unsubscribed from the series “Team Seven”." in _text(response)
    assert not Subscription.objects.exists()


def test_no_subscribing_to_a_series_one_may_not_see_or_made(reader_client, reader, author,
                                                            client):
    draft_only = series_create(user=author, title="Hidden")
    series_add_work(user=author, series=draft_only, work=WorkFactory(author=author, post=False))
    response = reader_client.post(f"/users/{reader.username}/subscriptions",
                                  {"series_id": draft_only.pk})
    assert response.status_code == 404
    with pytest.raises(ValidationError, match="only subscribe to series you can see"):
        subscription_create(user=reader, series=draft_only)
    own = series_create(user=author, title="Mine")
    series_add_work(user=author, series=own, work=WorkFactory(author=author))
    with pytest.raises(ValidationError, match="can't subscribe to your own series"):
        subscription_create(user=author, series=own)
    assert not Subscription.objects.exists()


def test_a_series_whose_works_are_gone_leaves_the_list(reader, author, work, series):
    subscription_create(user=reader, series=series)
    from fichive.subscriptions.selectors import subscriptions_of

    assert list(subscriptions_of(reader).values_list("series_id", flat=True)) == [series.pk]
    work.delete()
    assert not subscriptions_of(reader).exists()


def test_a_posted_work_added_to_the_series_reaches_its_subscribers(
        author, reader, stranger, series, run_tasks, mailoutbox):
    subscription_create(user=reader, series=series)
    subscription_create(user=stranger, series=series)
    run_tasks()
    mailoutbox.clear()
    second = WorkFactory(author=author, title="The Bell Test")
    run_tasks()  # (its posting: nobody subscribes to alice)
    assert not InboxItem.objects.filter(work=second).exists()

    series_add_work(user=author, series=series, work=second)
    run_tasks()

    items = InboxItem.objects.filter(work=second)
    assert sorted(items.values_list("user__username", flat=True)) == ["carol", "dave"]
    assert {i.kind for i in items} == {"part"}
    assert items[0].summary == "Part 2 of “Team Seven”"
    assert len(mailoutbox) == 2
    mail = mailoutbox[0]
    assert mail.subject == "[Fichive] Part 2 of “Team Seven”: “The Bell Test”"
    assert "alice posted “The Bell Test”, part 2 of “Team Seven”." in mail.body
    assert second.get_absolute_url() in mail.body
    inbox = _inbox(reader)
    assert "New part of a series" in inbox and "Part 2 of “Team Seven”" in inbox


def _inbox(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return _text(client.get(f"/users/{user.username}/inbox"))


def test_a_draft_in_a_series_is_told_when_it_is_posted_not_before(
        author, reader, series, run_tasks, mailoutbox):
    subscription_create(user=reader, series=series)
    draft = WorkFactory(author=author, title="Still Writing", post=False)
    series_add_work(user=author, series=series, work=draft)
    # A draft before it is no part to readers: the part after it is told as part 2.
    after = WorkFactory(author=author, title="After")
    series_add_work(user=author, series=series, work=after)
    run_tasks()
    assert not InboxItem.objects.filter(work=draft).exists()
    assert InboxItem.objects.get(work=after).summary == "Part 2 of “Team Seven”"
    assert len(mailoutbox) == 1

    work_post(user=author, work=draft)
    run_tasks()
    item = InboxItem.objects.get(work=draft)
    assert (item.user, item.kind, item.summary) == (reader, "part", "Part 2 of “Team Seven”")
    assert len(mailoutbox) == 2


def test_a_reader_subscribed_to_the_series_and_its_creator_hears_once(
        author, reader, stranger, series, run_tasks, mailoutbox):
    subscription_create(user=reader, series=series)
    subscription_create(user=reader, creator=author)
    subscription_create(user=stranger, creator=author)
    draft = WorkFactory(author=author, title="Twice Told", post=False)
    series_add_work(user=author, series=series, work=draft)
    work_post(user=author, work=draft)
    # Posted and added in one go as well: two fan-outs, still one item per reader.
    fresh = WorkFactory(author=author, title="Fresh")
    series_add_work(user=author, series=series, work=fresh)
    run_tasks()

    for work in (draft, fresh):
        items = dict(InboxItem.objects.filter(work=work)
                     .values_list("user__username", "kind"))
        assert items == {"carol": "part", "dave": "work"}
    assert len(mailoutbox) == 4
    # A second series holding the work tells nobody twice either.
    other = series_create(user=author, title="Other")
    series_add_work(user=author, series=other, work=WorkFactory(author=author))
    subscription_create(user=reader, series=other)
    series_add_work(user=author, series=other, work=fresh)
    run_tasks()
    assert InboxItem.objects.filter(work=fresh, user=reader).count() == 1


def test_restricted_parts_reach_only_accounts_and_creators_hear_nothing(
        author, co_author, reader, series, run_tasks):
    subscription_create(user=reader, series=series)
    subscription_create(user=co_author, series=series)
    shared = WorkFactory(author=author, title="Members", restricted=True,
                         creators=[author.default_pseud, co_author.default_pseud])
    series_add_work(user=author, series=series, work=shared)
    run_tasks()
    # The reader (an account) may see a restricted work; its own co-creator is not told.
    assert list(InboxItem.objects.filter(work=shared).values_list("user__username",
                                                                  flat=True)) == ["carol"]
    assert "Members" in _inbox(reader)


def test_an_anonymous_part_does_not_name_its_creator(author, reader, series, run_tasks,
                                                     mailoutbox):
    subscription_create(user=reader, series=series)
    subscription_create(user=UserFactory(username="erin"), creator=author)
    hidden = WorkFactory(author=author, title="Masked")
    Work.objects.filter(pk=hidden.pk).update(anonymous=True)  # (no form sets it yet)
    run_tasks()  # its posting: nobody told, it being anonymous
    assert not InboxItem.objects.exists()
    series_add_work(user=author, series=series, work=hidden)
    run_tasks()
    item = InboxItem.objects.get(work=hidden)  # the creator's subscriber hears nothing
    assert item.user == reader and item.actor_name == "Anonymous"
    assert "alice" not in mailoutbox[0].body.split("--")[0]


def test_a_part_removed_before_the_task_runs_tells_nobody(author, reader, series, run_tasks):
    from fichive.series.services import series_remove_work

    subscription_create(user=reader, series=series)
    later = WorkFactory(author=author)
    series_add_work(user=author, series=series, work=later)
    series_remove_work(user=author, series=series, work=later)
    run_tasks()
    assert not InboxItem.objects.filter(work=later).exists()


def test_a_new_part_for_500_series_subscribers_is_one_queued_task(
        author, series, run_tasks, mailoutbox):
    import time

    from django_tasks_db.models import DBTaskResult

    from fichive.accounts.models import User
    from tests.inbox.conftest import commit_now

    User.objects.bulk_create([User(username=f"fan{i}", email=f"fan{i}@example.org",
                                   password="!") for i in range(500)])
    fans = list(User.objects.filter(username__startswith="fan"))
    Subscription.objects.bulk_create([Subscription(user=u, series=series) for u in fans])
    before = set(DBTaskResult.objects.values_list("pk", flat=True))
    later = WorkFactory(author=author, title="Later")
    run_tasks()  # its posting alone: nobody subscribes to alice
    series_add_work(user=author, series=series, work=later)
    commit_now()
    queued = list(DBTaskResult.objects.exclude(pk__in=before).filter(status="READY")
                  .exclude(task_path__startswith="fichive.recommendations.")
                  .values_list("task_path", flat=True))
    assert queued == ["fichive.inbox.tasks.deliver_series_part"]
    assert not InboxItem.objects.filter(work=later).exists()  # never in the request

    started = time.perf_counter()
    run_tasks()
    elapsed = time.perf_counter() - started
    assert InboxItem.objects.filter(work=later, kind="part").count() == 500
    assert len(mailoutbox) == 500
    print(f"500 series subscribers: items and mail in {elapsed:.2f} s")
