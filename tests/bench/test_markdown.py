"""The benchmark's Markdown table: one column per run, each measure's rows from whichever run
measured it."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402 - bench/run.py, a script


def report(database: str, works: int, **measures) -> dict:
    return {
        "database": database, "works": works, "text_fraction": 0.1, "workers": 2,
        "measured_at": "2026-12-05T08:00:00",
        "machine": {"cpu": "test", "cores": 2, "ram_gb": 1, "os": "test", "python": "3.11",
                    "django": "5.2", "gunicorn": "23", "sqlite": "3", "postgresql": "15",
                    "load_generator": "wrk"},
        "settings": {"duration_s": 1, "connections": 1, "latency_duration_s": 1,
                     "warmup_s": 0},
        **measures,
    }


def search_results(ms: float) -> list[dict]:
    return [{"available": True, "median_ms": ms, "p95_ms": 2 * ms, "cold_ms": 10 * ms}
            for _ in bench.SEARCH_QUERIES]


def test_rows_come_from_a_run_that_measured_them_even_when_it_is_not_the_first():
    only_import = report("postgres", 10_000,
                         **{"import": {"text": {"works_per_second": 300.0}}})
    with_search = report("sqlite", 100_000, search=search_results(20.0),
                         search_uncached=[{"median_ms": 200.0, "p95_ms": 400.0}
                                          for _ in bench.SEARCH_QUERIES],
                         listings=[{"mix": "one fandom", "page": 1, "median_ms": 9.0,
                                    "p95_ms": 12.0, "cold_ms": 300.0}])
    table = bench.markdown([with_search, only_import])
    assert "| search `dragon` (median / p95) | n/a | 20.0 / 40.0 |" in table
    assert "each asked once (median / p95) | n/a | 200.0 / 400.0 |" in table
    assert "| listing: one fandom, page 1 (median / p95) | n/a | 9.0 / 12.0 |" in table
    assert "| import plain text (works/s) | 300.0 | n/a |" in table
