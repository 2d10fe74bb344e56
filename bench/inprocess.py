"""What the in-process bench scripts (fanout.py, stats.py) share: Django set up on a fresh
or given archive, migrated, and milliseconds rounded for their reports."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
