"""How often one person may do something: named limits counted per account and per address
by django-ratelimit in the shared `ratelimit` cache, and the 429 answer when one is reached.

A `RateLimit` has a `prefix`, a `limit` and a `window` in seconds (django-ratelimit's fixed
windows, each counter's staggered by its key). Accounts are counted by id, guests (and, if
asked, accounts too) by the salted hash of their address (lib/visitors.py). The counts live
in the `ratelimit` cache (settings.py): Redis when configured, else a diskcache store in the
data dir that every worker process and command shares, so a limit holds across processes.

Views either check a limit themselves (`over_limit` / `record`, to show the message in a
form) or call `RateLimit.hit(request)`, which raises `RateLimited`; RateLimitedMiddleware
turns that into a 429 page (JSON under /api/) with `Retry-After`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from fichive.lib.visitors import address_hash


class RateLimited(Exception):
    """An action refused because a limit was reached; `retry_after` seconds until it opens."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, int(retry_after))


def keys_for(prefix: str, *, user_id: int | None, address_hash: str,
             address_for_accounts: bool = False) -> list[str]:
    """The counters an action counts against: the account's for users, the address's for
    guests (and for users too with `address_for_accounts`)."""
    keys = []
    if user_id is not None:
        keys.append(f"{prefix}:user:{user_id}")
    if address_hash and (user_id is None or address_for_accounts):
        keys.append(f"{prefix}:address:{address_hash}")
    return keys


def _usage(key: str, *, limit: int, window: int, increment: bool) -> dict[str, Any] | None:
    # django-ratelimit reads the request only through the key function; ours is the key.
    return get_usage(None, group="fichive", key=lambda _group, _request: key,
                     rate=(limit, window), increment=increment)


def seconds_left(keys: list[str], *, limit: int, window: int) -> int:
    """Seconds until every one of these counters that has reached `limit` opens again (0 when
    none has)."""
    left = 0
    for key in keys:
        usage = _usage(key, limit=limit, window=window, increment=False)
        if usage is not None and usage["count"] >= limit:
            left = max(left, int(usage["time_left"]) or 1)
    return left


def over_limit(keys: list[str], *, limit: int, window: int) -> bool:
    """Whether any of these counters has reached `limit` in its current window."""
    return seconds_left(keys, limit=limit, window=window) > 0


def record(keys: list[str], *, limit: int, window: int) -> None:
    """Count one action against each counter."""
    for key in keys:
        _usage(key, limit=limit, window=window, increment=True)


@dataclass(frozen=True)
class RateLimit:
    """One named limit: `limit` actions per `window` seconds under the key `prefix`."""

    prefix: str
    limit: int
    window: int
    address_for_accounts: bool = False

    def keys_for(self, *, user_id: int | None, address_hash: str) -> list[str]:
        return keys_for(self.prefix, user_id=user_id, address_hash=address_hash,
                        address_for_accounts=self.address_for_accounts)

    def keys_for_request(self, request: HttpRequest) -> list[str]:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        return self.keys_for(user_id=user_id, address_hash=address_hash(request.META))

    def over_limit(self, keys: list[str]) -> bool:
        return over_limit(keys, limit=self.limit, window=self.window)

    def seconds_left(self, keys: list[str]) -> int:
        return seconds_left(keys, limit=self.limit, window=self.window)

    def record(self, keys: list[str]) -> None:
        record(keys, limit=self.limit, window=self.window)

    def hit(self, request: HttpRequest, *, message: str = "") -> None:
        """Count one action by this request's visitor, or raise RateLimited if they have
        reached the limit (nothing is counted then)."""
        self.hit_keys(self.keys_for_request(request), message=message)

    def hit_keys(self, keys: list[str], *, message: str = "") -> None:
        """Count one action against each of these counters, or raise RateLimited if one has
        reached the limit (nothing is counted then)."""
        left = self.seconds_left(keys)
        if left:
            raise RateLimited(message or self.message(left), retry_after=left)
        self.record(keys)

    def message(self, retry_after: int) -> str:
        return (f"You have done that {self.limit} times in the last {self.window_text}. "
                f"Please wait {wait_text(retry_after)} and try again.")

    @property
    def window_text(self) -> str:
        """ "15 minutes", "hour", "2 hours" for messages ("in the last …")."""
        if self.window < 60:
            return f"{self.window} seconds"
        minutes = self.window // 60
        if minutes % 60 == 0:
            hours = minutes // 60
            return "hour" if hours == 1 else f"{hours} hours"
        return "minute" if minutes == 1 else f"{minutes} minutes"


def wait_text(seconds: int) -> str:
    """ "40 seconds", "1 minute", "12 minutes", "2 hours" for "please wait …"."""
    if seconds < 60:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    minutes = -(-seconds // 60)
    if minutes < 120:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    return f"{-(-minutes // 60)} hours"


def refusal(request: HttpRequest, *, status: int, title: str, heading: str, message: str,
            retry_after: int) -> HttpResponse:
    """A refusal to come back later (429, 503): a readable page, or problem JSON under /api/,
    with Retry-After, never cached."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = HttpResponse(
            json.dumps({"type": "about:blank", "title": title, "status": status,
                        "detail": message}),
            content_type="application/problem+json", status=status)
    else:
        # (`refusing`: the header leaves out what would query the database, which may be
        # what is busy.)
        response = render(request, "error.html", {"heading": heading, "message": message,
                                                  "refusing": True}, status=status)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response


def limited(response: HttpResponse, retry_after: int) -> HttpResponse:
    """`response` (a form saying why) as a 429 with Retry-After when `retry_after` is set."""
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "private, no-store"
    return response


def too_many_requests(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The 429 answer: a readable page (problem JSON under /api/) with Retry-After."""
    return refusal(request, status=429, title="Too Many Requests", heading="Too many requests",
                   message=exc.message, retry_after=exc.retry_after)


class AnswerExceptionMiddleware:
    """Answers the exceptions `answer` knows (returning a response) instead of a 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception
                          ) -> HttpResponse | None:
        return self.answer(request, exception)

    def answer(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        raise NotImplementedError


class RateLimitedMiddleware(AnswerExceptionMiddleware):
    """Answers a view's RateLimited with the 429 page."""

    def answer(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return too_many_requests(request, exception)
        return None
