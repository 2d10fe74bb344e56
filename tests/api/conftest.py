"""Fixtures of the API's tests: personal access tokens as request headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fichive.accounts.models import User
from fichive.api.services import token_create


@pytest.fixture
def bearer_for(db) -> Callable[..., dict[str, str]]:
    """bearer_for(user, "read", "write") -> Django test client headers with a new token."""
    made = 0

    def make(user: User, *scopes: str) -> dict[str, str]:
        nonlocal made
        made += 1
        _, secret = token_create(user=user, name=f"test token {made}",
                                 scopes=list(scopes or ("read", "write")))
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make
