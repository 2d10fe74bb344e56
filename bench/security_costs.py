"""What the safety layer (issue 20) costs a request: server CPU per request, in process, for a
guest's uncached chapter page (the security headers' middleware), a logged-in reader's chapter
page and works listing (plus no-store), a search and an API listing (the search budget and the
rate-limit counters), tag search and the tag autocomplete (tags' visibility). Each URL is
requested `--warmup` times, then `--runs` times; CPU time (time.process_time) and wall time
are reported as median and p95 in ms. Run it on a tree before and after to compare; it
measures and never fails on a slow figure.

    .venv/bin/python bench/security_costs.py --works 2000 --json bench/results/security.json
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

from inprocess import corpus, django_setup, report, timed_gets

PREFIX = "securitybench_"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=2_000,
                        help="works to generate into a fresh archive (2,000)")
    parser.add_argument("--runs", type=int, default=25, help="timed requests per URL (25)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--data-dir", type=Path,
                        help="a SQLite archive dir: reused when it has works, else generated")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = temp = Path(tempfile.mkdtemp(prefix="fichive-securitybench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.pop("FICHIVE_REDIS_URL", None)
    # Every request rendered: the figures are what Django does, not the guests' page cache.
    os.environ["FICHIVE_PAGE_CACHE"] = "off"
    try:
        django_setup(data_dir)
        result = {**corpus(args.works), **_measure(args.runs, args.warmup)}
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    report(result, args.json)
    return 0


def _measure(runs: int, warmup: int) -> dict:
    from django.test import Client

    from fichive.accounts.models import User
    from fichive.tags.models import Tag, tag_to_url
    from fichive.works.models import Chapter, Work

    reader, _ = User.objects.get_or_create(username=f"{PREFIX}reader",
                                           defaults={"email": "securitybench@example.invalid"})
    work = (Work.objects.filter(state="posted", restricted=False, chapter_count__gte=2)
            .order_by("pk").first())
    assert work is not None, "the archive has no posted multi-chapter work"
    chapter = Chapter.objects.filter(work=work).order_by("position")[1]
    fandom = Tag.objects.filter(type="fandom", canonical=True).order_by("-uses").first()
    assert fandom is not None
    chapter_url = f"/works/{work.pk}/chapters/{chapter.pk}"
    urls = {
        "guest: chapter page": ("guest", chapter_url),
        "reader: chapter page": ("reader", chapter_url),
        "reader: /works": ("reader", "/works"),
        "guest: fandom's works": ("guest", "/tags/" + quote(tag_to_url(fandom.name)) + "/works"),
        "guest: search 'dragon'": ("guest", "/works/search?q=dragon"),
        "guest: API works listing": ("guest", "/api/v1/works"),
        "guest: tag search 'love'": ("guest", "/tags/search?q=love"),
        "guest: autocomplete 'sa'": ("guest", "/tags/autocomplete?term=sa"),
    }
    guest, logged_in = Client(), Client()
    logged_in.force_login(reader)
    figures = {}
    for name, (who, url) in urls.items():
        client = logged_in if who == "reader" else guest
        figures[name] = timed_gets(client, url, runs=runs, warmup=warmup)
    return {"runs": runs, "figures": figures}


if __name__ == "__main__":
    raise SystemExit(main())
