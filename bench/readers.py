"""What readers' mutes and saved tag exclusions cost a listing: /works and the most used
fandom's tag page for a logged-in reader with no mutes or exclusions, 20 muted users (the
archive's most prolific creators, so the mutes really remove works), 20 saved exclusions
(the most used freeform and character tags), the same 20 tags typed into the listing's
exclude filter instead (what saved exclusions are measured against), and both. Each URL is
timed once with empty caches (cold), then repeatedly (median and p95 in ms), with the
queries of the cold request and the result count. It measures; it never fails on a slow
figure.

    .venv/bin/python bench/readers.py                      # generates 10,000 works in a temp dir
    .venv/bin/python bench/readers.py --data-dir /tmp/c --keep   # keep (and later reuse) it
    FICHIVE_DATABASE_URL=postgres://… .venv/bin/python bench/readers.py   # a generated archive

On an existing archive it adds its own reader (readersbench_reader) and removes it afterwards.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from inprocess import django_setup, ms, report

PREFIX = "readersbench_"
MUTES = 20
EXCLUSIONS = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=10_000,
                        help="works to generate into a fresh archive (10,000)")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per URL (15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (2)")
    parser.add_argument("--data-dir", type=Path,
                        help="a SQLite archive dir: reused when it has works, else generated")
    parser.add_argument("--keep", action="store_true", help="don't delete a temporary archive")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    data_dir = args.data_dir
    if data_dir is None and not os.environ.get("FICHIVE_DATA_DIR") \
            and not os.environ.get("FICHIVE_DATABASE_URL"):
        data_dir = temp = Path(tempfile.mkdtemp(prefix="fichive-readersbench-"))
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.pop("FICHIVE_REDIS_URL", None)  # the in-process cache: what a worker keeps
    try:
        django_setup(data_dir)
        corpus = _corpus(args.works)
        result = {**corpus, **_measure(args.runs, args.warmup)}
    finally:
        if temp is not None and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
    report(result, args.json)
    return 0


def _corpus(works: int) -> dict:
    from django.db import connection

    from fichive.demo.corpus import generate
    from fichive.works.models import Work

    started = time.perf_counter()
    if not Work.objects.exists():
        print(generate(works=works).line(), file=sys.stderr)
    return {"database": connection.vendor, "works": Work.objects.count(),
            "corpus_seconds": round(time.perf_counter() - started, 1)}


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _total(page: str) -> int:
    heading = re.search(r"\d[\d,]* - \d[\d,]* of (\d[\d,]*) Works", page)
    return int(heading.group(1).replace(",", "")) if heading else 0


def _measure(runs: int, warmup: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from fichive.accounts.models import User
    from fichive.accounts.services import user_create
    from fichive.blocking.services import user_mute, user_unmute
    from fichive.tags.models import Tag, tag_to_url
    from fichive.tags.services import tag_exclusion_add, tag_exclusion_remove

    _cleanup()
    reader = user_create(username=f"{PREFIX}reader", email="readersbench@example.invalid")
    prolific = list(User.objects.exclude(pk=reader.pk)
                    .annotate(n=Count("pseuds__creatorships")).order_by("-n", "pk")[:MUTES])
    fandom = (Tag.objects.filter(type=Tag.Type.FANDOM, canonical=True)
              .order_by("-uses", "name").first())
    unwanted = list(Tag.objects.filter(type__in=[Tag.Type.FREEFORM, Tag.Type.CHARACTER],
                                       canonical=True, merger__isnull=True)
                    .order_by("-uses", "name")[:EXCLUSIONS])
    urls = {"all works": "/works"}
    if fandom is not None:
        urls["top fandom"] = "/tags/" + quote(tag_to_url(fandom.name)) + "/works"

    client = Client()
    client.force_login(reader)
    queries = 0

    def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    def timed(url: str) -> tuple[float, str]:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, response.content.decode()

    def set_state(mutes: bool, exclusions: bool) -> None:
        fresh = User.objects.get(pk=reader.pk)
        for user in prolific:
            (user_mute if mutes else user_unmute)(user=fresh, muted=user)
        for tag in unwanted:
            if exclusions:
                tag_exclusion_add(user=fresh, name=tag.name)
            else:
                tag_exclusion_remove(user=fresh, tag=tag)

    # Today's exclude filter with the same tags in the URL, for comparison.
    typed = "?" + urlencode({"exclude": [t.name for t in unwanted]}, doseq=True)
    results = []
    for label, mutes, exclusions, query in (
            ("none", False, False, ""), (f"{MUTES} mutes", True, False, ""),
            (f"{EXCLUSIONS} saved exclusions", False, True, ""),
            (f"{EXCLUSIONS} tags in the exclude filter", False, False, typed),
            ("both", True, True, "")):
        set_state(mutes, exclusions)
        for name, path in urls.items():
            url = path + query
            cache.clear()
            queries = 0
            with connection.execute_wrapper(count):
                cold, page = timed(url)
            for _ in range(warmup):
                timed(url)
            times = [timed(url)[0] for _ in range(runs)]
            hidden = re.search(r"([\d,]+) works? hidden by your", page)
            results.append({
                "reader": label, "listing": name, "url": url, "total": _total(page),
                "hidden_by_saved": int(hidden.group(1).replace(",", "")) if hidden else 0,
                "queries": queries, "cold_ms": ms(cold),
                "median_ms": ms(statistics.median(times)),
                "p95_ms": ms(_percentile(times, 0.95)),
            })
    _cleanup()
    return {"runs": runs, "results": results}


def _cleanup() -> None:
    from fichive.accounts.models import User

    User.objects.filter(username__startswith=PREFIX).delete()


if __name__ == "__main__":
    sys.exit(main())
