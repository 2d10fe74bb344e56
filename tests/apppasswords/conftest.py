"""Fixtures for app passwords: a reader's app password and the Basic header that sends it."""

from __future__ import annotations

import base64

import pytest

from fichive.apppasswords.services import app_password_create
from tests.factories import WorkFactory


def basic(username: str, password: str) -> dict[str, str]:
    """The test client's keyword for an `Authorization: Basic` header."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def kobo(reader):
    """The reader's app password named "Kobo": (row, secret)."""
    return app_password_create(user=reader, name="Kobo")


@pytest.fixture
def restricted(author):
    return WorkFactory(author=author, title="Members Only", restricted=True,
                       chapters=["<p>Only for members.</p>"])
