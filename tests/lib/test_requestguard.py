"""An address holding a NUL character gets a plain 400 on every surface, on both databases
(PostgreSQL can't take NUL in text: these were 500s there)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/works?include=%00", "/works?include=a%00b", "/api/v1/works?include=%00",
    "/tags/a%00b/works", "/works/search?q=dragon%00", "/people/search?q=%00",
    "/opds/works?include=%00", "/tags/a%00b/feed.atom", "/bookmarks?exclude=x%00",
])
def test_a_nul_in_the_address_is_a_plain_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_addresses_without_nul_are_untouched(client):
    assert client.get("/works?include=fluff").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/works?include=%00", "/api/v1/tags/a%00b",
                                 "/api/v1/users/x/works?exclude=%00"])
def test_the_api_refuses_a_nul_with_problem_details(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/api/v1/problems#nul" and "NUL" in body["detail"]
