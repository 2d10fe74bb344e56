"""Fixtures for blocking and muting: official accounts (a moderator, an admin), a guest
browser, clients for any user, and a helper that logs a user in."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.accounts.models import User
from fichive.comments import ratelimit


@pytest.fixture
def guest() -> Client:
    return Client()


@pytest.fixture
def login():
    """login(user) → a Client logged in as that user (None: a guest)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _no_rate_limit(monkeypatch) -> None:
    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)
