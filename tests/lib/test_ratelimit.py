"""lib/ratelimit.py: counters per account and per address under a prefix, a limit and a
window (comments and reports use it, each under its own prefix)."""

from __future__ import annotations

from django.core.cache import cache

from fichive.lib import ratelimit
from fichive.lib.ratelimit import RateLimit


def test_accounts_count_by_id_and_guests_by_address():
    assert ratelimit.keys_for("p", user_id=7, address_hash="abc") == ["p:user:7"]
    assert ratelimit.keys_for("p", user_id=None, address_hash="abc") == ["p:address:abc"]
    assert ratelimit.keys_for("p", user_id=7, address_hash="abc",
                              address_for_accounts=True) == ["p:user:7", "p:address:abc"]
    assert ratelimit.keys_for("p", user_id=None, address_hash="") == []


def test_a_limit_is_reached_after_limit_actions_and_per_prefix():
    limit = RateLimit(prefix="test:a", limit=2, window=60)
    other = RateLimit(prefix="test:b", limit=2, window=60)
    keys = limit.keys_for(user_id=1, address_hash="")
    assert not limit.over_limit(keys)
    limit.record(keys)
    assert not limit.over_limit(keys)
    limit.record(keys)
    assert limit.over_limit(keys)
    assert not other.over_limit(other.keys_for(user_id=1, address_hash=""))
    assert not limit.over_limit(limit.keys_for(user_id=2, address_hash=""))


def test_a_window_ends(settings):
    limit = RateLimit(prefix="test:c", limit=1, window=60)
    keys = limit.keys_for(user_id=None, address_hash="h")
    limit.record(keys)
    assert limit.over_limit(keys)
    cache.delete(keys[0])  # the window's timeout passed
    assert not limit.over_limit(keys)


def test_the_window_reads_as_english():
    assert RateLimit(prefix="x", limit=1, window=3600).window_text == "hour"
    assert RateLimit(prefix="x", limit=1, window=7200).window_text == "2 hours"
    assert RateLimit(prefix="x", limit=1, window=900).window_text == "15 minutes"
