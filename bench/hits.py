"""What counting hits costs on the guests' cached chapter page (the WSGI fast path with Redis):
requests/s and server CPU per request with counting (production, fichive/wsgi.py) and without
(bench/hits_off.py), for one guest reloading (deduplicated in memory) and for a new visitor on
every request (each one a hit to buffer, push to Redis and write), against the bare-WSGI
ceiling (bench/ceiling.py). Then it checks what the counting servers wrote once they stopped
(their exit flush): one hit for the one guest, one per distinct address for the others.

    .venv/bin/python bench/hits.py                     # SQLite, 2,000 works
    .venv/bin/python bench/hits.py --db postgres --works 10000 --duration 10

Servers run the production gunicorn command line (2 sync workers, FICHIVE_WORKERS) without
the task worker, with FICHIVE_BEHIND_TLS_PROXY on so addresses come from X-Forwarded-For
(bench/wrk_visitors.lua gives each request its own). Archives, Redis and wrk as bench/run.py.

--in-process N skips the servers and times N calls of the fast path in this process instead,
counting and not counting in alternating rounds (CPU µs per call): what a server's throughput
on a busy machine is too noisy to show.
"""

# ruff: noqa: S603

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

import run  # noqa: E402 - bench/run.py, next to this file

VISITORS_SCRIPT = BENCH_DIR / "wrk_visitors.lua"


def _server(cfg: run.Config, app: str, name: str) -> contextlib.AbstractContextManager[run.Server]:
    from fichive.cli import gunicorn_argv

    port = run.free_port()
    argv = [*gunicorn_argv(host="127.0.0.1", port=port, app=app), "--pythonpath", str(BENCH_DIR)]
    env = {**cfg.env(), "FICHIVE_BEHIND_TLS_PROXY": "true"}
    return run.serve(argv, env, cfg.data_dir / f"{name}.log", port)


def _visitors_load(url: str, *, seconds: float, connections: int, server: run.Server,
                   base: int) -> dict:
    """wrk with a new address on every request; server CPU ms per request."""
    if run.WRK is None:
        raise SystemExit("bench/hits.py needs wrk (apt-get install wrk)")
    before = server.cpu_seconds()
    argv = [run.WRK, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout",
            "60s", "-s", str(VISITORS_SCRIPT), url]
    result = subprocess.run(argv, capture_output=True, text=True, check=True,
                            env={**os.environ, "BENCH_VISITOR_BASE": str(base)})
    raw = json.loads([x for x in result.stdout.splitlines() if x.startswith("{")][-1])
    used = server.cpu_seconds() - before
    return {"requests": raw["requests"],
            "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "median_ms": round(raw["p50_us"] / 1000, 2), "p95_ms": round(raw["p95_us"] / 1000, 2),
            "errors": sum(v for k, v in raw.items() if k.startswith("errors_")),
            "server_cpu_ms_per_request": round(used * 1000 / max(1, raw["requests"]), 3)}


def _measure(cfg: run.Config, app: str, name: str, url_path: str, args: argparse.Namespace
             ) -> Iterator[tuple[str, dict]]:
    with _server(cfg, app, name) as server:
        url = server.base + url_path
        run.fetch(url)  # Django renders and stores the page; every later view is a repeat
        yield "one guest", run.load(url, seconds=args.duration, connections=args.connections,
                                    warmup=args.warmup, server=server)
        base = random.randrange(1 << 23)  # noqa: S311 - addresses, not secrets
        _visitors_load(url, seconds=args.warmup, connections=args.connections, server=server,
                       base=base)
        yield "a new visitor per request", _visitors_load(
            url, seconds=args.duration, connections=args.connections, server=server,
            base=base + 4_000_000)


def _in_process(path: str, calls: int) -> None:
    """CPU µs per fast-path call, counting and not, one guest and a new visitor each call."""
    import time

    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    from fichive.lib.cache import guest_read, guests_fast_path
    from fichive.readings.buffer import reads
    from fichive.readings.tracking import _cached_page_read

    app = guests_fast_path(WSGIHandler())
    environ = dict(RequestFactory(HTTP_HOST="127.0.0.1").get(path).environ)

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        pass

    b"".join(app(dict(environ), start_response))  # rendered and stored
    b"".join(app(dict(environ), start_response))  # read from Redis and kept in memory
    if guests_fast_path(lambda e, s: [b"Django"])(dict(environ), start_response) == [b"Django"]:
        raise SystemExit("the page wasn't stored for the fast path")
    samples: dict[str, list[float]] = {}
    for _ in range(5):
        for label, counting, new_visitors in [("not counting, one guest", False, False),
                                              ("counting, one guest", True, False),
                                              ("not counting, a new visitor per call", False,
                                               True),
                                              ("counting, a new visitor per call", True, True)]:
            if not counting:
                guest_read.disconnect(_cached_page_read)
            requests = []
            for number in range(calls):
                request = dict(environ)
                if new_visitors:
                    request["REMOTE_ADDR"] = f"10.{number >> 16 & 255}.{number >> 8 & 255}." \
                                             f"{number & 255}"
                requests.append(request)
            started = time.process_time()
            for request in requests:
                app(request, start_response)
            used = time.process_time() - started
            if not counting:
                guest_read.connect(_cached_page_read)
            reads.discard()
            samples.setdefault(label, []).append(used / calls * 1e6)
    print(f"\nIn process, {calls:,} fast-path calls per round, 5 rounds (CPU µs per call, "
          "median of the rounds):")
    for label, values in samples.items():
        print(f"  {label}: {sorted(values)[2]:.1f}")
    # What the flush thread then spends writing them (Redis, then the database).
    for number in range(calls):
        request = dict(environ, REMOTE_ADDR=f"10.{number >> 16 & 255}.{number >> 8 & 255}."
                                            f"{number & 255}")
        app(request, start_response)
    wall, cpu = time.perf_counter(), time.process_time()
    reads.flush()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  flushing {calls:,} new visitors' hits: {wall:.2f} s, {cpu:.2f} s CPU in this "
          f"process ({cpu / calls * 1e6:.1f} µs CPU a hit)")


def _restore(work_id: int, hits: int) -> None:
    """Leave the cached archive as it was: the work's hits, no HitDay rows, no Redis keys."""
    from fichive.readings.models import HitDay
    from fichive.works.models import Work

    Work.objects.filter(pk=work_id).update(hits=hits)
    HitDay.objects.all().delete()
    run.forget_redis_keys()


def _row(label: str, result: dict, ceiling: dict) -> str:
    ratio = result["rps"] / ceiling["rps"]
    cpu = result.get("server_cpu_ms_per_request")
    bare = ceiling.get("server_cpu_ms_per_request")
    by_cpu = f"{bare / cpu:.0%}" if cpu and bare else "n/a"
    return (f"| {label} | {result['rps']:,.0f} | {ratio:.0%} | {cpu} | {by_cpu} | "
            f"{result.get('median_ms')} / {result.get('p95_ms')} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=2000)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--text-fraction", type=float, default=run.DEFAULT_TEXT_FRACTION)
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "BENCH_CACHE", Path.home() / ".cache" / "fichive-bench")))
    parser.add_argument("--duration", type=float, default=10, help="each run, s (10)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up per run, s (2)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--in-process", type=int, metavar="N",
                        help="time N fast-path calls in this process instead of servers")
    args = parser.parse_args()

    cfg = run.Config(args.db, args.works, args.seed, args.text_fraction, args.cache)
    args.cache.mkdir(parents=True, exist_ok=True)
    run.ensure_corpus(cfg, print)
    if not run.redis_answers():
        raise SystemExit(f"bench/hits.py needs Redis at {run.REDIS_URL} (BENCH_REDIS_URL): the "
                         "fast path is only there with Redis")
    os.environ.update(cfg.env())
    if cfg.db == "sqlite":
        os.environ.pop("FICHIVE_DATABASE_URL", None)
    import django

    django.setup()
    from fichive.works.models import Work

    work_id, chapter_id, words = run.chapter_for_reading()
    path = f"/works/{work_id}/chapters/{chapter_id}"
    before = Work.objects.get(pk=work_id).hits
    if args.in_process:
        try:
            _in_process(path, args.in_process)
        finally:
            _restore(work_id, before)
        return 0
    try:
        counting = dict(_measure(cfg, "fichive.wsgi:application", "hits-on", path, args))
        counted = Work.objects.get(pk=work_id).hits - before  # written at the servers' exit
        not_counting = dict(_measure(cfg, "hits_off:application", "hits-off", path, args))
        unchanged = Work.objects.get(pk=work_id).hits - before - counted
        with _server(cfg, "fichive.wsgi:application", "hits-page") as server:
            _, page, _ = run.fetch(server.base + path)
        body = cfg.data_dir / "chapter-page.html"
        body.write_bytes(page)
        with run.ceiling_server(cfg, body) as bare:
            ceiling = run.load(bare.base + "/", seconds=args.duration,
                               connections=args.connections, warmup=args.warmup, server=bare)
    finally:
        _restore(work_id, before)
    results: dict[str, Any] = {"counting": counting, "not counting": not_counting,
                               "ceiling": ceiling}

    visitors = counting["a new visitor per request"]["requests"]
    print(f"\n{args.db}, {args.works:,} works: chapter {path} ({words:,} words, "
          f"{len(page):,} bytes); {args.connections} connections, {args.duration:g} s runs\n")
    print("| guests' chapter page (fast path) | req/s | of ceiling | server CPU ms/req | "
          "of ceiling by CPU | median / p95 ms |")
    print("|---|---:|---:|---:|---:|---|")
    for variant in ("counting", "not counting"):
        for load_name, result in results[variant].items():
            print(_row(f"{variant}, {load_name}", result, ceiling))
    print(_row("bare WSGI ceiling", ceiling, ceiling))
    print(f"\nHits written by the counting server at its exit: {counted:,} (one guest: 1; "
          f"new visitors: at least the {visitors:,} requests wrk finished, plus its warm-up "
          f"and requests cut off at the end); by the server not counting: {unchanged}.")
    out = cfg.data_dir / "hits-bench.json"
    out.write_text(json.dumps({"results": results, "hits_written": counted,
                               "hits_written_without_counting": unchanged}, indent=2) + "\n")
    print(f"Wrote {out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
