"""How long the test suite takes, as `make test` runs it: one pass (SQLite or PostgreSQL) on
N worker processes (pytest-xdist; 0: a single process), timed on the wall clock and in CPU
seconds (pytest and every process it started and waited for), with each test group's share
(the sum of its tests' own times, from pytest's JUnit XML).

The CPU seconds hardly change with what else the machine runs; the wall time does: on a
shared machine, compare CPU seconds, and read the wall time with the load average beside it.

    python bench/suite_time.py --db sqlite --workers 2 --json bench/results/suite_sqlite.json
    python bench/suite_time.py --db postgres --workers 0 -- tests/formats   # a part only
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inprocess import report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _group(classname: str, file: str) -> str:
    """The test's group: its directory under tests/ (tests/formats/exporters -> formats), or
    the module for the top-level test files."""
    path = (file or classname.replace(".", "/") + ".py").removeprefix("tests/")
    parts = path.split("/")
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def run(db: str, workers: int, args: list[str], output: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fichive-suite-time-") as temp:
        junit = Path(temp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   f"--junitxml={junit}", "-o", "junit_family=xunit1"]
        if workers:
            command += ["-n", str(workers), "--dist", "loadfile"]
        env = {**os.environ, "FICHIVE_TEST_DB": db}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_before = os.getloadavg()
        started = time.perf_counter()
        with (output or Path(temp) / "pytest.out").open("w") as out:
            done = subprocess.run([*command, *args], cwd=ROOT, env=env,  # noqa: S603
                                  check=False, stdout=out, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - started
        printed = (output or Path(temp) / "pytest.out").read_text(errors="replace").strip()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_after = os.getloadavg()
        groups: dict[str, float] = defaultdict(float)
        files: dict[str, float] = defaultdict(float)
        counts: dict[str, int] = defaultdict(int)
        if junit.exists():
            for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314 (our own file)
                seconds = float(case.get("time") or 0)
                status = ("skipped" if case.find("skipped") is not None else
                          "failed" if case.find("failure") is not None
                          or case.find("error") is not None else "passed")
                counts[status] += 1
                file = case.get("file") or case.get("classname", "").replace(".", "/") + ".py"
                groups[_group(case.get("classname", ""), file)] += seconds
                files[file] += seconds
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = printed.splitlines()[-1:]
    return {
        "database": db, "workers": workers, "args": args, "returncode": done.returncode,
        "summary": tail[0] if tail else "", "tests": dict(counts),
        "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
        "tests_sum_s": round(sum(groups.values()), 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cores": os.cpu_count(),
        "groups_s": {name: round(s, 1) for name, s in sorted(groups.items(),
                                                               key=lambda kv: -kv[1])},
        "slowest_files_s": {name: round(s, 1) for name, s in sorted(
            files.items(), key=lambda kv: -kv[1])[:15]},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2,
                        help="pytest-xdist workers, as `make test` (2); 0: one process")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--output", type=Path, help="pytest's own output goes to this file")
    parser.add_argument("pytest_args", nargs="*", help="after --: what to run (default: all)")
    args = parser.parse_args()
    result = run(args.db, args.workers, args.pytest_args, args.output)
    report(result, args.json)
    return 0 if result["returncode"] in (0, 5) else 1


if __name__ == "__main__":
    raise SystemExit(main())
