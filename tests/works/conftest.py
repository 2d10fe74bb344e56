"""Fixtures for the works tests: a second browser for a guest when someone is logged in."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def guest() -> Client:
    """A visitor who is not logged in (the `client` fixture is the one `author_client` uses)."""
    return Client()
