"""Author stats timing: what recording daily counts adds to the hits flush, and how long the
stats page takes for an author with many works. It measures; it never fails on a slow figure.

1. The flush of N buffered hits (default 10,000: 50 new visitors on each of 200 works), with
   the daily rows (as in production) and without them (fichive.stats' upsert replaced by a
   no-op for the round), rounds interleaved, median of the rounds; and the time spent in the
   upsert itself within the rounds with daily rows (steadier on a busy machine than the
   difference of the two).
2. /users/<name>/stats for an author with 200 works and a year of daily rows for each (all
   years, one year, the CSV): median wall time of several requests, and the queries each
   takes.

    .venv/bin/python bench/stats.py                       # a fresh SQLite archive in a temp dir
    FICHIVE_DATABASE_URL=postgres://… .venv/bin/python bench/stats.py   # a migrated PostgreSQL

On an existing archive it adds its own user and works (named statsbench_…) and removes them
afterwards.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from inprocess import django_setup, ms, report

PREFIX = "statsbench_"


def _setup(data_dir: Path | None) -> None:
    os.environ["FICHIVE_HITS_FLUSH_SECONDS"] = "0"
    os.environ.pop("FICHIVE_REDIS_URL", None)  # the flush straight to the database
    django_setup(data_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=200)
    parser.add_argument("--hits", type=int, default=10_000, help="hits per flush (10,000)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    if not os.environ.get("FICHIVE_DATA_DIR") and not os.environ.get("FICHIVE_DATABASE_URL"):
        temp = Path(tempfile.mkdtemp(prefix="fichive-statsbench-"))
    try:
        _setup(temp)
        result = _measure(args.works, args.hits, args.rounds)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    report(result, args.json)
    return 0


def _measure(works_wanted: int, hits: int, rounds: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fichive.accounts.services import user_create
    from fichive.readings import services as reading_services
    from fichive.readings.buffer import reads
    from fichive.stats.models import WorkStatDay
    from fichive.stats.services import today
    from fichive.works.services import ChapterText, WorkMeta, work_create

    _cleanup()
    author = user_create(username=f"{PREFIX}author", email="statsbench@example.invalid")
    works = [work_create(user=author, meta=WorkMeta(
        title=f"{PREFIX}{n}", creators=[author.default_pseud], fandoms=["Original Work"]),
        post=True, chapters=[ChapterText(content=f"<p>Work {n} began in the rain.</p>")])
        for n in range(works_wanted)]
    ids = [w.pk for w in works]

    # 1. The flush, with and without the daily rows.
    recording = reading_services.work_stats_add
    per_work = max(1, hits // len(ids))
    samples: dict[str, list[float]] = {"with daily rows": [], "without daily rows": [],
                                       "of which the daily rows": []}
    spent_on_rows: list[float] = []

    def timed(*, rows: object) -> int:
        started = time.perf_counter()
        try:
            return recording(rows=rows)  # type: ignore[arg-type]
        finally:
            spent_on_rows.append(time.perf_counter() - started)

    for number in range(rounds * 2 + 2):
        label = "with daily rows" if number % 2 == 0 else "without daily rows"
        spent_on_rows.clear()
        if label == "without daily rows":
            reading_services.work_stats_add = lambda *, rows: 0  # type: ignore[assignment]
        else:
            reading_services.work_stats_add = timed  # type: ignore[assignment]
        for work_id in ids:
            for visitor in range(per_work):
                reads.hit(work_id, f"r{number}v{visitor}")
        started = time.perf_counter()
        reads.flush()
        spent = time.perf_counter() - started
        reading_services.work_stats_add = recording
        if number >= 2:  # the first round of each is a warm-up
            samples[label].append(spent)
            if label == "with daily rows":
                samples["of which the daily rows"].append(sum(spent_on_rows))
    flush = {label: ms(statistics.median(values)) for label, values in samples.items()}

    # 2. The page, with a year of daily rows for every work.
    year = today().year
    start = datetime.date(year, 1, 1)
    WorkStatDay.objects.filter(work_id__in=ids).delete()
    WorkStatDay.objects.bulk_create(
        [WorkStatDay(work_id=work_id, day=start + datetime.timedelta(days=d), hits=3, kudos=1)
         for work_id in ids for d in range(0, 365, 3)], batch_size=2000)
    client = Client()
    client.force_login(author)
    pages = {}
    for label, path, query in [
            ("all years", f"/users/{author.username}/stats", {}),
            (f"year {year}", f"/users/{author.username}/stats", {"year": year}),
            ("CSV, all years", f"/users/{author.username}/stats.csv", {}),
            ("sorted by kudos, ascending", f"/users/{author.username}/stats",
             {"year": year, "sort": "kudos", "order": "asc"})]:
        assert client.get(path, query).status_code == 200
        times = []
        for _ in range(7):
            started = time.perf_counter()
            response = client.get(path, query)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(path, query)
        pages[label] = {"median_ms": ms(statistics.median(times)), "queries": len(queries)}
    rows = WorkStatDay.objects.filter(work_id__in=ids).count()
    _cleanup()
    return {"database": connection.vendor, "works": len(ids),
            "flush": {"hits": per_work * len(ids), "rounds": rounds, **{
                f"{label} (median ms)": value for label, value in flush.items()}},
            "page": {"daily rows": rows, **pages}}


def _cleanup() -> None:
    """Remove what an earlier or this run added (its works, user and their rows)."""
    from fichive.accounts.models import User
    from fichive.works.models import Work
    from fichive.works.services import work_delete

    author = User.objects.filter(username=f"{PREFIX}author").first()
    if author is not None:
        for work in Work.objects.filter(title__startswith=PREFIX,
                                        creatorships__pseud__user=author):
            work_delete(user=author, work=work)
    User.objects.filter(username__startswith=PREFIX).delete()


if __name__ == "__main__":
    sys.exit(main())
