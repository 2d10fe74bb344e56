"""Guests' page cache on the embedded default (SQLite, no Redis, `fichive serve`'s default
workers): a guest's repeat chapter, work and listing page against the bare-WSGI ceiling (each
page's own bytes served by bench/ceiling.py on the same gunicorn command line), before (the
page cache off, the cache in each process's memory: FICHIVE_CACHE=memory) and after (the
default: the disk store every process shares); a logged-in reader's chapter page in both, to
show what the disk cache costs pages it doesn't serve; and, in process, what the version
checks cost a request. Requests per second and server CPU per request (which other load on
the machine disturbs far less). It measures; it never fails on a slow figure.

    .venv/bin/python bench/pagecache.py                       # 10,000 works on SQLite
    .venv/bin/python bench/pagecache.py --works 1000 --duration 5 --json out.json

The archive is bench/run.py's (generated once, kept in ~/.cache/fichive-bench).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import run  # noqa: E402 - bench/run.py, beside this script
from inprocess import report  # noqa: E402


def _settings(cfg: run.Config, *, after: bool) -> dict[str, str]:
    """The environment `make run` gives the server: no Redis; before, the page cache off and
    the cache in each process's memory (the old default); after, the default."""
    env = {**cfg.env(), "FICHIVE_CACHE": "disk" if after else "memory",
           "FICHIVE_PAGE_CACHE": "on" if after else "off"}
    for name in ("FICHIVE_REDIS_URL", "FICHIVE_CACHE_PREFIX"):
        env.pop(name, None)
    return env


def _server(cfg: run.Config, env: dict[str, str]) -> Any:
    port = run.free_port()
    argv = [run.FICHIVE, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return run.serve(argv, env, cfg.data_dir / "pagecache-server.log", port)


def _ceiling(cfg: run.Config, body: Path, env: dict[str, str]) -> Any:
    from fichive.cli import gunicorn_argv

    port = run.free_port()
    argv = [*gunicorn_argv(host="127.0.0.1", port=port, app="ceiling:app"),
            "--pythonpath", str(BENCH_DIR)]
    return run.serve(argv, {**env, "FICHIVE_BENCH_BODY": str(body)},
                     cfg.data_dir / "pagecache-ceiling.log", port)


def _pages(cfg: run.Config) -> dict[str, str]:
    work_id, chapter_id, _ = run.chapter_for_reading()
    name, path, params = run.listing_mixes()[0]
    return {"chapter": f"/works/{work_id}/chapters/{chapter_id}", "work": f"/works/{work_id}",
            "listing": path}


def _measure(cfg: run.Config, args: argparse.Namespace, *, after: bool,
             pages: dict[str, str], bodies: dict[str, Path]) -> dict[str, Any]:
    env = _settings(cfg, after=after)
    result: dict[str, Any] = {}
    with _server(cfg, env) as server:
        for name, path in pages.items():
            status, body, _ = run.fetch(server.base + path)
            bodies[name].write_bytes(body)
            result[name] = {"status": status, "bytes": len(body), **run.load(
                server.base + path, seconds=args.duration, connections=args.connections,
                warmup=args.warmup, server=server)}
            print(f"  {'after' if after else 'before'} {name}: {result[name]['rps']:,.0f}/s, "
                  f"{result[name].get('server_cpu_ms_per_request')} ms CPU/request", flush=True)
        cookie = run.login(server.base)
        result["reader_chapter"] = run.load(
            server.base + pages["chapter"], seconds=args.duration, connections=args.connections,
            warmup=args.warmup, headers=cookie, server=server)
        print(f"  {'after' if after else 'before'} logged-in chapter: "
              f"{result['reader_chapter'].get('server_cpu_ms_per_request')} ms CPU/request",
              flush=True)
    return result


_CHECK_COSTS = r"""
import sys, timeit, json
import django
django.setup()
from django.core.cache import caches
from fichive.lib import cache as pc
work_id = int(sys.argv[1])
pc.work_version(work_id); pc.listings_version()
n = 20000
memo = timeit.timeit(lambda: pc.work_version(work_id), number=n) / n
lst = timeit.timeit(lambda: pc.listings_version(), number=n) / n
def after_change():
    pc._bump([])  # a change anywhere (none here): the versions are read again
    pc.work_version(work_id)
reread = timeit.timeit(after_change, number=2000) / 2000
backend = caches["default"]
backend.set("bench-probe", 1)
get = timeit.timeit(lambda: backend.get("bench-probe"), number=n) / n
store = pc._pages()
page = pc.StoredPage("200 OK", [("Content-Type", "text/html")], b"x" * 60000)
store.save("fichive:pages:bench", pc._versions([pc.GLOBAL, pc.LISTINGS]), page, 3600)
assert store.load("fichive:pages:bench") is not None
load = timeit.timeit(lambda: store.load("fichive:pages:bench"), number=n) / n
print(json.dumps({"work_version_us": round(memo * 1e6, 2),
                  "listings_version_us": round(lst * 1e6, 2),
                  "work_version_after_a_change_us": round(reread * 1e6, 2),
                  "default_cache_get_us": round(get * 1e6, 2),
                  "stored_page_load_us": round(load * 1e6, 2)}))
"""


def _check_costs(cfg: run.Config, work_id: int, *, after: bool) -> dict[str, Any]:
    """What a version read costs in a process (the memo: one read of the shared changes
    number), what it costs after a change (the versions read again from the store), and one
    default cache read."""
    with tempfile.TemporaryDirectory() as temp:
        # A store of its own: the bump in after_change must not touch the served archive's.
        env = {**_settings(cfg, after=after), "FICHIVE_DATA_DIR": temp,
               "FICHIVE_DATABASE_URL": f"sqlite:///{cfg.data_dir / 'fichive.sqlite3'}"}
        done = subprocess.run(  # noqa: S603 - this interpreter and our own script
            [sys.executable, "-c", _CHECK_COSTS, str(work_id)], env=env,
            capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "fichive-bench")
    parser.add_argument("--duration", type=float, default=10, help="each load run, s (10)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up per URL, s (2)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)

    cfg = run.Config(db="sqlite", works=args.works, seed=args.seed,
                     text_fraction=run.DEFAULT_TEXT_FRACTION, cache=args.cache)
    corpus = run.ensure_corpus(cfg, print)
    os.environ.update(_settings(cfg, after=True))
    os.environ.pop("FICHIVE_DATABASE_URL", None)
    sys.path.insert(0, str(run.ROOT / "src"))
    import django

    from fichive.cli import DEFAULT_THREADS, DEFAULT_WORKERS

    django.setup()
    run.prepare_reader()
    pages = _pages(cfg)
    work_id = int(pages["work"].rsplit("/", 1)[1])
    with tempfile.TemporaryDirectory() as temp:
        bodies = {name: Path(temp) / f"{name}.html" for name in pages}
        started = time.time()
        before = _measure(cfg, args, after=False, pages=pages, bodies=bodies)
        after = _measure(cfg, args, after=True, pages=pages, bodies=bodies)
        ceilings = {}
        for name in pages:
            with _ceiling(cfg, bodies[name], _settings(cfg, after=True)) as bare:
                ceilings[name] = run.load(bare.base + "/", seconds=args.duration,
                                          connections=args.connections, warmup=args.warmup,
                                          server=bare)
            print(f"  ceiling {name}: {ceilings[name]['rps']:,.0f}/s, "
                  f"{ceilings[name].get('server_cpu_ms_per_request')} ms CPU/request",
                  flush=True)
    result: dict[str, Any] = {
        "database": "sqlite", "works": args.works, "corpus": corpus, "pages": pages,
        "workers": int(os.environ.get("FICHIVE_WORKERS") or DEFAULT_WORKERS),
        "threads": int(os.environ.get("FICHIVE_THREADS") or DEFAULT_THREADS),
        "settings": {"duration_s": args.duration, "warmup_s": args.warmup,
                     "connections": args.connections},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(time.time() - started, 1),
        "before": before, "after": after, "ceiling": ceilings, "ratios": {},
        "version_checks": {"before": _check_costs(cfg, work_id, after=False),
                           "after": _check_costs(cfg, work_id, after=True)},
    }
    for name in pages:
        for when, measured in (("before", before), ("after", after)):
            result["ratios"][f"{name}_{when}"] = {
                "rps": round(measured[name]["rps"] / ceilings[name]["rps"], 3),
                "cpu": run._cpu_ratio(ceilings[name], measured[name])}
    result["ratios"]["reader_chapter_cpu_after_over_before"] = (
        round(after["reader_chapter"]["server_cpu_ms_per_request"]
              / before["reader_chapter"]["server_cpu_ms_per_request"], 3)
        if before["reader_chapter"].get("server_cpu_ms_per_request") else None)
    report(result, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
