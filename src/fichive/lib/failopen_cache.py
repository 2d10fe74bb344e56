"""The rate limits' Redis cache, failing open: while Redis is unreachable, counters read as
zero and counting is skipped, so log-ins, comments and searches go on unthrottled (and a
warning is logged) instead of every limited action answering 500.

Used for the `ratelimit` cache alias when FICHIVE_REDIS_URL is set (settings.py); the
embedded default's diskcache store is a local file and needs no such care.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("fichive.ratelimit")
_WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0


def _unreachable(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("Rate limits are off while Redis is unreachable (%s: %s)", operation, exc)


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache whose failures read as an empty cache."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except (RedisError, OSError) as exc:
            _unreachable("get", exc)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except (RedisError, OSError) as exc:
            _unreachable("get_many", exc)
            return {}

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None
            ) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except (RedisError, OSError) as exc:
            _unreachable("add", exc)
            return True  # as if a new counter started: nothing is over its limit

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None
            ) -> None:
        try:
            super().set(key, value, timeout, version)
        except (RedisError, OSError) as exc:
            _unreachable("set", exc)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as exc:
            _unreachable("incr", exc)
            return 0

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except (RedisError, OSError) as exc:
            _unreachable("touch", exc)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except (RedisError, OSError) as exc:
            _unreachable("delete", exc)
            return False
