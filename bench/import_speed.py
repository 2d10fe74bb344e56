"""Import throughput on its own: what `bench/run.py --measure import` measures (the same
generated files, the same `fichive import` command, (N - 1) works over the time beyond
importing one), without generating an archive or starting a server, into a scratch database
whose name you choose (so parallel runs don't collide).

    .venv/bin/python bench/import_speed.py --db sqlite,postgres --files 200 --database imp_bench

Prints one JSON line per database: works/s (wall clock), works per CPU second of the import
process, and the machine's load average before and after.

With --in-process, each import runs as `fichive.cli.main(["import", …])` inside one Python
process after a one-file warm-up import (so start-up and first-use costs are left out), and
the line gives milliseconds of that process's CPU (time.process_time) and wall clock per
work: the steadiest figure on a shared machine (PostgreSQL's own CPU is not in it, but when
the server runs on this machine its backend's CPU per work is given beside it, read from /proc).
--statements adds the slowest SQL statements (total ms per work; COPY is not among them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402 - the suite's own helpers

FICHIVE = bench.FICHIVE


def measure(db: str, *, count: int, words: int, database: str) -> dict:
    result: dict = {"database": db, "files": count, "words_per_work": words,
                    "load_average_before": round(os.getloadavg()[0], 2)}
    scratch = Path(tempfile.mkdtemp(prefix="fichive-import-"))
    try:
        for kind in ("text", "ao3"):
            wall: dict[int, float] = {}
            cpu: dict[int, float] = {}
            for n in (1, count):
                data = scratch / f"{kind}-{n}"
                data.mkdir(parents=True)
                env = _empty_archive(db, data, database)
                files = data / "files"
                bench._import_files(files, kind, n, words)
                started, cpu_before = time.perf_counter(), bench._children_cpu()
                run = subprocess.run([FICHIVE, "import", str(files), "--author",  # noqa: S603
                                      "importer", "--fandom", "Original Work"],
                                     env=env, capture_output=True, text=True)
                wall[n] = time.perf_counter() - started
                cpu[n] = bench._children_cpu() - cpu_before
                if run.returncode != 0 or f"Imported {n} work" not in run.stdout:
                    raise SystemExit(f"import of {kind} files failed: {run.stdout[-500:]}"
                                     f"{run.stderr[-2000:]}")
            result[kind] = {
                "works_per_second": round((count - 1) / (wall[count] - wall[1]), 1),
                "works_per_cpu_second": round((count - 1) / (cpu[count] - cpu[1]), 1),
                "seconds": round(wall[count], 2),
            }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if db == "postgres":
            bench._pg_admin(f'DROP DATABASE IF EXISTS "{database}"')
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    return result


def _server_cpu(connection) -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs
    on this machine and /proc can tell; None otherwise (and on SQLite, which runs in-process)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _in_process_child(files: str, warm: str, statements: bool = False) -> None:
    """Run in a child process: the warm-up import, then the measured one; prints JSON. With
    `statements`, each SQL statement's total time (by its text, numbers left out)."""
    import contextlib
    import io
    import re
    from collections import defaultdict

    import django

    django.setup()
    from django.db import connection

    from fichive import cli

    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["import", warm, "--author", "warmup", "--fandom", "Original Work"])
    timings: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timing = timings[re.sub(r"\d+|(%s, )+%s", "…", sql)[:120]]
            timing[0] += 1
            timing[1] += time.perf_counter() - started

    out = io.StringIO()
    server = _server_cpu(connection)
    started, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out), (
            connection.execute_wrapper(timed) if statements else contextlib.nullcontext()):
        status = cli.main(["import", files, "--author", "importer", "--fandom", "Original Work"])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    server_after = _server_cpu(connection)
    print(json.dumps({"status": status, "summary": out.getvalue().splitlines()[-1],
                      "cpu": cpu, "wall": wall,
                      "server_cpu": None if server is None or server_after is None
                      else server_after - server,
                      "statements": sorted(([sql, n, t] for sql, (n, t) in timings.items()),
                                           key=lambda row: -row[2])}))


def _empty_archive(db: str, data: Path, database: str) -> dict[str, str]:
    """The environment of a new, migrated, empty archive in `data` (and `database`)."""
    env = {**os.environ, "FICHIVE_DATA_DIR": str(data),
           "DJANGO_SETTINGS_MODULE": "fichive.settings"}
    env.pop("FICHIVE_DATABASE_URL", None)
    if db == "postgres":
        bench._pg_admin(f'DROP DATABASE IF EXISTS "{database}"')
        bench._pg_admin(f'CREATE DATABASE "{database}"')
        env["FICHIVE_DATABASE_URL"] = f"{bench.POSTGRES_URL}/{database}"
    subprocess.run([FICHIVE, "manage", "migrate", "--verbosity", "0"],  # noqa: S603
                   env=env, check=True)
    return env


def measure_in_process(db: str, *, count: int, words: int, database: str,
                       statements: bool = False) -> dict:
    result: dict = {"database": db, "files": count, "words_per_work": words, "in_process": True,
                    "load_average_before": round(os.getloadavg()[0], 2)}
    scratch = Path(tempfile.mkdtemp(prefix="fichive-import-"))
    try:
        for kind in ("text", "ao3"):
            data = scratch / kind
            data.mkdir(parents=True)
            env = _empty_archive(db, data, database)
            files, warm = data / "files", data / "warm"
            bench._import_files(files, kind, count, words)
            bench._import_files(warm, kind, 1, words)
            for path in warm.iterdir():  # not a duplicate of the first measured file
                path.write_text(path.read_text().replace("900000", "899999") + "\n")
            run = subprocess.run([sys.executable, __file__, "--child", str(files),  # noqa: S603
                                  str(warm), *(["--statements"] if statements else [])],
                                 env=env, capture_output=True, text=True)
            if run.returncode != 0:
                raise SystemExit(f"in-process import of {kind} files failed: {run.stderr[-2000:]}")
            child = json.loads(run.stdout.splitlines()[-1])
            if f"Imported {count} work" not in child["summary"]:
                raise SystemExit(f"import of {kind} files failed: {child['summary']}")
            result[kind] = {"ms_cpu_per_work": round(child["cpu"] / count * 1000, 2),
                            "ms_wall_per_work": round(child["wall"] / count * 1000, 2)}
            if child["server_cpu"] is not None:
                result[kind]["server_ms_cpu_per_work"] = round(
                    child["server_cpu"] / count * 1000, 2)
            if statements:  # the slowest, in ms per work (COPY is not among them)
                result[kind]["statements"] = [
                    f"{t / count * 1000:.3f} ms/work, {n} calls: {sql}"
                    for sql, n, t in child["statements"][:8]]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if db == "postgres":
            bench._pg_admin(f'DROP DATABASE IF EXISTS "{database}"')
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both (sqlite)")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--words", type=int, default=3000)
    parser.add_argument("--database", default="fichive_bench_import_speed",
                        help="PostgreSQL scratch database (dropped afterwards)")
    parser.add_argument("--in-process", action="store_true",
                        help="ms of CPU per work inside one process, after a warm-up import")
    parser.add_argument("--statements", action="store_true",
                        help="with --in-process: the slowest SQL statements, ms per work")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _in_process_child(*args.child, statements=args.statements)
        return 0
    sys.path.insert(0, str(bench.ROOT / "src"))
    for db in args.db.split(","):
        if args.in_process:
            result = measure_in_process(db.strip(), count=args.files, words=args.words,
                                        database=args.database, statements=args.statements)
        else:
            result = measure(db.strip(), count=args.files, words=args.words,
                             database=args.database)
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
