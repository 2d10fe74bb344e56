"""Static files as a browser meets them from `fichive serve`: for a chapter page and the files it
links (stylesheets, scripts, icons, the pictures its stylesheets and blurbs use), the requests,
connections and bytes of a first visit and of a later page view with the browser's cache
honoured (an hour later: past a short max-age, well within a year), the files' bytes sent
plain, gzipped and brotli-compressed, and requests per second for one static file over kept-
alive connections against a new connection per request. With --configs it also serves the
chapter page under load for each gunicorn shape (workers x threads), to choose the default.
It measures; it never fails on a slow figure.

    .venv/bin/python bench/static_files.py                      # a fresh demo archive
    .venv/bin/python bench/static_files.py --configs 2x1,2x4,4x2 --json bench/results/static.json

The archive is what `make run` serves: `fichive setup` (migrate, collectstatic, the demo) in a
temporary data dir, SQLite, no Redis. Load comes from wrk when installed (bench/run.py's load).
"""

# A benchmark driver runs our own commands and fetches local URLs:
# ruff: noqa: S603, S310

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inprocess import BENCH_DIR, report
from run import Server, free_port, load, serve

ROOT = BENCH_DIR.parent
# What a browser sends: it takes brotli and gzip.
BROWSER = {"Accept-Encoding": "gzip, deflate, br", "User-Agent": "fichive-bench"}
LATER = 3600  # seconds between the first visit and the later page view
ASSET = re.compile(r'<(?:link|script|use)\b[^>]*?\b(?:href|src)="(/static/[^"#]+)[^"]*"[^>]*>')
# A desktop browser takes the SVG icon and leaves the PNG ones (for phones and old browsers).
NOT_FETCHED = re.compile(r'rel="apple-touch-icon"|type="image/png"')
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
WORK_LINK = re.compile(r'href="/works/(\d+)"')


def environment(data_dir: Path, workers: int | None = None,
                threads: int | None = None) -> dict[str, str]:
    """What `make run` serves with (SQLite, no Redis), on `data_dir`, the src beside bench/."""
    env = {**os.environ, "FICHIVE_DATA_DIR": str(data_dir),
           "DJANGO_SETTINGS_MODULE": "fichive.settings", "PYTHONPATH": str(ROOT / "src"),
           # One address stands for many visitors here: no rate limits.
           "FICHIVE_RATE_LIMITS": "off", "FICHIVE_PAGE_CACHE_NEW_PER_MINUTE": "0"}
    for name in ("FICHIVE_DATABASE_URL", "FICHIVE_REDIS_URL", "FICHIVE_PAGE_CACHE",
                 "FICHIVE_WORKERS", "FICHIVE_THREADS"):
        env.pop(name, None)
    if workers:
        env["FICHIVE_WORKERS"] = str(workers)
    if threads:
        env["FICHIVE_THREADS"] = str(threads)
    return env


@dataclass
class Fetched:
    path: str
    status: int
    headers: dict[str, str]
    body: bytes
    wire_bytes: int


@dataclass
class Browser:
    """One visitor: a connection kept open while the server allows it, and a cache that keeps
    each response with the time it may be reused without asking (max-age) and its validators."""

    port: int
    clock: float = 0.0
    cache: dict[str, tuple[float, Fetched]] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None
    requests: int = 0
    connections: int = 0
    wire_bytes: int = 0

    def get(self, path: str, headers: dict[str, str] | None = None) -> Fetched:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connections += 1
        self.conn.request("GET", path, headers={**BROWSER, **(headers or {})})
        response = self.conn.getresponse()
        body = response.read()
        names = {k.lower(): v for k, v in response.getheaders()}
        head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + sum(
            len(f"{k}: {v}\r\n") for k, v in response.getheaders()) + 2
        if response.will_close:
            self.conn.close()
            self.conn = None
        self.requests += 1
        self.wire_bytes += head + len(body)
        return Fetched(path, response.status, names, body, head + len(body))

    def visit(self, path: str) -> None:
        """A page view: the page, then each file it needs that the cache can't answer alone."""
        page = self.get(path)
        for asset in assets_of(page, self):
            kept = self.cache.get(asset)
            if kept and self.clock < kept[0]:
                continue  # fresh in the browser's cache: no request at all
            validators = {}
            if kept:
                if "etag" in kept[1].headers:
                    validators["If-None-Match"] = kept[1].headers["etag"]
                if "last-modified" in kept[1].headers:
                    validators["If-Modified-Since"] = kept[1].headers["last-modified"]
            fetched = self.get(asset, validators)
            if fetched.status == 304 and kept:
                fetched = Fetched(asset, 200, {**kept[1].headers, **fetched.headers},
                                  kept[1].body, 0)
            self.cache[asset] = (self.clock + max_age(fetched.headers), fetched)

    def counters(self) -> dict[str, int]:
        return {"requests": self.requests, "connections": self.connections,
                "bytes": self.wire_bytes}

    def reset_counters(self) -> None:
        self.requests = self.connections = self.wire_bytes = 0
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def max_age(headers: dict[str, str]) -> float:
    match = re.search(r"max-age=(\d+)", headers.get("cache-control", ""))
    return float(match.group(1)) if match else 0.0


def assets_of(page: Fetched, browser: Browser | None = None) -> list[str]:
    """The static files a page needs, in order: those it links, then the pictures its
    stylesheets name (fetched through `browser`'s cache to read them)."""
    html = page.body.decode("utf-8", "replace")
    found = list(dict.fromkeys(m.group(1) for m in ASSET.finditer(html)
                               if not NOT_FETCHED.search(m.group(0))))
    for path in list(found):
        if not path.endswith(".css") or browser is None:
            continue
        kept = browser.cache.get(path)
        css = kept[1] if kept else None
        if css is None or css.headers.get("content-encoding"):
            css = plain(browser.port, path)
        for ref in CSS_URL.findall(css.body.decode("utf-8", "replace")):
            if ref.startswith("data:"):
                continue
            absolute = urllib.parse.urljoin(path, ref).split("#")[0]
            if absolute not in found:
                found.append(absolute)
    return found


def plain(port: int, path: str, encoding: str = "identity") -> Fetched:
    """`path` fetched outside any browser, with this Accept-Encoding."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": encoding})
        response = conn.getresponse()
        body = response.read()
        return Fetched(path, response.status, {k.lower(): v for k, v in response.getheaders()},
                       body, len(body))
    finally:
        conn.close()


def chapter_path(port: int) -> str:
    listing = plain(port, "/works")
    work = WORK_LINK.search(listing.body.decode("utf-8", "replace"))
    if not work:
        raise SystemExit("no work on /works: is the demo loaded?")
    return f"/works/{work.group(1)}?view_adult=true"


def page_costs(port: int, path: str) -> dict[str, Any]:
    """A first visit and a later page view (the browser's cache honoured), and each file's
    headers and sizes."""
    browser = Browser(port)
    browser.visit(path)
    first = browser.counters()
    browser.reset_counters()
    browser.clock = LATER
    browser.visit(path)
    later = browser.counters()
    files = []
    totals = {"identity": 0, "gzip": 0, "br": 0}
    for asset, (_, kept) in browser.cache.items():
        sizes = {}
        for encoding in totals:
            fetched = plain(port, asset, encoding)
            sizes[encoding] = len(fetched.body)
            totals[encoding] += len(fetched.body)
        files.append({"path": asset, "cache_control": kept.headers.get("cache-control", ""),
                      "bytes": sizes})
    return {"page": path, "first_visit": first, "later_view": later,
            "later_view_after_seconds": LATER, "files": files, "files_bytes": totals}


def static_rps(server: Server, path: str, seconds: float, connections: int) -> dict[str, Any]:
    """One static file under load: connections kept alive, and a new connection each time
    (what every request costs when the server closes them), with the server's CPU per request
    (steadier than requests per second on a busy machine)."""
    url = f"{server.base}{path}"
    headers = {"Accept-Encoding": "br"}
    return {"file": path,
            "keep_alive": load(url, seconds=seconds, connections=connections, headers=headers,
                               warmup=1, server=server),
            "new_connection_each": load(url, seconds=seconds, connections=connections,
                                        headers={**headers, "Connection": "close"}, warmup=1,
                                        server=server)}


def measure(data_dir: Path, shape: str | None, args: argparse.Namespace) -> dict[str, Any]:
    workers, threads = (int(x) for x in shape.split("x")) if shape else (None, None)
    env = environment(data_dir, workers, threads)
    port = free_port()
    argv = [sys.executable, "-m", "fichive.cli", "serve", "--host", "127.0.0.1", "--port",
            str(port)]
    with serve(argv, env, data_dir / f"serve-{shape or 'default'}.log", port,
               probe="/works") as server:
        path = chapter_path(port)
        costs = page_costs(port, path)
        css = next((f["path"] for f in costs["files"] if f["path"].endswith(".css")), None)
        result: dict[str, Any] = {"shape": shape or "default", **costs}
        if css:
            result["static_file_load"] = static_rps(server, css, args.seconds,
                                                    args.connections)
        result["chapter_page_load"] = load(f"http://127.0.0.1:{port}{path}",
                                           seconds=args.seconds, connections=args.connections,
                                           warmup=1, server=server)
        result["worker_peak_rss_mb"] = server.worker_peak_rss_mb()
        body = data_dir / "chapter-page.html"
        body.write_bytes(plain(port, path).body)
    # The same page from a bare WSGI app on the same gunicorn shape (bench/ceiling.py), as
    # bench/run.py measures it: how the shape moves the ceiling the pages are compared with.
    sys.path.insert(0, str(ROOT / "src"))
    from fichive.cli import gunicorn_argv

    port = free_port()
    argv = [*gunicorn_argv(host="127.0.0.1", port=port, workers=workers, threads=threads,
                           app="ceiling:app"), "--pythonpath", str(BENCH_DIR)]
    with serve(argv, {**env, "FICHIVE_BENCH_BODY": str(body)},
               data_dir / f"ceiling-{shape or 'default'}.log", port) as ceiling:
        result["ceiling_load"] = load(f"{ceiling.base}/", seconds=args.seconds,
                                      connections=args.connections, warmup=1, server=ceiling)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", default="",
                        help="gunicorn shapes to compare, WORKERSxTHREADS,… (default: only "
                             "`fichive serve`'s own defaults)")
    parser.add_argument("--seconds", type=float, default=5.0, help="each load run (5)")
    parser.add_argument("--connections", type=int, default=8,
                        help="concurrent clients under load (8)")
    parser.add_argument("--data-dir", type=Path,
                        help="an archive set up already (else a fresh demo archive)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    data_dir = args.data_dir
    if data_dir is None:
        temp = Path(tempfile.mkdtemp(prefix="fichive-staticbench-"))
        data_dir = temp
        subprocess.run([sys.executable, "-m", "fichive.cli", "setup"],
                       env=environment(data_dir), check=True, stdout=subprocess.DEVNULL)
    try:
        shapes: list[str | None] = [s.strip() for s in args.configs.split(",") if s.strip()]
        results = [measure(data_dir, shape, args) for shape in (shapes or [None])]
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    report({"tree": str(ROOT), "load_tool": results[0].get("chapter_page_load", {}).get("tool"),
            "results": results}, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
