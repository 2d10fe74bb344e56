"""Fixtures for the moderation tests: the roles (moderator, admin, a suspended and a banned
user), logged-in clients, and a report maker."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fichive.accounts.models import User
from fichive.comments import ratelimit
from tests.factories import UserFactory


def _user(username: str, **fields) -> User:
    user = UserFactory(username=username)
    for name, value in fields.items():
        setattr(user, name, value)
    if fields:
        user.save(update_fields=list(fields))
    return user


@pytest.fixture
def moderator(db) -> User:
    return _user("mona", is_moderator=True)


@pytest.fixture
def admin(db) -> User:
    return _user("root", is_staff=True)


@pytest.fixture
def suspended(db) -> User:
    return _user("sus", suspended_until=timezone.now() + datetime.timedelta(days=3),
                 suspension_reason="Spamming comment threads")


@pytest.fixture
def banned(db) -> User:
    return _user("gone", banned=True, ban_reason="Harassing other users")


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
