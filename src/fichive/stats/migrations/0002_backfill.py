"""Daily rows for what the counters held before daily rows were kept: kudos, comment threads,
public bookmarks and subscriptions on the days their rows were made, and whatever else a
counter holds (all hits; counts brought in by imports) on the work's published day, so each
work's rows add up to its counters."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import TruncDate

COLUMNS = ("hits", "kudos", "comment_threads", "bookmarks", "subscriptions")


def backfill(apps: Any, schema_editor: Any) -> None:
    Work = apps.get_model("works", "Work")
    Kudos = apps.get_model("kudos", "Kudos")
    Comment = apps.get_model("comments", "Comment")
    Bookmark = apps.get_model("bookmarks", "Bookmark")
    Subscription = apps.get_model("subscriptions", "Subscription")
    WorkStatDay = apps.get_model("stats", "WorkStatDay")

    rows: defaultdict[tuple[int, datetime.date], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COLUMNS, 0))
    kept: defaultdict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))

    def add(column: str, queryset: Any) -> None:
        for found in (queryset.annotate(day=TruncDate("created_at")).values("work_id", "day")
                      .annotate(n=Count("pk")).order_by()):
            rows[(found["work_id"], found["day"])][column] += found["n"]
            kept[found["work_id"]][column] += found["n"]

    add("kudos", Kudos.objects.all())
    add("comment_threads", Comment.objects.filter(parent__isnull=True, status="published",
                                                  deleted=False))
    add("bookmarks", Bookmark.objects.filter(work__isnull=False, private=False))
    add("subscriptions", Subscription.objects.filter(work__isnull=False))
    for work in Work.objects.values("pk", "published", "created_at", "hits", "kudos_count",
                                    "bookmarks_count").iterator(chunk_size=2000):
        day = work["published"] or work["created_at"].date()
        held = kept.get(work["pk"], {})
        for column, counter in (("hits", "hits"), ("kudos", "kudos_count"),
                                ("bookmarks", "bookmarks_count")):
            rest = work[counter] - held.get(column, 0)
            if rest:
                rows[(work["pk"], day)][column] += rest
    # Rows of works since gone (a kudos row outlives nothing, but be safe) are left out.
    there = set(Work.objects.values_list("pk", flat=True))
    WorkStatDay.objects.bulk_create(
        (WorkStatDay(work_id=work_id, day=day, **counts)
         for (work_id, day), counts in sorted(rows.items())
         if work_id in there and any(counts.values())),
        batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
        ("kudos", "0001_initial"),
        ("comments", "0001_initial"),
        ("bookmarks", "0002_series"),
        ("subscriptions", "0002_series"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
