"""Counting reads: a work's page, chapter page or whole-work view counts a hit (one per visitor
per work per day) and, for a logged-in reader whose history isn't paused, a visit in their
history; guests served the page from the cache are counted too (lib/cache.py's `guest_read`).
Only memory is touched here; buffer.py writes in batches.

Not counted: the work's own creators (AO3 doesn't count them), HEAD requests, pages that
failed (counting happens once the work was found visible and its page rendered), the chapter
index and downloads (a download is fetched again by e-readers and feed readers without a
person reading it again).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from fichive.accounts.models import Preference
from fichive.accounts.preferences import prefs_for
from fichive.lib.cache import count_read_on, guest_read
from fichive.lib.visitors import address_hash
from fichive.readings.buffer import reads
from fichive.readings.services import microseconds
from fichive.works.models import Work


def guest_visitor(meta: Mapping[str, Any]) -> str:
    """A guest's HitDay visitor: "g" and 128 bits of their address's salted hash."""
    return "g" + address_hash(meta)[:32]


def user_visitor(user_id: int) -> str:
    return f"u{user_id}"


def history_paused(user_id: int) -> bool:
    """The reader paused their history (accounts' Preference.history_enabled is off). Read,
    never created: no row means the default, recording. (A request's own reader is read
    from prefs_for(request) instead, without a query.)"""
    return Preference.objects.filter(user_id=user_id, history_enabled=False).exists()


def read_counted(request: HttpRequest, work: Work, *, is_creator: bool,
                 at: float | None = None) -> None:
    """Count this request's read of `work`, once its page has rendered: call it from the
    views that show a work's text (the work read through works.selectors). A hidden work
    (seen only by its creators and moderators) counts no hits and enters no history."""
    if request.method != "GET" or is_creator or work.is_draft or work.is_hidden:
        return
    user = request.user
    if user.is_authenticated:
        reads.hit(work.pk, user_visitor(user.pk), at)
        # The preference came with the user (accounts.backends): no query.
        if prefs_for(request).history_enabled:
            reads.visit(user.pk, work.pk, microseconds(work.modified_at), at)
    else:
        reads.hit(work.pk, guest_visitor(request.META), at)
        count_read_on(request, work.pk)


@receiver(guest_read)
def _cached_page_read(sender: object, meta: Mapping[str, Any], work_id: int,
                      **kwargs: Any) -> None:
    reads.hit(work_id, guest_visitor(meta))
