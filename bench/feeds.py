"""Atom feed throughput, in-process: renders per second of a busy tag's feed
(/tags/<fandom>/feed.atom) for a guest, uncached (the guests' page cache off; the listing's
kept count and page ids warm, as on a running server) against cached (the page cache on, in
local memory: one render, then hits), and a poll with the ETag (304). It measures; it never
fails on a slow figure.

    .venv/bin/python bench/feeds.py                 # a fresh SQLite archive of 10k works
    .venv/bin/python bench/feeds.py --works 2000 --seconds 3
    FICHIVE_DATABASE_URL=postgres://… .venv/bin/python bench/feeds.py   # a migrated archive
                                                    # (with works: none are generated)

Requests go through Django's test client (its own cost is part of every figure).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from inprocess import django_setup, ms, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=10_000,
                        help="works to generate in a fresh archive (10,000)")
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="time spent polling each way (5)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    if not os.environ.get("FICHIVE_DATA_DIR") and not os.environ.get("FICHIVE_DATABASE_URL"):
        temp = Path(tempfile.mkdtemp(prefix="fichive-feedbench-"))
    os.environ.pop("FICHIVE_REDIS_URL", None)  # the page cache in local memory
    os.environ["FICHIVE_PAGE_CACHE"] = "1"
    try:
        django_setup(temp)
        result = _measure(args.works, args.seconds)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    report(result, args.json)
    return 0


def _poll(client, url: str, seconds: float, status: int, **headers: str) -> dict:
    """Poll `url` for `seconds`: requests per second and the median request (ms)."""
    times: list[float] = []
    ended = time.perf_counter() + seconds
    while time.perf_counter() < ended:
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == status, response.status_code
    return {"requests": len(times), "per_second": round(len(times) / sum(times), 1),
            "median_ms": ms(statistics.median(times))}


def _measure(works_wanted: int, seconds: float) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from fichive.demo.corpus import generate
    from fichive.tags.models import Tag, tag_to_url
    from fichive.works.models import FilterTagging, Work

    generated = None
    if not Work.objects.exists():
        started = time.perf_counter()
        generate(works=works_wanted, text_fraction=0.0, show_progress=False)
        generated = round(time.perf_counter() - started, 1)
    fandom = (Tag.objects.filter(type=Tag.Type.FANDOM, canonical=True)
              .order_by("-uses", "name").first())
    assert fandom is not None, "the archive has no fandom tags"
    url = f"/tags/{tag_to_url(fandom.name)}/feed.atom"
    client = Client()
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    figures: dict = {"database": connection.vendor, "works": Work.objects.count(),
                     "generated_in_s": generated, "feed": url,
                     "works_in_tag": FilterTagging.objects.filter(
                         tag=fandom, listed=True, restricted=False).count(),
                     "feed_bytes": len(first.content)}
    with override_settings(FICHIVE_PAGE_CACHE=False):
        client.get(url)  # the listing's kept count and page ids
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        figures["uncached_queries"] = len(queries)
        figures["uncached"] = _poll(client, url, seconds, 200)
    client.get(url)  # stored
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    figures["cached_queries"] = len(queries)
    figures["cached"] = _poll(client, url, seconds, 200)
    figures["cached_304"] = _poll(client, url, seconds, 304, If_None_Match=first["ETag"])
    figures["speed-up"] = round(figures["cached"]["per_second"]
                                / figures["uncached"]["per_second"], 1)
    return figures


if __name__ == "__main__":
    sys.exit(main())
