"""The benchmark suite (`make bench`): for each archive size and database it generates (or reuses
from a cache) an archive with `fichive generate`, serves it as in production (`fichive serve`:
gunicorn, same workers) on a free local port, loads it from a separate process with wrk, and
records throughput and latency (median, p95) for chapter pages, tag listings and search, plus
import speed, exporter timings, worker memory and database size. It measures; it never fails
on a slow figure.

    .venv/bin/python bench/run.py --works 10000,100000 --db sqlite,postgres
    make bench BENCH_WORKS=10000,100000 BENCH_DB=sqlite,postgres

Results: bench/results/<db>-<size>.json and a Markdown summary in bench/results/latest.md.
Load comes from wrk (Debian's `wrk`): a C load generator costs the server far less CPU than a
Python client would on a small machine, and reports latency percentiles from a full histogram.
Without wrk a small threaded Python client stands in (recorded as such in the results).
"""

# A benchmark driver runs our own commands and fetches local URLs:
# ruff: noqa: S603, S310

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import html
import http.client
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
BIN = Path(sys.executable).parent
FICHIVE = str(BIN / "fichive")
WRK = shutil.which("wrk")
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
READER = ("benchreader", "bench-reader-password-1")
# Redis for the cache, as in production (guests' page cache and its WSGI fast path): the
# machine's server by default; BENCH_REDIS_URL= (empty) measures without it. Each run keeps
# its keys under a prefix of its own, removed at the end.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
REDIS_PREFIX = f"fichive-bench-{os.getpid()}"
MEASURES = ("chapter", "listings", "search", "import", "export", "fanout")
DEFAULT_TEXT_FRACTION = 0.1

# The ten search query shapes; {fandom} and {creator} are filled from the archive.
SEARCH_QUERIES = [
    "dragon", '"the old house"', "dragon OR wyvern", "rain -storm", "title:winter",
    'fandom:"{fandom}" kiss', "words>5000 love", "kudos>=100 tea", "complete:yes letters",
    "creator:{creator}",
]


# --------------------------------------------------------------------------- configuration


@dataclass
class Config:
    db: str
    works: int
    seed: int
    text_fraction: float
    cache: Path

    @property
    def key(self) -> str:
        from fichive.demo import GENERATOR_VERSION

        fraction = f"{self.text_fraction:g}".replace(".", "p")
        return f"{self.works}_s{self.seed}_t{fraction}_v{GENERATOR_VERSION}"

    @property
    def data_dir(self) -> Path:
        return self.cache / f"{self.db}-{self.key}"

    @property
    def database_name(self) -> str:
        return f"fichive_bench_{self.key}"

    @property
    def database_url(self) -> str | None:
        if self.db == "sqlite":
            return None
        return f"{POSTGRES_URL}/{self.database_name}"

    def env(self) -> dict[str, str]:
        env = {**os.environ, "FICHIVE_DATA_DIR": str(self.data_dir),
               "DJANGO_SETTINGS_MODULE": "fichive.settings",
               # The load comes from one address standing for many visitors: no rate limits
               # (searches, API) and no per-address budget of new cached pages (lib/cache.py),
               # or it would measure those.
               "FICHIVE_RATE_LIMITS": "off", "FICHIVE_SEARCH_PER_MINUTE": "0",
               "FICHIVE_PAGE_CACHE_NEW_PER_MINUTE": "0"}
        env.pop("FICHIVE_DATABASE_URL", None)
        if self.database_url:
            env["FICHIVE_DATABASE_URL"] = self.database_url
        env.pop("FICHIVE_REDIS_URL", None)
        if redis_answers():
            env["FICHIVE_REDIS_URL"] = REDIS_URL
            env["FICHIVE_CACHE_PREFIX"] = REDIS_PREFIX
        return env


@functools.lru_cache(maxsize=1)
def redis_answers() -> bool:
    if not REDIS_URL:
        return False
    import redis

    try:
        with contextlib.closing(redis.Redis.from_url(REDIS_URL, socket_timeout=2)) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def forget_redis_keys() -> None:
    """Remove this run's keys from the benchmark's Redis."""
    if not redis_answers():
        return
    import redis

    with contextlib.closing(redis.Redis.from_url(REDIS_URL)) as client:
        keys = list(client.scan_iter(match=f"{REDIS_PREFIX}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start:start + 1000])


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _pg_scalar(database: str, sql: str) -> Any:
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES_URL}/{database}") as conn:
            row = conn.execute(sql).fetchone()
            return row[0] if row else None
    except psycopg.Error:
        return None


def _stored_works(cfg: Config) -> int | None:
    if cfg.db == "sqlite":
        path = cfg.data_dir / "fichive.sqlite3"
        if not path.exists():
            return None
        try:
            with contextlib.closing(sqlite3.connect(path)) as conn:
                return conn.execute("SELECT count(*) FROM works_work").fetchone()[0]
        except sqlite3.Error:
            return None
    return _pg_scalar(cfg.database_name, "SELECT count(*) FROM works_work")


def ensure_corpus(cfg: Config, out: Any) -> dict:
    """Generate the archive unless the cache holds one for this size, seed and generator."""
    marker = cfg.data_dir / "corpus.json"
    if marker.exists() and _stored_works(cfg) == cfg.works:
        info = json.loads(marker.read_text())
        out(f"Reusing the {cfg.db} archive of {cfg.works:,} works in {cfg.data_dir}.")
        # Migrations that came after it fill what they add (a no-op when none are pending).
        started = time.perf_counter()
        subprocess.run([FICHIVE, "manage", "migrate", "--verbosity", "0"], env=cfg.env(),
                       check=True)
        return {**info, "reused": True,
                "migrate_seconds_on_reuse": round(time.perf_counter() - started, 1)}
    lock = cfg.data_dir / "generating.pid"
    with contextlib.suppress(OSError, ValueError):
        pid = int(lock.read_text())
        if pid != os.getpid() and Path(f"/proc/{pid}").exists():
            raise SystemExit(f"Another run (process {pid}) is generating {cfg.data_dir}; "
                             "wait for it to finish, or stop it.")
    if cfg.data_dir.exists():
        shutil.rmtree(cfg.data_dir)
    cfg.data_dir.mkdir(parents=True)
    lock.write_text(str(os.getpid()))
    if cfg.db == "postgres":
        _pg_admin(f'DROP DATABASE IF EXISTS "{cfg.database_name}"')
        _pg_admin(f'CREATE DATABASE "{cfg.database_name}"')
    started = time.perf_counter()
    subprocess.run([FICHIVE, "manage", "migrate", "--verbosity", "0"], env=cfg.env(),
                   check=True)
    migrated = time.perf_counter()
    out(f"Generating {cfg.works:,} works on {cfg.db} into {cfg.data_dir} …")
    # On a terminal, `fichive generate` shows its own progress bar and summary line.
    terminal = sys.stdout.isatty()
    result = subprocess.run(
        [FICHIVE, "generate", "--works", str(cfg.works), "--seed", str(cfg.seed),
         "--text-fraction", str(cfg.text_fraction)],
        env=cfg.env(), check=True, stdout=None if terminal else subprocess.PIPE, text=True)
    done = time.perf_counter()
    line = "" if terminal else result.stdout.strip().splitlines()[-1]
    if line:
        out(line)
    info = {"works": cfg.works, "seed": cfg.seed, "text_fraction": cfg.text_fraction,
            "summary": line, "generate_seconds": round(done - migrated, 1),
            "generate_works_per_second": round(cfg.works / (done - migrated), 1),
            "migrate_seconds": round(migrated - started, 1)}
    marker.write_text(json.dumps(info, indent=2) + "\n")
    lock.unlink()
    return {**info, "reused": False}


# ------------------------------------------------------------------------------- serving


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(p) for p in children.read_text().split()]
        return []

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master, its live workers and its reaped workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.process.pid, *self.worker_pids()]:
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name
                total += sum(int(v) for v in fields[11:15])
        return total / ticks

    def worker_peak_rss_mb(self) -> float | None:
        peaks = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                match = re.search(r"VmHWM:\s+(\d+) kB", status)
                if match:
                    peaks.append(int(match.group(1)) / 1024)
        return round(max(peaks), 1) if peaks else None


@contextlib.contextmanager
def serve(argv: list[str], env: dict[str, str], log: Path, port: int,
          probe: str = "/") -> Iterator[Server]:
    with log.open("ab") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped; see {log}")
            try:
                with urllib.request.urlopen(server.base + probe, timeout=10) as response:  # noqa: S310
                    response.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fichive_server(cfg: Config, *, page_cache: bool = True
                   ) -> contextlib.AbstractContextManager[Server]:
    """`fichive serve` on the archive; `page_cache=False` renders every guest's page (what a
    listing or search costs when its page isn't cached: the cache is measured on chapters)."""
    port = free_port()
    argv = [FICHIVE, "serve", "--host", "127.0.0.1", "--port", str(port)]
    env = cfg.env() if page_cache else {**cfg.env(), "FICHIVE_PAGE_CACHE": "off"}
    return serve(argv, env, cfg.data_dir / "server.log", port)


def ceiling_server(cfg: Config, body: Path) -> contextlib.AbstractContextManager[Server]:
    from fichive.cli import gunicorn_argv

    port = free_port()
    argv = [*gunicorn_argv(host="127.0.0.1", port=port, app="ceiling:app"),
            "--pythonpath", str(BENCH_DIR)]
    env = {**cfg.env(), "FICHIVE_BENCH_BODY": str(body)}
    return serve(argv, env, cfg.data_dir / "ceiling.log", port)


# ---------------------------------------------------------------------------------- load


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, int(round(fraction * len(ordered))) - 1))]


def _python_load(url: str, seconds: float, connections: int, headers: dict[str, str]) -> dict:
    """A stand-in for wrk: `connections` threads issuing requests back to back."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = {"status": 0, "other": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status < 400
            except OSError:
                ok = None
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors["status" if ok is False else "other"] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    if not latencies:
        latencies = [0.0]
    return {"requests": len(latencies), "rps": round(len(latencies) / duration, 1),
            "median_ms": round(statistics.median(latencies) * 1000, 2),
            "p95_ms": round(_percentile(latencies, 0.95) * 1000, 2),
            "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
            "errors": errors["status"] + errors["other"], "tool": "python"}


def load(url: str, *, seconds: float, connections: int, headers: dict[str, str] | None = None,
         warmup: float = 0.0, server: Server | None = None) -> dict:
    """Requests per second and latency percentiles for `url` under `connections` clients,
    and the server's CPU milliseconds per request (which other load on the machine disturbs
    far less than throughput or latency)."""
    headers = headers or {}
    if warmup > 0:
        load(url, seconds=warmup, connections=connections, headers=headers)
    cpu_before = server.cpu_seconds() if server else 0.0
    result = _load(url, seconds=seconds, connections=connections, headers=headers)
    if server is not None and result["requests"]:
        used = server.cpu_seconds() - cpu_before
        result["server_cpu_ms_per_request"] = round(used * 1000 / result["requests"], 3)
    return result


def _load(url: str, *, seconds: float, connections: int, headers: dict[str, str]) -> dict:
    if WRK is None:
        return _python_load(url, seconds, connections, headers)
    argv = [WRK, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
            "-s", str(WRK_SCRIPT)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    result = subprocess.run([*argv, url], capture_output=True, text=True, check=True)
    line = [x for x in result.stdout.splitlines() if x.startswith("{")][-1]
    raw = json.loads(line)
    errors = sum(v for k, v in raw.items() if k.startswith("errors_"))
    return {"requests": raw["requests"],
            "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "median_ms": round(raw["p50_us"] / 1000, 2), "p95_ms": round(raw["p95_us"] / 1000, 2),
            "p99_ms": round(raw["p99_us"] / 1000, 2), "errors": errors, "tool": "wrk"}


def _cpu_ratio(ceiling: dict, page: dict) -> float | None:
    bare = ceiling.get("server_cpu_ms_per_request")
    real = page.get("server_cpu_ms_per_request")
    return round(bare / real, 3) if bare and real else None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, body, (time.perf_counter() - started) * 1000


def login(base: str) -> dict[str, str]:
    """Log in as the bench reader through the log-in form; returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login") as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the log-in page"
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1),
                                   "username": READER[0], "password": READER[1]}).encode()
    with opener.open(urllib.request.Request(base + "/login", data=data,
                                            headers={"Referer": base + "/login"})) as response:
        response.read()
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, "logging in as the bench reader failed"
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


# --------------------------------------------------------------------------- the targets


def _tag_path(name: str) -> str:
    from fichive.tags.models import tag_to_url

    return "/tags/" + urllib.parse.quote(tag_to_url(name)) + "/works"


def listing_mixes() -> list[tuple[str, str, dict]]:
    """The issue's three filter mixes on the archive's most used fandom."""
    from fichive.tags.models import Tag

    def top(tag_type: str, **where: Any) -> list[str]:
        return list(Tag.objects.filter(type=tag_type, canonical=True, **where)
                    .order_by("-uses", "name").values_list("name", flat=True)[:3])

    fandom = top("fandom")[0]
    characters = top("character", parents__name=fandom)[:2]
    freeforms = top("freeform")[:1]
    return [
        ("one fandom", _tag_path(fandom), {}),
        ("fandom, characters excluded, by kudos", _tag_path(fandom),
         {"exclude": characters, "sort": "kudos"}),
        ("several includes, word range, complete", "/works",
         {"include": [fandom, *characters[:1], *freeforms], "words_from": 1000,
          "words_to": 50000, "complete": "yes"}),
    ]


def search_queries() -> list[str]:
    from django.db.models import Count

    from fichive.accounts.models import Pseud
    from fichive.tags.models import Tag
    from fichive.works.models import Creatorship

    fandom = (Tag.objects.filter(type="fandom", canonical=True).order_by("-uses")
              .values_list("name", flat=True).first() or "")
    busiest = (Creatorship.objects.values("pseud").annotate(n=Count("id"))
               .order_by("-n").first())
    creator = Pseud.objects.get(pk=busiest["pseud"]).name if busiest else "nobody"
    if " " in creator:
        creator = f'"{creator}"'
    return [q.format(fandom=fandom, creator=creator) for q in SEARCH_QUERIES]


# Words of the generated prose's story lists (demo/prose.py), common and rare alike, to make
# distinct queries of each shape for the uncached measure.
VARIANT_WORDS = [
    "lantern", "harbour", "ferryman", "compass", "ledger", "orchard", "lighthouse", "kettle",
    "honey", "scarf", "ballroom", "crossroads", "ghost", "wolf", "captain", "photograph",
    "sword", "bread", "blanket", "bells", "snow", "midnight", "library", "bridge", "river",
    "tower", "bakery", "clock", "crane", "silver",
]
VARIANT_PHRASES = [
    "by the river", "under the bridge", "the night ferry", "the winter garden",
    "a silver key", "the last train", "the broken clock", "a jar of honey", "the empty ballroom",
    "the orchard gate", "a paper crane", "the frozen lake", "the youngest witch",
    "a wool scarf", "the last of the bread", "the wedding ring", "on the roof", "by the fire",
]
TITLE_WORDS_FOR_VARIANTS = [
    "lantern", "harbour", "ember", "orchard", "tide", "storm", "salt", "hollow", "compass",
    "bridge", "ashes", "honey", "silver", "crown", "ferry", "garden", "midnight", "thread",
]


def search_variants(count: int, asked: list[str]) -> list[list[str]]:
    """For each of the ten query shapes, `count` distinct queries of that shape (other words,
    fandoms and creators, none of them among `asked`), so that each is asked once with
    nothing kept from before."""
    import itertools

    from django.db.models import Count

    from fichive.accounts.models import Pseud
    from fichive.tags.models import Tag
    from fichive.works.models import Creatorship

    fandoms = list(Tag.objects.filter(type="fandom", canonical=True).order_by("-uses")
                   .values_list("name", flat=True)[:count])
    pseud_ids = [row["pseud"] for row in Creatorship.objects.values("pseud").annotate(
        n=Count("id")).order_by("-n")[:count]]
    creators = [f'"{n}"' if " " in n else n
                for n in Pseud.objects.filter(pk__in=pseud_ids).values_list("name", flat=True)]
    words = itertools.cycle(VARIANT_WORDS)
    pairs = [(a, b) for a, b in zip(VARIANT_WORDS, VARIANT_WORDS[1:] + VARIANT_WORDS[:1],
                                    strict=True)]
    shapes = [
        [next(words) for _ in range(count)],
        [f'"{p}"' for p in itertools.islice(itertools.cycle(VARIANT_PHRASES), count)],
        [f"{a} OR {b}" for a, b in pairs[:count]],
        [f"{a} -{b}" for b, a in pairs[:count]],
        [f"title:{w}" for w in itertools.islice(itertools.cycle(TITLE_WORDS_FOR_VARIANTS),
                                                count)],
        [f'fandom:"{f}" {w}' for f, w in zip(fandoms, itertools.cycle(VARIANT_WORDS),
                                             strict=False)],
        [f"words>5000 {w}" for w in VARIANT_WORDS[3:3 + count]],
        [f"kudos>=100 {w}" for w in VARIANT_WORDS[6:6 + count]],
        [f"complete:yes {w}" for w in VARIANT_WORDS[9:9 + count]],
        [f"creator:{c}" for c in creators],
    ]
    # Distinct within a shape, and never a benchmark query (asked before).
    return [list(dict.fromkeys(v for v in shape if v not in asked))[:count] for shape in shapes]


def search_uncached(base: str, server: Server, variants: list[list[str]]) -> list[dict]:
    """Each distinct query asked once (no kept ranking, sidebar counts or snippets of its
    own to reuse): median and p95 of wall ms per shape, and server CPU ms per request."""
    results = []
    for shape in variants:
        times = []
        cpu_before = server.cpu_seconds()
        for q in shape:
            _, _, ms = fetch(f"{base}/works/search?{urllib.parse.urlencode({'q': q})}")
            times.append(ms)
        cpu = server.cpu_seconds() - cpu_before
        results.append({"queries": shape, "median_ms": round(statistics.median(times), 1),
                        "p95_ms": round(_percentile(times, 0.95), 1),
                        "server_cpu_ms_per_request": round(cpu * 1000 / len(shape), 1)})
    return results


def chapter_for_reading() -> tuple[int, int, int]:
    """A chapter of a posted public work with generated prose, near 3,000 words."""
    from fichive.works.models import Chapter

    base = (Chapter.objects.filter(work__state="posted", work__restricted=False)
            .exclude(content__startswith="<p>[Generated placeholder"))
    for low, high in ((2500, 4000), (1000, 8000), (0, 10**9)):
        chapter = base.filter(word_count__gte=low, word_count__lte=high).order_by("id").first()
        if chapter is not None:
            return chapter.work_id, chapter.pk, chapter.word_count
    raise RuntimeError("no chapter with text; generate with --text-fraction above 0")


def prepare_reader() -> None:
    from fichive.accounts.models import Pseud, User

    user, created = User.objects.get_or_create(username=READER[0],
                                               defaults={"email": "reader@example.org"})
    user.set_password(READER[1])
    user.save(update_fields=["password"])
    if created or not Pseud.objects.filter(user=user).exists():
        Pseud.objects.get_or_create(user=user, name=user.username, is_default=True)


def database_size_bytes(cfg: Config) -> int:
    if cfg.db == "sqlite":
        return sum(p.stat().st_size for p in cfg.data_dir.glob("fichive.sqlite3*"))
    return int(_pg_scalar(cfg.database_name, "SELECT pg_database_size(current_database())"))


# -------------------------------------------------------------------------- import, export


def _import_files(folder: Path, kind: str, count: int, words: int) -> None:
    import random

    from fichive.demo.prose import ProsePool, title

    sys.path.insert(0, str(ROOT))
    from tests.formats.builders import Ao3Chapter, ao3_html, ao3_work

    rng = random.Random(kind)  # noqa: S311 - reproducible files
    pool = ProsePool.build(rng, "en", 300)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        body, _ = pool.chapter(rng, words)
        name = f"{title(rng)} {i}"
        if kind == "text":
            text = "\n\n".join(re.sub(r"</?p>", "", p) for p in body.split("\n"))
            (folder / f"story{i:04}.txt").write_text(f"{name}\n\n{html.unescape(text)}\n")
        else:
            paragraphs = [html.unescape(re.sub(r"</?p>", "", p)) for p in body.split("\n")]
            page = ao3_html(ao3_work(title=name, work_id=900000 + i,
                                     chapters=[Ao3Chapter(paragraphs)]))
            (folder / f"story{i:04}.html").write_text(page)


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (the import command; with PostgreSQL the
    database server's share is not included)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_throughput(cfg: Config, count: int, words: int, out: Any) -> dict:
    """Works per second through `fichive import`, plain text and AO3 HTML, into an empty
    archive on the same database: (N - 1) works over the time beyond importing one."""
    scratch = cfg.cache / f"import-{cfg.db}-{os.getpid()}"
    results: dict[str, Any] = {"files": count, "words_per_work": words}
    database = f"fichive_bench_import_{os.getpid()}"
    try:
        for kind in ("text", "ao3_html"):
            timings: dict[int, float] = {}
            cpu: dict[int, float] = {}
            failed = False
            for n in (1, count):
                data = scratch / f"{kind}-{n}"
                if data.exists():
                    shutil.rmtree(data)
                data.mkdir(parents=True)
                env = {**cfg.env(), "FICHIVE_DATA_DIR": str(data)}
                if cfg.db == "postgres":
                    _pg_admin(f'DROP DATABASE IF EXISTS "{database}"')
                    _pg_admin(f'CREATE DATABASE "{database}"')
                    env["FICHIVE_DATABASE_URL"] = f"{POSTGRES_URL}/{database}"
                subprocess.run([FICHIVE, "manage", "migrate", "--verbosity", "0"], env=env,
                               check=True)
                files = data / "files"
                _import_files(files, "text" if kind == "text" else "ao3", n, words)
                started = time.perf_counter()
                cpu_before = _children_cpu()
                run = subprocess.run([FICHIVE, "import", str(files), "--author", "importer",
                                      "--fandom", "Original Work"],
                                     env=env, capture_output=True, text=True)
                timings[n] = time.perf_counter() - started
                cpu[n] = _children_cpu() - cpu_before
                if run.returncode != 0 or f"Imported {n} work" not in run.stdout:
                    out(f"import of {kind} files reported problems: {run.stdout[-300:]}")
                    failed = True
            extra = timings[count] - timings[1]
            rate = (count - 1) / extra if count > 1 and extra > 0 and not failed else None
            cpu_extra = cpu[count] - cpu[1]
            results[kind] = {"works_per_second": round(rate, 1) if rate else None,
                             "works_per_cpu_second": (round((count - 1) / cpu_extra, 1)
                                                      if count > 1 and cpu_extra > 0
                                                      and not failed else None),
                             "failed": failed,
                             "seconds": round(timings[count], 2),
                             "process_start_seconds": round(timings[1], 2)}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if cfg.db == "postgres":
            _pg_admin(f'DROP DATABASE IF EXISTS "{database}"')
    return results


def export_timings(words: int, runs: int, log: Any = print) -> dict:
    """EPUB, PDF, HTML and TXT of a generated work of `words` words in 20 chapters (prose from
    fichive.demo.prose), built in this process exactly as a download is: the work read
    through works.selectors, then the exporter. Median wall and CPU seconds of `runs` builds
    (after one warm-up build), each format's size. The work is made inside a transaction that
    is rolled back, so the benchmark archive is left as it was."""
    import random

    from django.db import transaction

    from fichive.accounts.services import user_create
    from fichive.demo.prose import ProsePool
    from fichive.formats import exporters
    from fichive.works import selectors
    from fichive.works.services import ChapterText, WorkMeta, work_create

    rng = random.Random(6)
    pool = ProsePool.build(rng, "en", 400)
    chapters = 20
    texts = [ChapterText(content=pool.chapter(rng, words // chapters)[0],
                         title=f"Part {n + 1}", notes="<p>A note before the chapter.</p>")
             for n in range(chapters)]
    results: dict[str, Any] = {"words": None, "chapters": chapters, "runs": runs}
    with transaction.atomic():
        author = user_create(username="benchexporter", email="benchexporter@example.org",
                             password="bench-exporter-password-1")
        work = work_create(user=author, post=True, chapters=texts, meta=WorkMeta(
            title="The Long Harbour", creators=[author.default_pseud],
            fandoms=["Original Work"], freeforms=["Slow Burn", "Epic"],
            summary="<p>A very long story, for timing downloads.</p>"))
        results["words"] = work.word_count
        for extension in exporters.FORMATS:
            def build() -> bytes:
                viewed = selectors.work_for_viewer(None, work.pk)
                book = exporters.book_from_work(
                    viewed, selectors.chapters_in_order(viewed),
                    site_url="https://fics.example.org/", site_name="Fichive")
                return exporters.export(book, extension)

            size = len(build())  # warm-up: imports, templates, fonts
            walls, cpus = [], []
            for _ in range(runs):
                wall, cpu = time.perf_counter(), time.process_time()
                build()
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            results[extension] = {"seconds": round(statistics.median(walls), 3),
                                  "cpu_seconds": round(statistics.median(cpus), 3),
                                  "bytes": size}
            log(f"  {extension} of {work.word_count:,} words: median "
                f"{results[extension]['seconds']} s ({results[extension]['cpu_seconds']} s CPU),"
                f" {size:,} bytes")
        transaction.set_rollback(True)
    results["epub_100k_words_seconds"] = results["epub"]["seconds"]
    results["pdf_100k_words_seconds"] = results["pdf"]["seconds"]
    return results


# ----------------------------------------------------------------------------- one config


def fanout_timings(cfg: Config, subscribers: int, log: Any = print) -> dict:
    """bench/fanout.py on this archive, in a process of its own: posting a chapter to a work
    with no subscribers and to one with `subscribers` (the request's time must not grow), and
    what the worker then takes to fill the inboxes and send the mail."""
    out = cfg.data_dir / "fanout.json"
    env = {**cfg.env(), "PYTHONPATH": str(ROOT / "src")}
    if cfg.db == "sqlite":
        env.pop("FICHIVE_DATABASE_URL", None)
    subprocess.run([sys.executable, str(BENCH_DIR / "fanout.py"), "--subscribers",  # noqa: S603
                    str(subscribers), "--json", str(out)], env=env, check=True)
    result = json.loads(out.read_text())
    log(f"  fan-out: chapter_add {result['quiet_ms']} ms with no subscribers, "
        f"{result['busy_ms']} ms with {subscribers:,}")
    return dict(result)


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = match.group(1).strip() if match else cpu
    memory = None
    with contextlib.suppress(OSError):
        match = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        memory = round(int(match.group(1)) / 1024 / 1024, 1) if match else None
    postgres = None
    with contextlib.suppress(Exception):
        postgres = _pg_scalar("postgres", "SHOW server_version")
    wrk = None
    if WRK:
        run = subprocess.run([WRK, "--version"], capture_output=True, text=True)
        wrk = (run.stdout + run.stderr).split("[")[0].strip() or "wrk"
    import django
    import gunicorn

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": memory,
            "os": platform.platform(), "python": platform.python_version(),
            "django": django.get_version(), "gunicorn": gunicorn.__version__,
            "sqlite": sqlite3.sqlite_version, "postgresql": postgres,
            "load_generator": wrk or "python threads (wrk not installed)"}


def run_one(cfg: Config, args: argparse.Namespace) -> dict:
    """Everything for one database and size; returns the report."""
    log = print
    corpus = ensure_corpus(cfg, log)
    os.environ.update(cfg.env())
    if cfg.db == "sqlite":
        os.environ.pop("FICHIVE_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from fichive.works.models import Work

    prepare_reader()
    workers = int(os.environ.get("FICHIVE_WORKERS") or 2)
    seconds, latency_seconds, warmup = args.duration, args.latency_duration, args.warmup
    conns = args.connections
    report: dict[str, Any] = {
        "database": cfg.db, "works": cfg.works, "seed": cfg.seed,
        "text_fraction": cfg.text_fraction, "workers": workers, "corpus": corpus,
        "corpus_key": cfg.key, "measures": sorted(args.measure),
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "settings": {"duration_s": seconds,
                                           "latency_duration_s": latency_seconds,
                                           "warmup_s": warmup, "connections": conns},
    }
    report["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    from django.conf import settings

    # Guests' page cache: "redis" and "disk" (the embedded default, BENCH_REDIS_URL= empty)
    # also mean the WSGI fast path answers guests' repeat views.
    report["page_cache"] = ("off" if not settings.FICHIVE_PAGE_CACHE
                            else "redis" if settings.FICHIVE_REDIS_URL
                            else "disk" if settings.FICHIVE_CACHE == "disk" else "local memory")
    size = database_size_bytes(cfg)
    report["database_bytes"] = size
    report["database_mb_per_1000_works"] = round(size / 1024 / 1024 / (cfg.works / 1000), 2)
    posted = Work.objects.filter(state="posted").count()
    log(f"[{cfg.db} {cfg.works:,}] {posted:,} posted works; "
        f"{size / 1024 / 1024:,.0f} MB database; page cache {report['page_cache']}")
    work_id, chapter_id, chapter_words = chapter_for_reading()
    mixes = listing_mixes()
    queries = search_queries()
    with fichive_server(cfg) as server:
        base = server.base
        chapter_url = f"{base}/works/{work_id}/chapters/{chapter_id}"
        if "chapter" in args.measure:
            status, page, _ = fetch(chapter_url)
            body = cfg.data_dir / "chapter-page.html"
            body.write_bytes(page)
            log(f"  chapter page ({chapter_words:,} words, {len(page):,} bytes, HTTP {status})")
            cookie = login(base)
            guest = load(chapter_url, seconds=seconds, connections=conns, warmup=warmup,
                         server=server)
            reader = load(chapter_url, seconds=seconds, connections=conns, warmup=warmup,
                          headers=cookie, server=server)
            with ceiling_server(cfg, body) as bare:
                ceiling = load(bare.base + "/", seconds=seconds, connections=conns,
                               warmup=warmup, server=bare)
            report["chapter"] = {
                "url": chapter_url.removeprefix(base), "words": chapter_words,
                "bytes": len(page), "guest": guest, "reader": reader, "ceiling": ceiling,
                "guest_ratio": round(guest["rps"] / ceiling["rps"], 3),
                "reader_ratio": round(reader["rps"] / ceiling["rps"], 3),
                # The same ratio from server CPU per request: what throughput would be on a
                # machine with nothing else running (the load generator aside).
                "guest_cpu_ratio": _cpu_ratio(ceiling, guest),
                "reader_cpu_ratio": _cpu_ratio(ceiling, reader),
            }
            log(f"  chapter: guest {guest['rps']:,.0f}/s, reader {reader['rps']:,.0f}/s, "
                f"bare WSGI {ceiling['rps']:,.0f}/s (ratio {guest['rps'] / ceiling['rps']:.0%})")
        peak_rss = [server.worker_peak_rss_mb()]
    with fichive_server(cfg, page_cache=False) as server:
        base = server.base
        if "listings" in args.measure:
            listings = []
            for name, path, params in mixes:
                for page_number in (1, 50):
                    query = urllib.parse.urlencode({**params, "page": page_number}, doseq=True)
                    url = f"{base}{path}?{query}"
                    status, page, cold = fetch(url)
                    heading = re.search(r"(\d[\d,]*) - \d[\d,]* of (\d[\d,]*) Works",
                                        page.decode(errors="replace"))
                    total = int(heading.group(2).replace(",", "")) if heading else None
                    shown = (int(heading.group(1).replace(",", "")) - 1) // 20 + 1 if heading \
                        else None
                    stats = load(url, seconds=latency_seconds, connections=1, warmup=warmup,
                                 server=server)
                    listings.append({"mix": name, "page": page_number, "shown_page": shown,
                                     "status": status, "results": total,
                                     "cold_ms": round(cold, 1),
                                     "url": url.removeprefix(base), **stats})
                    log(f"  listing {name!r} p{page_number}: median {stats['median_ms']} ms, "
                        f"p95 {stats['p95_ms']} ms ({total} results, HTTP {status})")
            report["listings"] = listings
        if "search" in args.measure:
            # Each worker's first search pays for loading code and templates: not what a
            # first (uncached) search costs, which "first request" reports.
            for _ in range(2 * workers):
                fetch(f"{base}/works/search?q=fichivebenchwarmup")
            search = []
            for q in queries:
                url = f"{base}/works/search?{urllib.parse.urlencode({'q': q})}"
                status, _, cold = fetch(url)
                if status == 404:
                    search.append({"query": q, "available": False, "status": 404})
                    continue
                stats = load(url, seconds=latency_seconds, connections=1, warmup=warmup,
                             server=server)
                search.append({"query": q, "available": True, "status": status,
                               "cold_ms": round(cold, 1), **stats})
            report["search"] = search
            if args.search_variants:
                report["search_uncached"] = search_uncached(
                    base, server, search_variants(args.search_variants, queries))
            shown = [s for s in search if s["available"]]
            log(f"  search: {len(shown)} of {len(search)} query shapes available")
        peak_rss.append(server.worker_peak_rss_mb())
        report["worker_peak_rss_mb"] = max((mb for mb in peak_rss if mb), default=None)
    if "import" in args.measure:
        report["import"] = import_throughput(cfg, args.import_files, args.import_words, log)
        log(f"  import: {report['import']}")
    if "export" in args.measure:
        report["export"] = export_timings(args.export_words, args.export_runs, log)
    if "fanout" in args.measure:
        report["fanout"] = fanout_timings(cfg, args.fanout_subscribers, log)
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    forget_redis_keys()
    return report


# ------------------------------------------------------------------------------- reports


def _ms(value: Any) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def _times(report: dict) -> list[str]:
    return list((report.get("measured_when") or {}).values()) or [report["measured_at"]]


def _text_label(report: dict) -> str:
    """How much generated prose the archive has, when not the default tenth of its works."""
    fraction = report.get("text_fraction", DEFAULT_TEXT_FRACTION)
    if fraction == DEFAULT_TEXT_FRACTION:
        return ""
    return " (full text)" if fraction == 1 else f" ({fraction:.0%} with text)"


def markdown(reports: list[dict]) -> str:
    """A summary table per measure, one column per database and size."""
    if not reports:
        return "No results yet.\n"
    reports = sorted(reports, key=lambda r: (r["works"], r.get("text_fraction", 0.1),
                                             r["database"]))
    heads = [f"{r['database']} {r['works']:,}{_text_label(r)}" for r in reports]
    m = reports[0]["machine"]
    lines = [
        "# Latest benchmark figures", "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; {m['os']}; "
        f"Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']} "
        f"({reports[0]['workers']} sync workers), SQLite {m['sqlite']}, "
        f"PostgreSQL {m['postgresql']}; load from {m['load_generator']}.",
        f"Measured {', '.join(sorted({t[:16] for r in reports for t in _times(r)}))} UTC; "
        f"{reports[0]['settings']['duration_s']} s throughput runs "
        f"({reports[0]['settings']['connections']} connections), "
        f"{reports[0]['settings']['latency_duration_s']} s latency runs (1 connection), "
        f"after {reports[0]['settings']['warmup_s']} s warm-up. Latencies in ms.", "",
        "| measure | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(reports),
    ]

    def row(label: str, cell: Any) -> None:
        values = []
        for r in reports:
            try:
                values.append(cell(r))
            except (KeyError, TypeError, IndexError, ZeroDivisionError):
                values.append("n/a")
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    row("generate (works/s)", lambda r: f"{r['corpus']['generate_works_per_second']:,.0f}")
    row("guests' page cache (chapter pages; listings and search are measured without it)",
        lambda r: r.get("page_cache", "n/a"))
    row("chapter page, guest (req/s)", lambda r: f"{r['chapter']['guest']['rps']:,.0f}")
    row("chapter page, logged in (req/s)", lambda r: f"{r['chapter']['reader']['rps']:,.0f}")
    row("bare WSGI, same bytes (req/s)", lambda r: f"{r['chapter']['ceiling']['rps']:,.0f}")
    row("**guest / ceiling** (target ≥ 60%)", lambda r: f"{r['chapter']['guest_ratio']:.0%}")
    row("**logged in / ceiling**", lambda r: f"{r['chapter']['reader_ratio']:.0%}")
    row("chapter page p95, guest", lambda r: _ms(r["chapter"]["guest"]["p95_ms"]))
    row("server CPU ms per request: guest / logged in / bare",
        lambda r: " / ".join(f"{r['chapter'][k]['server_cpu_ms_per_request']:.2f}"
                             for k in ("guest", "reader", "ceiling")))
    row("**guest / ceiling by server CPU**", lambda r: f"{r['chapter']['guest_cpu_ratio']:.0%}")
    # Rows of the listings and searches of whichever report measured them (a table may join
    # runs of other measures).
    first = next((r["listings"] for r in reports if r.get("listings")), [])
    for i, item in enumerate(first):
        label = f"listing: {item['mix']}, page {item['page']}"
        row(f"{label} (median / p95)",
            lambda r, i=i: f"{_ms(r['listings'][i]['median_ms'])} / "
                           f"{_ms(r['listings'][i]['p95_ms'])}")
        row(f"{label}, first request", lambda r, i=i: _ms(r["listings"][i]["cold_ms"]))
        row(f"{label}, server CPU ms",
            lambda r, i=i: _ms(r["listings"][i].get("server_cpu_ms_per_request")))
    for i, _item in enumerate(next((r["search"] for r in reports if r.get("search")), [])):
        label = f"search `{SEARCH_QUERIES[i]}`".replace("|", "\\|")
        row(f"{label} (median / p95)",
            lambda r, i=i: (f"{_ms(r['search'][i]['median_ms'])} / "
                            f"{_ms(r['search'][i]['p95_ms'])}"
                            if r["search"][i]["available"] else "not available"))
        row(f"{label}, first request",
            lambda r, i=i: _ms(r["search"][i].get("cold_ms")))
        row(f"{label}, server CPU ms",
            lambda r, i=i: _ms(r["search"][i].get("server_cpu_ms_per_request")))
        row(f"{label}: other queries of its shape, each asked once (median / p95)",
            lambda r, i=i: f"{_ms(r['search_uncached'][i]['median_ms'])} / "
                           f"{_ms(r['search_uncached'][i]['p95_ms'])}")
    row("import plain text (works/s)",
        lambda r: _ms(r["import"]["text"]["works_per_second"]))
    row("import AO3 HTML (works/s)",
        lambda r: _ms(r["import"]["ao3_html"]["works_per_second"]))
    row("import plain text / AO3 HTML (works per CPU second of the import process)",
        lambda r: f"{_ms(r['import']['text']['works_per_cpu_second'])} / "
                  f"{_ms(r['import']['ao3_html']['works_per_cpu_second'])}")
    row("EPUB / PDF of 100k words (s; target EPUB ≤ 1 s)",
        lambda r: "not available" if r["export"]["epub_100k_words_seconds"] is None
        else f"{r['export']['epub_100k_words_seconds']} / {r['export']['pdf_100k_words_seconds']}")
    row("EPUB / PDF of 100k words, CPU s",
        lambda r: f"{r['export']['epub']['cpu_seconds']} / {r['export']['pdf']['cpu_seconds']}")
    row("HTML / TXT of 100k words (s)",
        lambda r: f"{r['export']['html']['seconds']} / {r['export']['txt']['seconds']}")
    row("posting a chapter: no subscribers / 10,000 subscribers (median ms)",
        lambda r: f"{_ms(r['fanout']['quiet_ms'])} / {_ms(r['fanout']['busy_ms'])}")
    row("fan-out by the worker: 10,000 inbox items / 10,000 mails (s)",
        lambda r: f"{r['fanout']['items_s']} / {r['fanout']['mail_s']}")
    row("worker peak RSS (MB)", lambda r: _ms(r["worker_peak_rss_mb"]))
    row("machine load average (1 min) before / after",
        lambda r: f"{r['load_average_before'][0]:.1f} / {r['load_average_after'][0]:.1f}")
    row("database MB per 1,000 works", lambda r: f"{r['database_mb_per_1000_works']:.2f}")
    return "\n".join(lines) + "\n"


# What a report holds per measure (run_one), kept from an earlier run of the same archive
# when a run measures something else.
MEASURED = {"chapter": ("chapter",), "listings": ("listings",),
            "search": ("search", "search_uncached"),
            "import": ("import",), "export": ("export",), "fanout": ("fanout",)}


def write_results(report: dict, results_dir: Path) -> Path:
    """Write a run's report as <db>-<works>[-t<fraction>].json. A run that measured only
    some things keeps the others from the file's earlier run of the same archive (same
    size, seed, text fraction and generator), noting when each was measured."""
    results_dir.mkdir(parents=True, exist_ok=True)
    suffix = _text_label(report) and f"-t{report['text_fraction']:g}".replace(".", "p")
    path = results_dir / f"{report['database']}-{report['works']}{suffix}.json"
    when = {measure: report["measured_at"] for measure in report.get("measures", [])}
    if path.exists():
        earlier = json.loads(path.read_text())
        if earlier.get("corpus_key") == report.get("corpus_key"):
            for measure, keys in MEASURED.items():
                if measure not in report.get("measures", []) and keys[0] in earlier:
                    report.update({k: earlier[k] for k in keys if k in earlier})
                    when[measure] = earlier.get("measured_when", {}).get(
                        measure, earlier["measured_at"])
    report["measured_when"] = when
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return path


def write_summary(results_dir: Path) -> Path:
    reports = [json.loads(p.read_text()) for p in sorted(results_dir.glob("*-*.json"))
               if re.fullmatch(r"(sqlite|postgres)-\d+(-t[\dp]+)?\.json", p.name)]
    path = results_dir / "latest.md"
    text = markdown(reports)
    path.write_text(text)
    if results_dir.resolve() == RESULTS_DIR.resolve():
        _update_benchmarks_md(text)
    return path


def _update_benchmarks_md(text: str) -> None:
    """Put the summary table into BENCHMARKS.md between its figure markers."""
    doc = ROOT / "BENCHMARKS.md"
    if not doc.exists():
        return
    body = text.split("\n", 2)[2].strip()  # without the "# Latest benchmark figures" title
    new = re.sub(r"(<!-- figures:start[^>]*-->\n).*?(<!-- figures:end -->)",
                 lambda m: f"{m.group(1)}{body}\n{m.group(2)}", doc.read_text(), flags=re.S)
    doc.write_text(new)


# ---------------------------------------------------------------------------------- main


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", default=os.environ.get("BENCH_WORKS", "10000"),
                        help="archive sizes, comma-separated (BENCH_WORKS; 10000)")
    parser.add_argument("--db", default=os.environ.get("BENCH_DB", "sqlite"),
                        help="databases: sqlite, postgres or both (BENCH_DB; sqlite)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--text-fraction", type=float, default=DEFAULT_TEXT_FRACTION,
                        help="share of works with generated prose (0.1; 1 = full texts)")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("BENCH_CACHE",
                                                    Path.home() / ".cache" / "fichive-bench")),
                        help="where generated archives are kept for reuse (BENCH_CACHE)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--duration", type=float, default=15, help="throughput run, s (15)")
    parser.add_argument("--latency-duration", type=float, default=8,
                        help="latency run per URL, s (8)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up per URL, s (3)")
    parser.add_argument("--connections", type=int, default=8,
                        help="concurrent connections for throughput runs (8)")
    parser.add_argument("--search-variants", type=int, default=20,
                        help="distinct queries of each search shape, each asked once (20; 0: "
                             "don't)")
    parser.add_argument("--import-files", type=int, default=200)
    parser.add_argument("--import-words", type=int, default=3000)
    parser.add_argument("--export-words", type=int, default=100_000,
                        help="words in the work timed as EPUB/PDF/HTML/TXT (100000)")
    parser.add_argument("--export-runs", type=int, default=5,
                        help="builds of each format, after a warm-up (5)")
    parser.add_argument("--fanout-subscribers", type=int, default=10_000,
                        help="subscribers of the busy work in the fan-out measure (10,000)")
    parser.add_argument("--measure", default=",".join(MEASURES),
                        help=f"what to measure ({','.join(MEASURES)})")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # db:works, run in a child process
    args = parser.parse_args(argv)
    args.measure = set(args.measure.split(","))
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    sys.path.insert(0, str(ROOT / "src"))
    if args.one:
        db, works = args.one.split(":")
        cfg = Config(db, int(works), args.seed, args.text_fraction, args.cache)
        report = run_one(cfg, args)
        print(f"Wrote {write_results(report, args.results)}.")
        return 0
    sizes = [int(s.replace("_", "")) for s in str(args.works).split(",") if s]
    databases = [d.strip() for d in args.db.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown:
        print(f"error: unknown database {', '.join(sorted(unknown))}; use sqlite or postgres",
              file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    failed = []
    passthrough = list(argv if argv is not None else sys.argv[1:])
    for works in sizes:
        for db in databases:
            # One process per archive: Django is set up once, for that archive's database.
            child = [sys.executable, str(Path(__file__).resolve()), *passthrough,
                     "--one", f"{db}:{works}"]
            if subprocess.run(child).returncode != 0:
                failed.append(f"{db} {works:,}")
    summary = write_summary(args.results)
    print(f"Wrote {summary}.")
    print(summary.read_text())
    if failed:
        print(f"Some benchmarks could not run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
