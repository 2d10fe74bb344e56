"""Deployment settings read from the environment: the cache, read replicas and a
TLS-terminating proxy."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from fichive import settings as fichive_settings


@pytest.fixture
def settings_with(monkeypatch) -> Iterator[Callable[..., ModuleType]]:
    """The settings module as it reads with these environment variables."""

    def load(**env: str) -> ModuleType:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(fichive_settings)

    yield load
    monkeypatch.undo()
    importlib.reload(fichive_settings)


def test_replica_urls_become_replica_aliases_that_mirror_the_primary_in_tests(settings_with):
    loaded = settings_with(
        FICHIVE_DATABASE_URL="postgres://app@10.0.0.1:5432/fichive",
        FICHIVE_DATABASE_REPLICA_URLS="postgres://app@10.0.0.2:5432/fichive, "
                                      "postgres://app@10.0.0.3:5432/fichive",
        FICHIVE_REPLICA_PIN_SECONDS="30",
    )
    assert loaded.FICHIVE_READ_REPLICAS == ["replica0", "replica1"]
    assert [loaded.DATABASES[a]["HOST"] for a in ("default", "replica0", "replica1")] == [
        "10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert loaded.DATABASES["replica1"]["TEST"] == {"MIRROR": "default"}
    assert loaded.FICHIVE_REPLICA_PIN_SECONDS == 30
    assert loaded.DATABASE_ROUTERS == ["fichive.lib.db_router.ReplicaRouter"]


def test_no_replicas_by_default(settings_with):
    loaded = settings_with()
    assert loaded.FICHIVE_READ_REPLICAS == []
    assert list(loaded.DATABASES) == ["default"]


def test_behind_a_tls_proxy_django_trusts_x_forwarded_proto(settings_with):
    assert not hasattr(settings_with(), "SECURE_PROXY_SSL_HEADER")
    loaded = settings_with(FICHIVE_BEHIND_TLS_PROXY="on", FICHIVE_HSTS_SECONDS="600",
                           FICHIVE_CSRF_TRUSTED_ORIGINS="https://fics.example.org")
    assert loaded.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert loaded.SECURE_HSTS_SECONDS == 600
    assert loaded.CSRF_TRUSTED_ORIGINS == ["https://fics.example.org"]


def test_a_number_setting_that_isnt_a_number_says_which(settings_with):
    with pytest.raises(ValueError, match="FICHIVE_REPLICA_PIN_SECONDS must be a whole number"):
        settings_with(FICHIVE_REPLICA_PIN_SECONDS="ten")


def test_the_page_cache_is_on_by_default_only_with_redis(settings_with, monkeypatch):
    monkeypatch.delenv("FICHIVE_PAGE_CACHE", raising=False)
    local = settings_with()
    assert local.FICHIVE_PAGE_CACHE is False
    assert local.CACHES["default"]["BACKEND"].endswith("LocMemCache")

    shared = settings_with(FICHIVE_REDIS_URL="redis://127.0.0.1:6379/3")
    assert shared.FICHIVE_PAGE_CACHE is True
    assert shared.CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3", "KEY_PREFIX": "fichive",
    }
    assert settings_with(FICHIVE_PAGE_CACHE="off").FICHIVE_PAGE_CACHE is False


def test_hsts_for_subdomains_and_preloading_only_when_asked(settings_with):
    default = settings_with()
    assert (default.SECURE_HSTS_INCLUDE_SUBDOMAINS, default.SECURE_HSTS_PRELOAD) == (False, False)
    loaded = settings_with(FICHIVE_HSTS_SECONDS="31536000", FICHIVE_HSTS_INCLUDE_SUBDOMAINS="1",
                           FICHIVE_HSTS_PRELOAD="1")
    assert (loaded.SECURE_HSTS_INCLUDE_SUBDOMAINS, loaded.SECURE_HSTS_PRELOAD) == (True, True)
