"""How often one person may comment: a small counter per user and per guest address in
Django's cache (no rate-limit library is installed; this is the few lines it would take).

AO3 lets a logged-in user post 3 comments in 15 minutes; the same holds here for each account
and for each guest address (by its salted hash, lib/visitors.py). A window starts with the
first comment and lasts WINDOW_SECONDS; the count is kept in the cache, so with several
processes the cache must be shared (Redis) for the limit to hold across them.
"""

from __future__ import annotations

from django.core.cache import cache

LIMIT = 3
WINDOW_SECONDS = 15 * 60
_PREFIX = "fichive:comments:rate"


def keys_for(*, user_id: int | None, address_hash: str) -> list[str]:
    """The counters a comment counts against: the account's, and the address's for guests."""
    keys = []
    if user_id is not None:
        keys.append(f"{_PREFIX}:user:{user_id}")
    elif address_hash:
        keys.append(f"{_PREFIX}:address:{address_hash}")
    return keys


def over_limit(keys: list[str]) -> bool:
    """Whether any of these counters has reached LIMIT in its current window."""
    if not keys:
        return False
    counts = cache.get_many(keys)
    return any(int(counts.get(key) or 0) >= LIMIT for key in keys)


def record(keys: list[str]) -> None:
    """Count one comment against each counter; the first starts the window."""
    for key in keys:
        if not cache.add(key, 1, timeout=WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr: start a new window
                cache.add(key, 1, timeout=WINDOW_SECONDS)
