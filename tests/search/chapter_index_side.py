"""The archive's side of tests/search/test_chapter_index.py's test across processes: run as
`python -m tests.search.chapter_index_side post|edit|check`, Django set up on the archive
that FICHIVE_DATA_DIR / FICHIVE_DATABASE_URL name, answering in JSON on stdout."""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def indexed_words(chapter_id: int) -> list[str]:
    """The words the index holds for a chapter: in order on SQLite (FTS5's own record of each
    word's place), sorted and without repeats on PostgreSQL (the vector's lexemes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.chapter_words "
                           "USING fts5vocab(main, search_chapter_fts, instance)")
            cursor.execute("SELECT term FROM temp.chapter_words WHERE doc = %s "
                           "ORDER BY offset", [chapter_id])
        else:
            cursor.execute("SELECT unnest(tsvector_to_array(vector)) AS w "
                           "FROM search_chapterdocument WHERE chapter_id = %s ORDER BY w",
                           [chapter_id])
        return [row[0] for row in cursor.fetchall()]


def expected_words(chapter_id: int) -> list[str]:
    """The words the index should hold for a chapter as it is now (in indexed_words' form)."""
    from django.db import connection

    from fichive.search.text import chapter_index_text, words
    from fichive.works.models import Chapter

    chapter = Chapter.objects.get(pk=chapter_id)
    found = words(chapter_index_text(chapter.title, chapter.summary, chapter.notes,
                                     chapter.content, chapter.end_notes))
    return found if connection.vendor == "sqlite" else sorted(set(found))


def integrity_problem() -> str | None:
    """What SQLite's FTS5 check finds wrong with the indexes (None: nothing, or PostgreSQL)."""
    from django.db import DatabaseError, connection

    if connection.vendor != "sqlite":
        return None
    from fichive.search.backends import sqlite

    try:
        sqlite.integrity_check()
    except DatabaseError as error:
        return str(error)
    return None


def _post() -> dict[str, Any]:
    from tests.factories import UserFactory, WorkFactory

    author = UserFactory(username="sideauthor")
    work = WorkFactory(author=author, title="Across",
                       chapters=["<p>The zephyr crossed the moor.</p>",
                                 "<p>A quokka waited by the gate.</p>"])
    return {"chapters": list(work.chapters.order_by("position").values_list("id", flat=True))}


def _edit(chapter_id: str, deleted_id: str) -> dict[str, Any]:
    from fichive.accounts.models import User
    from fichive.works.models import Chapter
    from fichive.works.services import ChapterText, chapter_delete, chapter_update

    author = User.objects.get(username="sideauthor")
    chapter_update(user=author, chapter=Chapter.objects.get(pk=chapter_id),
                   text=ChapterText(content="<p>A marmot slept in the heather.</p>",
                                    title="Marmots"))
    chapter_delete(user=author, chapter=Chapter.objects.get(pk=deleted_id))
    return {}


def _check(*chapter_ids: str) -> dict[str, Any]:
    from fichive.search.models import ChapterDocument
    from fichive.works.models import Chapter

    present = set(Chapter.objects.values_list("id", flat=True))
    return {
        "documents": sorted(ChapterDocument.objects.values_list("chapter_id", flat=True)),
        "chapters": {c: {"indexed": indexed_words(int(c)),
                         "expected": expected_words(int(c)) if int(c) in present else []}
                     for c in chapter_ids},
        "integrity": integrity_problem(),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    import django

    django.setup()
    command, *args = sys.argv[1:]
    answer = {"post": _post, "edit": _edit, "check": _check}[command](*args)
    print(json.dumps(answer))
