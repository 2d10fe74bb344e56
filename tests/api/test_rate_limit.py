"""The JSON API's rate limit per address: past it, 429 problem JSON with Retry-After."""

from __future__ import annotations

import json

import pytest

from fichive.api import v1
from fichive.lib.ratelimit import RateLimit
from tests.factories import WorkFactory


@pytest.fixture
def low_limit(monkeypatch):
    monkeypatch.setattr(v1, "API_REQUESTS", RateLimit("fichive:api", limit=3, window=60,
                                                         address_for_accounts=True))


def test_past_the_limit_the_api_answers_429_problem_json(client, author, low_limit):
    work = WorkFactory(author=author)
    urls = ["/api/v1/works", f"/api/v1/works/{work.pk}", f"/api/v1/works/{work.pk}/chapters/1"]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]

    response = client.get("/api/v1/works")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 0 < int(response["Retry-After"]) <= 60
    problem = json.loads(response.content)
    assert problem["status"] == 429
    assert problem["detail"].startswith("You have done that 3 times in the last minute. "
                                        "Please wait ")
    assert client.get("/api/v1/works", REMOTE_ADDR="203.0.113.4").status_code == 200


def test_a_logged_in_reader_counts_by_address_too(reader_client, low_limit):
    for _ in range(3):
        reader_client.get("/api/v1/works")

    assert reader_client.get("/api/v1/works").status_code == 429
