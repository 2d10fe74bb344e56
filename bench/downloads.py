"""A long work's download, first and repeated: the first request typesets the file and keeps
it in DATA_DIR/downloads (formats/downloads.py), later ones serve it from disk. In a scratch
data dir with a SQLite archive, through Django's test client (no server).

    .venv/bin/python bench/downloads.py --words 16000 --chapters 8 --repeat 5

Prints one JSON line per format: milliseconds of the first request and the median repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=16000)
    parser.add_argument("--chapters", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--formats", default="pdf,epub")
    args = parser.parse_args()

    os.environ["FICHIVE_DATA_DIR"] = tempfile.mkdtemp(prefix="fichive-bench-downloads-")
    os.environ.pop("FICHIVE_DATABASE_URL", None)
    os.environ.pop("FICHIVE_REDIS_URL", None)
    os.environ["FICHIVE_PAGE_CACHE"] = "off"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root / "src"), str(root)]
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from tests.factories import UserFactory

    from fichive.works.services import ChapterText, WorkMeta, work_create

    call_command("migrate", interactive=False, verbosity=0)
    user = UserFactory(username="bench")
    words = ["the", "ferry", "crossed", "the", "grey", "water", "while", "the", "lanterns",
             "swung", "and", "she", "counted", "the", "gulls"]
    per_chapter = args.words // args.chapters
    paragraphs = [" ".join(words[i % len(words)] for i in range(start, start + 100))
                  for start in range(0, per_chapter, 100)]
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    work = work_create(user=user, meta=WorkMeta(
        title="A Long Crossing", creators=[user.default_pseud], fandoms=["Original Work"],
        rating="General Audiences"), chapters=[ChapterText(content=text)] * args.chapters,
        post=True)
    client = Client(HTTP_HOST="localhost")
    for extension in args.formats.split(","):
        url = f"/downloads/{work.pk}/A_Long_Crossing.{extension}"
        times = []
        for attempt in range(args.repeat + 1):
            began = time.perf_counter()
            response = client.get(url)
            body = response.getvalue()
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200 and body, response.status_code  # noqa: S101
            assert response["X-Fichive-Cache"] == ("miss" if attempt == 0 else "hit")  # noqa: S101
        print(json.dumps({"format": extension, "words": work.word_count, "bytes": len(body),
                          "first_ms": round(times[0], 1),
                          "repeat_median_ms": round(statistics.median(times[1:]), 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
