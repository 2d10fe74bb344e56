"""Daily counts are recorded as the counters change: hits when the buffer is flushed (once
per visitor per work per day, on the hit's day), kudos, comment threads, public bookmarks and
subscriptions in the services that move them, with negative changes when things go; the rows
of a deleted work go with it; the backfill makes the rows add up to the counters."""

from __future__ import annotations

import datetime
import importlib
import time

import pytest
from django.apps import apps
from django.db.models import Sum
from django.test import Client

from fichive.accounts.models import User
from fichive.bookmarks.services import (
    BookmarkData,
    bookmark_create,
    bookmark_delete,
    bookmark_update,
)
from fichive.comments import ratelimit
from fichive.comments.services import comment_delete, comment_hide, comment_post, comment_unhide
from fichive.readings.buffer import reads
from fichive.readings.services import day_date, day_number
from fichive.stats.models import WorkStatDay
from fichive.stats.services import Counts, today, work_stats_add
from fichive.subscriptions.models import Subscription
from fichive.subscriptions.services import subscription_create, subscription_delete
from fichive.works.models import Work
from fichive.works.services import work_delete
from tests.factories import UserFactory, WorkFactory
from tests.stats.conftest import shown, this_year

pytestmark = pytest.mark.django_db

DAY = 86400.0


def rows_of(work: Work) -> dict[datetime.date, dict[str, int]]:
    return {row["day"]: {k: v for k, v in row.items() if k != "day"}
            for row in WorkStatDay.objects.filter(work=work).values(
                "day", "hits", "kudos", "comment_threads", "bookmarks", "subscriptions")}


def sums_of(work: Work) -> dict[str, int]:
    found = WorkStatDay.objects.filter(work_id=work.pk).aggregate(
        hits=Sum("hits"), kudos=Sum("kudos"), comment_threads=Sum("comment_threads"),
        bookmarks=Sum("bookmarks"), subscriptions=Sum("subscriptions"))
    return {k: v or 0 for k, v in found.items()}


@pytest.fixture
def no_rate_limit(monkeypatch) -> None:
    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)


# --- hits --------------------------------------------------------------------------------


def test_a_flush_records_each_days_new_hits_on_that_day(work):
    noon = (time.time() // DAY) * DAY + DAY / 2
    for visitor in ("u1", "u2", "gabc", "u1"):
        reads.hit(work.pk, visitor, at=noon)
    reads.hit(work.pk, "u1", at=noon - DAY)
    reads.flush(now=noon)

    today_, yesterday = day_date(day_number(noon)), day_date(day_number(noon - DAY))
    assert rows_of(work) == {
        today_: {"hits": 3, "kudos": 0, "comment_threads": 0, "bookmarks": 0,
                 "subscriptions": 0},
        yesterday: {"hits": 1, "kudos": 0, "comment_threads": 0, "bookmarks": 0,
                    "subscriptions": 0}}
    assert Work.objects.get(pk=work.pk).hits == 4

    # The same visitors again the same day: counted once, so nothing more is recorded.
    reads.discard()
    for visitor in ("u1", "u2", "u3"):
        reads.hit(work.pk, visitor, at=noon + 60)
    reads.flush(now=noon + 60)
    assert rows_of(work)[today_]["hits"] == 4
    assert Work.objects.get(pk=work.pk).hits == 5


def test_hits_on_many_works_in_one_flush_make_one_row_per_work(author):
    works = [WorkFactory(author=author) for _ in range(4)]
    noon = (time.time() // DAY) * DAY + DAY / 2
    for n, work in enumerate(works):
        for v in range(n + 1):
            reads.hit(work.pk, f"u{v}", at=noon)
    reads.flush(now=noon)
    assert [sums_of(w)["hits"] for w in works] == [1, 2, 3, 4]
    assert WorkStatDay.objects.filter(work__in=works).count() == 4


def test_hits_on_a_work_deleted_before_the_flush_leave_no_row(author):
    kept, gone = WorkFactory(author=author), WorkFactory(author=author)
    reads.hit(kept.pk, "u1")
    reads.hit(gone.pk, "u1")
    work_delete(user=author, work=gone)
    reads.flush()
    assert sums_of(kept)["hits"] == 1
    assert not WorkStatDay.objects.filter(work_id=gone.pk).exists()


def test_hits_show_on_the_stats_page_for_this_year(author, author_client, work):
    reads.hit(work.pk, "gfeed")
    reads.hit(work.pk, "u99")
    reads.flush()
    page = shown(author_client, author.username, year=this_year())
    assert page["works"][work.pk]["hits"] == 2
    assert page["total"]["hits"] == 2


# --- kudos -------------------------------------------------------------------------------


def test_kudos_from_a_reader_and_a_guest_are_recorded_today(author, author_client, work,
                                                           reader):
    guest = Client(REMOTE_ADDR="203.0.113.9")
    assert guest.post(f"/works/{work.pk}/kudos").status_code in (200, 201, 302)
    browser = Client()
    browser.force_login(reader)
    assert browser.post(f"/works/{work.pk}/kudos").status_code in (200, 201, 302)
    assert browser.post(f"/works/{work.pk}/kudos").status_code in (302, 409)  # a second press

    assert rows_of(work)[today()]["kudos"] == 2
    page = shown(author_client, author.username, year=this_year())
    assert page["works"][work.pk]["kudos"] == 2


# --- comments ----------------------------------------------------------------------------


def test_top_level_comments_are_threads_and_replies_are_not(author, work, reader,
                                                            no_rate_limit):
    first = comment_post(work=work, user=reader, content="Wonderful.")
    comment_post(work=work, user=reader, content="Agreed.", parent=first)
    comment_post(work=work, guest_name="Passer", guest_email="p@example.org",
                 content="Me too.")
    assert rows_of(work)[today()]["comment_threads"] == 2


def test_deleting_and_hiding_threads_record_negative_changes(author, work, reader,
                                                             no_rate_limit):
    lone = comment_post(work=work, user=reader, content="Alone.")
    replied = comment_post(work=work, user=reader, content="Replied to.")
    reply = comment_post(work=work, user=author, content="Thanks!", parent=replied)
    assert sums_of(work)["comment_threads"] == 2

    comment_delete(user=reader, comment=lone)
    assert sums_of(work)["comment_threads"] == 1
    comment_delete(user=author, comment=reply)  # a reply: threads stay
    assert sums_of(work)["comment_threads"] == 1
    comment_hide(user=author, comment=replied)
    assert sums_of(work)["comment_threads"] == 0
    comment_unhide(user=author, comment=replied)
    assert sums_of(work)["comment_threads"] == 1


def test_moderated_comments_count_once_approved(author, author_client, reader, no_rate_limit):
    from fichive.comments.services import comment_approve

    work = WorkFactory(author=author)
    Work.objects.filter(pk=work.pk).update(moderated_comments=True)
    work.refresh_from_db()
    held = comment_post(work=work, user=reader, content="Held back.")
    assert sums_of(work)["comment_threads"] == 0
    comment_approve(user=author, comment=held)
    assert sums_of(work)["comment_threads"] == 1


# --- bookmarks ---------------------------------------------------------------------------


def test_public_bookmarks_count_and_private_ones_do_not(author, work, reader):
    other = UserFactory()
    public = bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                             data=BookmarkData())
    bookmark_create(user=other, work=work, pseud=other.default_pseud,
                    data=BookmarkData(private=True))
    assert sums_of(work)["bookmarks"] == 1

    bookmark_update(user=reader, bookmark=public, pseud=reader.default_pseud,
                    data=BookmarkData(private=True))
    assert sums_of(work)["bookmarks"] == 0
    bookmark_update(user=reader, bookmark=public, pseud=reader.default_pseud,
                    data=BookmarkData(private=False))
    assert sums_of(work)["bookmarks"] == 1
    bookmark_delete(user=reader, bookmark=public)
    assert sums_of(work)["bookmarks"] == 0
    assert rows_of(work)[today()]["bookmarks"] == 0


def test_a_bookmark_deleted_with_its_user_leaves_the_count(author, work):
    leaver = UserFactory()
    bookmark_create(user=leaver, work=work, pseud=leaver.default_pseud, data=BookmarkData())
    User.objects.filter(pk=leaver.pk).delete()
    assert sums_of(work)["bookmarks"] == 0


# --- subscriptions -----------------------------------------------------------------------


def test_subscribing_and_unsubscribing_are_recorded(author, author_client, work, reader):
    made, created = subscription_create(user=reader, work=work)
    assert created
    _, again = subscription_create(user=reader, work=work)
    assert not again
    subscription_create(user=reader, creator=author)  # a creator, not the work: not counted
    assert sums_of(work)["subscriptions"] == 1
    page = shown(author_client, author.username, year=this_year())
    assert page["works"][work.pk]["subscriptions"] == 1

    assert subscription_delete(user=reader, subscription_id=made.pk) is not None
    assert subscription_delete(user=reader, subscription_id=made.pk) is None
    assert sums_of(work)["subscriptions"] == 0


def test_unsubscribing_from_the_list_page_is_recorded(work, reader, reader_client):
    made, _ = subscription_create(user=reader, work=work)
    response = reader_client.post(
        f"/users/{reader.username}/subscriptions/{made.pk}/delete")
    assert response.status_code == 302
    assert not Subscription.objects.filter(pk=made.pk).exists()
    assert sums_of(work)["subscriptions"] == 0


# --- a work's deletion, the additive upsert, the backfill --------------------------------


def test_deleting_a_work_deletes_its_daily_rows(author, work, reader, no_rate_limit):
    bookmark_create(user=reader, work=work, pseud=reader.default_pseud, data=BookmarkData())
    subscription_create(user=reader, work=work)
    comment_post(work=work, user=reader, content="Gone soon.")
    assert WorkStatDay.objects.filter(work_id=work.pk).exists()
    work_delete(user=author, work=work)
    assert not Work.objects.filter(pk=work.pk).exists()
    assert not WorkStatDay.objects.filter(work_id=work.pk).exists()


def test_adding_to_a_row_adds_rather_than_replaces(work):
    day = datetime.date(2025, 3, 1)
    work_stats_add(rows=[(work.pk, day, Counts(hits=2, kudos=1)),
                         (work.pk, day, Counts(hits=3))])
    work_stats_add(rows=[(work.pk, day, Counts(hits=5, bookmarks=-1))])
    assert rows_of(work)[day] == {"hits": 10, "kudos": 1, "comment_threads": 0,
                                  "bookmarks": -1, "subscriptions": 0}


def test_the_backfill_makes_the_rows_add_up_to_the_counters(author, reader, no_rate_limit):
    work = WorkFactory(author=author)
    bookmark_create(user=reader, work=work, pseud=reader.default_pseud, data=BookmarkData())
    subscription_create(user=reader, work=work)
    comment_post(work=work, user=reader, content="Backfilled.")
    # Counts from before rows were kept (hits, and kudos an import brought).
    Work.objects.filter(pk=work.pk).update(hits=120, kudos_count=7)
    WorkStatDay.objects.all().delete()

    importlib.import_module("fichive.stats.migrations.0002_backfill").backfill(apps, None)

    assert sums_of(work) == {"hits": 120, "kudos": 7, "comment_threads": 1, "bookmarks": 1,
                             "subscriptions": 1}
    published = Work.objects.get(pk=work.pk).published
    assert rows_of(work)[published]["hits"] == 120
