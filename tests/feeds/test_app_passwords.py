"""Feed readers sign in with HTTP Basic and an app password: the reader's feed then lists
restricted works, and is never a guest's cached copy."""

from __future__ import annotations

import base64

import feedparser
import pytest
from django.test import Client

from fichive.apppasswords.services import app_password_create
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("cache_backend")
def test_a_feed_read_with_an_app_password_lists_restricted_works(author, reader):
    WorkFactory(author=author, title="Open Sea")
    WorkFactory(author=author, title="Locked Harbour", restricted=True)
    _, secret = app_password_create(user=reader, name="Feed reader")
    token = base64.b64encode(f"{reader.username}:{secret}".encode()).decode()
    url = f"/users/{author.username}/works/feed.atom"

    def titles(response) -> set[str]:
        assert response.status_code == 200
        return {entry.title for entry in feedparser.parse(response.content).entries}

    for _ in range(2):  # the second guest poll comes from the cache
        assert titles(Client().get(url)) == {"Open Sea"}
        assert titles(Client().get(url, HTTP_AUTHORIZATION=f"Basic {token}")) == {
            "Open Sea", "Locked Harbour"}
    wrong = Client().get(url, HTTP_AUTHORIZATION="Basic " + base64.b64encode(
        f"{reader.username}:nope".encode()).decode())
    assert wrong.status_code == 401
