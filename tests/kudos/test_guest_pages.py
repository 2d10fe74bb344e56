"""Kudos on guests' cached pages: every guest gets the same kudos section (no CSRF token, no
viewer's state), so the page is still stored by the page cache; a kudos shows on guests' next
request; listings stay cached. Each test runs with the local-memory cache and a real Redis."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fichive.kudos import services
from tests.factories import WorkFactory
from tests.works.helpers import html

pytestmark = pytest.mark.usefixtures("cache_backend")

CACHE = "X-Fichive-Cache"


def _kudos_html(page: str) -> str:
    button = re.search(r'<li id="kudos-action".*?</li>', page, re.S)
    sentence = re.search(r'<div id="kudos".*?</div>', page, re.S)
    assert button and sentence
    return button.group(0) + sentence.group(0)


@pytest.fixture
def story(author):
    return WorkFactory(author=author, title="Cached Tale",
                       chapters=["<p>First part.</p>", "<p>Second part.</p>"])


def _urls(work) -> list[str]:
    chapter = work.chapters.get(position=2)
    return [f"/works/{work.pk}", f"/works/{work.pk}/chapters/{chapter.pk}",
            f"/works/{work.pk}?view_full_work=true"]


def test_two_guests_see_byte_identical_kudos_sections_and_the_page_is_cached(story, reader):
    services.kudos_leave(work=story, user=reader)
    services.kudos_leave(work=story, guest_hash="c" * 64)
    for url in _urls(story):
        first = Client(REMOTE_ADDR="192.0.2.1", enforce_csrf_checks=True).get(url)
        second = Client(REMOTE_ADDR="192.0.2.2", enforce_csrf_checks=True).get(url)
        assert first[CACHE] == "miss" and second[CACHE] == "hit"
        assert _kudos_html(html(first)) == _kudos_html(html(second))
        assert "csrfmiddlewaretoken" not in html(first)
        assert ">carol</a> and 1 guest left kudos on this work!" in html(first)


def test_a_logged_in_readers_state_never_reaches_guests(story, reader, reader_client):
    guest_before = _kudos_html(html(Client().get(f"/works/{story.pk}")))
    services.kudos_leave(work=story, user=reader)
    own = html(reader_client.get(f"/works/{story.pk}"))
    assert "You left kudos on this work." in own
    guest_after = html(Client().get(f"/works/{story.pk}"))
    assert "You left kudos" not in guest_after and "csrfmiddlewaretoken" not in guest_after
    # The same form as before, only the sentence has news.
    assert guest_before.split("<div")[0] == _kudos_html(guest_after).split("<div")[0]


def test_a_guests_kudos_shows_on_every_guests_next_request(story):
    urls = _urls(story)
    for url in urls:
        Client().get(url)
        assert Client().get(url)[CACHE] == "hit"

    presser = Client(REMOTE_ADDR="192.0.2.50")
    response = presser.post(f"/works/{story.pk}/kudos", {"next": urls[1]}, follow=True)
    assert "Thank you for the kudos!" in html(response)  # the presser's page: not shared

    for url in urls:
        fresh = Client().get(url)
        assert fresh[CACHE] == "miss"
        assert "1 guest left kudos on this work!" in html(fresh)
        assert re.search(r'<dt class="kudos">Kudos:</dt><dd class="kudos"><a href="#kudos">1<',
                         html(fresh))


def test_a_kudos_leaves_listings_cached(story, reader_client):
    for url in ["/works", "/tags/Original%20Work/works"]:
        Client().get(url)
        assert Client().get(url)[CACHE] == "hit"
    reader_client.post(f"/works/{story.pk}/kudos")
    for url in ["/works", "/tags/Original%20Work/works"]:
        assert Client().get(url)[CACHE] == "hit"


def test_the_full_list_is_cached_for_guests_and_retired_by_a_kudos(story, reader):
    url = f"/works/{story.pk}/kudos"
    Client().get(url)
    assert Client().get(url)[CACHE] == "hit"
    services.kudos_leave(work=story, user=reader)
    fresh = Client().get(url)
    assert fresh[CACHE] == "miss" and "carol" in html(fresh)
