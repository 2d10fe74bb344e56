"""How long a web import makes other people's writes wait on SQLite: imports a zip of big
stories (as the import form does, through works_import_files) into a scratch archive while
another connection writes a row every few milliseconds, and prints the writer's longest and
median wait and the import's wall clock, as one JSON line.

    PYTHONPATH=src:. .venv/bin/python bench/import_lock.py --stories 40 --kb 1000

Point PYTHONPATH at another checkout's src to measure that code (before/after a change).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=40)
    parser.add_argument("--kb", type=int, default=1000, help="size of each story")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="fichive-lock-"))
    os.environ.update({"FICHIVE_DATA_DIR": str(data_dir),
                       "DJANGO_SETTINGS_MODULE": "fichive.settings"})
    os.environ.pop("FICHIVE_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from fichive.accounts.services import user_get_or_create_for_import
    from fichive.formats.services import ImportOptions, works_import_files

    call_command("migrate", verbosity=0)
    user, _ = user_get_or_create_for_import(username="importer")
    paragraph = "The lamps came on one by one along the quay, and nobody counted them. " * 8
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as stories:
        for n in range(args.stories):
            chapters = "".join(
                f"<h2>Chapter {c + 1}</h2>" + f"<p>{paragraph} {n} {c}</p>" * (
                    args.kb * 1024 // 10 // (len(paragraph) + 20))
                for c in range(10))
            stories.writestr(f"story{n}.html", f"<html><head><title>Story {n}</title></head>"
                                               f"<body>{chapters}</body></html>")
    data = buffer.getvalue()

    waits: list[float] = []
    stop = threading.Event()

    def writer() -> None:
        db = sqlite3.connect(data_dir / "fichive.sqlite3", timeout=120, isolation_level=None)
        db.execute("CREATE TABLE IF NOT EXISTS bench_writes (at REAL)")
        while not stop.is_set():
            started = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO bench_writes VALUES (?)", (started,))
            db.execute("COMMIT")
            waits.append(time.perf_counter() - started)
            time.sleep(0.005)
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    [results] = works_import_files(
        files=[("stories.zip", data)], user=user,
        options=ImportOptions(fandoms=["Original Work"], split_chapters=True))
    wall = time.perf_counter() - started
    stop.set()
    thread.join()
    print(json.dumps({
        "zip_mb": round(len(data) / 1024 / 1024, 1), "stories": args.stories,
        "created": sum(r.status == "created" for r in results),
        "import_s": round(wall, 2), "writes": len(waits),
        "longest_wait_s": round(max(waits), 3),
        "median_wait_ms": round(statistics.median(waits) * 1000, 1),
        "load_average": round(os.getloadavg()[0], 1)}))


if __name__ == "__main__":
    sys.exit(main())
