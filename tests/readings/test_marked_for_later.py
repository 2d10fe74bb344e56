"""Mark for Later: the button on every work for logged-in readers (nothing for guests, whose
page stays cacheable), written at once, its own list (/users/<name>/readings?show=to-read),
Mark as Read, who may use it, and the queries it costs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.lib.cache import CACHE_HEADER
from fichive.readings.models import Reading
from fichive.works.models import Work
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

TO_READ = "/users/carol/readings?show=to-read"


@pytest.fixture
def tale(author) -> Work:
    return WorkFactory(author=author, title="Two Part Tale",
                       chapters=["<p>Alpha text here.</p>", "<p>Beta text here.</p>"])


def test_a_reader_marks_a_work_for_later_and_finds_it_in_the_list(tale, reader_client):
    page = reader_client.get(f"/works/{tale.pk}").content.decode()
    assert "Mark for Later" in page

    response = reader_client.post(f"/works/{tale.pk}/mark_for_later",
                                  {"next": f"/works/{tale.pk}"})

    assert response.status_code == 302
    assert response["Location"] == f"/works/{tale.pk}"
    page = reader_client.get(f"/works/{tale.pk}").content.decode()
    assert "The work was added to your Marked for Later list." in page
    assert "Mark as Read" in page
    listing = reader_client.get(TO_READ).content.decode()
    assert "Two Part Tale" in listing
    assert "Not visited yet." in listing


def test_mark_as_read_takes_it_off_the_list(tale, reader_client):
    reader_client.post(f"/works/{tale.pk}/mark_for_later")

    page = reader_client.post(f"/works/{tale.pk}/mark_as_read", {"next": TO_READ},
                              follow=True).content.decode()

    assert "The work was taken off your Marked for Later list." in page
    assert "Two Part Tale" not in page
    assert "Nothing is marked for later." in page
    assert not Reading.objects.exists()


def test_marking_is_written_at_once_and_kept_with_the_history(tale, reader, reader_client,
                                                              flush):
    reader_client.get(f"/works/{tale.pk}")
    flush()
    reader_client.post(f"/works/{tale.pk}/mark_for_later")

    reading = Reading.objects.get(user=reader, work=tale)
    assert reading.to_read and reading.visits == 1
    assert "(Marked for Later.)" in reader_client.get(
        "/users/carol/readings").content.decode()
    reader_client.post(f"/works/{tale.pk}/mark_as_read")
    assert Reading.objects.get(user=reader, work=tale).visits == 1  # history stays


def test_marking_twice_keeps_one_entry(tale, reader_client):
    reader_client.post(f"/works/{tale.pk}/mark_for_later")
    reader_client.post(f"/works/{tale.pk}/mark_for_later")
    assert Reading.objects.count() == 1


def test_the_chapter_and_whole_work_pages_carry_the_button(tale, reader_client):
    chapter = tale.chapters.get(position=2)
    for url in (f"/works/{tale.pk}/chapters/{chapter.pk}",
                f"/works/{tale.pk}?view_full_work=true"):
        assert f'action="/works/{tale.pk}/mark_for_later"' in reader_client.get(
            url).content.decode()


def test_guests_see_no_button_and_their_page_stays_cached(tale, guest):
    first = guest("203.0.113.1").get(f"/works/{tale.pk}")
    second = guest("203.0.113.2").get(f"/works/{tale.pk}")

    assert "Mark for Later" not in first.content.decode()
    assert first[CACHE_HEADER] == "miss"
    assert second[CACHE_HEADER] == "hit"
    assert first.content == second.content


def test_creators_see_no_button_on_their_own_work(tale, author_client):
    assert "Mark for Later" not in author_client.get(f"/works/{tale.pk}").content.decode()


def test_guests_are_sent_to_log_in(tale, client):
    response = client.post(f"/works/{tale.pk}/mark_for_later")
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert not Reading.objects.exists()


def test_works_the_reader_cannot_see_are_404(author, reader_client, client):
    draft = WorkFactory(author=author, post=False)
    assert reader_client.post(f"/works/{draft.pk}/mark_for_later").status_code == 404
    assert reader_client.post(f"/works/{draft.pk + 1000}/mark_for_later").status_code == 404
    assert not Reading.objects.exists()


def test_a_reader_may_mark_a_restricted_work(author, reader_client):
    locked = WorkFactory(author=author, title="Members Only", restricted=True)
    reader_client.post(f"/works/{locked.pk}/mark_for_later")
    assert "Members Only" in reader_client.get(TO_READ).content.decode()


def test_marking_by_get_is_refused(tale, reader_client):
    assert reader_client.get(f"/works/{tale.pk}/mark_for_later").status_code == 405
    assert not Reading.objects.exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_a_foreign_next_goes_back_to_the_work(tale, reader_client, target):
    response = reader_client.post(f"/works/{tale.pk}/mark_for_later", {"next": target})
    assert response["Location"] == f"/works/{tale.pk}"


def test_the_work_page_costs_the_same_queries_marked_or_not(tale, reader_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reader_client.get(f"/works/{tale.pk}").status_code == 200
        return len(captured)

    for _ in range(2):  # the work gets a version, then what every reader sees is kept
        reader_client.get(f"/works/{tale.pk}")
    unmarked = queries()
    reader_client.post(f"/works/{tale.pk}/mark_for_later")
    reader_client.get(f"/works/{tale.pk}")  # shows the flash message once
    assert queries() == unmarked


@pytest.mark.parametrize("count", [2, 6])
def test_the_list_runs_a_fixed_number_of_queries(author, reader, reader_client, count,
                                                 django_assert_num_queries):
    for number in range(count):
        work = WorkFactory(author=author, title=f"Later Work {number}")
        Reading.objects.create(user=reader, work=work, to_read=True,
                               marked_at=work.created_at)
    # Session, user, count, page of readings, blurbs (works; tags and creators), the
    # header's inbox count.
    with django_assert_num_queries(7):
        response = reader_client.get(TO_READ)
    assert response.content.decode().count('class="reading group"') == count
