"""Server CPU per request of the JSON API (issue 22), in process, beside the pages it mirrors:
a work (the page and GET /api/v1/works/<id>), a chapter, the works listing (page 1 and a
cursor's next page), each as a guest and with a personal access token (Bearer: the token's
digest checked on every request), and a conditional GET answered 304 by its ETag. Each URL
is requested `--warmup` times, then `--runs` times; CPU (time.process_time), wall time and
queries per request are reported as median and p95. The guests' page cache is off (what
Django does). It measures and never fails on a slow figure.

    .venv/bin/python bench/api.py --works 2000 --json bench/results/api.json
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from inprocess import corpus, django_setup, report, timed_gets

READER = "apibench_reader"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=2_000,
                        help="works to generate into a fresh archive (2,000)")
    parser.add_argument("--runs", type=int, default=100, help="timed requests per URL (100)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (5)")
    parser.add_argument("--data-dir", type=Path,
                        help="a SQLite archive dir: reused when it has works, else generated")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    data_dir = args.data_dir
    if data_dir is None and not os.environ.get("FICHIVE_DATABASE_URL"):
        data_dir = temp = Path(tempfile.mkdtemp(prefix="fichive-apibench-"))
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.pop("FICHIVE_REDIS_URL", None)
    os.environ["FICHIVE_PAGE_CACHE"] = "off"
    try:
        django_setup(data_dir)
        result = {**corpus(args.works), **_measure(args.runs, args.warmup)}
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    report(result, args.json)
    return 0


def _measure(runs: int, warmup: int) -> dict[str, object]:
    from django.test import Client

    from fichive.accounts.models import User
    from fichive.accounts.services import user_create
    from fichive.api.models import ApiToken
    from fichive.api.services import token_create
    from fichive.lib import ratelimit
    from fichive.works.models import Work

    # The bench's thousands of requests would pass the API's 120 a minute.
    ratelimit.RateLimit.hit_keys = lambda self, keys, message="": None  # type: ignore
    reader = User.objects.filter(username=READER).first() or user_create(
        username=READER, email="apibench@example.org", password="bench-password-1")
    ApiToken.objects.filter(user=reader).delete()
    _, secret = token_create(user=reader, name="bench", scopes=["read", "write"])
    token = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    work = (Work.objects.filter(state=Work.State.POSTED, restricted=False)
            .order_by("-chapter_count", "pk").first())
    client = Client()
    listing = client.get("/api/v1/works").json()
    etag = client.get(f"/api/v1/works/{work.pk}")["ETag"]
    urls = {
        "work page": (f"/works/{work.pk}", {}),
        "API work": (f"/api/v1/works/{work.pk}", {}),
        "API work, token": (f"/api/v1/works/{work.pk}", token),
        "API chapter": (f"/api/v1/works/{work.pk}/chapters/1", {}),
        "works page": ("/works", {}),
        "API works": ("/api/v1/works", {}),
        "API works, token": ("/api/v1/works", token),
        "API works, next cursor": (listing["next"], {}),
    }
    figures: dict[str, object] = {
        name: timed_gets(client, url, runs=runs, warmup=warmup, **headers)
        for name, (url, headers) in urls.items()}
    figures["API work, If-None-Match (304)"] = timed_gets(
        client, f"/api/v1/works/{work.pk}", runs=runs, warmup=warmup, expect=304,
        HTTP_IF_NONE_MATCH=etag)
    return {"work_id": work.pk, "chapters": work.chapter_count, "figures": figures}


if __name__ == "__main__":
    raise SystemExit(main())
