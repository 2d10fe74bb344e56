"""Server CPU per request of a logged-in reader's reading pages (issue 21): a chapter page and
a work page of a posted multi-chapter work, for a reader who carries the community features'
state (kudos left on the work, a bookmark of it, a subscription to it, reading history, unread
inbox items, some muted users, non-default preferences), and a guest's chapter page to compare
(rendered: the guests' page cache is off). Each URL is requested `--warmup` times, then
`--runs` times, in process; CPU (time.process_time) and wall time per request are reported as
median and p95 in ms, with the queries one request makes. It measures and never fails on a
slow figure. It runs the tree it sits in (inprocess.py puts ../src first on the path): to
measure another tree, run a copy of it and inprocess.py from that tree's bench/ directory,
on the same --data-dir.

    .venv/bin/python bench/logged_in.py --works 2000 --json bench/results/logged_in.json
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from inprocess import corpus, django_setup, report, timed_gets

PREFIX = "loggedinbench_"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=2_000,
                        help="works to generate into a fresh archive (2,000)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per URL (200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests first (10)")
    parser.add_argument("--data-dir", type=Path,
                        help="a SQLite archive dir: reused when it has works, else generated")
    parser.add_argument("--profile", type=int, default=0,
                        help="print a cProfile of this many chapter-page requests instead")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = temp = Path(tempfile.mkdtemp(prefix="fichive-loggedinbench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.pop("FICHIVE_REDIS_URL", None)
    os.environ["FICHIVE_PAGE_CACHE"] = "off"
    # One process: the kept fragments (lib/fragments.py) are correct without shared versions.
    os.environ.setdefault("FICHIVE_FRAGMENT_CACHE_MB", "16")
    try:
        django_setup(data_dir)
        archive = corpus(args.works)
        reader, urls = _reader_state()
        if args.profile:
            _profile(reader, urls["reader: chapter page"], args.profile)
            return 0
        result = {**archive, **_measure(reader, urls, args.runs, args.warmup)}
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    report(result, args.json)
    return 0


def _reader_state() -> tuple[object, dict[str, str]]:
    """The reader and their state on one posted multi-chapter work (made once per archive)."""
    from django.db.models import Count

    from fichive.accounts.models import Preference, User
    from fichive.accounts.services import user_create
    from fichive.blocking.services import user_mute
    from fichive.bookmarks.services import BookmarkData, bookmark_create
    from fichive.inbox.models import InboxItem
    from fichive.kudos.models import Kudos
    from fichive.kudos.services import kudos_leave
    from fichive.readings.models import Reading
    from fichive.readings.services import reading_mark_for_later
    from fichive.subscriptions.models import Subscription
    from fichive.subscriptions.services import subscription_create
    from fichive.works.models import Chapter, Work

    reader = User.objects.filter(username=f"{PREFIX}reader").first()
    made = reader is None
    if reader is None:
        reader = user_create(username=f"{PREFIX}reader", email="loggedinbench@example.invalid")
    # A posted work of three chapters or more with generated prose, the most tagged one.
    work = (Work.objects.filter(state="posted", restricted=False, chapter_count__gte=3,
                                chapters__position=2, chapters__word_count__gte=1000)
            .annotate(n_tags=Count("tags", distinct=True)).order_by("-n_tags", "pk").first())
    assert work is not None, "the archive has no posted work of three chapters with text"
    if made:
        pseud = reader.pseuds.get(is_default=True)
        if not Kudos.objects.filter(work=work, user=reader).exists():
            kudos_leave(work=work, user=reader)
        bookmark_create(user=reader, work=work, pseud=pseud,
                        data=BookmarkData(notes="Keep.", tags=["comfort read"]))
        if not Subscription.objects.filter(user=reader, work=work).exists():
            subscription_create(user=reader, work=work)
        if not Reading.objects.filter(user=reader, work=work).exists():
            reading_mark_for_later(user=reader, work=work)
        for other in User.objects.exclude(pk=reader.pk).order_by("pk")[:5]:
            user_mute(user=reader, muted=other)
        InboxItem.objects.bulk_create([
            InboxItem(user=reader, kind=InboxItem.Kind.COMMENT, work=work,
                      actor_name="someone", summary=f"A comment {n}.") for n in range(5)])
        Preference.objects.update_or_create(user=reader, defaults={
            "font_size": 120, "time_zone": "Europe/Paris", "view_adult": True,
            "hide_warnings": True})
    chapter = Chapter.objects.filter(work=work).order_by("position")[1]
    return reader, {"reader: chapter page": f"/works/{work.pk}/chapters/{chapter.pk}",
                    "reader: work page": f"/works/{work.pk}",
                    # For comparison: a guest's page, rendered (the page cache is off here).
                    "guest: chapter page": f"/works/{work.pk}/chapters/{chapter.pk}"}


def _client(reader: object) -> object:
    from django.test import Client

    client = Client()
    client.force_login(reader)
    return client


def _measure(reader: object, urls: dict[str, str], runs: int, warmup: int) -> dict:
    from django.test import Client

    clients = {"reader": _client(reader), "guest": Client()}
    figures = {}
    for name, url in urls.items():
        client = clients[name.split(":")[0]]
        figures[name] = timed_gets(client, url, runs=runs, warmup=warmup)
    return {"runs": runs, "figures": figures}


def _profile(reader: object, url: str, count: int) -> None:
    import cProfile
    import pstats

    client = _client(reader)
    for _ in range(10):
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(70)


if __name__ == "__main__":
    raise SystemExit(main())
