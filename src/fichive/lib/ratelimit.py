"""How often one person may do something: small counters per account and per address in
Django's cache (the few lines a rate-limit library would take).

A limit has a key `prefix`, a `limit` and a `window` in seconds; the window starts with the
first counted action and lasts `window` seconds. Accounts are counted by id, guests (and, if
asked, accounts too) by the salted hash of their address (lib/visitors.py). The counts live
in the cache, so with several processes the cache must be shared (Redis) for a limit to hold
across them. comments/ratelimit.py (3 comments in 15 minutes) and the moderation app's
reports (5 an hour) use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache


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


def over_limit(keys: list[str], *, limit: int) -> bool:
    """Whether any of these counters has reached `limit` in its current window."""
    if not keys:
        return False
    counts = cache.get_many(keys)
    return any(int(counts.get(key) or 0) >= limit for key in keys)


def record(keys: list[str], *, window: int) -> None:
    """Count one action against each counter; the first starts a window of `window` seconds."""
    for key in keys:
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr: start a new window
                cache.add(key, 1, timeout=window)


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

    def over_limit(self, keys: list[str]) -> bool:
        return over_limit(keys, limit=self.limit)

    def record(self, keys: list[str]) -> None:
        record(keys, window=self.window)

    @property
    def window_text(self) -> str:
        """ "15 minutes", "hour", "2 hours" for messages ("in the last …")."""
        minutes = self.window // 60
        if minutes % 60 == 0:
            hours = minutes // 60
            return "hour" if hours == 1 else f"{hours} hours"
        return f"{minutes} minutes"
