"""The chapter index keeps no copy of the chapters' text: ChapterDocument loses its `body`.

SQLite: the chapter FTS5 table becomes an external-content table over a view that makes the
text from works_chapter (see backends/sqlite.py), rebuilt here from the chapters (a minute or
so per 100,000 chapters). PostgreSQL kept only the tsvector already (body was empty): the
column goes.
"""

import sys
import time

from django.db import migrations


def uninstall_chapter_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from fichive.search.backends import sqlite

    for statement in sqlite.CHAPTER_UNINSTALL:
        schema_editor.execute(statement)


def install_chapter_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from fichive.search.backends import sqlite

    for statement in sqlite.CHAPTER_INSTALL:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_chapterdocument")
        (chapters,) = cursor.fetchone()
        if chapters > 20_000:
            print(f"\n  Indexing the text of {chapters:,} chapters again from the chapters "
                  "themselves (about a minute per 100,000) …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        cursor.execute("INSERT INTO search_chapter_fts(search_chapter_fts) VALUES ('rebuild')")
        if chapters > 20_000:
            print(f"  … done in {time.perf_counter() - started:.0f} s.", file=sys.stderr)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_initial"),
        # After every migration that remakes works_chapter (which the view and triggers on
        # it would stop; see backends/sqlite.py chapter_index_detach).
        ("works", "0009_sanitizer_version"),
    ]

    operations = [
        migrations.RunPython(uninstall_chapter_index, migrations.RunPython.noop),
        migrations.RemoveField(model_name="chapterdocument", name="body"),
        migrations.RunPython(install_chapter_index, migrations.RunPython.noop),
    ]
