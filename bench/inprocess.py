"""What the in-process bench scripts (fanout.py, stats.py, readers.py, feeds.py) share: Django
set up on a fresh or given archive, migrated; milliseconds rounded and the JSON report."""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent


def django_setup(data_dir: Path | None) -> None:
    """Set Django up on `data_dir` (a fresh SQLite archive) or, when None, on whatever the
    environment points at (FICHIVE_DATA_DIR, FICHIVE_DATABASE_URL), and migrate it."""
    if data_dir is not None:
        os.environ["FICHIVE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("FICHIVE_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    sys.path.insert(0, str(BENCH_DIR.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def report(result: dict[str, Any], json_path: Path | None) -> None:
    """Print a script's result as JSON, and write it to `json_path` when one was given."""
    text = json.dumps(result, indent=2) + "\n"
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text)
    print(text, end="")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def corpus(works: int) -> dict[str, Any]:
    """Generate `works` works into the archive unless it has some; its database and size."""
    from django.db import connection

    from fichive.demo.corpus import generate
    from fichive.works.models import Work

    if not Work.objects.exists():
        print(generate(works=works).line(), file=sys.stderr)
    return {"database": connection.vendor, "works": Work.objects.count()}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def timed_gets(client: Any, url: str, *, runs: int, warmup: int, expect: int = 200,
               **headers: str) -> dict[str, Any]:
    """GET `url` (with `headers`, as the test client takes them: HTTP_…) `warmup` times, then
    `runs` times timed: CPU (time.process_time) and wall time per request as median and p95
    in ms, and the queries one request makes (the median). Each answer must be `expect`."""
    from django.db import connection

    for _ in range(warmup):
        status = client.get(url, **headers).status_code
        assert status == expect, (url, status)  # noqa: S101 - a bench's own check
    made = [0]

    def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        made[0] += 1
        return execute(sql, params, many, context)

    cpu, wall, queries = [], [], []
    with connection.execute_wrapper(count):
        for _ in range(runs):
            made[0] = 0
            started_cpu, started = time.process_time(), time.perf_counter()
            status = client.get(url, **headers).status_code
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            queries.append(made[0])
            assert status == expect, (url, status)  # noqa: S101
    return {"cpu_median_ms": ms(statistics.median(cpu)), "cpu_p95_ms": ms(percentile(cpu, 0.95)),
            "wall_median_ms": ms(statistics.median(wall)),
            "wall_p95_ms": ms(percentile(wall, 0.95)),
            "queries": int(statistics.median(queries))}
