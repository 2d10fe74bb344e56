"""Error pages are the site's own pages that say what happened, never a traceback."""

from __future__ import annotations

import pytest

from tests.factories import WorkFactory
from tests.works.helpers import html


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.mark.parametrize("url", ["/works/999999", "/no/such/page", "/users/nobody",
                                 "/tags/No Such Tag/works", "/works/999999/navigate",
                                 "/works/99999999999999999999", "/works/abc"])
def test_404_is_the_sites_own_page(client, db, url):
    response = client.get(url)

    assert response.status_code == 404
    page = html(response)
    assert "Page not found" in page
    assert "We couldn" in page
    assert 'href="/works"' in page  # the site's navigation is there
    assert "Traceback" not in page
    assert "Using the URLconf" not in page  # Django's debug 404


def test_403_is_the_sites_own_page_with_the_reason(reader_client, author):
    work = WorkFactory(author=author)

    response = reader_client.get(f"/works/{work.pk}/edit")

    assert response.status_code == 403
    page = html(response)
    assert "Not allowed" in page
    assert "creators can change it" in page
    assert "Traceback" not in page


def test_api_404_is_problem_json(client, db):
    response = client.get("/api/v1/works/999999")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No such work."


def test_500_is_the_sites_own_page(rf, db):
    from fichive.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"Traceback" not in response.content
