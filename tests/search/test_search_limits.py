"""What one search may cost: the query's limits, the time budget that answers "too broad"
instead of running on, and searches per minute for one visitor. Runs on SQLite and on
PostgreSQL (the budget's stop is each backend's own: a progress handler, statement_timeout)."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from fichive.search.limits import SearchTooBroad, search_budget
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

TOO_BROAD = "matches too much to finish in time"


@pytest.fixture
def shelf(author):
    return WorkFactory(author=author, title="Dragon Tea", fandoms=["Original Work"],
                       chapters=["<p>Tea with a dragon under the pier.</p>"])


# --- The query's limits ---------------------------------------------------------------------

@pytest.mark.parametrize(("q", "message"), [
    ("words>²", "words needs a whole number"),
    ("chapters:³", "chapters needs a whole number"),
    ("kudos>1²k", "kudos needs a whole number"),
    ("hits>99999999999999999999999", "numbers up to 2,147,483,647"),
    ("e*", "put at least 3 letters before a *"),
    ("dragon -te*", "put at least 3 letters before a *"),
    ("dra* pie* tea* lan* har* fer*", "at most 5 words ending in *"),
])
def test_queries_past_the_limits_are_refused_with_a_reason_on_every_surface(
        client, shelf, q, message):
    page = client.get("/works/search", {"q": q})
    assert page.status_code == 400
    assert message in page.content.decode()
    api = client.get("/api/v1/works", {"q": q})
    assert api.status_code == 400
    assert message in " ".join(json.loads(api.content)["errors"]["q"])
    assert client.get("/tags/Original%20Work/works", {"q": q}).status_code == 400
    assert client.get("/works/search/feed.atom", {"q": q}).status_code == 400
    assert client.get("/opds/search", {"q": q}).status_code == 400


def test_searches_within_the_limits_still_work(client, shelf):
    response = client.get("/api/v1/works", {"q": "dra* pie* tea* und* wit* words<١٠٠٠"})
    assert response.status_code == 200
    assert [w["title"] for w in json.loads(response.content)["works"]] == ["Dragon Tea"]


# --- The time budget ------------------------------------------------------------------------

def _counting(to: int) -> str:
    """A statement that counts to `to`, one row at a time (a billion: many seconds)."""
    statement = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                 "WHERE i < {to}) SELECT count(*) FROM n")
    return statement.format(to=int(to))


def test_a_statement_running_past_the_budget_is_stopped_and_the_connection_still_works():
    with (pytest.raises(SearchTooBroad), search_budget(seconds=0.2),
          connection.cursor() as cursor):
        cursor.execute(_counting(1_000_000_000))
        cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_no_statement_starts_once_the_budget_has_run_out():
    with (pytest.raises(SearchTooBroad), search_budget(seconds=1e-9),
          connection.cursor() as cursor):
        cursor.execute("SELECT 1")


def test_a_search_within_its_budget_leaves_the_connection_as_it_was():
    def timeout() -> str | None:
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    before = timeout()
    with search_budget(seconds=5), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert timeout() == before
    with connection.cursor() as cursor:  # SQLite: no progress handler left behind
        cursor.execute(_counting(200_000))
        assert cursor.fetchone() == (200000,)


def test_a_search_past_the_budget_says_too_broad_on_every_surface(client, shelf, settings):
    settings.FICHIVE_SEARCH_TIME_LIMIT = 1e-9
    page = client.get("/works/search", {"q": "dragon"})
    assert page.status_code == 400
    assert TOO_BROAD in page.content.decode()
    assert 'value="dragon"' in page.content.decode()  # the query is kept, to narrow it
    api = client.get("/api/v1/works", {"q": "dragon"})
    assert api.status_code == 400
    assert TOO_BROAD in json.loads(api.content)["errors"]["q"][0]
    for url in ("/works/search/feed.atom", "/opds/search"):
        response = client.get(url, {"q": "dragon"})
        assert response.status_code == 400, url
        assert TOO_BROAD in response.content.decode(), url
    # Listings without words to search don't spend the budget.
    assert client.get("/works", {"q": "words>1"}).status_code == 200
    assert client.get("/works").status_code == 200


def test_a_search_stopped_at_the_budget_is_refused_at_once_when_asked_again(
        client, shelf, settings):
    settings.FICHIVE_SEARCH_TIME_LIMIT = 1e-9
    assert client.get("/works/search", {"q": "dragon"}).status_code == 400
    settings.FICHIVE_SEARCH_TIME_LIMIT = 60
    # The same search (any page of it) is refused without running; another one runs.
    assert client.get("/works/search", {"q": "dragon", "page": "2"}).status_code == 400
    assert client.get("/works/search", {"q": "dragon tea"}).status_code == 200


# --- Searches per minute --------------------------------------------------------------------

def test_searches_are_limited_per_visitor_and_say_when_to_try_again(client, shelf, settings):
    settings.FICHIVE_SEARCH_PER_MINUTE = 3
    for q in ("dragon", "tea", "pier"):
        assert client.get("/works/search", {"q": q}).status_code == 200
    refused = client.get("/works/search", {"q": "lantern"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "You have searched 3 times in the last minute" in refused.content.decode()
    api = client.get("/api/v1/works", {"q": "dragon"})
    assert api.status_code == 429
    assert api["Content-Type"] == "application/problem+json"
    assert client.get("/people/search", {"q": "someone"}).status_code == 429
    # Browsing without a search, and the tag autocomplete, are not searches.
    assert client.get("/works").status_code == 200
    assert client.get("/works/search").status_code == 200
    for _ in range(5):
        assert client.get("/tags/autocomplete", {"term": "ori"}).status_code == 200


def test_the_help_page_states_the_prefix_limits(client):
    text = client.get("/search/help").content.decode()
    assert "at least 3 letters before the *, and at most 5 such words" in text
