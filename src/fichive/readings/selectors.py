"""Reads of the readings app: a reader's history and Marked for Later list (only works they may
still see, through works.selectors) and their state on one work."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet

from fichive.accounts.models import User
from fichive.accounts.requests import Viewer
from fichive.readings.models import Reading
from fichive.works.blurbs import Blurb, blurbs_of
from fichive.works.models import Work
from fichive.works.selectors import works_visible_to

PER_PAGE = 20


@dataclass
class ReadingEntry:
    """One row of the list: the reading, its work's blurb, and whether the work changed since
    the last visit."""

    reading: Reading
    blurb: Blurb
    update_available: bool


def readings_of(user: User, *, to_read: bool = False) -> QuerySet[Reading]:
    """The reader's history (works visited, latest first) or Marked for Later list (latest
    marked first), of works they may still see."""
    readings = Reading.objects.filter(user=user, work__in=works_visible_to(user))
    if to_read:
        return readings.filter(to_read=True).order_by(F("marked_at").desc(nulls_last=True),
                                                      "-id")
    return readings.filter(visits__gt=0).order_by("-last_visited", "-id")


def readings_page(user: User, *, to_read: bool, page: str | None) -> tuple[Page,
                                                                          list[ReadingEntry]]:
    """A page of the list with each work's blurb, in a fixed number of queries."""
    readings = readings_of(user, to_read=to_read).annotate(work_modified=F("work__modified_at"))
    current = Paginator(readings, PER_PAGE).get_page(page)
    rows = list(current.object_list)
    blurbs = {b.id: b for b in blurbs_of(Work.objects.filter(pk__in=[r.work_id for r in rows]))}
    entries = [ReadingEntry(r, blurbs[r.work_id], r.work_updated_seen is not None
                            and r.work_modified > r.work_updated_seen)
               for r in rows if r.work_id in blurbs]
    return current, entries


def reading_state(user: Viewer, work: Work) -> Reading | None:
    """The reader's reading of this work, if any (None for guests, without a query)."""
    if user is None or not user.is_authenticated:
        return None
    return Reading.objects.filter(user=user, work=work).only("id", "to_read").first()
