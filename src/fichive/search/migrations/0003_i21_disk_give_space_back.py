"""SQLite: give back the space the chapters' second copy of text held (0002 freed it inside
the file; VACUUM shrinks the file). Only when much is free: a fresh archive has nothing to
give back. VACUUM runs outside a transaction, writes the database anew beside the old one
(it needs as much free disk as the database takes) and waits for other connections."""

import sys
import time

from django.db import migrations

# Free space in the file worth a VACUUM.
WORTH_BYTES = 32 * 1024 * 1024


def give_space_back(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("PRAGMA freelist_count")
        (free_pages,) = cursor.fetchone()
        cursor.execute("PRAGMA page_size")
        (page_size,) = cursor.fetchone()
        free = free_pages * page_size
        if free < WORTH_BYTES:
            return
        print(f"\n  Giving {free / 1e6:,.0f} MB of free space in the database back to the disk "
              "(VACUUM) …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        cursor.execute("VACUUM")
        print(f"  … done in {time.perf_counter() - started:.0f} s.", file=sys.stderr)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0002_i21_disk_chapter_text_once"),
    ]

    operations = [
        migrations.RunPython(give_space_back, migrations.RunPython.noop, elidable=True),
    ]
