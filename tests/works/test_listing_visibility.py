"""Who sees what in listings: restricted works are never listed, counted in the total or in
the sidebar for guests but are for anyone logged in; drafts are never listed or counted, not
even for their creator."""

from __future__ import annotations

import pytest

from fichive.tags.models import Tag
from tests.factories import WorkFactory
from tests.works.listing_pages import heading, sidebar, titles

LISTINGS = ["/works", "/tags/Naruto/works", "/users/alice/works",
            "/works?include=Fluff&sort=kudos", "/tags/Fluff/works?exclude=Angst"]


@pytest.fixture
def mixed(author):
    """An open work, a restricted one with a tag of its own, and a draft with another."""
    common = {"fandoms": ["Naruto"], "freeforms": ["Fluff"]}
    WorkFactory(author=author, title="Open Story", **common)
    WorkFactory(author=author, title="Members Story", restricted=True,
                characters=["Secret Character"], **common)
    WorkFactory(author=author, title="Draft Story", post=False, characters=["Draft Character"],
                **common)
    Tag.objects.filter(name__in=["Naruto", "Fluff", "Secret Character", "Draft Character"]
                       ).update(canonical=True)


@pytest.mark.parametrize("url", LISTINGS)
def test_guests_see_and_count_only_open_works(client, mixed, url):
    response = client.get(url)

    assert titles(response) == ["Open Story"]
    assert heading(response).startswith("1 - 1 of 1 Work")
    groups = sidebar(response)
    assert groups["Fandoms"] == [("Naruto", 1)]
    assert "Characters" not in groups


@pytest.mark.parametrize("url", LISTINGS)
def test_logged_in_readers_see_restricted_works_but_no_drafts(reader_client, mixed, url):
    response = reader_client.get(url)

    assert sorted(titles(response)) == ["Members Story", "Open Story"]
    assert heading(response).startswith("1 - 2 of 2 Works")
    groups = sidebar(response)
    assert groups["Fandoms"] == [("Naruto", 2)]
    assert groups["Characters"] == [("Secret Character", 1)]


def test_creators_dont_find_their_drafts_in_listings(author_client, mixed):
    for url in LISTINGS:
        response = author_client.get(url)
        assert "Draft Story" not in titles(response), url
        assert "Draft Character" not in str(sidebar(response)), url


def test_filtering_by_a_restricted_works_tag_finds_nothing_for_guests(client, mixed):
    response = client.get("/works?include=Secret Character")

    assert titles(response) == []
    assert heading(response) == "Works"
    assert client.get("/tags/Secret Character/works").status_code == 200
    assert titles(client.get("/tags/Secret Character/works")) == []
