"""The archive's side of the import crash tests (tests/formats/test_import_crash.py): run as
`python -m tests.formats.crash_archive check|user NAME` with Django set up on a real
archive's database, it answers in JSON on stdout.

`check` says how many works there are, their titles, and every way a work is not whole: a
chapter count or word count that its chapters don't add up to, no creator, no search
document for it or one of its chapters, a tag whose use count isn't its works' count, and
(SQLite) full-text rows that don't match the search documents.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def check() -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count, Sum

    from fichive.search.models import ChapterDocument, WorkDocument
    from fichive.tags.models import Tag
    from fichive.works.models import Chapter, Creatorship, Work

    problems: list[str] = []
    chapters = {row["work_id"]: row for row in Chapter.objects.values("work_id").annotate(
        n=Count("id"), words=Sum("word_count"))}
    creators = set(Creatorship.objects.values_list("work_id", flat=True))
    documents = set(WorkDocument.objects.values_list("work_id", flat=True))
    chapter_documents = set(ChapterDocument.objects.values_list("chapter_id", flat=True))
    works = list(Work.objects.values("id", "title", "chapter_count", "word_count"))
    for work in works:
        own = chapters.get(work["id"], {"n": 0, "words": 0})
        if own["n"] == 0 or own["n"] != work["chapter_count"]:
            problems.append(f"work {work['id']}: {own['n']} chapters, says "
                            f"{work['chapter_count']}")
        if (own["words"] or 0) != work["word_count"]:
            problems.append(f"work {work['id']}: {own['words']} words, says {work['word_count']}")
        if work["id"] not in creators:
            problems.append(f"work {work['id']}: no creator")
        if work["id"] not in documents:
            problems.append(f"work {work['id']}: no search document")
    missing = set(Chapter.objects.values_list("id", flat=True)) - chapter_documents
    if missing:
        problems.append(f"{len(missing)} chapters without a search document")
    for tag in Tag.objects.annotate(n=Count("taggings")).exclude(uses=models_f("n")):
        problems.append(f"tag {tag.name!r}: uses {tag.uses}, on {tag.n} works")  # type: ignore[attr-defined]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table, fts in [("search_workdocument", "search_work_fts"),
                               ("search_chapterdocument", "search_chapter_fts")]:
                cursor.execute(f"SELECT (SELECT count(*) FROM {table}), "  # noqa: S608
                               f"(SELECT count(*) FROM {fts})")
                rows, indexed = cursor.fetchone()
                if rows != indexed:
                    problems.append(f"{fts}: {indexed} rows for {rows} documents")
    return {"works": len(works), "titles": sorted(w["title"] for w in works),
            "problems": problems}


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def user(name: str) -> dict[str, Any]:
    """A new account logged in: its session and CSRF cookies and token, and its pseud."""
    from tests.factories import UserFactory
    from tests.live_archive import _logged_in

    return _logged_in(UserFactory(username=name))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
    import django

    django.setup()
    command, *args = sys.argv[1:]
    answer = check() if command == "check" else user(*args)
    print(json.dumps(answer))
