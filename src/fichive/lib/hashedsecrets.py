"""Secrets kept as digests (app passwords, API tokens): the SHA-256 of a secret, finding the
row a secret belongs to among those sharing its lookup prefix, and marking it used without a
write on every request."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

Row = TypeVar("Row", bound=Model)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matching(rows: QuerySet[Row], secret: str) -> Row | None:
    """The row of `rows` (those sharing the secret's lookup prefix) whose `digest` is this
    secret's, compared in constant time; marked used (see `mark_used`)."""
    wanted = digest(secret)
    found = None
    for row in rows:
        if hmac.compare_digest(row.digest, wanted):  # type: ignore[attr-defined]
            found = row
    if found is not None:
        mark_used(found)
    return found


# last_used_at is written at most once in this many seconds per secret.
TOUCH_EVERY = 60


def mark_used(row: Model) -> None:
    """Set the row's `last_used_at` to now, unless it was set in the last TOUCH_EVERY
    seconds; a conditional update, so of many requests at once one writes."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=TOUCH_EVERY)
    last = row.last_used_at  # type: ignore[attr-defined]
    if last is None or last <= cutoff:
        type(row)._default_manager.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff), pk=row.pk,
        ).update(last_used_at=now)
        row.last_used_at = now  # type: ignore[attr-defined]
