"""Shared fixtures: fast password hashing, named roles, an empty cache per test, the cache
backends (local memory and Redis), a read replica alias (the data dir: tests/_environment.py)
and one real archive served for the live tests (tests/live_archive.py)."""

from __future__ import annotations

import copy
import datetime
import importlib
import os
from collections.abc import Iterator

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from tests._environment import DATABASE
from tests.factories import UserFactory, WorkFactory, user_with
from tests.live_archive import LiveArchive, live_archive
from tests.redis_server import SKIP_REASON, forget_prefix, key_prefix, redis_server

# Property tests draw the same examples on every run, so the suite's verdict doesn't depend on
# luck; FICHIVE_HYPOTHESIS_EXPLORE=1 draws new ones (and keeps what fails in .hypothesis/).
hypothesis_settings.register_profile("fixed", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(
    "explore" if os.environ.get("FICHIVE_HYPOTHESIS_EXPLORE") else "fixed")


# `make test` runs each pass on two processes (pytest-xdist, `--dist loadfile`), scheduled
# here: pytest-django orders the tests (those in a rolled-back transaction first, then those
# that commit and flush the database after them, then those without a database), and each
# worker must keep that order, or a test would meet a database that a flush has emptied of
# what the migrations put in (the ratings, warnings and categories). So the unit of work is a
# run of consecutive tests of one file in that order, handed out in that order (no reordering
# by size): a module's own fixtures (a migrated archive, a server) start once per run of it,
# as in one process. The files below share the served archive of `live_server_archive` (a
# session fixture; tests without a database, so all in the last part): they go to one
# worker together, so it starts once per pass rather than once per worker.
LIVE_ARCHIVE_FILES = ("tests/test_concurrent_counts.py", "tests/test_crash.py",
                      "tests/stats/test_concurrent_stats.py")


def _work_units(collection: list[str]) -> dict[str, str]:
    """Each test id's unit of work (see above), for tests in pytest-django's order."""
    units: dict[str, str] = {}
    run, previous = 0, ""
    for nodeid in collection:
        path = nodeid.split("::", 1)[0]
        if path in LIVE_ARCHIVE_FILES:
            units[nodeid] = "live_server_archive"
            continue
        if path != previous:
            run, previous = run + 1, path
        units[nodeid] = f"{path}#{run}"
    return units


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # keep pytest-django's order (see above)

    class _Scheduling(LoadScopeScheduling):
        units: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.units is None:  # the collection is known by the first call
                self.units = _work_units(self.collection or [])
            return self.units[nodeid]

    return _Scheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        once = item.get_closest_marker("database_independent")
        if once is not None and DATABASE == "postgres":
            why = once.args[0] if once.args else "it uses no database"
            item.add_marker(pytest.mark.skip(reason=f"run in the SQLite pass only: {why}"))
        path = item.nodeid.split("::", 1)[0]
        if "live_server_archive" in getattr(item, "fixturenames", ()) \
                and path not in LIVE_ARCHIVE_FILES:
            raise pytest.UsageError(
                f"{path} uses live_server_archive: add it to LIVE_ARCHIVE_FILES in "
                "tests/conftest.py, so that its tests share the one served archive")


@pytest.fixture(autouse=True)
def _fast_passwords(settings, request):
    """Argon2 is deliberately slow; tests that don't check hashing use a fast hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _forget_local() -> None:
    # Only local memory: a Redis the tests share is cleaned by key prefix (cache_backend).
    if isinstance(caches["default"], LocMemCache):
        cache.clear()
    # Rate limits count in their own store (a diskcache in the run's data dir). django-axes
    # keeps the cache it first saw; a test that pointed `ratelimit` elsewhere (Redis, a dead
    # server) must not leave axes counting there for the tests after it.
    caches["ratelimit"].clear()
    AxesProxyHandler.implementation = None


@pytest.fixture(autouse=True)
def _fixed_tags(request):
    """A transactional test (live servers, threads that must see committed rows) flushes the
    database afterwards, which also drops the ratings, warnings and categories the migrations
    made: put them back for it, whatever ran before."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("live_server", "transactional_db"))
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    importlib.import_module("fichive.tags.migrations.0002_fixed_tags").create(apps, None)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test's database changes are rolled back; the cache forgets them too, and so does
    the process's buffer of hits and visits not yet written (fichive/readings/buffer.py):
    another test's hits, of works rolled back, must not be written in this one."""
    from fichive.readings.buffer import reads

    _forget_local()
    reads.discard()
    yield
    _forget_local()
    reads.discard()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        if url is None:
            pytest.skip(SKIP_REASON)
        yield url


@pytest.fixture
def redis_cache(settings, redis_url) -> Iterator[str]:
    """The default cache and the rate limits' on a real Redis, under a key prefix of this
    test's own (as settings.py sets them up when FICHIVE_REDIS_URL is set)."""
    prefix = key_prefix()
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    settings.CACHES = {**settings.CACHES, "default": {**redis, "KEY_PREFIX": prefix},
                       "ratelimit": {**redis, "KEY_PREFIX": f"{prefix}:rl",
                                     "BACKEND": "fichive.lib.failopen_cache.FailOpenRedisCache"}}
    try:
        yield prefix
    finally:
        forget_prefix(redis_url, prefix)


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request) -> Iterator[str]:
    """Run the test with the local-memory cache and again with a real Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    yield request.param


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """A `replica0` database that mirrors the test database, as FICHIVE_DATABASE_REPLICA_URLS
    would add; reads go there only in tests that set FICHIVE_READ_REPLICAS."""
    from django.conf import settings

    replica = copy.deepcopy(settings.DATABASES["default"])
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
    settings.DATABASES.setdefault("replica0", replica)


@pytest.fixture
def author(db):
    return UserFactory(username="alice")


@pytest.fixture
def co_author(db):
    return UserFactory(username="bob")


@pytest.fixture
def reader(db):
    return UserFactory(username="carol")


@pytest.fixture
def stranger(db):
    return UserFactory(username="dave")


@pytest.fixture
def wrangler(db):
    return user_with("wendy", is_wrangler=True)


@pytest.fixture
def moderator(db):
    return user_with("mona", is_moderator=True)


@pytest.fixture
def admin(db):
    return user_with("root", is_staff=True)


@pytest.fixture
def suspended(db):
    return user_with("sus", suspended_until=timezone.now() + datetime.timedelta(days=3),
                     suspension_reason="Spamming comment threads")


@pytest.fixture
def banned(db):
    return user_with("gone", banned=True, ban_reason="Harassing other users")


@pytest.fixture
def work(author):
    return WorkFactory(author=author)


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def run_tasks(db):
    """Run what services queued, as after a commit: the test transaction's pending on-commit
    callbacks (which enqueue tasks and send the works signals), then every due task in the
    database queue, as `fichive worker` would; again until nothing is left. Call it after
    the action: `run_tasks()`; returns how many tasks ran."""
    from django.db import connection

    from fichive.lib.tasks import run_pending_tasks

    def run() -> int:
        ran = 0
        while True:
            pending, connection.run_on_commit = connection.run_on_commit, []
            for _savepoints, callback, _robust in pending:
                callback()
            done = run_pending_tasks()
            ran += done
            if not done and not pending:
                return ran

    return run


@pytest.fixture(scope="session")
def live_server_archive() -> Iterator[LiveArchive]:
    """A real archive (its own database, `fichive serve` with two workers of four threads
    and its task worker), migrated and started once for every live test: the concurrency
    tests press it, the crash test kills and restarts it (each test seeds its own works)."""
    with live_archive(workers=2, threads=4, tasks=True) as running:
        yield running
