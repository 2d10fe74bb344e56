"""The chapter index holds each chapter's text once (SQLite indexes it from the chapter's own
row, PostgreSQL keeps only the vector): after every kind of change, in this process or in
others, it holds exactly the words of the chapters as they are, and FTS5's own check agrees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from fichive.search.models import ChapterDocument
from fichive.search.services import search_reindex
from fichive.search.text import CHAPTER_TEXT_VERSION, chapter_index_text
from fichive.works.models import Chapter
from fichive.works.services import (
    ChapterText,
    WorkMeta,
    chapter_delete,
    chapter_update,
    work_delete,
    work_replace,
)
from tests.factories import WorkFactory
from tests.live_archive import ROOT, _database
from tests.search.chapter_index_side import expected_words, indexed_words, integrity_problem


def assert_indexed_as_now(*chapters: Chapter) -> None:
    for chapter in chapters:
        assert indexed_words(chapter.pk) == expected_words(chapter.pk)
    assert integrity_problem() is None


def test_edits_leave_exactly_the_new_words(author):
    work = WorkFactory(author=author, title="Moor", chapters=[
        "<p>The zephyr crossed the moor.</p>", "<p>A quokka waited by the gate.</p>",
        "<p>Nothing of note.</p>"])
    first, second, third = work.chapters.order_by("position")
    assert "zephyr" in indexed_words(first.pk)
    assert_indexed_as_now(first, second, third)

    chapter_update(user=author, chapter=first, text=ChapterText(
        content="<p>A marmot slept.</p>", title="Marmots", notes="<p>For the wombat.</p>"))
    assert_indexed_as_now(first, second, third)
    assert "zephyr" not in indexed_words(first.pk)
    assert {"marmot", "marmots", "wombat"} <= set(indexed_words(first.pk))

    chapter_delete(user=author, chapter=second)
    assert indexed_words(second.pk) == []
    assert not ChapterDocument.objects.filter(chapter_id=second.pk).exists()
    assert_indexed_as_now(first, third)

    work_replace(user=author, work=work,
                 meta=WorkMeta(title="Moor", fandoms=["Original Work"],
                               rating="General Audiences", creators=[author.default_pseud]),
                 chapters=[ChapterText(content="<p>The heron came back.</p>")])
    (replaced,) = work.chapters.all()
    assert indexed_words(first.pk) == indexed_words(third.pk) == []
    assert_indexed_as_now(replaced)

    work_delete(user=author, work=work)
    assert indexed_words(replaced.pk) == []
    assert integrity_problem() is None


def test_a_rebuild_indexes_the_chapters_as_they_are(author):
    work = WorkFactory(author=author, chapters=["<p>The otter swam.</p>", "<p>Café crème.</p>"])
    chapters = list(work.chapters.all())
    search_reindex()
    search_reindex()  # (a second rebuild over the first leaves no words twice)
    assert_indexed_as_now(*chapters)


@pytest.mark.skipif(os.environ.get("FICHIVE_TEST_DB", "sqlite") != "sqlite",
                    reason="SQLite's triggers on the chapters")
def test_sqlite_follows_chapter_text_however_it_is_changed(author):
    """A change to a chapter's text that bypasses the services (a bulk update) still moves
    its words in the index: the triggers are on the chapters' own table."""
    work = WorkFactory(author=author, chapters=["<p>The zephyr crossed the moor.</p>"])
    chapter = work.chapters.get()
    Chapter.objects.filter(pk=chapter.pk).update(content="<p>A lynx.</p>")
    assert indexed_words(chapter.pk) == ["a", "lynx"]
    Chapter.objects.filter(pk=chapter.pk).update(summary="<p>Lynx and heron.</p>")
    assert indexed_words(chapter.pk) == ["lynx", "and", "heron", "a", "lynx"]
    assert integrity_problem() is None


# What chapter_index_text makes of this chapter at CHAPTER_TEXT_VERSION.
SAMPLE = ("Ch. 1 — 東京", "<p>Summary &amp; more</p>", "<p>Notes<br/>two</p>",
          "<p>Déjà  vu,\tagain.</p><hr /><p>Last line</p>", "")
SAMPLE_TEXT = ("Ch. 1 —  東  京 \nSummary & more\nNotes\ntwo\nDéjà vu, again.\nLast line", 1)


def test_the_chapter_text_version_covers_what_the_index_holds():
    """SQLite takes a chapter out of its index by making its text again: a change to what
    chapter_index_text makes must raise CHAPTER_TEXT_VERSION, with a migration that rebuilds
    the index under the new function name (backends/sqlite.py TEXT_FUNCTION)."""
    assert (chapter_index_text(*SAMPLE), CHAPTER_TEXT_VERSION) == SAMPLE_TEXT, (
        "chapter_index_text changed: raise CHAPTER_TEXT_VERSION, update this test, and add a "
        "migration that installs the chapter index again (CHAPTER_UNINSTALL, CHAPTER_INSTALL, "
        "'rebuild')")


@pytest.mark.skipif(os.environ.get("FICHIVE_TEST_DB", "sqlite") != "sqlite",
                    reason="SQLite's triggers")
@pytest.mark.django_db
def test_the_migrated_triggers_call_this_versions_function():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE sql LIKE %s",
                       ["%fichive_chapter_text_v%"])
        found = dict(cursor.fetchall())
    assert set(found) == {"search_chapter_text", "search_chapter_index",
                          "search_chapter_unindex", "search_chapter_text_changed",
                          "search_chapter_deleted"}
    assert all(f"fichive_chapter_text_v{CHAPTER_TEXT_VERSION}(" in sql for sql in found.values())


@pytest.mark.skipif(os.environ.get("FICHIVE_TEST_DB", "sqlite") != "sqlite",
                    reason="SQLite's view and triggers on works_chapter")
def test_a_migration_remaking_the_chapters_table_detaches_and_attaches_the_index(
        transactional_db, author):
    """Django's SQLite migrations remake a table to change its columns; between
    chapter_index_detach and chapter_index_attach the index survives it and follows the
    chapters again afterwards."""
    from fichive.search.backends import sqlite

    work = WorkFactory(author=author, chapters=["<p>The zephyr crossed the moor.</p>"])
    chapter = work.chapters.get()
    with connection.schema_editor() as editor:
        sqlite.chapter_index_detach(None, editor)
        editor._remake_table(Chapter)
        sqlite.chapter_index_attach(None, editor)
    assert_indexed_as_now(chapter)
    Chapter.objects.filter(pk=chapter.pk).update(content="<p>A lynx.</p>")
    assert indexed_words(chapter.pk) == ["a", "lynx"]
    assert_indexed_as_now(chapter)


# ------------------------------------------------------------------------ across processes


@pytest.fixture(scope="module")
def archive() -> Iterator[dict[str, str]]:
    """A migrated archive of its own (a SQLite file, or a database on the suite's server)."""
    import fichive

    with tempfile.TemporaryDirectory(prefix="fichive-index-") as temp, \
            _database(Path(temp)) as url:
        src = str(Path(fichive.__file__).resolve().parents[1])
        env = {**os.environ, "FICHIVE_DATA_DIR": temp, "FICHIVE_DATABASE_URL": url,
               "DJANGO_SETTINGS_MODULE": "fichive.settings",
               "PYTHONPATH": os.pathsep.join([src, str(ROOT)])}
        for name in ("FICHIVE_REDIS_URL", "FICHIVE_DATABASE_REPLICA_URLS"):
            env.pop(name, None)
        _run(env, "-m", "fichive.cli", "manage", "migrate", "--verbosity", "0")
        yield env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _side(env: dict[str, str], *args: str) -> Any:
    out = _run(env, "-m", "tests.search.chapter_index_side", *args)
    return json.loads(out.strip().splitlines()[-1])


def test_changes_from_other_processes_and_commands_keep_the_index_exact(archive):
    """Posted in one process, rebuilt by `fichive reindex`, edited and deleted in another:
    a third finds exactly the chapters' words as they are now."""
    first, second = _side(archive, "post")["chapters"]
    _run(archive, "-m", "fichive.cli", "reindex")
    _side(archive, "edit", str(first), str(second))
    seen = _side(archive, "check", str(first), str(second))
    assert seen["integrity"] is None
    assert seen["documents"] == [first]
    now = seen["chapters"][str(first)]
    assert now["indexed"] == now["expected"]
    assert "marmot" in now["indexed"]
    assert "zephyr" not in now["indexed"]
    assert seen["chapters"][str(second)]["indexed"] == []
