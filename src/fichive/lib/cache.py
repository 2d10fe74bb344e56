"""Guests' page cache: whole rendered pages for logged-out visitors, kept under version keys
that `content_changed` retires, so a change shows on the next request.

Every cached page is stored under the versions it depends on: a work's pages under the global
version and that work's version, listings under the global version and the listings version.
`content_changed(work_ids=…)` gives those works and every listing new versions;
`content_changed(everything=True)` (tag wrangling) gives the global one a new
value. Old entries are never read again and age out. Versions are random tokens, never counters,
so a version key lost to eviction can't come back to a value old pages were stored under.

Only guests' GET and HEAD requests read the cache and only their GET requests fill it, with
pages that nothing about the visitor went into (no flash messages, no CSRF token, no cookie
set), so restricted works, drafts and anything a logged-in user sees never reach it. If the
cache can't be reached, pages are rendered as if there were none.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from fichive.lib import db_router

logger = logging.getLogger(__name__)

PREFIX = "fichive:page"
# Bigger pages (a long work read whole) are rendered each time rather than filling the cache.
MAX_PAGE_BYTES = 1_000_000
GLOBAL = f"{PREFIX}:v:all"
LISTINGS = f"{PREFIX}:v:listings"


def _work_version_key(work_id: int) -> str:
    return f"{PREFIX}:v:work:{work_id}"


def _new_version() -> str:
    """A version: a random token and the millisecond it was made (see `_fresh_enough`)."""
    return f"{secrets.token_hex(8)}@{int(time.time() * 1000)}"


def _bump(keys: list[str]) -> None:
    cache.set_many({key: _new_version() for key in keys}, timeout=None)


def content_changed(*, work_ids: Iterable[int] = (), everything: bool = False) -> None:
    """Call from every service that changes what guests' pages show: `work_ids` are works
    whose own pages changed (every listing goes with them); `everything` retires every cached
    page (tag wrangling: tag names and links show on many works' pages).

    The versions change now and again once the transaction commits. The second change is the
    one that counts: a guest who read the old data while the transaction was open may have
    stored it under the first new version, which the commit retires. The first keeps the
    change visible inside the transaction itself (tests, ATOMIC_REQUESTS).
    """
    if everything:
        keys = [GLOBAL]
    else:
        ids = set(work_ids)
        if not ids:
            return
        keys = [LISTINGS, *(_work_version_key(work_id) for work_id in sorted(ids))]
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def _versions(keys: list[str]) -> list[str]:
    """The current versions of `keys`, giving a new version to any the cache has lost."""
    found = cache.get_many(keys)
    missing = {key: _new_version() for key in keys if key not in found}
    for key, value in missing.items():
        cache.add(key, value, timeout=None)
    if missing:
        found.update(cache.get_many(list(missing)))
    return [found.get(key) or missing[key] for key in keys]


def listings_version() -> str:
    """What every listing currently depends on, for other caches of listing data (the
    sidebar counts) to put in their keys."""
    return ":".join(_versions([GLOBAL, LISTINGS]))


def work_version(work_id: int) -> str | None:
    """What everything shown of one work currently depends on, for other caches of a work's
    data (generated downloads) to put in their keys; None when that can't be stored now (a
    replica read younger than the allowed lag)."""
    versions = _versions([GLOBAL, _work_version_key(work_id)])
    return ":".join(versions) if _fresh_enough(versions) else None


def _fresh_enough(versions: list[str]) -> bool:
    """A page read from a replica may only be stored once every version it is stored under is
    older than the replica's allowed lag, or it could hold data from before the change."""
    if db_router.current_alias() is None:
        return True
    settled = time.time() - settings.FICHIVE_REPLICA_PIN_SECONDS
    return all(int(version.rpartition("@")[2] or 0) / 1000 <= settled for version in versions)


def _guest_request(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"} or not settings.FICHIVE_PAGE_CACHE:
        return False
    if request.user.is_authenticated:
        return False
    # Flash messages are shown once to this visitor: don't serve or store a shared page.
    return len(get_messages(request)) == 0  # counting doesn't mark them as shown


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and len(response.content) <= MAX_PAGE_BYTES
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token is on the page
        and not response.has_header("Cache-Control")
    )


def cached_for_guests(
    *, work_arg: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a view's page to guests from the cache. With `work_arg` the page belongs to the
    work whose id is that URL argument; without it, it is a listing."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        name = getattr(view, "__qualname__", type(view).__qualname__)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _guest_request(request):
                return view(request, *args, **kwargs)
            scope = _work_version_key(kwargs[work_arg]) if work_arg else LISTINGS
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            try:
                versions = _versions([GLOBAL, scope])
                key = f"{PREFIX}:{name}:{path}:{':'.join(versions)}"
                cached = cache.get(key)
            except Exception:  # the cache is down: render the page as if it weren't there
                logger.exception("The page cache couldn't be read")
                return view(request, *args, **kwargs)
            if cached is not None:
                content, content_type = cached
                response = HttpResponse(content, content_type=content_type)
                response["X-Fichive-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if _storable(request, response) and _fresh_enough(versions):
                try:
                    cache.set(key, (response.content, response["Content-Type"]),
                              settings.FICHIVE_PAGE_CACHE_SECONDS)
                except Exception:
                    logger.exception("The page cache couldn't be written")
                else:
                    response["X-Fichive-Cache"] = "miss"
            return response

        return wrapper

    return decorator
