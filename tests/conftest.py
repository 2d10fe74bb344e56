"""Shared fixtures: fast password hashing and named roles (the data dir: tests/_environment.py)."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory, WorkFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings, request):
    """Argon2 is deliberately slow; tests that don't check hashing use a fast hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def author(db):
    return UserFactory(username="alice")


@pytest.fixture
def co_author(db):
    return UserFactory(username="bob")


@pytest.fixture
def reader(db):
    return UserFactory(username="carol")


@pytest.fixture
def stranger(db):
    return UserFactory(username="dave")


@pytest.fixture
def work(author):
    return WorkFactory(author=author)


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client
