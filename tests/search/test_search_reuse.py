"""Searches reuse their ranking: a search's count and ranked works are kept under the listings'
version, so repeating it (or paging back) doesn't rank every match again. What a search shows
still follows every change, and no kept ranking shows a visitor a work they may not see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.works.models import Work
from fichive.works.services import work_delete
from tests.factories import WorkFactory
from tests.works.listing_pages import heading, titles

pytestmark = pytest.mark.django_db

SEARCHES = ["/works/search?q=lantern", "/works/search?q=lantern+-storm",
            '/works/search?q="the+lantern"', "/works/search?q=lantern+OR+harbour&page=1",
            "/tags/Naruto/works?q=lantern"]
# Every ranking reads the search index's tables (FTS5 or the tsvector columns).
INDEX_TABLES = ("search_work_fts", "search_chapter_fts", "search_workdocument",
                "search_chapterdocument")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """These are about the ranking's own cache; guests' whole-page cache, which changes
    reach through content_changed, has its tests in tests/works/test_page_cache.py."""
    settings.FICHIVE_PAGE_CACHE = False


@pytest.fixture
def shelf(author):
    lantern = "<p>She carried the lantern down to the harbour.</p>"
    return [WorkFactory(author=author, title=f"Lantern {i}", fandoms=["Naruto"],
                        chapters=[lantern * (i + 1)]) for i in range(3)]


def _index_reads(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if any(t in q["sql"] for t in INDEX_TABLES)]


@pytest.mark.parametrize("url", SEARCHES)
def test_a_repeated_search_does_not_rank_again(client, shelf, url, cache_backend):
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)

    assert titles(again) == titles(first) != []
    assert heading(again) == heading(first)
    # Only the page's passages read the index again (the best chapters are kept).
    assert not [sql for sql in _index_reads(queries) if "COUNT(*) OVER" in sql]


@pytest.mark.parametrize("url", SEARCHES)
def test_a_newly_posted_work_is_found_by_the_next_search(client, author, shelf, url):
    before = titles(client.get(url))

    WorkFactory(author=author, title="Fresh Lantern", fandoms=["Naruto"],
                chapters=["<p>She lit the lantern in the window.</p>"])

    after = titles(client.get(url))
    assert sorted(after) == sorted([*before, "Fresh Lantern"])


def test_a_deleted_work_leaves_the_next_search(client, author, shelf):
    client.get("/works/search?q=lantern")

    work_delete(user=author, work=shelf[0])

    assert "Lantern 0" not in titles(client.get("/works/search?q=lantern"))


def test_a_kept_ranking_never_shows_a_guest_a_work_restricted_since(client, shelf):
    """A change the cache wasn't told of (another process, an edit by hand): the kept
    ranking names the work, but the page reads works through the guest's own query."""
    assert "Lantern 1" in titles(client.get("/works/search?q=lantern"))

    Work.objects.filter(pk=shelf[1].pk).update(restricted=True)

    assert "Lantern 1" not in titles(client.get("/works/search?q=lantern"))


def test_guests_and_members_keep_rankings_of_their_own(client, reader, author, shelf):
    WorkFactory(author=author, title="Members Lantern", restricted=True,
                chapters=["<p>A lantern for members only.</p>"])
    client.force_login(reader)
    assert "Members Lantern" in titles(client.get("/works/search?q=lantern"))

    client.logout()

    assert "Members Lantern" not in titles(client.get("/works/search?q=lantern"))
    assert heading(client.get("/works/search?q=lantern")).startswith("1 - 3 of 3 ")
