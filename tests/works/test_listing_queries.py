"""Listing pages run a fixed number of queries, with 3 works or 30, filtered or not: the
count, the page, its tags and creators (one query on pages, two in the API and in search
results, which read model instances) and the sidebar counts (plus one to look up tag names
when some are given, the tag or user a listing belongs to, and a logged-in visitor)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from fichive.tags.models import Tag
from fichive.works import listing
from tests.factories import UserFactory, WorkFactory

FILTERS = ("sort=kudos&include=Fluff&exclude=Angst&rating=Mature&complete=no"
           "&crossover=exclude&words_from=1&updated_from=2000-01-01&language=en&q=story")

# URL → queries for a guest: count, page, tags and creators, sidebar, plus the listing's own
# tag or user and one query for the tag names in the filters. The API and searches read
# the page's tags, creators and gift recipients in three queries (prefetched model instances).
# FILTERS has a search (q): the page's works' scores and their best matching chapters (SQLite
# reads the works' chapter ids first, to narrow FTS5's match to their ranges).
# (+1 in SEARCH and on /api/v1/works: the page's gift recipients, prefetched; +1 more: the
# series the page's works are part of, prefetched. Pages of blurbs read both in the tags and
# creators query.)
# PostgreSQL's search time budget (search/limits.py) sets statement_timeout: inside the test's
# transaction that is a savepoint, the setting, the setting put back and the release (1 query
# in production, where the search has a transaction of its own).
BUDGET = 0 if connection.vendor == "sqlite" else 4
SEARCH = (4 if connection.vendor == "sqlite" else 3 + BUDGET) + 1
TABS = 4  # a user's pages count their works, series, bookmarks and gifts for the tabs
URLS = {
    "/works": 4,
    f"/works?{FILTERS}": 6 + SEARCH,
    "/tags/Naruto/works": 5,
    f"/tags/Naruto/works?{FILTERS}": 7 + SEARCH,
    "/users/alice/works": 5 + TABS,
    f"/users/alice/works?{FILTERS}": 7 + SEARCH + TABS,
    "/api/v1/works": 7,
    f"/api/v1/works?{FILTERS}": 6 + SEARCH,
    f"/api/v1/works?tag=Naruto&{FILTERS}": 7 + SEARCH,
}
LOGGED_IN = 2  # the session and the user
INBOX_COUNT = 1  # pages (not the API) show the logged-in user's unread inbox count


def _works(author, n: int, *, first: int = 0) -> None:
    """n works that pass FILTERS, each with several tags and two creators."""
    co_author = UserFactory()
    for i in range(first, first + n):
        WorkFactory(author=author, title=f"A Story {i}", fandoms=["Naruto"], rating="Mature",
                    creators=[author.default_pseud, co_author.default_pseud],
                    relationships=[f"A{i}/B{i}"], characters=[f"A{i}", f"B{i}"],
                    freeforms=["Fluff", f"Tag {i}"], categories=["Gen"], expected_chapters=2)
    Tag.objects.update(canonical=True)


@pytest.mark.parametrize("url", list(URLS))
@pytest.mark.parametrize("logged_in", [False, True], ids=["guest", "reader"])
def test_queries_are_the_same_for_3_and_30_works(
    client, author, reader, django_assert_num_queries, url, logged_in
):
    if logged_in:
        client.force_login(reader)
    expected = URLS[url] + (
        LOGGED_IN + (0 if url.startswith("/api/") else INBOX_COUNT) if logged_in else 0)
    _works(author, 3)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert b"A Story 2" in response.content

    _works(author, 27, first=3)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert b"A Story 29" in response.content


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_large_result_sets_reuse_their_sidebar_counts_across_pages_and_sorts(
    client, author, monkeypatch, empty_cache, django_assert_num_queries, settings
):
    settings.FICHIVE_FRAGMENT_CACHE_MB = 16  # blurbs kept, as with the default disk cache
    monkeypatch.setattr(listing, "FACET_CACHE_FROM", 3)
    _works(author, 3)
    with django_assert_num_queries(4):
        client.get("/works")
    # The count, the sidebar counts and the blurbs' tags and creators are kept: the page's
    # works are read.
    with django_assert_num_queries(1):
        response = client.get("/works?sort=title")
    assert b'<span class="name">Fluff</span> <span class="count">(3)</span>' in response.content

    # A work posted since changes the total, so the counts are worked out afresh.
    _works(author, 1, first=3)
    with django_assert_num_queries(4):
        response = client.get("/works?sort=title")
    assert b'<span class="name">Fluff</span> <span class="count">(4)</span>' in response.content


@pytest.mark.parametrize("url", list(URLS))
@pytest.mark.parametrize("kind", ["mutes", "exclusions"])
def test_queries_are_the_same_with_1_and_12_mutes_or_saved_exclusions(
    client, author, reader, django_assert_num_queries, url, kind
):
    """Mutes and saved exclusions are read from the user row (no query) and go into the
    listing's own statements; saved exclusions add one count: the listing without them, for
    "N works hidden by your saved filters"."""
    from fichive.blocking.services import user_mute
    from fichive.tags.services import tag_exclusion_add, tags_find_or_create

    client.force_login(reader)
    _works(author, 3)
    tags_find_or_create(tag_type=Tag.Type.FREEFORM, names=[f"Unwanted {i}" for i in range(12)])
    expected = URLS[url] + LOGGED_IN + (0 if url.startswith("/api/") else INBOX_COUNT) + (
        1 if kind == "exclusions" else 0)

    def add(first: int, n: int) -> None:
        for i in range(first, first + n):
            if kind == "mutes":
                user_mute(user=reader, muted=UserFactory())
            else:
                tag_exclusion_add(user=reader, name=f"Unwanted {i}")

    for first, n in ((0, 1), (1, 11)):
        add(first, n)
        cache.clear()  # (the count without saved exclusions would be kept from the last run)
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200
        assert b"A Story 2" in response.content
