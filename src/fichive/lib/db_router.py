"""Read replicas: guests' GET and HEAD page views read from a replica; writes, logged-in
users and a browser that has just sent a form (for FICHIVE_REPLICA_PIN_SECONDS) use the primary.

ReplicaMiddleware picks the database for the request and keeps it in a context variable (one
per thread or task, so gunicorn's threads don't share it); ReplicaRouter sends reads there.
With no replicas configured both do nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

PIN_COOKIE = "fichive_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_read_alias: ContextVar[str | None] = ContextVar("fichive_read_alias", default=None)


def current_alias() -> str | None:
    """The replica this request reads from, or None when it reads from the primary."""
    return _read_alias.get()


class ReplicaRouter:
    """Reads go to the request's replica, if it has one, unless a transaction is open on the
    primary (a view that writes reads its own writes); everything else to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        alias = _read_alias.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: type, **hints: Any) -> str:
        # Explicit, or Django would save an object read from a replica back to the replica.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, *settings.FICHIVE_READ_REPLICAS} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # Replicas copy the primary's schema; never migrate them directly.
        return False if db in settings.FICHIVE_READ_REPLICAS else None


def _pinned(request: HttpRequest) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaMiddleware:
    """Chooses the request's database; after a POST (or any other write method) pins the
    browser to the primary for FICHIVE_REPLICA_PIN_SECONDS so it sees what it just did."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        replicas: list[str] = settings.FICHIVE_READ_REPLICAS
        if not replicas:
            return self.get_response(request)
        alias = None
        if (request.method in {"GET", "HEAD"} and not _pinned(request)
                and not request.user.is_authenticated):
            alias = random.choice(replicas)  # noqa: S311 - spreading load, not a secret
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if request.method not in SAFE_METHODS:
            seconds = settings.FICHIVE_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE, str(int(time.time()) + seconds), max_age=seconds, httponly=True,
                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
