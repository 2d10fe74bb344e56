"""Fixtures of the readings tests: an empty read buffer per test (hits recorded by other tests'
page views stay out), a flush helper, and a guest browser per address."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from fichive.readings.buffer import reads


@pytest.fixture(autouse=True)
def _empty_buffer() -> Iterator[None]:
    reads.discard()
    yield
    reads.discard()


@pytest.fixture
def flush(db) -> Callable[..., None]:
    """Write what the buffer holds, as the flush thread would every few seconds."""

    def run(now: float | None = None) -> None:
        reads.flush(now=now)

    return run


@pytest.fixture
def guest() -> Callable[[str], Client]:
    """A logged-out browser from the given address."""

    def make(address: str) -> Client:
        return Client(REMOTE_ADDR=address)

    return make


DAY = 86400.0


@pytest.fixture
def today() -> float:
    """Noon (UTC) of the current day, as a Unix time."""
    return (time.time() // DAY) * DAY + DAY / 2
