"""CPU per listing page, in-process: the issue's tag listing mixes (bench/run.py's
listing_mixes) at pages 1 and 50, through Django's test client as a guest, on whatever
archive the settings point at (FICHIVE_DATA_DIR for SQLite, FICHIVE_DATABASE_URL for
PostgreSQL). Per URL: wall and process CPU time (median / p95), time spent in queries and
the number of queries, after warm-up requests (so counts and sidebar counts come from the
cache, as on a running server). It only reads: no request it makes writes.

    FICHIVE_DATA_DIR=/tmp/copy .venv/bin/python bench/listing_cpu.py --runs 20
    FICHIVE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/db .venv/bin/python \\
        bench/listing_cpu.py --profile 'one fandom' --page 50     # cProfile of one URL
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per URL (20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--mix", help="only the mix whose name starts with this")
    parser.add_argument("--page", type=int, choices=[1, 50], help="only this page")
    parser.add_argument("--login", action="store_true", help="as a logged-in reader")
    parser.add_argument("--profile", metavar="MIX",
                        help="cProfile the runs of this mix (name prefix) instead of timing")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    os.environ.setdefault("FICHIVE_ALLOWED_HOSTS", "testserver")
    sys.path[:0] = [str(BENCH_DIR.parent / "src"), str(BENCH_DIR)]
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    import run

    client = Client()
    if args.login:
        from fichive.accounts.models import User

        user = User.objects.order_by("pk").first()
        client.force_login(user)  # writes a session row: don't use on a shared archive
    spent = {"queries": 0, "db": 0.0}

    def timing(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["db"] += time.perf_counter() - started
            spent["queries"] += 1

    mixes = run.listing_mixes()
    wanted = args.profile or args.mix
    results = []
    for name, path, params in mixes:
        if wanted and not name.startswith(wanted):
            continue
        for page in (1, 50):
            if args.page and page != args.page:
                continue
            url = f"{path}?{urlencode({**params, 'page': page}, doseq=True)}"
            for _ in range(args.warmup):
                assert client.get(url).status_code == 200, url
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.runs):
                    client.get(url)
                profiler.disable()
                print(f"== {name}, page {page}: {args.runs} requests")
                stats = pstats.Stats(profiler)
                stats.sort_stats("cumulative").print_stats(45)
                stats.sort_stats("tottime").print_stats(30)
                continue
            walls, cpus, dbs, queries = [], [], [], 0
            size = 0
            with connection.execute_wrapper(timing):
                for _ in range(args.runs):
                    spent.update(queries=0, db=0.0)
                    wall, cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    cpus.append((time.process_time() - cpu) * 1000)
                    walls.append((time.perf_counter() - wall) * 1000)
                    dbs.append(spent["db"] * 1000)
                    queries = spent["queries"]
                    size = len(response.content)
            row = {"mix": name, "page": page, "url": url, "queries": queries, "bytes": size,
                   "wall_median": statistics.median(walls), "wall_p95": _percentile(walls, .95),
                   "cpu_median": statistics.median(cpus), "cpu_p95": _percentile(cpus, .95),
                   "db_median": statistics.median(dbs), "db_p95": _percentile(dbs, .95)}
            results.append(row)
            print(f"{name[:40]:40} p{page:<3} q={queries:<2} "
                  f"wall {row['wall_median']:6.1f} / {row['wall_p95']:6.1f}  "
                  f"cpu {row['cpu_median']:6.1f} / {row['cpu_p95']:6.1f}  "
                  f"db {row['db_median']:6.1f} / {row['db_p95']:6.1f}  ({size:,} bytes)",
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps({"load": os.getloadavg(), "results": results},
                                        indent=1) + "\n")


if __name__ == "__main__":
    main()
