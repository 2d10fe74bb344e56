"""A logged-in reader's history (/users/<name>/readings): visits recorded in batches, counted,
"Update available" after the work changes, clearing one or all, pausing, who may see it, and
its queries."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.accounts.selectors import preferences_of
from fichive.readings.models import Reading
from fichive.works.models import Work
from fichive.works.services import ChapterText, chapter_add
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

HISTORY = "/users/carol/readings"


@pytest.fixture
def tale(author) -> Work:
    return WorkFactory(author=author, title="Two Part Tale",
                       chapters=["<p>Alpha text here.</p>", "<p>Beta text here.</p>"])


def test_visits_are_recorded_and_counted(tale, reader_client, flush):
    chapter = tale.chapters.get(position=2)
    for url in (f"/works/{tale.pk}", f"/works/{tale.pk}/chapters/{chapter.pk}",
                f"/works/{tale.pk}?view_full_work=true"):
        assert reader_client.get(url).status_code == 200
    assert "Two Part Tale" not in reader_client.get(HISTORY).content.decode()  # buffered

    flush()

    page = reader_client.get(HISTORY).content.decode()
    assert "Two Part Tale" in page
    assert "Last visited:" in page
    assert "Visited 3 times" in page
    assert "Update available" not in page


def test_a_single_visit_reads_once(tale, reader_client, flush):
    reader_client.get(f"/works/{tale.pk}")
    flush()
    assert "Visited once" in reader_client.get(HISTORY).content.decode()


def test_update_available_after_a_new_chapter_until_visited_again(tale, author, reader_client,
                                                                   flush):
    reader_client.get(f"/works/{tale.pk}")
    flush()

    chapter_add(user=author, work=tale, text=ChapterText(content="<p>Gamma.</p>"))

    assert "(Update available.)" in reader_client.get(HISTORY).content.decode()
    reader_client.get(f"/works/{tale.pk}")
    flush()
    page = reader_client.get(HISTORY).content.decode()
    assert "Update available" not in page
    assert "Visited 2 times" in page


def test_latest_visited_first(author, reader_client, flush, today):
    older = WorkFactory(author=author, title="Older Read")
    newer = WorkFactory(author=author, title="Newer Read")
    reader_client.get(f"/works/{older.pk}")
    flush()
    reader_client.get(f"/works/{newer.pk}")
    flush()

    page = reader_client.get(HISTORY).content.decode()

    assert page.index("Newer Read") < page.index("Older Read")


def test_clear_one_work(tale, author, reader, reader_client, flush):
    other = WorkFactory(author=author, title="Kept In History")
    reader_client.get(f"/works/{tale.pk}")
    reader_client.get(f"/works/{other.pk}")
    flush()
    reading = Reading.objects.get(user=reader, work=tale)

    response = reader_client.post(f"{HISTORY}/{reading.pk}/delete", follow=True)

    page = response.content.decode()
    assert "The work was removed from your history." in page
    assert "Two Part Tale" not in page
    assert "Kept In History" in page


def test_clear_all_asks_first(tale, reader_client, flush):
    reader_client.get(f"/works/{tale.pk}")
    flush()

    confirm = reader_client.get(f"{HISTORY}/clear")
    assert "Are you sure?" in confirm.content.decode()
    assert "Two Part Tale" in reader_client.get(HISTORY).content.decode()

    page = reader_client.post(f"{HISTORY}/clear", follow=True).content.decode()

    assert "Your history is now empty." in page
    assert "Two Part Tale" not in page


def test_clearing_history_keeps_works_marked_for_later(tale, reader_client, flush):
    reader_client.get(f"/works/{tale.pk}")
    flush()
    reader_client.post(f"/works/{tale.pk}/mark_for_later")

    reader_client.post(f"{HISTORY}/clear")

    assert "Two Part Tale" not in reader_client.get(HISTORY).content.decode()
    assert "Two Part Tale" in reader_client.get(f"{HISTORY}?show=to-read").content.decode()


def test_paused_history_records_nothing(tale, reader, reader_client, flush):
    preference = preferences_of(reader)
    preference.history_enabled = False
    preference.save()

    reader_client.get(f"/works/{tale.pk}")
    flush()

    page = reader_client.get(HISTORY).content.decode()
    assert "Two Part Tale" not in page
    assert "Your history is paused" in page
    assert not Reading.objects.exists()
    assert Work.objects.get(pk=tale.pk).hits == 1  # a hit all the same


def test_creators_own_works_stay_out_of_their_history(tale, author_client, flush):
    author_client.get(f"/works/{tale.pk}")
    flush()
    assert "Two Part Tale" not in author_client.get("/users/alice/readings").content.decode()


def test_works_the_reader_may_no_longer_see_are_not_listed(author, reader, reader_client,
                                                           flush):
    gone = WorkFactory(author=author, title="Back To Draft", post=False)
    # A reading left from when it was posted (drafts can't be read now).
    Reading.objects.create(user=reader, work=gone, visits=2, last_visited=gone.created_at,
                           first_visited=gone.created_at)

    page = reader_client.get(HISTORY).content.decode()

    assert "Back To Draft" not in page
    assert "Your history is empty." in page


def test_deleted_works_visited_before_the_flush_are_left_out(tale, author, reader_client,
                                                             flush):
    reader_client.get(f"/works/{tale.pk}")
    tale.delete()

    flush()

    assert not Reading.objects.exists()


# --- Who may see it -----------------------------------------------------------------------


def test_guests_are_sent_to_log_in(client):
    UserFactory(username="carol")
    response = client.get(HISTORY)
    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize("url", [HISTORY, f"{HISTORY}?show=to-read", f"{HISTORY}/clear"])
def test_another_users_history_is_forbidden(reader, client, url):
    client.force_login(UserFactory(username="mallory"))
    assert client.get(url).status_code == 403
    assert client.post(f"{HISTORY}/clear").status_code == 403


def test_an_unknown_user_is_404(reader_client):
    assert reader_client.get("/users/nobody-here/readings").status_code == 404


def test_clearing_someone_elses_reading_changes_nothing(tale, reader, reader_client, stranger,
                                                        flush):
    theirs = Reading.objects.create(user=stranger, work=tale, visits=1,
                                    last_visited=tale.created_at)

    page = reader_client.post(f"{HISTORY}/{theirs.pk}/delete", follow=True).content.decode()

    assert "in your history (anymore)" in page
    assert Reading.objects.filter(pk=theirs.pk).exists()


def test_clearing_by_get_is_refused(reader_client, tale):
    assert reader_client.get(f"{HISTORY}/1/delete").status_code == 405


# --- Pages and queries --------------------------------------------------------------------


def _read_works(author, reader, count: int) -> None:
    for number in range(count):
        work = WorkFactory(author=author, title=f"Read Work {number}",
                           freeforms=[f"Tag {number}"])
        Reading.objects.create(user=reader, work=work, visits=1 + number,
                               first_visited=work.created_at, last_visited=work.created_at,
                               work_updated_seen=work.modified_at)


@pytest.mark.parametrize("count", [2, 7])
def test_history_page_runs_a_fixed_number_of_queries(author, reader, reader_client, count,
                                                     django_assert_num_queries):
    _read_works(author, reader, count)
    # Session, user (with their preferences: whether history is paused), count, page of
    # readings, blurbs (works; tags and creators), the header's inbox count.
    with django_assert_num_queries(7):
        response = reader_client.get(HISTORY)
    assert response.content.decode().count('class="reading group"') == count


def test_history_is_paginated(author, reader, reader_client):
    _read_works(author, reader, 23)

    first = reader_client.get(HISTORY).content.decode()
    second = reader_client.get(f"{HISTORY}?page=2").content.decode()

    assert first.count('class="reading group"') == 20
    assert second.count('class="reading group"') == 3
    assert "Page 2 of 2" in second
    assert "(23)" in first


def test_a_reader_on_another_address_sees_the_same_history(tale, reader, flush):
    for address in ("203.0.113.1", "198.51.100.2"):
        browser = Client(REMOTE_ADDR=address)
        browser.force_login(reader)
        browser.get(f"/works/{tale.pk}")
    flush()
    assert Reading.objects.get(user=reader, work=tale).visits == 2


@pytest.mark.usefixtures("redis_cache")
def test_visits_go_through_redis_when_configured(tale, reader, reader_client, flush):
    reader_client.get(f"/works/{tale.pk}")
    reader_client.get(f"/works/{tale.pk}")
    flush()
    reader_client.get(f"/works/{tale.pk}")
    flush()

    assert "Visited 3 times" in reader_client.get(HISTORY).content.decode()
    assert Work.objects.get(pk=tale.pk).hits == 1
