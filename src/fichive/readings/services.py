"""Writes of the readings app: batches of hits and visits (from the buffer, buffer.py), and a
reader's own changes to their history and Marked for Later list.

Batches are written with one plain SQL statement per chunk that SQLite (3.35+) and PostgreSQL
run alike: hits as `INSERT … ON CONFLICT DO NOTHING RETURNING`, which returns only the rows
really inserted, so a hit another process already wrote (or a batch written twice) is not
counted again; visits as an upsert that adds to the visit count. The hits counted also go to
the works' daily stats (fichive.stats), one row per work and day, in the same transaction.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from fichive.accounts.models import User
from fichive.readings.models import HitDay, Reading
from fichive.stats.services import Counts, work_stats_add
from fichive.works.models import Work

# HitDay rows are kept this many days back from today (UTC): a hit buffered late on one day
# and written early on the next is still checked against that day's rows. Older hits that
# reach a flush (a Redis queue left unread for days) can't be checked and are dropped.
KEEP_DAYS = 2
_CHUNK = 300  # rows per statement (SQLite allows 32,766 parameters)


@dataclass(frozen=True, slots=True, order=True)
class Hit:
    """A visitor's hit on a work: `day` is days since 1970-01-01 (UTC)."""

    day: int
    work_id: int
    visitor: str


@dataclass(frozen=True, slots=True)
class Visits:
    """A reader's visits to a work since the last flush."""

    user_id: int
    work_id: int
    count: int
    first: float  # Unix times
    last: float
    work_modified: int  # the work's modified_at as of the last of these visits (microseconds)


_EPOCH = datetime.date(1970, 1, 1)


def day_number(moment: float) -> int:
    return int(moment // 86400)


def day_date(day: int) -> datetime.date:
    return _EPOCH + datetime.timedelta(days=day)


def _moment(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


_EPOCH_MOMENT = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def microseconds(moment: datetime.datetime) -> int:
    """A moment as whole microseconds since 1970 (exact, unlike a float of seconds: a work's
    modified time is compared with the one seen, to the microsecond)."""
    return (moment - _EPOCH_MOMENT) // _MICROSECOND


def _exact(value: int) -> datetime.datetime:
    return _EPOCH_MOMENT + value * _MICROSECOND


T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _day_chunks(hits: Sequence[Hit]) -> Iterable[Sequence[Hit]]:
    """Chunks of sorted hits, each of one day."""
    start = 0
    for end in range(1, len(hits) + 1):
        if end == len(hits) or hits[end].day != hits[start].day or end - start == _CHUNK:
            yield hits[start:end]
            start = end


@transaction.atomic
def hits_write(*, hits: Iterable[Hit], today: int | None = None) -> int:
    """Count each hit not counted before (one per visitor per work per day) onto its work's
    `hits`, in one transaction; returns how many were counted."""
    today = day_number(timezone.now().timestamp()) if today is None else today
    rows = sorted({hit for hit in hits if hit.day >= today - KEEP_DAYS})
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(HitDay._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    counted: Counter[int] = Counter()
    # Per day too, for the works' daily stats; a chunk holds one day's hits, so the rows it
    # returns are that day's.
    counted_on: defaultdict[int, Counter[int]] = defaultdict(Counter)
    with connection.cursor() as cursor:
        for chunk in _day_chunks(rows):
            cursor.execute(
                f"INSERT INTO {table} ({quote('day')}, {quote('work_id')}, {quote('visitor')}) "  # noqa: S608 - names from the model
                f"VALUES {', '.join(['(%s, %s, %s)'] * len(chunk))} "
                f"ON CONFLICT DO NOTHING RETURNING {quote('work_id')}",
                [value for hit in chunk
                 for value in (adapt(day_date(hit.day)), hit.work_id, hit.visitor)],
            )
            inserted = [work_id for (work_id,) in cursor.fetchall()]
            counted.update(inserted)
            counted_on[chunk[0].day].update(inserted)
    by_increment: defaultdict[int, list[int]] = defaultdict(list)
    for work_id, increment in counted.items():
        by_increment[increment].append(work_id)
    missing = False
    for increment, work_ids in sorted(by_increment.items()):
        # In id order, so two processes' batches lock the same works in the same order.
        for ids in _chunks(sorted(work_ids)):
            updated = Work.objects.filter(pk__in=ids).update(hits=F("hits") + increment)
            missing = missing or updated < len(ids)
    # The works' daily stats, one row per work and day, in the same transaction. Works
    # deleted before the flush (rarely: only when an update found fewer works than it
    # counted) are left out.
    there = ({pk for ids in _chunks(sorted(counted))
              for pk in Work.objects.filter(pk__in=ids).values_list("pk", flat=True)}
             if missing else None)
    work_stats_add(rows=[(work_id, day_date(day), Counts(hits=hits))
                         for day, by_work in counted_on.items()
                         for work_id, hits in by_work.items()
                         if there is None or work_id in there])
    return sum(counted.values())


def hit_days_prune(*, today: int | None = None) -> int:
    """Delete the HitDay rows older than KEEP_DAYS; returns how many."""
    today = day_number(timezone.now().timestamp()) if today is None else today
    deleted, _ = HitDay.objects.filter(day__lt=day_date(today - KEEP_DAYS)).delete()
    return deleted


_UPSERT = """
INSERT INTO {table} ({user}, {work}, {first}, {last}, {visits}, {seen}, {to_read})
VALUES {values}
ON CONFLICT ({user}, {work}) DO UPDATE SET
  {visits} = {table}.{visits} + excluded.{visits},
  {first} = COALESCE({table}.{first}, excluded.{first}),
  {last} = CASE WHEN {table}.{last} IS NULL OR excluded.{last} >= {table}.{last}
                THEN excluded.{last} ELSE {table}.{last} END,
  {seen} = CASE WHEN {table}.{last} IS NULL OR excluded.{last} >= {table}.{last}
                THEN excluded.{seen} ELSE {table}.{seen} END
"""


@transaction.atomic
def visits_write(*, visits: Iterable[Visits]) -> int:
    """Add readers' visits to their history (one row per reader and work); visits to works
    deleted since are left out. Returns how many rows were written."""
    merged: dict[tuple[int, int], Visits] = {}
    for visit in visits:
        old = merged.get((visit.user_id, visit.work_id))
        if old is not None:
            later = visit if visit.last >= old.last else old
            visit = Visits(visit.user_id, visit.work_id, old.count + visit.count,
                           min(old.first, visit.first), later.last, later.work_modified)
        merged[(visit.user_id, visit.work_id)] = visit
    if not merged:
        return 0
    # Works and readers deleted since the visit are left out (their rows couldn't be kept).
    works = set(Work.objects.filter(pk__in={work for _, work in merged})
                .values_list("pk", flat=True))
    users = set(User.objects.filter(pk__in={user for user, _ in merged})
                .values_list("pk", flat=True))
    rows = [merged[key] for key in sorted(merged) if key[1] in works and key[0] in users]
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    names = {"table": quote(Reading._meta.db_table), "user": quote("user_id"),
             "work": quote("work_id"), "first": quote("first_visited"),
             "last": quote("last_visited"), "visits": quote("visits"),
             "seen": quote("work_updated_seen"), "to_read": quote("to_read")}
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.execute(
                _UPSERT.format(**names, values=", ".join(
                    ["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))),
                [value for v in chunk for value in (
                    v.user_id, v.work_id, adapt(_moment(v.first)), adapt(_moment(v.last)),
                    v.count, adapt(_exact(v.work_modified)), False)],
            )
    return len(rows)


# ---------------------------------------------------------------- a reader's own changes


@transaction.atomic
def reading_mark_for_later(*, user: User, work: Work) -> Reading:
    """Put a work the reader may see (works.selectors) on their Marked for Later list."""
    reading, _ = Reading.objects.get_or_create(user=user, work=work)
    if not reading.to_read:
        reading.to_read = True
        reading.marked_at = timezone.now()
        reading.save(update_fields=["to_read", "marked_at"])
    return reading


@transaction.atomic
def reading_mark_as_read(*, user: User, work: Work) -> None:
    """Take a work off the reader's Marked for Later list (its history stays)."""
    Reading.objects.filter(user=user, work=work, visits=0).delete()
    Reading.objects.filter(user=user, work=work).update(to_read=False, marked_at=None)


@transaction.atomic
def reading_clear(*, user: User, reading_id: int) -> bool:
    """Remove one work from the reader's history (a work still marked for later stays on that
    list); False if the reader has no such entry."""
    readings = Reading.objects.filter(user=user, pk=reading_id)
    if not readings.exists():
        return False
    readings.filter(to_read=False).delete()
    readings.update(visits=0, first_visited=None, last_visited=None, work_updated_seen=None)
    return True


@transaction.atomic
def readings_clear_all(*, user: User) -> int:
    """Clear the reader's whole history (works marked for later stay on that list); returns
    how many works left it."""
    history = Reading.objects.filter(user=user, visits__gt=0)
    cleared = history.count()
    history.filter(to_read=False).delete()
    history.update(visits=0, first_visited=None, last_visited=None, work_updated_seen=None)
    return cleared
