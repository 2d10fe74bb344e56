"""Receivers: a change to a work's pages (lib/cache.works_changed) marks it to be compared
again, once the change has committed (content_changed calls what the receiver returns); the
comparing runs in a task, never in the request."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from fichive.recommendations import services

logger = logging.getLogger("fichive.recommendations")


def on_works_changed(sender: Any, work_ids: Iterable[int], listings: bool, everything: bool,
                     **kwargs: Any) -> Callable[[], None] | None:
    """A kudos, bookmark or comment (`listings` False) changes a work's readers; anything
    else (text, tags, state, creators) its words too. Tag wrangling (`everything`) is left
    to `fichive recommendations rebuild`."""
    if everything or services.is_quiet() or not services.recommendations_on():
        return None
    ids = list(work_ids)
    # Inside the change's transaction, read now what lists these works, before a deletion
    # takes the rows with it (outside one, the change has committed already).
    listing = (services.works_listing(ids)
               if ids and listings and transaction.get_connection().in_atomic_block else None)

    def mark() -> None:
        # The change has committed: a failure here is logged, never the change's.
        try:
            services.works_mark_stale(work_ids=ids, text=listings, listing=listing)
        except Exception:
            logger.exception("Works %s couldn't be marked for \"More like this\"", ids)

    return mark if ids else None


def connect() -> None:
    """Connect the receivers (RecommendationsConfig.ready)."""
    from fichive.lib.cache import works_changed

    works_changed.connect(on_works_changed, dispatch_uid="fichive.recommendations.changed")
