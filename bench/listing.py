"""Listing latency on SQLite: generates a corpus of N works in a temporary data dir, then times
the issue's filter mixes at pages 1 and 50 through Django's test client (the whole request:
parsing, queries, template). Each URL is timed once with empty caches ("cold": large result
sets cache their sidebar counts for a few minutes) and then repeatedly; reports the cold time,
median and p95 in milliseconds on stdout and in bench/results/listing-sqlite.json. It
measures; it never fails on a slow figure.

    .venv/bin/python bench/listing.py --works 100000   # in-process; `make bench` is the full suite
    .venv/bin/python bench/listing.py --data-dir /tmp/corpus --keep   # reuse a corpus
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "listing-sqlite.json"
PER_PAGE = 20


def _setup(data_dir: Path) -> None:
    """Point the settings at a SQLite file in `data_dir` before Django loads them."""
    os.environ["FICHIVE_DATA_DIR"] = str(data_dir)
    os.environ.pop("FICHIVE_DATABASE_URL", None)
    os.environ["FICHIVE_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    sys.path.insert(0, str(BENCH_DIR.parent / "src"))
    sys.path.insert(0, str(BENCH_DIR))
    import django

    django.setup()


def _tag_path(name: str) -> str:
    from fichive.tags.models import tag_to_url

    return "/tags/" + quote(tag_to_url(name)) + "/works"


def _mixes() -> list[tuple[str, str, dict]]:
    """The issue's three filter mixes on the corpus's most used fandom, plus the unfiltered
    all-works page (the largest facet count) for reference."""
    from fichive.tags.models import Tag

    def top(tag_type: str, **where) -> list[str]:
        return list(Tag.objects.filter(type=tag_type, canonical=True, **where)
                    .order_by("-uses", "name").values_list("name", flat=True)[:3])

    fandom = top("fandom")[0]
    characters = top("character", parents__name=fandom)[:2]
    freeforms = top("freeform")[:1]
    return [
        ("all works", "/works", {}),
        ("one fandom", _tag_path(fandom), {}),
        ("fandom, characters excluded, by kudos", _tag_path(fandom),
         {"exclude": characters, "sort": "kudos"}),
        ("several includes, word range, complete", "/works",
         {"include": [fandom, characters[0], freeforms[0]], "words_from": 1000,
          "words_to": 50000, "complete": "yes"}),
    ]


def _percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _shown(page: str) -> tuple[int, int]:
    """The result count and page number the listing shows ("21 - 40 of 4,213 Works")."""
    heading = re.search(r"(\d[\d,]*) - \d[\d,]* of (\d[\d,]*) Works", page)
    if heading is None:
        return 0, 1
    first, total = (int(n.replace(",", "")) for n in heading.groups())
    return total, (first - 1) // PER_PAGE + 1


def run(*, runs: int, warmup: int) -> list[dict]:
    """Time each URL: once with empty caches (cold), then `runs` times after `warmup`."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    def timed(url: str) -> tuple[float, str]:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, response.content.decode()

    results = []
    for name, path, params in _mixes():
        for page in (1, 50):
            url = f"{path}?{urlencode({**params, 'page': page}, doseq=True)}"
            cache.clear()
            queries = 0
            with connection.execute_wrapper(count):
                cold, html = timed(url)
            for _ in range(warmup):
                timed(url)
            timings = [timed(url)[0] for _ in range(runs)]
            total, shown_page = _shown(html)
            results.append({
                "mix": name, "url": url, "page": page, "shown_page": shown_page,
                "total": total, "queries": queries, "cold_ms": round(cold, 1),
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(_percentile(timings, 0.95), 1),
            })
    return results


def _print(results: list[dict], corpus: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Listing latency on SQLite — {corpus}")
    for column in ("mix", "page", "results", "queries", "cold ms", "median ms", "p95 ms"):
        table.add_column(column, justify="left" if column == "mix" else "right")
    for r in results:
        page = str(r["page"]) if r["page"] == r["shown_page"] else f"{r['page']}→{r['shown_page']}"
        table.add_row(r["mix"], page, f"{r['total']:,}", str(r["queries"]),
                      f"{r['cold_ms']:.1f}", f"{r['median_ms']:.1f}", f"{r['p95_ms']:.1f}")
    Console().print(table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int,
                        default=int(os.environ.get("BENCH_WORKS", "100000")),
                        help="works to generate (BENCH_WORKS, default 100,000)")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per URL (15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (2)")
    parser.add_argument("--data-dir", type=Path,
                        help="keep the corpus here; an existing corpus is reused")
    parser.add_argument("--keep", action="store_true", help="don't delete the data dir")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="fichive-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        _setup(data_dir)
        from django.core.management import call_command

        from fichive.demo.corpus import generate
        from fichive.works.models import Work

        call_command("migrate", verbosity=0)
        if Work.objects.exists():
            print(f"Reusing the corpus in {data_dir} ({Work.objects.count():,} works).")
        else:
            print(generate(works=args.works).line())
        works = Work.objects.count()
        results = run(runs=args.runs, warmup=args.warmup)
    finally:
        if not args.keep and args.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    corpus = f"{works:,} works"
    _print(results, corpus)
    report = {
        "benchmark": "listing", "database": "sqlite", "sqlite_version": sqlite3.sqlite_version,
        "python": platform.python_version(), "machine": platform.machine(),
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "works": works, "runs": args.runs, "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Wrote {args.output}.")


if __name__ == "__main__":
    main()
