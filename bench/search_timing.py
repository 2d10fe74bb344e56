"""In-process timing of /works/search for the benchmark's ten query shapes (bench/run.py's
SEARCH_QUERIES), as a guest: median and p95 of wall and CPU (time.process_time) milliseconds.

    FICHIVE_DATA_DIR=/tmp/copy .venv/bin/python bench/search_timing.py [-n 10] [--cold]
    FICHIVE_DATABASE_URL=postgres://… .venv/bin/python bench/search_timing.py

--cold clears the cache before every request (the sidebar counts of large result sets are
kept there for a few minutes), so each request pays for everything. --profile QUERY (text or
an index 0-9) prints a profile of that query's requests instead (pyinstrument if installed,
else cProfile). --query Q times other queries; --breadth (SQLite) times single words
matching from about 100 to 100,000 chapters.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=10, help="requests per query (default 10)")
    parser.add_argument("--cold", action="store_true", help="clear the cache before each")
    parser.add_argument("--profile", metavar="QUERY", help="profile one query instead")
    parser.add_argument("--phases", action="store_true",
                        help="also print CPU ms per request in each phase of the page")
    parser.add_argument("--only", type=int, nargs="*", help="query indexes to time (0-9)")
    parser.add_argument("--query", action="append", default=[],
                        help="time this query instead of the benchmark's (repeatable)")
    parser.add_argument("--breadth", action="store_true",
                        help="SQLite: time single words matching ~100 to ~100,000 chapters, "
                             "to see how a first-time search grows with its matches")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    os.environ.setdefault("FICHIVE_PAGE_CACHE", "false")
    os.environ.setdefault("FICHIVE_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from run import search_queries  # bench/run.py

    client = Client()
    phases: dict[str, float] = {}
    if args.phases:
        _instrument(phases)
    queries = search_queries()

    def get(q: str) -> int:
        if args.cold:
            cache.clear()
        response = client.get("/works/search", {"q": q})
        assert response.status_code in (200, 400), (q, response.status_code)  # noqa: S101
        return response.status_code

    if args.profile is not None:
        q = queries[int(args.profile)] if args.profile.isdigit() else args.profile
        get(q)
        try:
            from pyinstrument import Profiler  # sampling: less overhead than cProfile
        except ImportError:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                get(q)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            return
        sampler = Profiler(interval=0.0005)
        sampler.start()
        for _ in range(args.n):
            get(q)
        sampler.stop()
        print(sampler.output_text(show_all=False, color=False))
        return
    chosen = [queries[i] for i in args.only] if args.only else queries
    if args.query or args.breadth:
        chosen = [*args.query, *(_words_by_breadth() if args.breadth else [])]
    print(f"{'query':<40} {'wall med':>9} {'wall p95':>9} {'cpu med':>8} {'cpu p95':>8}")
    for q in chosen:
        status = get(q)  # warm: connection, page cache of the database
        walls, cpus = [], []
        for _ in range(args.n):
            wall, cpu = time.perf_counter(), time.process_time()
            get(q)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        print(f"{q[:40]:<40} {statistics.median(walls):9.0f} {_p95(walls):9.0f} "
              f"{statistics.median(cpus):8.0f} {_p95(cpus):8.0f}  HTTP {status}", flush=True)
        if args.phases:
            print("    " + ", ".join(f"{name} {total / (args.n + 1):.0f}"
                                     for name, total in phases.items()), flush=True)
            phases.clear()


BREADTHS = (100, 300, 1_000, 3_000, 10_000, 30_000, 100_000)


def _words_by_breadth() -> list[str]:
    """Words (letters only, 4+ of them) whose number of matching chapters is nearest each of
    BREADTHS, from FTS5's own word list (a temporary fts5vocab table: nothing is written)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.chapter_words "
                       "USING fts5vocab(main, search_chapter_fts, row)")
        cursor.execute("SELECT term, doc FROM temp.chapter_words")
        counts = [(term, doc) for term, doc in cursor.fetchall()
                  if term.isalpha() and len(term) >= 4]
    chosen: dict[str, int] = {}  # (two breadths may find the same word: timed once)
    for breadth in BREADTHS:
        term, doc = min(counts, key=lambda row: (abs(row[1] - breadth), row[0]))
        chosen[term] = doc
    for term, doc in chosen.items():
        print(f"{term}: {doc:,} chapters")
    return list(chosen)


def _instrument(phases: dict[str, float]) -> None:
    """Wrap the page's phases to add up their CPU ms (nested phases count in both)."""
    import functools

    from django.template.response import SimpleTemplateResponse  # noqa: F401

    from fichive.search import selectors
    from fichive.works import listing, views

    def wrap(owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: object, **kwargs: object) -> object:
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + (time.process_time() - start) * 1000

        setattr(owner, name, timed)

    wrap(selectors.RankedWorks, "count", "count")
    wrap(selectors.RankedWorks, "__getitem__", "page")
    wrap(listing, "facets_count", "facets")
    wrap(listing, "_mark_matches", "snippets")
    wrap(views, "render", "render")


if __name__ == "__main__":
    main()
