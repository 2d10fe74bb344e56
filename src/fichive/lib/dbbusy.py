"""A database too busy to answer in time ("database is locked": SQLite's write lock held past
the busy timeout; PostgreSQL's lock or statement timeouts) is answered 503 with Retry-After
and a page saying to try again, never a 500 with the database's own words."""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse

from fichive.lib.ratelimit import AnswerExceptionMiddleware, refusal

logger = logging.getLogger("fichive.dbbusy")

# How long a client is asked to wait; the busy timeout (20 s) already waited once.
RETRY_AFTER_SECONDS = 5
MESSAGE = ("The archive is very busy saving other changes and could not save yours in time. "
           "Nothing was changed: please wait a few seconds and try again.")
# What the databases say when a lock is held too long (SQLite; PostgreSQL's lock_timeout,
# statement_timeout and deadlock detection).
_BUSY = ("database is locked", "database table is locked", "database is busy",
         "lock timeout", "canceling statement due to", "deadlock detected")


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` is the database saying it was too busy (not a broken query)."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return any(words in text for words in _BUSY)


def busy_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: a readable page (problem JSON under /api/) with Retry-After."""
    return refusal(request, status=503, title="Service Unavailable",
                   heading="Busy, please try again", message=MESSAGE,
                   retry_after=RETRY_AFTER_SECONDS)


class DatabaseBusyMiddleware(AnswerExceptionMiddleware):
    """Answers a view's "database is locked" (and the like) with the 503 page."""

    def answer(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)
