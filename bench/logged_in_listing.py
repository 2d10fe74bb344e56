"""Server CPU per request of a logged-in reader's works listings (issue 21: at most 6 ms), in
process: the most used fandom's works (page 1 and a deep page), /works (page 1 and a deep
page) and a search, for a reader who carries per-reader state (two muted writers, a saved tag
exclusion, archive warnings and additional tags hidden, kudos and bookmarks left), with a
guest's render of the same listing beside them (page cache off: what Django does). Each URL
is requested `--warmup` times, then `--runs` times; CPU (time.process_time), wall time and
queries per request are reported as median and p95. It measures and never fails on a slow
figure; run it on another tree (PYTHONPATH=/work/main/src) to compare.

    .venv/bin/python bench/logged_in_listing.py --works 2000 --json bench/results/rl.json
    .venv/bin/python bench/logged_in_listing.py --data-dir /tmp/arch --profile 'reader: fandom p1'
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from inprocess import corpus, django_setup, report, timed_gets

PREFIX = "readerlistingbench_"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=2_000,
                        help="works to generate into a fresh archive (2,000)")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per URL (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--data-dir", type=Path,
                        help="a SQLite archive dir: reused when it has works, else generated")
    parser.add_argument("--profile", metavar="NAME",
                        help="cProfile the runs of the URL whose name starts with this")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    data_dir = args.data_dir
    if data_dir is None and not os.environ.get("FICHIVE_DATABASE_URL"):
        data_dir = temp = Path(tempfile.mkdtemp(prefix="fichive-readerlisting-"))
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.pop("FICHIVE_REDIS_URL", None)
    # Every request rendered: the figures are what Django does, not the guests' page cache.
    os.environ["FICHIVE_PAGE_CACHE"] = "off"
    # The same reader searches again and again: no rate limit on a bench.
    os.environ["FICHIVE_RATE_LIMITS"] = "off"
    try:
        django_setup(data_dir)
        result = {**corpus(args.works), **_measure(args.runs, args.warmup, args.profile)}
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    if not args.profile:
        report(result, args.json)
    return 0


def _reader(fandom_id: int):  # noqa: ANN202 - a User
    """The benchmark's reader, with per-reader state on every listing (made once)."""
    from django.db.models import Count

    from fichive.accounts.models import User
    from fichive.accounts.services import preferences_update
    from fichive.blocking.models import Mute
    from fichive.blocking.services import user_mute
    from fichive.bookmarks.models import Bookmark
    from fichive.bookmarks.services import BookmarkData, bookmark_create
    from fichive.kudos.services import kudos_leave
    from fichive.tags.models import Tag
    from fichive.tags.services import tag_exclusion_add
    from fichive.works.models import Work

    reader, made = User.objects.get_or_create(
        username=f"{PREFIX}reader", defaults={"email": "readerlistingbench@example.invalid"})
    if made or not Mute.objects.filter(muter=reader).exists():
        preferences_update(user=reader, hide_warnings=True, hide_freeform=True)
        busiest = (User.objects.filter(pseuds__creatorships__work__tags=fandom_id)
                   .annotate(n=Count("pk")).order_by("-n", "pk")[:2])
        for writer in busiest:
            user_mute(user=reader, muted=writer)
        freeform = (Tag.objects.filter(type="freeform", canonical=True)
                    .order_by("-uses", "name")[5:6].values_list("name", flat=True).first())
        if freeform:
            tag_exclusion_add(user=reader, name=freeform)
        works = Work.objects.filter(state="posted", tags=fandom_id).order_by("-updated", "-id")
        pseud = reader.pseuds.first()
        for work in works[:40:3]:
            kudos_leave(work=work, user=reader)
        if pseud is not None and not Bookmark.objects.filter(pseud=pseud).exists():
            for work in works[:40:5]:
                bookmark_create(user=reader, work=work, pseud=pseud, data=BookmarkData())
    return User.objects.get(pk=reader.pk)


def _measure(runs: int, warmup: int, profile: str | None) -> dict:
    from django.test import Client

    from fichive.tags.models import Tag, tag_to_url

    fandom = Tag.objects.filter(type="fandom", canonical=True).order_by("-uses").first()
    assert fandom is not None
    reader = _reader(fandom.pk)
    tag_path = "/tags/" + quote(tag_to_url(fandom.name)) + "/works"
    # Deep pages: half way through the fandom's works, and through every work.
    from fichive.works.models import FilterTagging, Work

    fandom_deep = max(2, FilterTagging.objects.filter(tag=fandom, listed=True).count() // 40)
    works_deep = max(2, Work.objects.filter(state="posted").count() // 40)
    urls = {
        "guest: fandom p1": ("guest", tag_path),
        "reader: fandom p1": ("reader", tag_path),
        f"reader: fandom p{fandom_deep}": ("reader", f"{tag_path}?page={fandom_deep}"),
        "reader: fandom by kudos p1": ("reader", f"{tag_path}?sort=kudos"),
        "guest: /works p1": ("guest", "/works"),
        "reader: /works p1": ("reader", "/works"),
        f"reader: /works p{works_deep}": ("reader", f"/works?page={works_deep}"),
        "reader: search 'dragon'": ("reader", "/works/search?q=dragon"),
    }
    guest, logged_in = Client(), Client()
    logged_in.force_login(reader)

    figures = {}
    for name, (who, url) in urls.items():
        if profile and not name.startswith(profile):
            continue
        client = logged_in if who == "reader" else guest
        for _ in range(warmup):
            status = client.get(url).status_code
            assert status == 200, (url, status)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(runs):
                client.get(url)
            profiler.disable()
            print(f"== {name}: {runs} requests of {url}")
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
            continue
        figures[name] = {"url": url, **timed_gets(client, url, runs=runs, warmup=0)}
        print(f"{name:32} cpu {figures[name]['cpu_median_ms']:6.2f} / "
              f"{figures[name]['cpu_p95_ms']:6.2f} ms  q={figures[name]['queries']}",
              file=sys.stderr, flush=True)
    return {"runs": runs, "load": os.getloadavg()[0], "figures": figures}


if __name__ == "__main__":
    raise SystemExit(main())
