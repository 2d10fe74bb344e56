"""Shared fixtures: a throwaway data dir, fast password hashing, and named roles."""

from __future__ import annotations

import os
import tempfile

# Settings read FICHIVE_DATA_DIR at import time: point it at a temp dir before Django starts.
os.environ.setdefault("FICHIVE_DATA_DIR", tempfile.mkdtemp(prefix="fichive-test-"))

import pytest  # noqa: E402

from tests.factories import UserFactory, WorkFactory  # noqa: E402


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
