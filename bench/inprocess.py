"""What the in-process bench scripts (fanout.py, stats.py, readers.py, feeds.py) share: Django
set up on a fresh or given archive, migrated; milliseconds rounded and the JSON report."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent


def django_setup(data_dir: Path | None) -> None:
    """Set Django up on `data_dir` (a fresh SQLite archive) or, when None, on whatever the
    environment points at (FICHIVE_DATA_DIR, FICHIVE_DATABASE_URL), and migrate it."""
    if data_dir is not None:
        os.environ["FICHIVE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("FICHIVE_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    sys.path.insert(0, str(BENCH_DIR.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def report(result: dict[str, Any], json_path: Path | None) -> None:
    """Print a script's result as JSON, and write it to `json_path` when one was given."""
    text = json.dumps(result, indent=2) + "\n"
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text)
    print(text, end="")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
