"""Fixtures for the moderation tests: the roles (moderator, admin, a suspended and a banned
user), logged-in clients, and a report maker."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.accounts.models import User
from fichive.comments import ratelimit


@pytest.fixture
def login():
    """login(user) → a Client of its own logged in as `user` (None: a guest)."""

    def make(user: User | None) -> Client:
        visitor = Client()
        if user is not None:
            visitor.force_login(user)
        return visitor

    return make


@pytest.fixture
def no_comment_limit(monkeypatch) -> None:
    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)
