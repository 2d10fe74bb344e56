"""Guests' page cache: whole rendered pages for logged-out visitors, kept under version keys
that `content_changed` retires, so a change shows on the next request.

Every cached page is stored under the versions it depends on: a work's pages under the global
version and that work's version, listings under the global version and the listings version.
`content_changed(work_ids=…)` gives those works and every listing new versions;
`content_changed(everything=True)` (tag wrangling) gives the global one a new
value. A stored page names the version keys and the values it was stored under, and is served
only while every one of them still holds that value; old entries are never served again and
age out. Versions are random, never counters, so a version key lost to eviction can't come back
to a value old pages were stored under.

Pages are served from two places, with one key (scheme, host, path and query string, and
the variant of the guest's preferences cookie, lib/guestprefs.py) and one stored entry (the
status, headers and body Django sent):
- `guests_fast_path` wraps the WSGI application: a GET or HEAD with no cookie but the CSRF
  one and the guest's preferences is answered from Redis before Django runs, in one round
  trip (a Lua script checks the versions and returns the page). It declines whatever Django
  would answer differently: a Host outside ALLOWED_HOSTS, a plain-HTTP request that
  SECURE_SSL_REDIRECT would redirect.
- `cached_for_guests` (a view decorator) serves every other guest, e.g. one with a session or
  a flash message cookie, from the same entries, and decides what may be stored: only guests'
  GET requests, with pages that nothing about the visitor went into (no flash messages, no
  CSRF token, no cookie set, no Authorization header), so restricted works, drafts and
  anything a logged-in user or an app with credentials sees never reach the cache.
  `GuestPageCacheMiddleware`, the outermost middleware, stores those pages with the headers
  the other middleware gave them.

With Redis, each process also keeps the pages it served from Redis lately in its own memory
(`_NearPages`) and serves them again without a round trip: every version change is published
on a channel the process listens to, and what has arrived is read before a page is served
from memory; a lost subscription empties that memory.

Without Redis (the embedded default), versions and pages are kept in a diskcache store in the
data dir (`SharedDiskCache`, SQLite files) which every worker process and `fichive` command on
the machine shares, and each process keeps the versions it read and the pages it served lately
in its own memory (`_DiskPages`). Every version change also writes a new number into a small
file every process maps into memory (`_Changes`); a process reads it before it serves from
memory, and when it has changed reads again from the store the versions a page depends on. So
a repeat view costs one read of shared memory, and a change made anywhere on the machine
retires the page in every process before its next request. `fichive serve` retires every page
the store kept as it starts (`forget_disk_pages`). With FICHIVE_CACHE=memory the cache is each
process's own (`_CachePages`): pages are cached only for Django's side, for one process.

What one guest can add is bounded: version keys expire (VERSION_SECONDS; one that is gone
reads as changed), a work's version key is made only when a page of that work is kept (a 404
for a made-up id leaves nothing), a page is kept only when every query parameter is one the
view reads (`cached_for_guests(params=…)`; junk and tracking parameters are rendered each
time), and one address adds at most FICHIVE_PAGE_CACHE_NEW_PER_MINUTE pages a minute (counted
in the shared rate-limit store, lib/ratelimit.py); beyond it its pages are served uncached.

If the cache can't be reached, pages are rendered as if there were none.

A page that carries validators (ETag, Last-Modified: the Atom feeds) keeps them when served
from the cache by either path, and a request whose If-None-Match or If-Modified-Since matches
them is answered 304 Not Modified: by the fast path from the stored headers, and on the Django
side by `GuestPageCacheMiddleware` once the page is stored.

A page that shows a work's text to a guest counts a hit on the work (fichive/readings). The
view counts the first one; it marks the page (`count_read_on`), which is stored with the
work's id, and every later guest served the page from the cache, by either path, is counted
through the `guest_read` signal (the readings app buffers it in memory: nothing is written
while the page is served).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import mmap
import os
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import redis
from diskcache import DjangoCache
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import Signal, receiver
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from redis.backoff import NoBackoff
from redis.retry import Retry

from fichive.lib import db_router
from fichive.lib.guestprefs import GUEST_COOKIE, guest_variant
from fichive.lib.ratelimit import RateLimit
from fichive.lib.visitors import address_hash

logger = logging.getLogger(__name__)

PREFIX = "fichive:pages"
# Bigger pages (a long work read whole) are rendered each time rather than filling the cache.
MAX_PAGE_BYTES = 1_000_000
GLOBAL = f"{PREFIX}:v:all"
LISTINGS = f"{PREFIX}:v:listings"
CACHE_HEADER = "X-Fichive-Cache"
# Set by `cached_for_guests` on a page to store: {version key: version}. In the WSGI environ
# (request.META), which the middleware that stores the page shares.
_TO_STORE = "fichive.page_cache.versions"
# Set by the view on a page whose every view counts as a read of a work: that work's id.
_READ_OF = "fichive.page_cache.read_of"

# Sent when a stored page of a work's text is served to a guest, by the fast path or by
# `cached_for_guests`: `meta` is the WSGI environ (or request.META), `work_id` the work read.
guest_read = Signal(use_caching=True)

# Sent by `content_changed` as it is called (inside the caller's transaction): `work_ids`
# whose pages changed, `listings` False for a kudos, bookmark or comment count alone,
# `everything` for tag wrangling. A receiver may return a function, called once the
# transaction commits, after the versions' second change (recommendations queue the works
# to be compared again, and retire the pages that list them).
works_changed = Signal()


def count_read_on(request: HttpRequest, work_id: int) -> None:
    """Mark the page being rendered as a read of the work: if it is stored for guests, each
    guest it is served to from the cache is counted too (`guest_read`)."""
    request.META[_READ_OF] = work_id


def _work_version_key(work_id: int) -> str:
    return f"{PREFIX}:v:work:{work_id}"


# A version: the millisecond it was made (see `_fresh_enough`) and 20 random bits. A whole
# number, which Django's Redis backend stores as its digits, so the Lua script can compare it.
_RANDOM_BITS = 20


def _new_version() -> int:
    return (int(time.time() * 1000) << _RANDOM_BITS) | secrets.randbits(_RANDOM_BITS)


# How long a version key lives once made or changed. Pages (and the other caches keyed by
# versions) stored under one are served only while it holds their value: when it expires, a
# new random version is made on the next read, which reads as "changed", so they are built
# again. A key made for every work ever requested thus goes away with time.
VERSION_SECONDS = 24 * 3600


def _bump(keys: list[str]) -> None:
    cache.set_many({key: _new_version() for key in keys}, timeout=VERSION_SECONDS)
    store = _pages()
    if isinstance(store, _RedisPages | _DiskPages):
        store.changed(keys)


def _tag_version_key(tag_id: int) -> str:
    return f"{PREFIX}:v:tag:{tag_id}"


def content_changed(*, work_ids: Iterable[int] = (), tag_ids: Iterable[int] = (),
                    everything: bool = False, listings: bool = True) -> None:
    """Call from every service that changes what guests' pages show: `work_ids` are works
    whose own pages changed (every listing goes with them); `tag_ids` the tags such works are
    or were found under (whose tag listings' kept counts and pages, see
    tag_listings_version, go with them); `everything` retires every cached page and kept
    listing (tag wrangling: tag names and links show on many works' pages).

    The versions change now and again once the transaction commits. The second change is the
    one that counts: a guest who read the old data while the transaction was open may have
    stored it under the first new version, which the commit retires. The first keeps the
    change visible inside the transaction itself (tests, ATOMIC_REQUESTS).
    """
    if everything:
        keys = [GLOBAL]
        after = _told(work_ids=(), listings=True, everything=True)
    else:
        ids = set(work_ids)
        after = _told(work_ids=sorted(ids), listings=listings, everything=False) if ids else []
        # A kudos or comment (listings=False) retires only the work's own pages: listings'
        # blurb counts catch up when the listing next changes or its page ages out.
        keys = [LISTINGS] if ids and listings else []
        keys += [_work_version_key(work_id) for work_id in sorted(ids)]
        keys += [_tag_version_key(tag_id) for tag_id in sorted(set(tag_ids))]
        if not keys:
            return
    _bump(keys)
    transaction.on_commit(lambda: _committed(keys, after))


def _told(**kwargs: Any) -> list[Callable[[], None]]:
    """Tell works_changed's receivers; what they want done once the change commits."""
    replies: list[Any] = [reply for _, reply in works_changed.send(sender=None, **kwargs)]
    return [reply for reply in replies if callable(reply)]


def _committed(keys: list[str], after: list[Callable[[], None]]) -> None:
    _bump(keys)
    for then in after:
        then()


def forget_disk_pages() -> None:
    """Retire every page and kept listing in the disk store, now (`fichive serve` at start:
    the database may have changed meanwhile in a way nothing announced, e.g. a database file
    copied into place). Touches no database; with Redis or memory, does nothing."""
    if isinstance(_pages(), _DiskPages):
        _bump([GLOBAL])


def _versions(keys: list[str]) -> dict[str, int]:
    """The current versions of `keys`, giving a new version to any the cache has lost (or
    never had, or let expire)."""
    store = _pages()
    found = store.read_versions(keys)
    missing = {key: _new_version() for key in keys if key not in found}
    for key, value in missing.items():
        cache.add(key, value, timeout=VERSION_SECONDS)
    if missing:
        found.update(store.read_versions(list(missing)))
    return {key: found.get(key) or missing[key] for key in keys}


def _claim_versions(found: dict[str, int], missing: dict[str, int]) -> dict[str, int] | None:
    """The versions to store a page under, once it turned out worth storing: `found` (read
    before the page was rendered) and `missing`, keys that had no version then, each given
    the value proposed for it, but only if no change made one meanwhile (`add` fails then,
    and the page, which may predate that change, is not stored: None)."""
    for key, value in missing.items():
        if not cache.add(key, value, timeout=VERSION_SECONDS):
            return None
    return {**found, **missing}


def listings_version() -> str:
    """What every listing currently depends on, for other caches of listing data (the
    sidebar counts) to put in their keys."""
    return ":".join(str(version) for version in _versions([GLOBAL, LISTINGS]).values())


def tag_listings_version(tag_ids: Iterable[int]) -> str:
    """What a listing of the works found under all of these tags depends on: a change to a
    work retires the listings of the tags it is, or was, found under (content_changed's
    `tag_ids`), not every listing's, so a busy archive keeps its other tags' counts."""
    keys = [GLOBAL, *(_tag_version_key(tag_id) for tag_id in sorted(set(tag_ids)))]
    return ":".join(str(version) for version in _versions(keys).values())


def listings_changed_at() -> datetime.datetime:
    """When anything a listing shows last changed: the newest of the versions listings are
    stored under (each is the millisecond it was made; one the cache lost counts as made
    now). Feeds send it as Last-Modified."""
    versions = _versions([GLOBAL, LISTINGS]).values()
    made = max(version >> _RANDOM_BITS for version in versions) / 1000
    return datetime.datetime.fromtimestamp(made, tz=datetime.UTC)


def with_feed_validators(response: HttpResponse) -> HttpResponse:
    """A feed's validators for clients that poll (Atom feeds, the OPDS catalog): an ETag
    digesting the document, Last-Modified from listings_changed_at, and Vary: Authorization
    (an app password changes what it shows). Conditional requests then get 304 (the
    middleware below and the fast path)."""
    response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["Last-Modified"] = http_date(listings_changed_at().timestamp())
    patch_vary_headers(response, ["Authorization"])
    return response


def work_version(work_id: int) -> str | None:
    """What everything shown of one work currently depends on, for other caches of a work's
    data (generated downloads) to put in their keys; None when that can't be stored now (a
    replica read younger than the allowed lag)."""
    versions = list(_versions([GLOBAL, _work_version_key(work_id)]).values())
    return ":".join(str(v) for v in versions) if _fresh_enough(versions) else None


def work_versions(work_ids: Iterable[int]) -> dict[int, str | None]:
    """work_version of each of these works, read together (a listing page's blurbs): one
    read of the cache for them all."""
    ids = list(dict.fromkeys(work_ids))
    if not ids:
        return {}
    found = _versions([GLOBAL, *(_work_version_key(work_id) for work_id in ids)])
    everything = found[GLOBAL]
    versions: dict[int, str | None] = {}
    for work_id in ids:
        own = found[_work_version_key(work_id)]
        versions[work_id] = f"{everything}:{own}" if _fresh_enough((everything, own)) else None
    return versions


def work_version_known(work_id: int, *, make: bool = False) -> str | None:
    """work_version as it stands, read before the work's data so that what is kept under it
    is at least as new as it; None, without making one, when the work has no version yet (a
    made-up id leaves nothing), it can't be relied on now or the cache can't be reached.
    `make`: give the work a version if it has none (call it once the work turned out to
    exist, and keep things from the next request on)."""
    keys = [GLOBAL, _work_version_key(work_id)]
    try:
        found = _versions(keys) if make else _pages().read_versions(keys)
    except Exception:  # the cache is down: nothing is kept, pages are rendered whole
        logger.exception("The work's version couldn't be read")
        return None
    if len(found) != len(keys):
        return None
    versions = [found[key] for key in keys]
    return ":".join(str(v) for v in versions) if _fresh_enough(versions) else None


def _fresh_enough(versions: Iterable[int]) -> bool:
    """A page read from a replica may only be stored once every version it is stored under is
    older than the replica's allowed lag, or it could hold data from before the change."""
    if db_router.current_alias() is None:
        return True
    settled = time.time() - settings.FICHIVE_REPLICA_PIN_SECONDS
    return all((version >> _RANDOM_BITS) / 1000 <= settled for version in versions)


# ------------------------------------------------------------------------ stored pages


@dataclass(frozen=True)
class StoredPage:
    """A page as Django sent it: status line, headers (but the cache's own) and body, and
    the work a guest served it reads (count_read_on), if any."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    read_of: int | None = None

    @classmethod
    def of(cls, response: HttpResponse, read_of: int | None = None) -> StoredPage:
        return cls(f"{response.status_code} {response.reason_phrase}",
                   [(name, value) for name, value in response.items() if name != CACHE_HEADER],
                   response.content, read_of)

    def encode(self) -> bytes:
        return json.dumps([self.status, self.headers, self.read_of]).encode() + b"\n" + self.body

    @classmethod
    def decode(cls, data: bytes) -> StoredPage:
        head, body = data.split(b"\n", 1)
        status, headers, *rest = json.loads(head)  # pages stored before read_of have none
        return cls(status, [(name, value) for name, value in headers], body,
                   rest[0] if rest else None)

    def content_type(self) -> str:
        return next((value for name, value in self.headers if name.lower() == "content-type"),
                    "text/html; charset=utf-8")


def _page_key(request: HttpRequest) -> str:
    """The cache key of the page this request asks for (DisallowedHost for a bad Host): the
    URL, and the variant of the guest's preferences cookie (skin, adult content), so a page
    made for one guest's choices is never served to another's."""
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    variant = guest_variant(request.COOKIES.get(GUEST_COOKIE))
    if variant:
        url += f" {variant}"
    return f"{PREFIX}:{hashlib.sha256(url.encode()).hexdigest()}"


class _CachePages:
    """Stored pages in any Django cache (local memory): the entry holds the versions it was
    stored under, checked against the current ones in a second read."""

    fast = False  # not for `guests_fast_path`: no other process hears of changes

    def __init__(self, backend: BaseCache) -> None:
        self.backend = backend

    def load(self, key: str) -> StoredPage | None:
        entry = self.backend.get(key)
        if entry is None:
            return None
        versions, page = entry
        return page if self.backend.get_many(list(versions)) == versions else None

    def save(self, key: str, versions: dict[str, int], page: StoredPage, timeout: int) -> None:
        self.backend.set(key, (versions, page), timeout)

    def read_versions(self, keys: list[str]) -> dict[str, int]:
        return self.backend.get_many(keys)


# The entry's first line names each version key (as stored in Redis) and its value; the entry
# and its remaining life (ms) are returned only if every key still holds that value.
_LOAD_SCRIPT = """
local entry = redis.call('GET', KEYS[1])
if not entry then return false end
local versions = string.sub(entry, 1, string.find(entry, '\\n', 1, true) - 1)
for key, version in string.gmatch(versions, '(%S+) (%S+)') do
  if redis.call('GET', key) ~= version then return false end
end
return {entry, redis.call('PTTL', KEYS[1])}
"""
# The channel on which every change names the version keys it gave new values.
CHANGES = f"{PREFIX}:changes"
SUBSCRIBER_NAME = "fichive-page-cache-changes"
# How long a worker waits before subscribing again after losing its subscription.
_RESUBSCRIBE_SECONDS = 5.0


class _NearPages:
    """Pages this process served from Redis lately, kept in its own memory and served again
    with no round trip for as long as Redis tells it that none of their versions changed.

    Every version change is published on the CHANGES channel (`_RedisPages.changed`); this
    process holds a connection subscribed to it, and reads whatever has arrived (without
    waiting) before it serves a page from memory. A page is kept only while the subscription
    is up: a lost connection empties the memory, and until it is back every page comes from
    Redis as before. A change made by this process is applied here at once; one made
    elsewhere counts here as soon as Redis has delivered its message.
    """

    def __init__(self, url: str, channel: str, max_bytes: int) -> None:
        self.url = url
        self.channel = channel
        self.max_bytes = max_bytes
        self.lock = threading.Lock()  # gunicorn's gthread workers share one per process
        self.subscription: Any = None  # a redis-py connection
        self.subscriber: redis.Redis | None = None
        self.subscribed_in: int | None = None  # the process that opened it (not a fork)
        self.retry_at = 0.0
        # version key -> value, as last seen in Redis and not changed since
        self.versions: dict[str, bytes] = {}
        # page key -> (expires at, ((version key, value), ...), page, size)
        self.pages: OrderedDict[str, tuple[float, tuple[tuple[str, bytes], ...], StoredPage,
                                           int]] = OrderedDict()
        self.size = 0

    # -- the subscription

    def _forget_all(self) -> None:
        self.versions.clear()
        self.pages.clear()
        self.size = 0

    def _drop_subscription(self) -> None:
        if self.subscription is not None:
            with contextlib.suppress(Exception):
                self.subscription.disconnect()
        self.subscription = self.subscriber = None
        self.retry_at = time.monotonic() + _RESUBSCRIBE_SECONDS
        self._forget_all()

    def _subscribe(self) -> None:
        # RESP2, where a subscription's messages are plain replies to read. Named, so an
        # operator (or a test) can find the subscriptions in CLIENT LIST.
        client = redis.Redis.from_url(self.url, protocol=2, client_name=SUBSCRIBER_NAME,
                                      socket_connect_timeout=1, socket_timeout=1,
                                      retry=Retry(NoBackoff(), 0))
        connection = None
        try:
            connection = client.connection_pool.get_connection()
            connection.send_command("SUBSCRIBE", self.channel)
            connection.read_response()  # the confirmation: every later change reaches us
        except Exception:
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.disconnect()
            self.retry_at = time.monotonic() + _RESUBSCRIBE_SECONDS
            logger.warning("The page cache couldn't subscribe to changes; serving from Redis")
            return
        self.subscription = connection
        self.subscriber = client  # the connection lives as long as its client
        self.subscribed_in = os.getpid()

    def _listening(self) -> bool:
        """Read every change that has arrived; True while the subscription is up."""
        if self.subscription is not None and self.subscribed_in != os.getpid():
            self.subscription = None  # inherited through a fork: the parent's socket
            self._forget_all()
        if self.subscription is None:
            if time.monotonic() < self.retry_at:
                return False
            self._subscribe()
            return self.subscription is not None
        try:
            if not self.subscription.is_connected:
                raise redis.ConnectionError("the subscription's connection was closed")
            while self.subscription.can_read(timeout=0):
                message = self.subscription.read_response()
                if isinstance(message, list) and len(message) == 3 and message[0] == b"message":
                    self._apply(message[2].decode().split())
        except Exception:
            logger.warning("The page cache lost its subscription to changes; serving from Redis")
            self._drop_subscription()
            return False
        return True

    def _apply(self, version_keys: Iterable[str]) -> None:
        for key in version_keys:
            self.versions.pop(key, None)

    # -- pages

    def get(self, key: str) -> tuple[StoredPage | None, bool]:
        """The page if memory holds it with every version unchanged, and whether a page read
        from Redis now may be kept."""
        with self.lock:
            if not self._listening():
                return None, False
            held = self.pages.get(key)
            if held is None:
                return None, True
            expires, versions, page, _ = held
            if time.monotonic() < expires and all(
                    self.versions.get(name) == value for name, value in versions):
                self.pages.move_to_end(key)
                return page, True
            self._discard(key)
            return None, True

    def put(self, key: str, versions: tuple[tuple[str, bytes], ...], page: StoredPage,
            ttl_ms: int) -> None:
        size = len(page.body) + 512
        if size > self.max_bytes or ttl_ms <= 0:
            return
        with self.lock:
            if self.subscription is None:  # lost since `get`: what arrived meanwhile is gone
                return
            self._discard(key)
            for name, value in versions:
                self.versions[name] = value
            self.pages[key] = (time.monotonic() + ttl_ms / 1000, versions, page, size)
            self.size += size
            while self.size > self.max_bytes:
                self._discard(next(iter(self.pages)))

    def _discard(self, key: str) -> None:
        held = self.pages.pop(key, None)
        if held is not None:
            self.size -= held[3]

    def changed_here(self, version_keys: Iterable[str]) -> None:
        with self.lock:
            self._apply(version_keys)


class _RedisPages:
    """Stored pages in Redis beside Django's cache keys: loaded and checked in one round
    trip, and kept in this process's memory while no change is heard of (`_NearPages`). Its
    own client, which fails at once instead of retrying, so a Redis that is down costs a
    request no more than a refused connection."""

    fast = True

    def __init__(self, backend: BaseCache, url: str) -> None:
        self.backend = backend
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1,
                                           retry=Retry(NoBackoff(), 0))
        self.script = self.client.register_script(_LOAD_SCRIPT)
        self.channel = backend.make_key(CHANGES)
        self.near = _NearPages(url, self.channel,
                               settings.FICHIVE_PAGE_CACHE_LOCAL_MB * 1024 * 1024)

    def load(self, key: str) -> StoredPage | None:
        name = self.backend.make_key(key)
        page, keep = self.near.get(name)
        if page is not None:
            return page
        reply = self.script(keys=[name])
        if reply is None:
            return None
        entry, ttl_ms = reply
        head, stored = entry.split(b"\n", 1)
        page = StoredPage.decode(stored)
        if keep:
            words = head.split()
            versions = tuple((words[i].decode(), words[i + 1])
                             for i in range(0, len(words) - 1, 2))
            self.near.put(name, versions, page, int(ttl_ms))
        return page

    def save(self, key: str, versions: dict[str, int], page: StoredPage, timeout: int) -> None:
        line = " ".join(f"{self.backend.make_key(name)} {version}"
                        for name, version in versions.items())
        self.client.set(self.backend.make_key(key), line.encode() + b"\n" + page.encode(),
                        ex=timeout)

    def read_versions(self, keys: list[str]) -> dict[str, int]:
        return self.backend.get_many(keys)

    def changed(self, keys: list[str]) -> None:
        """Tell every process (this one at once) that `keys` have new versions."""
        names = [self.backend.make_key(key) for key in keys]
        self.near.changed_here(names)
        self.client.publish(self.channel, " ".join(names))


class SharedDiskCache(DjangoCache):
    """diskcache's Django cache (SQLite files in one directory, which every process on this
    machine shares), kept open between requests: Django closes every cache when a request
    finishes, and opening diskcache's files again costs about 0.7 ms on the next use. Each
    thread has its own connections, which SQLite keeps consistent across processes."""

    def close(self, **kwargs: Any) -> None:
        """Keep the connections: the next request reads through them."""


# The file, in the disk store's directory, whose number every version change replaces.
_CHANGES_FILE = "page-changes"
# Versions a process remembers between changes; beyond it it forgets them all and reads again.
_MAX_VERSIONS_KEPT = 100_000


class _Changes:
    """A number in a small file that every process maps into its memory: each version change
    writes a new random one (after the versions), so reading it tells a process, in well under
    a microsecond, whether anything changed since it last looked."""

    def __init__(self, path: str) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < 8:
                os.ftruncate(fd, 8)
            self.map = mmap.mmap(fd, 8)
        finally:
            os.close(fd)

    def read(self) -> bytes:
        return self.map[:8]

    def bump(self) -> None:
        self.map[:8] = secrets.token_bytes(8)


class _DiskMemory:
    """One process's memory beside the disk store: the versions it read since the last change
    anywhere (`_Changes`), and the pages it served lately with the versions they were stored
    under, up to FICHIVE_PAGE_CACHE_LOCAL_MB. A page is served from here only while each of
    its versions is one this process read after the latest change, so a change made by any
    process or command retires it before this process's next request."""

    def __init__(self, directory: str) -> None:
        os.makedirs(directory, exist_ok=True)
        self.changes = _Changes(os.path.join(directory, _CHANGES_FILE))
        self.lock = threading.Lock()  # gunicorn's gthread workers share one per process
        self.seen = b""  # the changes number `versions` were read under
        self.versions: dict[str, int] = {}
        # page key -> (expires at, {version key: value}, page, size)
        self.pages: OrderedDict[str, tuple[float, dict[str, int], StoredPage, int]] = (
            OrderedDict())
        self.size = 0

    def sync(self) -> bytes:
        """Forget the versions read before the latest change; the changes number now. Call
        with the lock held."""
        now = self.changes.read()
        if now != self.seen:
            self.versions.clear()
            self.seen = now
        return now

    def remember(self, seen: bytes, found: dict[str, int]) -> None:
        """Keep versions read from the store after the changes number was `seen`, unless a
        later change has been noticed since (they may predate it)."""
        with self.lock:
            if self.seen != seen:
                return
            if len(self.versions) + len(found) > _MAX_VERSIONS_KEPT:
                self.versions.clear()
            self.versions.update(found)

    def held(self, key: str) -> tuple[dict[str, int], StoredPage] | None:
        """The page in memory, unexpired, and the versions it was stored under."""
        with self.lock:
            held = self.pages.get(key)
            if held is None:
                return None
            expires, versions, page, _ = held
            if time.time() >= expires:
                self._discard(key)
                return None
            self.pages.move_to_end(key)
            return versions, page

    def put(self, key: str, expires: float, versions: dict[str, int], page: StoredPage) -> None:
        size = len(page.body) + 512
        max_bytes = settings.FICHIVE_PAGE_CACHE_LOCAL_MB * 1024 * 1024
        with self.lock:
            self._discard(key)
            if size > max_bytes:
                return
            self.pages[key] = (expires, versions, page, size)
            self.size += size
            while self.size > max_bytes:
                self._discard(next(iter(self.pages)))

    def _discard(self, key: str) -> None:
        held = self.pages.pop(key, None)
        if held is not None:
            self.size -= held[3]


_disk_memories: dict[tuple[str, int], _DiskMemory] = {}
_disk_memories_lock = threading.Lock()


def _disk_memory(directory: str) -> _DiskMemory:
    """This process's memory beside the disk store in `directory` (a forked child makes its
    own)."""
    key = (directory, os.getpid())
    with _disk_memories_lock:
        memory = _disk_memories.get(key)
        if memory is None:
            memory = _disk_memories[key] = _DiskMemory(directory)
        return memory


class _DiskPages:
    """Stored pages and versions in the disk store (SharedDiskCache) every process on this
    machine shares, with each process's own memory in front of it (`_DiskMemory`): a repeat
    view is served from memory after one read of the shared changes number; after a change,
    the versions it depends on are read again from the store (one SQLite read)."""

    fast = True

    def __init__(self, backend: DjangoCache) -> None:
        self.backend = backend
        self.memory = _disk_memory(str(backend.directory))

    def read_versions(self, keys: list[str]) -> dict[str, int]:
        memory = self.memory
        with memory.lock:
            seen = memory.sync()
            found = {key: memory.versions[key] for key in keys if key in memory.versions}
        if len(found) < len(keys):
            read = self.backend.get_many([key for key in keys if key not in found])
            memory.remember(seen, read)
            found.update(read)
        return found

    def load(self, key: str) -> StoredPage | None:
        held = self.memory.held(key)
        if held is not None:
            versions, page = held
            if self.read_versions(list(versions)) == versions:
                return page
        entry = self.backend.get(key)
        if entry is None:
            return None
        versions, page, expires = entry
        if self.read_versions(list(versions)) != versions:
            return None
        self.memory.put(key, expires, versions, page)
        return page

    def save(self, key: str, versions: dict[str, int], page: StoredPage, timeout: int) -> None:
        expires = time.time() + timeout
        self.backend.set(key, (versions, page, expires), timeout)
        self.memory.put(key, expires, versions, page)

    def changed(self, keys: list[str]) -> None:
        """Tell every process (this one too) that versions changed: they read them again."""
        self.memory.changes.bump()


_stores: weakref.WeakKeyDictionary[BaseCache, _CachePages | _RedisPages | _DiskPages] = (
    weakref.WeakKeyDictionary())


# The store each thread found last (looking the default cache up costs more than reading a
# page from memory), forgotten when the caches' settings change (tests swap them).
_this_thread = threading.local()
_caches_generation = 0


@receiver(setting_changed)
def _forget_stores(*, setting: str, **kwargs: Any) -> None:
    global _caches_generation
    if setting == "CACHES":
        _caches_generation += 1


def _pages() -> _CachePages | _RedisPages | _DiskPages:
    """Where pages are stored: beside the default cache, which tests may swap."""
    found = getattr(_this_thread, "store", None)
    if found is not None and found[0] == _caches_generation:
        return found[1]
    generation = _caches_generation
    backend = caches["default"]
    store = _stores.get(backend)
    if store is None:
        location = settings.CACHES["default"].get("LOCATION")
        if isinstance(backend, RedisCache) and location:
            url = location if isinstance(location, str) else location[0]
            store = _RedisPages(backend, url.split(",")[0])
        elif isinstance(backend, DjangoCache):
            store = _DiskPages(backend)
        else:
            store = _CachePages(backend)
        _stores[backend] = store
    _this_thread.store = (generation, store)
    return store


def _load(key: str, store: _CachePages | _RedisPages | _DiskPages | None = None
          ) -> StoredPage | None:
    try:
        return (store or _pages()).load(key)
    except Exception:  # the cache is down: render the page as if it weren't there
        logger.exception("The page cache couldn't be read")
        return None


# ------------------------------------------------------------------------- Django side


def _guest_request(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"} or not settings.FICHIVE_PAGE_CACHE:
        return False
    # Credentials (an app's HTTP Basic, fichive/apppasswords) may make the page someone's.
    if request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
        return False
    # Flash messages are shown once to this visitor: don't serve or store a shared page.
    return len(get_messages(request)) == 0  # counting doesn't mark them as shown


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method == "GET"
        and "HTTP_AUTHORIZATION" not in request.META
        and response.status_code == 200
        and not response.streaming
        and len(response.content) <= MAX_PAGE_BYTES
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token is on the page
        and not response.has_header("Cache-Control")
        and settings.FICHIVE_PAGE_CACHE_SECONDS > 0
    )


# The query parameters every page of a work may read (adult-content consent, the whole work,
# the work skin turned off or on, a page of its kudos or bookmarks), unless the view says.
WORK_PAGE_PARAMS = frozenset({"view_adult", "view_full_work", "style", "page"})
# A longer query string is never a link the archive made: such pages are rendered each time.
MAX_CACHED_QUERY = 1000


def _known_query(request: HttpRequest, params: frozenset[str]) -> bool:
    """Whether every parameter of the query string is one the page reads (`params`): any
    other (a tracking tag, junk to fill the cache) would store one more copy of the same
    page, so such a request is served without the cache."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return True
    return len(query) <= MAX_CACHED_QUERY and request.GET.keys() <= params


def cached_for_guests(
    *, work_arg: str | None = None, params: Iterable[str] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a view's page to guests from the cache. With `work_arg` the page belongs to the
    work whose id is that URL argument; without it, it is a listing. `params` are the query
    parameters the view reads (default: WORK_PAGE_PARAMS for a work's pages, none for
    others); a request with any other is rendered and never stored."""
    known = frozenset(WORK_PAGE_PARAMS if params is None and work_arg else params or ())

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _guest_request(request) or not _known_query(request, known):
                return view(request, *args, **kwargs)
            stored = _load(_page_key(request))
            if stored is not None:
                response = HttpResponse(stored.body, content_type=stored.content_type())
                # What conditional requests compare, and the page's own CSP (it allows the
                # page's <style> elements by their hashes, lib/headers.py).
                for name, value in stored.headers:
                    if name.lower() in _REPLAYED:
                        response[name] = value
                response[CACHE_HEADER] = "hit"
                if stored.read_of is not None and request.method == "GET":
                    guest_read.send(StoredPage, meta=request.META, work_id=stored.read_of)
                return response
            try:
                # Read before the page is rendered: a change made meanwhile retires it. A
                # work's key with no version yet (a work no guest asked for lately, or no
                # such work) gets one only if the page is kept: a 404 for a made-up id
                # leaves nothing behind.
                if work_arg:
                    key = _work_version_key(kwargs[work_arg])
                    found = _versions([GLOBAL]) | _pages().read_versions([key])
                    missing = {} if key in found else {key: _new_version()}
                else:
                    found, missing = _versions([GLOBAL, LISTINGS]), {}
            except Exception:
                logger.exception("The page cache couldn't be read")
                return view(request, *args, **kwargs)
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            try:
                versions = _claim_versions(found, missing) if missing else found
            except Exception:
                logger.exception("The page cache couldn't be written")
                return response
            if versions is not None and _fresh_enough(versions.values()):
                request.META[_TO_STORE] = versions
            return response

        return wrapper

    return decorator


class GuestPageCacheMiddleware:
    """Stores the pages `cached_for_guests` chose, as the other middleware finished them (so
    the fast path replays every header); first in MIDDLEWARE. A page that carries an ETag or
    Last-Modified (the feeds) is then answered 304 Not Modified to a request whose
    If-None-Match or If-Modified-Since it matches, after it was stored: a client polling with
    validators still fills the cache for the others."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        versions = request.META.pop(_TO_STORE, None)
        read_of = request.META.pop(_READ_OF, None)
        if versions is not None and _storable(request, response) and _within_budget(request):
            try:
                _pages().save(_page_key(request), versions, StoredPage.of(response, read_of),
                              settings.FICHIVE_PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("The page cache couldn't be written")
            else:
                response[CACHE_HEADER] = "miss"
        return _conditional(request, response)


def _within_budget(request: HttpRequest) -> bool:
    """Whether this visitor's address may add one more page to the cache this minute
    (FICHIVE_PAGE_CACHE_NEW_PER_MINUTE, counted in the shared rate-limit store); beyond it
    their pages are still served, only not kept. A broken counter store lets the page in."""
    if settings.FICHIVE_PAGE_CACHE_NEW_PER_MINUTE <= 0:  # no budget
        return True
    budget = RateLimit("page-cache-new", settings.FICHIVE_PAGE_CACHE_NEW_PER_MINUTE, 60)
    try:
        keys = budget.keys_for(user_id=None, address_hash=address_hash(request.META))
        if budget.over_limit(keys):
            return False
        budget.record(keys)
    except Exception:
        logger.exception("The page cache's budget couldn't be counted")
    return True


# The headers conditional requests compare, kept with a stored page and given back with it.
_VALIDATORS = frozenset({"etag", "last-modified"})
# What `cached_for_guests` gives back of a stored page's headers besides its body (the other
# middleware add the rest again).
_REPLAYED = _VALIDATORS | {"content-security-policy"}
# What a 304 repeats of the page it stands for (RFC 9110, 15.4.5).
_NOT_MODIFIED_KEEPS = frozenset({"etag", "last-modified", "cache-control", "expires", "vary",
                                 "content-location", "date"})


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The response, or 304 when the request's validators match the page's (GET, HEAD)."""
    if (request.method not in {"GET", "HEAD"} or response.status_code != 200
            or not (response.has_header("ETag") or response.has_header("Last-Modified"))):
        return response
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(request, etag=response.get("ETag"),
                                    last_modified=last_modified, response=response) or response


def not_modified(if_none_match: str | None, if_modified_since: str | None,
                 headers: Iterable[tuple[str, str]]) -> bool:
    """Whether a GET's validators match a stored page's headers (If-None-Match, by weak
    comparison, decides when sent; If-Modified-Since only without it)."""
    if not (if_none_match or if_modified_since):
        return False
    found = {name.lower(): value for name, value in headers}
    etag, modified = found.get("etag"), found.get("last-modified")
    if if_none_match:
        if etag is None:
            return False
        wanted = parse_etags(if_none_match)
        return "*" in wanted or etag.removeprefix("W/") in {
            tag.removeprefix("W/") for tag in wanted}
    if if_modified_since and modified:
        since, changed = parse_http_date_safe(if_modified_since), parse_http_date_safe(modified)
        return since is not None and changed is not None and changed <= since
    return False


# --------------------------------------------------------------------------- WSGI side


# What of a request decides its page key (Django's scheme, host and full path), and the keys
# worked out for such requests lately: building a Django request for each costs more than the
# rest of the fast path. None marks a request Django answers otherwise (a bad Host, a
# redirect to HTTPS). Emptied when settings change (tests) and when it grows too big.
_KEY_FIELDS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME",
               "PATH_INFO", "QUERY_STRING", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
               "HTTP_X_FORWARDED_PROTO")
_MAX_KEYS_KEPT = 10_000
_keys_for: dict[tuple[Any, ...], str | None] = {}


@receiver(setting_changed)
def _forget_keys(**kwargs: Any) -> None:
    _keys_for.clear()


def _wsgi_page_key(environ: dict[str, Any], variant: str = "") -> str | None:
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    fields = tuple(environ.get(name) for name in _KEY_FIELDS) + (
        (environ.get(proxy_header[0]),) if proxy_header else ()) + (variant,)
    try:
        return _keys_for[fields]
    except KeyError:
        pass
    request = WSGIRequest(dict(environ))  # a copy: it rewrites PATH_INFO in place
    key: str | None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        key = None
    else:
        try:
            key = _page_key(request)
        except DisallowedHost:  # Django answers 400
            key = None
    if len(_keys_for) >= _MAX_KEYS_KEPT:
        _keys_for.clear()
    _keys_for[fields] = key
    return key


def _replayable(environ: dict[str, Any]) -> StoredPage | None:
    """The stored page for a request Django would answer with it, else None."""
    if environ.get("REQUEST_METHOD") not in {"GET", "HEAD"} or not settings.FICHIVE_PAGE_CACHE:
        return None
    raw = environ.get("HTTP_COOKIE")
    cookies = parse_cookie(raw) if raw else {}
    # Any cookie but the CSRF one and the guest's preferences could be a session, a flash
    # message or a replica pin.
    if cookies.keys() - {settings.CSRF_COOKIE_NAME, GUEST_COOKIE}:
        return None
    variant = guest_variant(cookies[GUEST_COOKIE]) if GUEST_COOKIE in cookies else ""
    if "HTTP_AUTHORIZATION" in environ or settings.DISALLOWED_USER_AGENTS:
        return None
    store = _pages()
    if not store.fast:
        return None
    key = _wsgi_page_key(environ, variant)
    return None if key is None else _load(key, store)


def guests_fast_path(application: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """Wrap the WSGI application: guests' pages the cache holds are sent without Django (a
    page of a work's text counts the guest's read: `guest_read`)."""

    def fast_path(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        page = _replayable(environ)
        if page is None:
            return application(environ, start_response)
        if not_modified(environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE"),
                        page.headers):
            start_response("304 Not Modified", [
                *((name, value) for name, value in page.headers
                  if name.lower() in _NOT_MODIFIED_KEEPS), (CACHE_HEADER, "hit")])
            return []
        start_response(page.status, [*page.headers, (CACHE_HEADER, "hit")])
        if environ["REQUEST_METHOD"] == "HEAD":
            return []
        if page.read_of is not None:
            guest_read.send(StoredPage, meta=environ, work_id=page.read_of)
        return [page.body]

    return fast_path
