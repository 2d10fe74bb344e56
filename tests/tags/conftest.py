"""Fixtures for the tag tests: a wrangler and an admin, their logged-in browsers, a guest, and
a helper to build tags."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.accounts.services import user_create
from fichive.tags.models import Tag
from fichive.tags.services import tags_find_or_create
from tests.factories import PASSWORD


@pytest.fixture
def admin(db):
    return user_create(username="ada", email="ada@example.org", password=PASSWORD,
                       is_staff=True)


@pytest.fixture
def guest() -> Client:
    return Client()


@pytest.fixture
def wrangler_client(wrangler) -> Client:
    client = Client()
    client.force_login(wrangler)
    return client


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def make_tag(db):
    """make_tag("Naruto", "fandom", canonical=True): find or create one tag."""

    def make(name: str, tag_type: str, *, canonical: bool = False) -> Tag:
        (tag,) = tags_find_or_create(tag_type=tag_type, names=[name])
        if canonical and not tag.canonical:
            tag.canonical = True
            tag.save(update_fields=["canonical"])
        return tag

    return make



@pytest.fixture
def login():
    """login(user) → a Client logged in as that user (None: a guest)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
