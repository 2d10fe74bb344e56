"""The benchmark harness still runs end to end: a tiny archive, one-second loads, two imports.
It checks that every measure is recorded, never how fast anything is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.database_independent("the harness makes SQLite archives of its own")
def test_bench_runs_at_a_tiny_size_and_writes_results(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FICHIVE_")}
    results = tmp_path / "results"
    run = subprocess.run(  # noqa: S603 - our own bench script
        [sys.executable, str(ROOT / "bench" / "run.py"), "--works", "150", "--db", "sqlite",
         "--cache", str(tmp_path / "cache"), "--results", str(results), "--duration", "1",
         "--latency-duration", "1", "--warmup", "0", "--import-files", "2",
         "--import-words", "300", "--export-words", "2000", "--export-runs", "1",
         "--search-variants", "3", "--fanout-subscribers", "30"],
        env=env, capture_output=True, text=True, timeout=400,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    report = json.loads((results / "sqlite-150.json").read_text())
    assert report["chapter"]["guest"]["requests"] > 0
    assert report["chapter"]["guest"]["errors"] == 0
    assert report["chapter"]["reader"]["requests"] > 0
    assert report["chapter"]["ceiling"]["rps"] > 0
    assert [item["status"] for item in report["listings"]] == [200] * 6
    assert len(report["search"]) == 10
    # Distinct queries of each shape, each asked once (uncached).
    assert len(report["search_uncached"]) == 10
    for shape in report["search_uncached"]:
        assert len(shape["queries"]) == len(set(shape["queries"])) >= 1
        assert shape["median_ms"] > 0
    # The rate itself may be missing at this size (two files time no better than one).
    for kind in ("text", "ao3_html"):
        assert report["import"][kind]["failed"] is False
        assert report["import"][kind]["seconds"] > 0
    for extension in ("epub", "pdf", "html", "txt"):
        assert report["export"][extension]["bytes"] > 0
    assert report["export"]["words"] > 1000
    assert report["fanout"]["delivered"] == 30 and report["fanout"]["busy_ms"] > 0
    assert report["worker_peak_rss_mb"]
    assert report["page_cache"] in {"redis", "off"}
    assert report["machine"]["cores"]
    summary = (results / "latest.md").read_text()
    assert "guest / ceiling" in summary and "sqlite 150" in summary
