"""What a guest can add to the page cache: nothing for query parameters the page doesn't read,
no version key for a work that doesn't exist, keys that expire, and at most
FICHIVE_PAGE_CACHE_NEW_PER_MINUTE new pages a minute from one address.

Each test runs with the local-memory cache and with a real Redis (see `cache_backend`)."""

from __future__ import annotations

import time
import types

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_ratelimit import core as ratelimit_core

from fichive.lib import cache as page_cache
from fichive.lib.cache import CACHE_HEADER, VERSION_SECONDS, content_changed
from tests.factories import WorkFactory

pytestmark = [pytest.mark.django_db]


def _stored_keys() -> set[str]:
    """Every key the default cache holds now, as the backend names them."""
    backend = cache._cache if hasattr(cache, "_cache") else None  # type: ignore[attr-defined]
    if isinstance(backend, dict):  # local memory
        return set(backend)
    location = settings.CACHES["default"]["LOCATION"]
    client = redis.Redis.from_url(location)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return {key.decode() for key in client.scan_iter(f"{prefix}:*")}


def _ttl(key: str) -> float | None:
    """Seconds the default cache keeps `key` (None: forever)."""
    name = cache.make_key(key)
    expires = getattr(cache, "_expire_info", None)
    if expires is not None:  # local memory: when it expires
        at = expires.get(name)
        return None if at is None else at - time.time()
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    left = client.ttl(name)
    return None if left == -1 else float(left)


@pytest.fixture
def guest() -> Client:
    return Client(REMOTE_ADDR="203.0.113.7")


@pytest.mark.usefixtures("cache_backend")
def test_junk_query_parameters_add_no_cache_entries(guest, work):
    url = f"/works/{work.pk}"
    assert guest.get(url)[CACHE_HEADER] == "miss"
    before = _stored_keys()
    for junk in ("utm_source=feed", "x=1", "x=2", "view_full_work=true&fbclid=abc",
                 "page=1&" + "a" * 1200):
        response = guest.get(f"{url}?{junk}")
        assert response.status_code == 200 and CACHE_HEADER not in response, junk
        assert CACHE_HEADER not in guest.get(f"{url}?{junk}"), junk  # rendered again
    assert _stored_keys() == before
    # the parameters the work page reads are kept as before
    assert guest.get(f"{url}?view_full_work=true")[CACHE_HEADER] == "miss"
    assert guest.get(f"{url}?view_full_work=true")[CACHE_HEADER] == "hit"


@pytest.mark.usefixtures("cache_backend")
def test_a_listing_keeps_its_filters_pages_but_not_junk(guest, work):
    assert guest.get("/works?sort=title&page=1")[CACHE_HEADER] == "miss"
    assert guest.get("/works?sort=title&page=1")[CACHE_HEADER] == "hit"
    before = _stored_keys()
    assert CACHE_HEADER not in guest.get("/works?sort=title&cachebuster=12345")
    assert _stored_keys() == before


@pytest.mark.usefixtures("cache_backend")
def test_works_that_dont_exist_leave_no_version_keys(guest, work):
    guest.get(f"/works/{work.pk}")
    before = _stored_keys()
    for missing in range(900_000, 900_020):
        assert guest.get(f"/works/{missing}").status_code == 404
        assert guest.get(f"/works/{missing}/navigate").status_code == 404
    assert _stored_keys() == before
    assert not [key for key in _stored_keys() if ":v:work:9000" in key]


@pytest.mark.usefixtures("cache_backend")
def test_version_keys_expire(guest, work):
    guest.get(f"/works/{work.pk}")
    guest.get("/works")
    keys = [page_cache.GLOBAL, page_cache.LISTINGS, page_cache._work_version_key(work.pk)]
    for key in keys:
        left = _ttl(key)
        assert left is not None and 0 < left <= VERSION_SECONDS, key
    content_changed(work_ids=[work.pk])
    for key in keys[1:]:
        left = _ttl(key)
        assert left is not None and 0 < left <= VERSION_SECONDS, key


def test_redis_version_keys_have_a_ttl(redis_cache, guest, work):
    """As Redis itself reports it (TTL), for a key made by a guest's read and by a change."""
    guest.get(f"/works/{work.pk}")
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    name = cache.make_key(page_cache._work_version_key(work.pk))
    assert 0 < client.ttl(name) <= VERSION_SECONDS
    content_changed(work_ids=[work.pk])
    assert 0 < client.ttl(name) <= VERSION_SECONDS


@pytest.mark.usefixtures("cache_backend")
def test_one_address_adds_at_most_its_budget_of_pages_a_minute(guest, author, settings,
                                                              monkeypatch):
    settings.FICHIVE_PAGE_CACHE_NEW_PER_MINUTE = 3
    # The budget counts in fixed one-minute windows: the clock the counter reads stands still
    # here, so a window ending mid-test can't start the count again (seen once in CI).
    now = time.time()
    monkeypatch.setattr(ratelimit_core, "time", types.SimpleNamespace(time=lambda: now))
    works = [WorkFactory(author=author) for _ in range(5)]
    answers = [guest.get(f"/works/{w.pk}") for w in works]
    assert [r.status_code for r in answers] == [200] * 5
    assert [r.get(CACHE_HEADER) for r in answers] == ["miss"] * 3 + [None] * 2
    # pages already kept are still served to it; another address still adds pages
    assert guest.get(f"/works/{works[0].pk}")[CACHE_HEADER] == "hit"
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.get(f"/works/{works[4].pk}")[CACHE_HEADER] == "miss"
