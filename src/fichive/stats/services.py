"""Writes of the stats app: adding to a work's daily counts as its counters change.

Every service that moves a counter (hits in readings, kudos, comments, bookmarks,
subscriptions) calls work_stat_add (one work) or work_stats_add (a batch) in the same
transaction. One statement per chunk, the same on SQLite (3.24+) and PostgreSQL:
`INSERT … ON CONFLICT (work_id, day) DO UPDATE SET hits = hits + excluded.hits, …`, which
adds to a row another transaction wrote first instead of overwriting it (Django's
bulk_create(update_conflicts=True) would overwrite). Rows are merged per (work, day) before
the statement (PostgreSQL refuses to touch one row twice in one statement) and written in
(work, day) order, so two batches lock rows in the same order.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.db import connection
from django.utils import timezone

from fichive.stats.models import WorkStatDay

_CHUNK = 300  # rows per statement (7 parameters a row; SQLite allows 32,766)


@dataclass(slots=True)
class Counts:
    """How much each counter moved (negative when things went)."""

    hits: int = 0
    kudos: int = 0
    comment_threads: int = 0
    bookmarks: int = 0
    subscriptions: int = 0

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def values(self) -> tuple[int, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    def __bool__(self) -> bool:
        return any(self.values())


COLUMNS = tuple(f.name for f in fields(Counts))

_UPSERT = """
INSERT INTO {table} ({work}, {day}, {columns})
VALUES {values}
ON CONFLICT ({work}, {day}) DO UPDATE SET {adds}
"""


def today() -> datetime.date:
    """The current day (UTC), the day a change is recorded on."""
    return timezone.now().astimezone(datetime.UTC).date()


def work_stats_add(*, rows: Iterable[tuple[int, datetime.date, Counts]]) -> int:
    """Add each (work id, day, counts) to that work's row for that day, creating it when
    missing; in the caller's transaction. Returns how many rows were written."""
    merged: dict[tuple[int, datetime.date], Counts] = {}
    for work_id, day, counts in rows:
        held = merged.get((work_id, day))
        if held is None:
            merged[(work_id, day)] = Counts(*counts.values())
        else:
            held.add(counts)
    ordered = [(key, counts) for key, counts in sorted(merged.items()) if counts]
    if not ordered:
        return 0
    quote = connection.ops.quote_name
    table = quote(WorkStatDay._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    row_sql = "(" + ", ".join(["%s"] * (2 + len(COLUMNS))) + ")"
    names = {"table": table, "work": quote("work_id"), "day": quote("day"),
             "columns": ", ".join(quote(c) for c in COLUMNS),
             "adds": ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}"
                               for c in COLUMNS)}
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start:start + _CHUNK]
            cursor.execute(
                _UPSERT.format(**names, values=", ".join([row_sql] * len(chunk))),
                [value for (work_id, day), counts in chunk
                 for value in (work_id, adapt(day), *counts.values())],
            )
    return len(ordered)


def work_stat_add(*, work_id: int, day: datetime.date | None = None, hits: int = 0,
                  kudos: int = 0, comment_threads: int = 0, bookmarks: int = 0,
                  subscriptions: int = 0) -> None:
    """Add to one work's row for `day` (today by default): one statement."""
    work_stats_add(rows=[(work_id, day or today(), Counts(
        hits=hits, kudos=kudos, comment_threads=comment_threads, bookmarks=bookmarks,
        subscriptions=subscriptions))])


def work_stats_forget(*, work_id: int) -> int:
    """Delete a deleted work's daily rows (including any its deletion added)."""
    deleted, _ = WorkStatDay.objects.filter(work_id=work_id).delete()
    return deleted
