"""Restricted works: invisible to guests on every surface, visible to anyone logged in."""

from __future__ import annotations

import pytest

from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.works.helpers import html, sent_to_log_in


@pytest.fixture
def restricted(author):
    return WorkFactory(author=author, title="Members Only Tale", restricted=True,
                       chapters=["<p>Hidden one.</p>", "<p>Hidden two.</p>"],
                       relationships=["Keeper/Lamplighter"])


def _pages(work: Work) -> list[str]:
    chapter = work.chapters.get(position=2)
    return [
        f"/works/{work.pk}",
        f"/works/{work.pk}?view_full_work=true",
        f"/works/{work.pk}/chapters/{chapter.pk}",
        f"/works/{work.pk}/navigate",
        f"/api/v1/works/{work.pk}",
        f"/api/v1/works/{work.pk}/chapters/2",
    ]


LISTINGS = ["/", "/works", "/users/alice/works", "/users/alice",
            "/tags/Keeper*s*Lamplighter/works", "/tags/Original Work/works"]


def test_restricted_work_sends_guests_to_log_in_and_is_a_404_in_the_api(restricted, client):
    for url in _pages(restricted):
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 404, url
            assert response.json()["detail"] == "No such work.", url
        else:
            assert sent_to_log_in(response), url


def test_restricted_work_is_missing_from_listings_for_guests(restricted, client):
    for url in LISTINGS:
        response = client.get(url)
        if url.startswith("/tags/"):
            # A tag used only on restricted works (here, both: neither is canonical) is
            # unknown to guests (tags.selectors).
            assert response.status_code == 404, url
            continue
        assert response.status_code == 200, url
        assert "Members Only Tale" not in html(response), url


def test_restricted_work_is_shown_to_any_logged_in_user(restricted, reader_client):
    for url in _pages(restricted):
        assert reader_client.get(url).status_code == 200, url
    assert "Hidden one." in html(reader_client.get(f"/works/{restricted.pk}"))


def test_restricted_work_is_listed_for_logged_in_users_with_a_lock(restricted, reader_client):
    for url in LISTINGS:
        page = html(reader_client.get(url))
        assert "Members Only Tale" in page, url
        assert 'class="lock"' in page, url


def test_guests_still_see_the_unrestricted_works(restricted, author, client):
    WorkFactory(author=author, title="Open To All")

    page = html(client.get("/works"))

    assert "Open To All" in page
    assert "Members Only Tale" not in page
    assert "1 - 1 of 1 Work" in page


def test_api_says_the_work_is_restricted_to_logged_in_users(restricted, reader_client):
    assert reader_client.get(f"/api/v1/works/{restricted.pk}").json()["restricted"] is True
