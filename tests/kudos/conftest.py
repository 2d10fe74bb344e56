"""Fixtures for the kudos tests: guests from different addresses, each with their own browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client


@pytest.fixture
def guest_from() -> Callable[..., Client]:
    """A guest's browser at an address of their own: `guest_from("10.0.0.7")`."""

    def make(address: str, **options: object) -> Client:
        return Client(REMOTE_ADDR=address, **options)

    return make


@pytest.fixture
def guest(guest_from) -> Client:
    return guest_from("203.0.113.10")
