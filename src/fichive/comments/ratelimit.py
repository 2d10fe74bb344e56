"""How often one person may comment: lib/ratelimit.py's counters under the comments' own
prefix.

AO3 lets a logged-in user post 3 comments in 15 minutes; the same holds here for each account
and for each guest address (by its salted hash, lib/visitors.py). LIMIT and WINDOW_SECONDS are
read at each call (tests raise LIMIT).
"""

from __future__ import annotations

from fichive.lib import ratelimit

LIMIT = 3
WINDOW_SECONDS = 15 * 60
_PREFIX = "fichive:comments:rate"


def keys_for(*, user_id: int | None, address_hash: str) -> list[str]:
    """The counters a comment counts against: the account's, and the address's for guests."""
    return ratelimit.keys_for(_PREFIX, user_id=user_id, address_hash=address_hash)


def seconds_left(keys: list[str]) -> int:
    """Seconds until every one of these counters that reached LIMIT opens again (0: none)."""
    return ratelimit.seconds_left(keys, limit=LIMIT, window=WINDOW_SECONDS)


def over_limit(keys: list[str]) -> bool:
    """Whether any of these counters has reached LIMIT in its current window."""
    return ratelimit.over_limit(keys, limit=LIMIT, window=WINDOW_SECONDS)


def record(keys: list[str]) -> None:
    """Count one comment against each counter."""
    ratelimit.record(keys, limit=LIMIT, window=WINDOW_SECONDS)
