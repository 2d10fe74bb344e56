"""Rendered pieces of pages that are the same for every viewer who may see them (a work's
meta block, chapter text and navigation; who left kudos), kept in each process's memory and
reused across requests and viewers.

A fragment's key names everything its HTML depends on: the work's version
(lib/cache.work_version, which every change to what a work's pages show retires, tag
wrangling included through the global version) and whatever of the request went into it (the
chapters shown, the viewer's display preferences, the query the links keep). A stale entry is
never served: its key is simply never asked for again, and it ages out of the LRU. What
differs by viewer (their own state, the creator's own view) is rendered around a fragment,
never inside one.

Memory is bounded by FICHIVE_FRAGMENT_CACHE_MB (the HTML's length, counted in characters);
0 turns the reuse off and every fragment is rendered each time. `kept` keeps small read-only
data the same way (a work's tags and creators, under its version), up to KEPT_ENTRIES.

Whoever makes a key reads the version before the data it keeps under it
(lib/cache.work_version_known), so nothing older than a version is ever kept under it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe

# A fragment bigger than this share of the budget (a long work read whole) is rendered each
# time rather than pushing everything else out.
_LARGEST_SHARE = 8


class _Fragments:
    """An LRU of rendered HTML, bounded by its total length; safe to share between threads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[Hashable, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self.lock:
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
            return html

    def put(self, key: Hashable, html: str) -> None:
        if len(html) > self.limit // _LARGEST_SHARE:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self.entries[key] = html
            self.size += len(html)
            while self.size > self.limit:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


class Kept:
    """A bounded map in this process's memory, least recently used out first, of values kept
    under a key while their stamp (what they were made from) stays the same."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any, stamp: Any) -> Any:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def put(self, key: Any, stamp: Any, value: Any) -> None:
        with self.lock:
            self.entries[key] = (stamp, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


# At most this many kept data entries per process (a work's tags and creators: a few KB each).
KEPT_ENTRIES = 2000

_store: _Fragments | None = None
_kept = Kept(KEPT_ENTRIES)


def _fragments() -> _Fragments | None:
    global _store
    limit = settings.FICHIVE_FRAGMENT_CACHE_MB * 1024 * 1024
    if limit <= 0:
        return None
    if _store is None or _store.limit != limit:
        _store = _Fragments(limit)
    return _store


@receiver(setting_changed)
def _forget(setting: str, **kwargs: object) -> None:
    if setting in ("FICHIVE_FRAGMENT_CACHE_MB", "CACHES"):
        fragments_clear()


def fragments_on() -> bool:
    """Whether fragments are kept at all (FICHIVE_FRAGMENT_CACHE_MB above 0)."""
    return _fragments() is not None


def fragments_clear() -> None:
    """Forget every kept fragment and datum (tests; otherwise left to the LRUs)."""
    if _store is not None:
        _store.clear()
    _kept.clear()


def kept(key: tuple[Hashable, ...] | None, make: Callable[[], Any]) -> Any:
    """What `make` returns, reused while `key` is asked for again (None: made, not kept).
    What it returns is shared by every request and thread that asks: never change it."""
    if key is None or _fragments() is None:
        return make()
    found = _kept.get(key, None)
    if found is None:
        found = make()
        _kept.put(key, None, found)
    return found


def fragment(key: tuple[Hashable, ...] | None, render: Callable[[], str]) -> SafeString:
    """The HTML `render` makes, reused while `key` is asked for again; `key` None (a version
    that can't be relied on now) renders it without keeping it. The key must name
    everything the HTML depends on, and `render` must put nothing of one viewer into it."""
    store = _fragments()
    if store is None or key is None:
        return mark_safe(render())  # noqa: S308 - rendered by a template, escaped there
    html = store.get(key)
    if html is None:
        html = render()
        store.put(key, html)
    return mark_safe(html)  # noqa: S308 - rendered by a template, escaped there
