"""Hits and history visits held in memory and written in batches, so reading never waits on a
write.

A page view adds to this process's buffer (a set of (day, work, visitor) hits, deduplicated
in memory, and a count of visits per reader and work) under a lock, nothing more. Every
FICHIVE_HITS_FLUSH_SECONDS (default 5) a daemon thread flushes the buffer, and so does the
process on its way out (atexit: gunicorn workers leave through sys.exit, e.g. when
--max-requests recycles them or the server stops):

- without Redis, straight to the database (services.hits_write / visits_write, one
  transaction per batch);
- with Redis (the default cache is Redis, as FICHIVE_REDIS_URL makes it), into Redis first:
  each hit is added to that day's set of hits seen (SADD), and only the new ones are queued
  on a pending list, along with the visits; then whichever process takes the drain lock
  writes the pending lists to the database and trims what it wrote. Hits are deduplicated
  across every process before the database sees them, and what a process pushed survives its
  crash.

Either way the database has the last word: a hit is counted only if its HitDay row could be
inserted, so a hit written twice (a crash between the write and the trim, two processes
without Redis) counts once.

What a crash can lose: the hits and visits a process buffered since its last flush, at most
FICHIVE_HITS_FLUSH_SECONDS of them per process (killed with SIGKILL, or a power cut; a
normal stop flushes). With Redis, what reached Redis is lost only with Redis itself (per its
own persistence settings). If the database is down, batches wait (in memory, up to
MAX_PENDING hits and as many visits, or in Redis) and are written once it is back.

The thread runs only in processes that serve pages (`flush_in_background`, called by
fichive/wsgi.py); anywhere else (tests, commands) the buffer is flushed by calling `flush()`.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import secrets
import threading
import time
import weakref
from collections import defaultdict
from typing import Any

import redis
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, transaction
from redis.backoff import NoBackoff
from redis.retry import Retry

from fichive.readings import services
from fichive.readings.services import Hit, Visits, day_number

logger = logging.getLogger(__name__)

DEFAULT_FLUSH_SECONDS = 5.0
# Held in memory at most (while the database or Redis is down); more are dropped, logged.
MAX_PENDING = 100_000
# Hits this process has already buffered lately, not buffered again; emptied when full
# (some 200 bytes each).
MAX_SEEN = 50_000
# Redis: a drain writes this many queued hits (and visits) per transaction.
DRAIN_BATCH = 2_000
DRAIN_LOCK_MS = 60_000
PREFIX = "fichive:reads"

# Adds one day's hits to that day's set of hits seen and queues those not seen before.
_PUSH_SCRIPT = """
local added = 0
for i = 2, #ARGV do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[2], ARGV[i])
    added = added + 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return added
"""
_RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def flush_seconds() -> float:
    """FICHIVE_HITS_FLUSH_SECONDS (settings.py, from the environment; default 5)."""
    return float(getattr(settings, "FICHIVE_HITS_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))


class _RedisQueue:
    """The pending hits and visits in Redis, beside the default cache's keys."""

    def __init__(self, backend: BaseCache, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5,
                                           retry=Retry(NoBackoff(), 0))
        self.key = backend.make_key
        self.pending_hits = self.key(f"{PREFIX}:hits")
        self.pending_visits = self.key(f"{PREFIX}:visits")
        self.lock = self.key(f"{PREFIX}:drain-lock")
        self.push_script = self.client.register_script(_PUSH_SCRIPT)
        self.release_script = self.client.register_script(_RELEASE_SCRIPT)

    def seen_key(self, day: int) -> str:
        return self.key(f"{PREFIX}:seen:{day}")

    def push(self, hits: list[Hit], visits: list[Visits]) -> None:
        by_day: defaultdict[int, list[str]] = defaultdict(list)
        for hit in hits:
            by_day[hit.day].append(f"{hit.day} {hit.work_id} {hit.visitor}")
        ttl = services.KEEP_DAYS * 86400  # older hits are dropped by hits_write anyway
        pipe = self.client.pipeline(transaction=False)
        for day, members in by_day.items():
            for start in range(0, len(members), 1000):
                self.push_script(keys=[self.seen_key(day), self.pending_hits],
                                 args=[ttl, *members[start:start + 1000]], client=pipe)
        if visits:
            pipe.rpush(self.pending_visits, *(json.dumps(
                [v.user_id, v.work_id, v.count, v.first, v.last, v.work_modified])
                for v in visits))
        pipe.execute()

    def drain(self, write: _Writer) -> None:
        """Write what every process queued, unless another process is already at it."""
        token = secrets.token_hex(8)
        if not self.client.set(self.lock, token, nx=True, px=DRAIN_LOCK_MS):
            return
        try:
            while True:
                pipe = self.client.pipeline(transaction=False)
                pipe.lrange(self.pending_hits, 0, DRAIN_BATCH - 1)
                pipe.lrange(self.pending_visits, 0, DRAIN_BATCH - 1)
                raw_hits, raw_visits = pipe.execute()
                if not raw_hits and not raw_visits:
                    return
                hits = []
                for raw in raw_hits:
                    day, work_id, visitor = raw.decode().split(" ", 2)
                    hits.append(Hit(int(day), int(work_id), visitor))
                visits = [Visits(*json.loads(raw)) for raw in raw_visits]
                write(hits, visits)
                pipe = self.client.pipeline(transaction=False)
                pipe.ltrim(self.pending_hits, len(raw_hits), -1)
                pipe.ltrim(self.pending_visits, len(raw_visits), -1)
                pipe.execute()
                if len(raw_hits) < DRAIN_BATCH and len(raw_visits) < DRAIN_BATCH:
                    return
        finally:
            self.release_script(keys=[self.lock], args=[token])


class _Writer:
    """Writes a batch to the database: hits and visits in one transaction, and once a day
    the HitDay rows too old to matter pruned."""

    def __init__(self, today: int) -> None:
        self.today = today

    def __call__(self, hits: list[Hit], visits: list[Visits]) -> None:
        with transaction.atomic():
            services.hits_write(hits=hits, today=self.today)
            services.visits_write(visits=visits)


_queues: weakref.WeakKeyDictionary[BaseCache, _RedisQueue] = weakref.WeakKeyDictionary()


def _redis_queue() -> _RedisQueue | None:
    """The Redis queue when the default cache is Redis (FICHIVE_REDIS_URL), else None."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    queue = _queues.get(backend)
    if queue is None:
        location = settings.CACHES["default"].get("LOCATION")
        if not location:
            return None
        url = location if isinstance(location, str) else location[0]
        queue = _queues[backend] = _RedisQueue(backend, url.split(",")[0])
    return queue


class ReadBuffer:
    """This process's buffered hits and visits (one per process: `reads`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.flush_lock = threading.Lock()
        self.hits: set[tuple[int, int, str]] = set()
        self.seen: set[tuple[int, int, str]] = set()
        # (user id, work id) -> [count, first, last, work modified]
        self.visits: dict[tuple[int, int], list[Any]] = {}
        self.dropped = 0
        self.background = False
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self.pruned_day: int | None = None

    # -- recording (in the request: memory only)

    def hit(self, work_id: int, visitor: str, at: float | None = None) -> None:
        """Count `visitor` (a HitDay visitor string) on the work today (or on `at`'s day)."""
        key = (int((time.time() if at is None else at) // 86400), work_id, visitor)
        with self.lock:
            if key in self.seen:
                return
            if len(self.seen) >= MAX_SEEN:
                self.seen.clear()
            self.seen.add(key)
            if len(self.hits) < MAX_PENDING:
                self.hits.add(key)
            else:
                self.dropped += 1
        if self.thread is None and self.background:
            self._start()

    def visit(self, user_id: int, work_id: int, work_modified: int,
              at: float | None = None) -> None:
        """Add a visit to the reader's history (`work_modified`: the work's modified_at as
        services.microseconds)."""
        moment = time.time() if at is None else at
        with self.lock:
            held = self.visits.get((user_id, work_id))
            if held is not None:
                held[0] += 1
                held[1] = min(held[1], moment)
                if moment >= held[2]:
                    held[2], held[3] = moment, work_modified
            elif len(self.visits) < MAX_PENDING:
                self.visits[(user_id, work_id)] = [1, moment, moment, work_modified]
            else:
                self.dropped += 1
        if self.thread is None and self.background:
            self._start()

    def pending(self) -> tuple[int, int]:
        """How many hits and readers' visits wait for the next flush."""
        with self.lock:
            return len(self.hits), len(self.visits)

    def discard(self) -> None:
        """Forget everything buffered (a forked process's copy of its parent's; tests)."""
        with self.lock:
            self.hits, self.seen, self.visits = set(), set(), {}

    # -- flushing

    def _take(self) -> tuple[list[Hit], list[Visits]]:
        with self.lock:
            hits, self.hits = self.hits, set()
            visits, self.visits = self.visits, {}
            dropped, self.dropped = self.dropped, 0
        if dropped:
            logger.warning("%s hits or visits were dropped: the buffer was full", dropped)
        return ([Hit(*key) for key in hits],
                [Visits(user, work, v[0], v[1], v[2], v[3])
                 for (user, work), v in visits.items()])

    def _put_back(self, hits: list[Hit], visits: list[Visits]) -> None:
        with self.lock:
            for hit in hits:
                if len(self.hits) < MAX_PENDING:
                    self.hits.add((hit.day, hit.work_id, hit.visitor))
            for v in visits:
                held = self.visits.get((v.user_id, v.work_id))
                if held is None:
                    if len(self.visits) < MAX_PENDING:
                        self.visits[(v.user_id, v.work_id)] = [
                            v.count, v.first, v.last, v.work_modified]
                else:
                    held[0] += v.count
                    held[1] = min(held[1], v.first)
                    if v.last >= held[2]:
                        held[2], held[3] = v.last, v.work_modified

    def flush(self, *, now: float | None = None) -> None:
        """Write what this process buffered (through Redis when configured); on failure the
        batch is kept for the next flush and the failure logged."""
        today = day_number(time.time() if now is None else now)
        write = _Writer(today)
        with self.flush_lock:
            hits, visits = self._take()
            queue = None
            try:
                queue = _redis_queue()
                if queue is not None:
                    try:
                        if hits or visits:
                            queue.push(hits, visits)
                    except redis.RedisError:
                        logger.warning("Hits couldn't reach Redis; writing them to the database")
                        queue = None
                if queue is None and (hits or visits):
                    write(hits, visits)
            except Exception:
                logger.exception("Hits and history couldn't be written; kept for the next try")
                self._put_back(hits, visits)
                return
            try:
                if queue is not None:
                    queue.drain(write)
                if self.pruned_day != today:
                    services.hit_days_prune(today=today)
                    self.pruned_day = today
            except Exception:
                logger.exception("Hits and history queued in Redis couldn't be written, or old "
                                 "hit days pruned; tried again at the next flush")

    # -- the daemon thread and the way out

    def _start(self) -> None:
        with self.lock:
            if self.thread is not None:
                return
            self.stopping.clear()
            self.thread = threading.Thread(target=self._run, name="fichive-hits-flush",
                                           daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.wait(flush_seconds()):
            try:
                self.flush()
            finally:
                # The thread's own connection: closed, never left open between flushes.
                connections.close_all()

    def shutdown(self) -> None:
        """Stop the thread and write what is left (atexit; call it from a server's exit)."""
        self.stopping.set()
        thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self.thread = None
        self.flush()

    def _forked(self) -> None:
        # A forked child starts empty: what the parent buffered is the parent's to flush.
        self.lock = threading.Lock()
        self.flush_lock = threading.Lock()
        self.hits, self.seen, self.visits = set(), set(), {}
        self.thread = None
        self.stopping = threading.Event()


reads = ReadBuffer()
os.register_at_fork(after_in_child=reads._forked)
_exit_registered = False


def flush_in_background() -> None:
    """Flush every FICHIVE_HITS_FLUSH_SECONDS in a daemon thread (started at the first hit in
    each process; none when it is 0) and at exit: for processes that serve pages
    (fichive/wsgi.py)."""
    global _exit_registered
    # Not under Django's test environment (setup_test_environment, which gives mail an
    # outbox): a test that imports the WSGI application flushes by hand, in its transaction.
    # (The suite also sets FICHIVE_HITS_FLUSH_SECONDS=0, for modules imported before that.)
    if hasattr(mail, "outbox"):
        return
    if not _exit_registered:
        atexit.register(reads.shutdown)
        _exit_registered = True
    if flush_seconds() > 0:
        reads.background = True
