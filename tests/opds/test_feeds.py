"""The acquisition feeds' pagination, facets and sorts, a reader's own lists, bad input (never
a 500) and the feeds' query counts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.readings.buffer import reads
from fichive.readings.services import reading_mark_for_later
from fichive.subscriptions.services import subscription_create
from fichive.works.listing import PER_PAGE
from tests.factories import UserFactory, WorkFactory
from tests.opds.conftest import NS, entry_titles, feed_of, link_of, local

FACET = "http://opds-spec.org/facet"


@pytest.fixture
def many(author):
    return [WorkFactory(author=author, title=f"Tale {n:02d}") for n in range(PER_PAGE + 3)]


def test_pages_link_first_previous_next_and_last(guest, many):
    first = feed_of(guest.get("/opds/works?sort=title&order=asc"), "acquisition")
    assert len(entry_titles(first)) == PER_PAGE
    assert first.find("a:link[@rel='previous']", NS) is None
    assert local(link_of(first, "next")) == "/opds/works?sort=title&order=asc&page=2"
    assert local(link_of(first, "last")).endswith("page=2")
    assert first.findtext("os:totalResults", namespaces=NS) == str(PER_PAGE + 3)

    second = feed_of(guest.get(local(link_of(first, "next"))), "acquisition")

    assert entry_titles(second) == ["Tale 20", "Tale 21", "Tale 22"]
    assert second.find("a:link[@rel='next']", NS) is None
    assert local(link_of(second, "previous")).endswith("page=1")
    assert local(link_of(second, "first")).endswith("page=1")


def test_a_page_past_the_end_is_an_empty_feed(guest, many):
    root = feed_of(guest.get("/opds/works?page=9"), "acquisition")

    assert entry_titles(root) == []
    assert local(link_of(root, "previous")).endswith("page=2")


def test_facets_offer_sorts_completion_and_ratings_with_the_active_one_marked(guest, author):
    WorkFactory(author=author, title="Done", complete=True, rating="Mature")
    WorkFactory(author=author, title="Ongoing", rating="General Audiences")

    root = feed_of(guest.get("/opds/works?sort=kudos&complete=yes"), "acquisition")

    facets = root.findall(f"a:link[@rel='{FACET}']", NS)
    groups: dict[str, list[tuple[str, bool]]] = {}
    for link in facets:
        assert link.get("type").endswith("kind=acquisition")
        groups.setdefault(link.get(f"{{{NS['opds']}}}facetGroup"), []).append(
            (link.get("title"), link.get(f"{{{NS['opds']}}}activeFacet") == "true"))
    assert [t for t, _ in groups["Sort by"]] == ["Date Updated", "Kudos", "Hits", "Word Count"]
    assert [t for t, active in groups["Sort by"] if active] == ["Kudos"]
    assert [t for t, active in groups["Completion"] if active] == ["Complete works only"]
    assert [t for t, active in groups["Rating"] if active] == ["Any rating"]
    assert entry_titles(root) == ["Done"]
    mature = root.find(f"a:link[@rel='{FACET}'][@title='Mature']", NS).get("href")
    assert "sort=kudos" in mature and "complete=yes" in mature
    rated = feed_of(guest.get(local(mature)), "acquisition")
    assert entry_titles(rated) == ["Done"]
    assert rated.find("a:link[@title='Mature']", NS).get(
        f"{{{NS['opds']}}}activeFacet") == "true"


def test_new_and_popular_sort_links(guest, author):
    WorkFactory(author=author, title="Older")
    WorkFactory(author=author, title="Newer")

    root = feed_of(guest.get("/opds/works?complete=all"), "acquisition")

    new = local(link_of(root, "http://opds-spec.org/sort/new"))
    popular = local(link_of(root, "http://opds-spec.org/sort/popular"))
    assert "sort=posted" in new and "complete=all" in new
    assert "sort=kudos" in popular
    assert entry_titles(feed_of(guest.get(new), "acquisition")) == ["Newer", "Older"]


@pytest.mark.parametrize(("url", "status", "says"), [
    ("/opds/works?sort=sideways", 400, "is not a sort"),
    ("/opds/works?page=two", 400, "whole number"),
    ("/opds/works?complete=maybe", 400, "completion"),
    ("/opds/works?rating=Spicy", 400, "not a rating"),
    ("/opds/works?words_from=9&words_to=1", 400, "comes before its start"),
    ("/opds/search?q=" + "x" * 3000, 400, "characters"),
    ("/opds/search?q=%22unclosed", 0, ""),
    ("/opds/search?q=(((", 0, ""),
    ("/opds/tags/No%20Such%20Tag", 404, "No such tag"),
    ("/opds/tags/No%20Such%20Tag/works", 404, "No such tag"),
    ("/opds/fandoms/not-a-media", 404, "No such media"),
    ("/opds/v2/works?sort=sideways", 400, "is not a sort"),
    ("/opds/v2/tags/Nope/works", 404, "No such tag"),
    ("/opds/works?include=%00", 400, "NUL"),
    ("/opds/works?exclude=a%00b", 400, "NUL"),
    ("/opds/tags/a%00b", 400, "NUL"),
    ("/opds/tags/a%00b/works", 400, "NUL"),
    ("/opds/works?language=xx-nope", 400, "language"),
])
def test_bad_input_is_answered_plainly_never_with_a_500(guest, work, url, status, says):
    response = guest.get(url)

    assert response.status_code < 500
    if status:
        assert response.status_code == status
    if says:
        assert says in response.content.decode()


def test_marked_for_later_history_subscriptions_and_bookmarks(author, reader, reader_client,
                                                            client):
    later = WorkFactory(author=author, title="To Read")
    read = WorkFactory(author=author, title="Read It")
    followed = WorkFactory(author=author, title="Followed")
    kept = WorkFactory(author=author, title="Kept")
    other = UserFactory(username="other")
    by_other = WorkFactory(author=other, title="By Other")
    WorkFactory(author=UserFactory(username="nobody"), title="Unrelated")
    reading_mark_for_later(user=reader, work=later)
    subscription_create(user=reader, work=followed)
    subscription_create(user=reader, creator=other)
    bookmark_create(user=reader, work=kept, pseud=reader.default_pseud, data=BookmarkData())
    reads.discard()
    reader_client.get(f"/works/{read.pk}")
    reads.flush()

    def titles(url: str) -> list[str]:
        return sorted(entry_titles(feed_of(reader_client.get(url), "acquisition")))

    assert titles("/opds/me/later") == ["To Read"]
    assert titles("/opds/me/history") == ["Read It"]
    assert titles("/opds/me/subscriptions") == ["By Other", "Followed"]
    assert titles("/opds/me/bookmarks") == ["Kept"]
    assert by_other.pk


@pytest.mark.parametrize("url", ["/opds/works", "/opds/works?sort=kudos&complete=yes",
                                 "/opds/tags/Original%20Work/works", "/opds/search?q=tale"])
def test_a_feed_costs_the_same_queries_for_two_works_or_twenty(url, author, client,
                                                               django_assert_num_queries):
    WorkFactory(author=author, title="Tale A", complete=True)
    WorkFactory(author=author, title="Tale B", complete=True)
    cache.clear()  # nothing kept from the posting: both reads start cold
    with CaptureQueriesContext(connection) as few:
        feed_of(client.get(url), "acquisition")
    for n in range(18):
        WorkFactory(author=author, title=f"Tale {n}", complete=True,
                    characters=[f"Person {n}"], freeforms=[f"Theme {n}"])
    cache.clear()
    with django_assert_num_queries(len(few)):
        root = feed_of(client.get(url), "acquisition")
    assert len(entry_titles(root)) == 20


def test_reverse_names_of_both_versions():
    assert reverse("opds:root") == "/opds/"
    assert reverse("opds:v2-root") == "/opds/v2/"
    assert Client  # the test client is what reading apps stand in for


def test_guests_feeds_come_from_the_page_cache_until_the_works_change(author, reader):
    WorkFactory(author=author, title="First")
    guest = Client()
    assert guest.get("/opds/works")["X-Fichive-Cache"] == "miss"
    assert guest.get("/opds/works")["X-Fichive-Cache"] == "hit"
    WorkFactory(author=author, title="Members", restricted=True)
    WorkFactory(author=author, title="Second")

    fresh = guest.get("/opds/works")

    assert fresh["X-Fichive-Cache"] == "miss"
    assert entry_titles(feed_of(fresh, "acquisition")) == ["Second", "First"]
    logged_in = Client()
    logged_in.force_login(reader)
    response = logged_in.get("/opds/works")
    assert "X-Fichive-Cache" not in response
    assert sorted(entry_titles(feed_of(response, "acquisition"))) == ["First", "Members",
                                                                      "Second"]
