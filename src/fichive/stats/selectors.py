"""Reads of the stats app: an author's statistics, per work and in total, for one year (from
the daily rows) or for all years (from the works' counters), and the chart's series.

Only the author's own posted works count (every pseud, anonymous works too: they are the
author's; drafts are left out), read through works.selectors. The page takes a fixed number
of queries however many works the author has.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from fichive.accounts.models import User
from fichive.comments.models import Comment
from fichive.stats.models import WorkStatDay
from fichive.stats.services import COLUMNS, today
from fichive.subscriptions.models import Subscription
from fichive.works.models import Work
from fichive.works.selectors import works_listed_for

# sort name (in the URL) → (WorkStats attribute, label); numbers run largest first by
# default, title and date A–Z and oldest first.
SORTS: dict[str, tuple[str, str]] = {
    "title": ("sort_title", "Title"),
    "date": ("published", "Posted"),
    "words": ("words", "Word count"),
    "hits": ("hits", "Hits"),
    "kudos": ("kudos", "Kudos"),
    "comment_threads": ("comment_threads", "Comment threads"),
    "bookmarks": ("bookmarks", "Bookmarks"),
    "subscriptions": ("subscriptions", "Subscriptions"),
}
ASCENDING_FIRST = {"title", "date"}
DEFAULT_SORT = "hits"
# The all-years chart has a bar per month up to this many months, else a bar per year.
MONTHS_MAX = 36
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")


@dataclass(frozen=True, slots=True)
class WorkStats:
    work_id: int
    title: str
    sort_title: str
    published: datetime.date | None
    anonymous: bool
    words: int
    hits: int
    kudos: int
    comment_threads: int
    bookmarks: int
    subscriptions: int


@dataclass(frozen=True, slots=True)
class Bar:
    """One period of the chart: its label, its full name (for screen readers) and counts."""

    label: str
    name: str
    hits: int
    kudos: int


@dataclass
class AuthorStats:
    year: int | None  # None: all years
    sort: str
    order: str  # "asc" | "desc"
    works: list[WorkStats]
    totals: dict[str, int]
    years: list[int]
    bars: list[Bar] = field(default_factory=list)
    period: str = "month"  # "month" | "year": what a bar of the chart covers


def default_order(sort: str) -> str:
    return "asc" if sort in ASCENDING_FIRST else "desc"


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    """The number of `queryset`'s rows for the outer work (a correlated COUNT)."""
    return Coalesce(Subquery(queryset.filter(work=OuterRef("pk")).order_by().values("work")
                             .annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), Value(0))


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def author_works(owner: User) -> QuerySet[Work]:
    """The author's posted works, anonymous ones too (the owner sees their own)."""
    return works_listed_for(owner, owner=owner)


def _works_with_counts(owner: User) -> QuerySet[Work]:
    """The author's works with their counters now (all years)."""
    return author_works(owner).annotate(
        hits_n=Coalesce("hits", Value(0)), kudos_n=Coalesce("kudos_count", Value(0)),
        bookmarks_n=Coalesce("bookmarks_count", Value(0)),
        comment_threads_n=_count_of(Comment.objects.filter(
            parent__isnull=True, status=Comment.Status.PUBLISHED, deleted=False)),
        subscriptions_n=_count_of(Subscription.objects.all()))


def _year_counts(owner: User, year: int) -> dict[int, dict[str, int]]:
    """{work id: {column: the sum of its daily rows in the year}}: one GROUP BY over the
    year's rows (twice as fast as a join or a correlated sum per work and column)."""
    start, end = _year_range(year)
    return {row["work_id"]: {c: row[f"{c}_n"] or 0 for c in COLUMNS} for row in
            WorkStatDay.objects.filter(work__in=author_works(owner).values("pk"),
                                       day__gte=start, day__lt=end)
            .values("work_id").annotate(**{f"{c}_n": Sum(c) for c in COLUMNS}).order_by()}


def _sorted(works: list[WorkStats], sort: str, order: str) -> list[WorkStats]:
    """By the column, ties by title (A–Z) then id; sorted here, a few hundred rows."""
    works = sorted(works, key=lambda w: (w.sort_title, w.work_id))
    attribute = SORTS[sort][0]
    if attribute == "published":
        return sorted(works, key=lambda w: w.published or datetime.date.min,
                      reverse=order == "desc")
    return sorted(works, key=lambda w: getattr(w, attribute), reverse=order == "desc")


def author_stats(owner: User, *, year: int | None, sort: str = DEFAULT_SORT,
                 order: str | None = None) -> AuthorStats:
    """The author's stats for `year` (None: all years), sorted by `sort` (a SORTS key) in
    `order` ("asc"/"desc", else the sort's usual direction). Three or four queries."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    order = order if order in ("asc", "desc") else default_order(sort)
    fields_ = ("pk", "title", "sort_title", "published", "anonymous", "word_count")
    if year is None:
        rows = list(_works_with_counts(owner).values(*fields_, *(f"{c}_n" for c in COLUMNS)))
        counts = {w["pk"]: {c: w[f"{c}_n"] for c in COLUMNS} for w in rows}
    else:
        rows = list(author_works(owner).values(*fields_))
        counts = _year_counts(owner, year)
    zero = dict.fromkeys(COLUMNS, 0)
    works = _sorted([
        WorkStats(work_id=w["pk"], title=w["title"], sort_title=w["sort_title"],
                  published=w["published"], anonymous=w["anonymous"], words=w["word_count"],
                  **counts.get(w["pk"], zero))
        for w in rows], sort, order)
    totals = {c: sum(getattr(w, c) for w in works) for c in ("words", *COLUMNS)}
    days = WorkStatDay.objects.filter(work__in=author_works(owner).values("pk"))
    # The years from the first daily counts to this one, newest first.
    span = days.aggregate(first=Min("day"))
    now = today()
    first_year = span["first"].year if span["first"] is not None else now.year
    years = list(range(max(now.year, first_year), min(now.year, first_year) - 1, -1))
    stats = AuthorStats(year=year, sort=sort, order=order, works=works, totals=totals,
                        years=years)
    _chart(stats, days)
    return stats


def _chart(stats: AuthorStats, days: QuerySet[WorkStatDay]) -> None:
    """The chart's bars: each month of the year; for all years, each month from the first
    with counts to this one (or each year, when that is more than MONTHS_MAX months). The
    rows are summed per day by the database (plain GROUP BY, no date functions: SQLite's
    are Python callbacks) and per month here."""
    now = today()
    if stats.year is not None:
        start, end = _year_range(stats.year)
        days = days.filter(day__gte=start, day__lt=end)
    monthly: dict[datetime.date, list[int]] = {}
    for day, hits, kudos in (days.values("day").annotate(h=Sum("hits"), k=Sum("kudos"))
                             .order_by().values_list("day", "h", "k")):
        held = monthly.setdefault(day.replace(day=1), [0, 0])
        held[0] += hits or 0
        held[1] += kudos or 0
    if stats.year is not None:
        months = [datetime.date(stats.year, n, 1) for n in range(1, 13)]
    else:
        first = min(monthly, default=now.replace(day=1))
        last = max(max(monthly, default=first), now.replace(day=1))
        months = []
        month = first
        while month <= last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        if len(months) > MONTHS_MAX:
            stats.period = "year"
            yearly: dict[int, list[int]] = {}
            for month in months:
                held = yearly.setdefault(month.year, [0, 0])
                hits, kudos = monthly.get(month, (0, 0))
                held[0] += hits
                held[1] += kudos
            stats.bars = [Bar(str(y), str(y), h, k) for y, (h, k) in yearly.items()]
            return
    stats.bars = [
        Bar(MONTH_NAMES[m.month - 1] if stats.year is not None
            else f"{MONTH_NAMES[m.month - 1]} {m.year % 100:02d}",
            f"{MONTH_NAMES[m.month - 1]} {m.year}", *monthly.get(m, (0, 0)))
        for m in months
    ]
