"""What one search may cost: a time budget the database stops it at (answered "too broad,
narrow it" rather than holding a worker), and how many searches an address may make a minute.

The budget (settings.FICHIVE_SEARCH_TIME_LIMIT seconds, 0 for none) runs from the start of a
search's `search_budget` block: on SQLite a progress handler aborts the statement running
past it; on PostgreSQL each statement gets `statement_timeout` (SET LOCAL, in the search's own
transaction or savepoint); on both, no statement starts once it has run out. Either way the
block raises SearchTooBroad, which the search pages show as a message beside the query (and
any other page answers 400: it is a BadRequest).

works.listing.listing_build runs a text search within search_budget; the views call
search_count for each search a visitor asks for (settings.FICHIVE_SEARCH_PER_MINUTE, counted
per address and per account).
"""

from __future__ import annotations

import contextvars
import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.http import HttpRequest

from fichive.lib.ratelimit import RateLimit, RateLimited, wait_text

TOO_BROAD = ("This search matches too much to finish in time. Narrow it: add another word or "
             "a \"phrase\", search one field (like fandom: or title:), give longer beginnings "
             "of words before a *, or add a filter such as a rating or word count.")
# How many SQLite virtual-machine steps run between two looks at the clock (a look costs
# about a microsecond; 10,000 steps take well under a millisecond).
SQLITE_STEPS = 10_000
# How long a search stopped at the budget is refused at once when asked again (a refused
# search is not cached like an answered one, and would otherwise cost the budget each time).
REMEMBER_SECONDS = 120
# PostgreSQL's code for a statement cancelled by statement_timeout (query_canceled).
QUERY_CANCELED = "57014"

_active: contextvars.ContextVar[bool] = contextvars.ContextVar("search_budget", default=False)


class SearchTooBroad(BadRequest):
    """A search stopped at its time budget."""

    def __init__(self, message: str = TOO_BROAD) -> None:
        super().__init__(message)
        self.message = message


def time_limit() -> float:
    return float(getattr(settings, "FICHIVE_SEARCH_TIME_LIMIT", 0) or 0)


def _stopped(exc: BaseException) -> bool:
    """Whether a database error is the budget's stop (SQLite's "interrupted", PostgreSQL's
    query_canceled), not some other failure."""
    for error in (exc, exc.__cause__):
        if isinstance(error, sqlite3.OperationalError) and "interrupt" in str(error):
            return True
        if error is not None and (getattr(error, "sqlstate", None) == QUERY_CANCELED
                                  or getattr(error, "pgcode", None) == QUERY_CANCELED):
            return True
    return False


def remembered_key(*parts: object) -> str:
    """A cache key for a search, from whatever tells it apart (its query, filters, data)."""
    return "search-too-broad:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@contextmanager
def search_budget(using: str = DEFAULT_DB_ALIAS, *, seconds: float | None = None,
                  key: str | None = None) -> Iterator[None]:
    """Run the block's statements on the `using` database within the search time budget;
    raises SearchTooBroad when they run past it. A block inside another runs in the outer
    one's budget. With a `key` (remembered_key), a search stopped once is refused at once
    for REMEMBER_SECONDS."""
    seconds = time_limit() if seconds is None else seconds
    if seconds <= 0 or _active.get():
        yield
        return
    if key is not None and cache.get(key):
        raise SearchTooBroad
    try:
        with _budget(using, seconds):
            yield
    except SearchTooBroad:
        if key is not None:
            cache.set(key, True, REMEMBER_SECONDS)
        raise


@contextmanager
def _budget(using: str, seconds: float) -> Iterator[None]:
    connection = connections[using]
    deadline = time.monotonic() + seconds

    def before_each(execute: Callable[..., Any], sql: str, params: Any, many: bool,
                    context: dict[str, Any]) -> Any:
        if time.monotonic() > deadline:
            raise SearchTooBroad
        return execute(sql, params, many, context)

    # (The wrapper goes inside PostgreSQL's transaction: rolling it back must not be refused.)
    token = _active.set(True)
    try:
        if connection.vendor == "sqlite":
            with _sqlite_deadline(using, deadline), connection.execute_wrapper(before_each):
                yield
        elif connection.vendor == "postgresql":
            with _postgres_timeout(using, seconds), connection.execute_wrapper(before_each):
                yield
        else:
            with connection.execute_wrapper(before_each):
                yield
    except (DatabaseError, sqlite3.OperationalError) as exc:
        if _stopped(exc):
            raise SearchTooBroad from exc
        raise
    finally:
        _active.reset(token)


@contextmanager
def _sqlite_deadline(using: str, deadline: float) -> Iterator[None]:
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_STEPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


@contextmanager
def _postgres_timeout(using: str, seconds: float) -> Iterator[None]:
    """statement_timeout for the block, in a transaction of its own (SET LOCAL ends with
    it); inside an outer transaction, a savepoint, and set back afterwards, since releasing
    the savepoint would keep it for the rest of the outer transaction."""
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout'), "
                           "set_config('statement_timeout', %s, true)",
                           [f"{max(1, round(seconds * 1000))}ms"])
            previous = cursor.fetchone()[0]
        yield
        if nested:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


def search_rate() -> RateLimit:
    per_minute = int(getattr(settings, "FICHIVE_SEARCH_PER_MINUTE", 60))
    return RateLimit("search", per_minute, 60, address_for_accounts=True)


def search_count(request: HttpRequest) -> None:
    """Count one search by this visitor; raises RateLimited (a 429 with Retry-After) when
    their address or account has searched FICHIVE_SEARCH_PER_MINUTE times this minute."""
    rate = search_rate()
    if rate.limit <= 0:
        return
    keys = rate.keys_for_request(request)
    left = rate.seconds_left(keys)
    if left:
        raise RateLimited(f"You have searched {rate.limit} times in the last minute, more "
                          f"than the archive answers for one visitor. Please wait "
                          f"{wait_text(left)} and search again.", retry_after=left)
    rate.record(keys)
