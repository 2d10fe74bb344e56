"""lib/ratelimit.py: django-ratelimit's counters per account and per address under a prefix, a
limit and a window, in the shared `ratelimit` cache; RateLimited answered 429."""

from __future__ import annotations

import subprocess
import sys
import time

import django_ratelimit.core
import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path

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


def test_a_window_ends(monkeypatch):
    limit = RateLimit(prefix="test:c", limit=1, window=60)
    keys = limit.keys_for(user_id=None, address_hash="h")
    limit.record(keys)
    assert limit.over_limit(keys)
    left = limit.seconds_left(keys)
    assert 1 <= left <= 60
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core.time, "time", lambda: now + left + 1)
    assert not limit.over_limit(keys)


def test_the_window_reads_as_english():
    assert RateLimit(prefix="x", limit=1, window=3600).window_text == "hour"
    assert RateLimit(prefix="x", limit=1, window=7200).window_text == "2 hours"
    assert RateLimit(prefix="x", limit=1, window=900).window_text == "15 minutes"


def test_counts_are_shared_with_other_processes(settings):
    """The embedded default keeps counts in a diskcache store every worker process shares."""
    assert settings.CACHES["ratelimit"]["BACKEND"] == "fichive.lib.cache.SharedDiskCache"
    # Windows are fixed (each key's ends at its own second of the period): a window of 600 s
    # ended between the two processes' counts and the check about once in 150 runs on a busy
    # machine; with 30 days, one run in some 600,000 meets an end.
    script = ("import django; django.setup(); from fichive.lib.ratelimit import RateLimit; "
              "RateLimit(prefix='test:shared', limit=2, window=2592000)"
              ".record(['test:shared:k'])")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", script], check=True,
                       env={**__import__("os").environ,
                            "DJANGO_SETTINGS_MODULE": "fichive.settings"})
    assert RateLimit(prefix="test:shared", limit=2, window=2592000).over_limit(
        ["test:shared:k"])


def _limited_view(request):
    RateLimit(prefix="test:view", limit=2, window=600).hit(request)
    return HttpResponse("done")


# The site's own URLs too: the 429 page extends the site's layout, which links to them.
urlpatterns = [path("limited", _limited_view), path("api/v1/limited", _limited_view),
               path("", include("fichive.urls"))]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/limited", "/api/v1/limited"])
def test_a_reached_limit_answers_429_with_retry_after(client, url):
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    assert "no-store" in response["Cache-Control"]
    if url.startswith("/api/"):
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 429
    else:
        assert "Too many requests" in response.content.decode()
        assert "Please wait" in response.content.decode()


def test_hit_counts_nothing_once_refused():
    limit = RateLimit(prefix="test:hit", limit=1, window=600)
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9")
    limit.hit(request)
    with pytest.raises(ratelimit.RateLimited) as refused:
        limit.hit(request)
    assert refused.value.retry_after >= 1
    other = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10")
    limit.hit(other)


def test_waits_read_as_english():
    assert ratelimit.wait_text(1) == "1 second"
    assert ratelimit.wait_text(40) == "40 seconds"
    assert ratelimit.wait_text(61) == "2 minutes"
    assert ratelimit.wait_text(7200) == "2 hours"
