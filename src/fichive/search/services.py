"""Keeping the search index in step: the works services and tag wrangling call these inside
their own transactions, so a change and its index entries commit together.

A work's document holds its title, creators (pseuds and account names; only "Anonymous" for
an anonymous work, so no search finds it by its creators' names), summary, notes, and
tag names by type: its own tags, the tags it is found under (canonical tags and meta tags),
and every synonym of those, so searching any name of a tag finds it. Each chapter's document
holds its title, summary, notes, text and end notes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from fichive.accounts.models import Pseud
from fichive.lib.cache import content_changed
from fichive.search.backends import backend
from fichive.search.models import ChapterDocument, WorkDocument
from fichive.search.text import CHAPTER_PARTS, chapter_text, html_to_text, prepare
from fichive.tags.models import Tag
from fichive.works.models import Chapter, Creatorship, FilterTagging, Tagging, Work

BATCH = 200
TYPE_COLUMNS: dict[str, str] = {Tag.Type.FANDOM: "fandoms", Tag.Type.CHARACTER: "characters",
                Tag.Type.RELATIONSHIP: "relationships"}


def _join(values: Iterable[str]) -> str:
    return prepare("\n".join(v for v in values if v))


def _tag_names(tag_ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """For each tag id, the (type, name) pairs it answers to: its own and its synonyms'."""
    names: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not tag_ids:
        return names
    rows = Tag.objects.filter(Q(pk__in=tag_ids) | Q(merger_id__in=tag_ids)).order_by(
        "id").values_list("id", "merger_id", "type", "name")
    synonyms = []
    for tag_id, merger_id, tag_type, name in rows:
        if tag_id in tag_ids:
            names[tag_id].append((tag_type, name))
        if merger_id in tag_ids:
            synonyms.append((merger_id, tag_type, name))
    # Its own name first, then its synonyms'.
    for merger_id, tag_type, name in synonyms:
        names[merger_id].append((tag_type, name))
    return names


def _work_row(work: dict[str, Any], creators: list[str], tag_ids: set[int],
              names: dict[int, list[tuple[str, str]]]) -> dict[str, Any]:
    by_column: dict[str, list[str]] = defaultdict(list)
    for tag_id in sorted(tag_ids):
        for tag_type, name in names[tag_id]:
            by_column["tags"].append(name)
            if tag_type in TYPE_COLUMNS:
                by_column[TYPE_COLUMNS[tag_type]].append(name)
    return {
        "work_id": work["id"],
        "title": prepare(work["title"]),
        "creators": _join(creators),
        "summary": prepare(html_to_text(work["summary"])),
        "notes": _join(html_to_text(work[f]) for f in ("notes", "end_notes")),
        **{column: _join(dict.fromkeys(by_column[column]))
           for column in ("tags", "fandoms", "characters", "relationships")},
    }


def _creator_names(pseud: str, user: str) -> list[str]:
    return [pseud] if pseud == user else [pseud, user]


# What an anonymous work's document holds for its creators (`creator:anonymous` finds it).
ANONYMOUS_CREATORS = ["Anonymous"]


def _work_rows(work_ids: list[int]) -> list[dict[str, Any]]:
    works: list[dict[str, Any]] = [dict(row) for row in Work.objects.filter(
        pk__in=work_ids).values("id", "title", "summary", "notes", "end_notes", "anonymous")]
    creators: dict[int, list[str]] = defaultdict(list)
    for work_id, pseud, user in (Creatorship.objects.filter(work_id__in=work_ids,
                                                            work__anonymous=False)
                                 .order_by("position")
                                 .values_list("work_id", "pseud__name", "pseud__user__username")):
        creators[work_id] += _creator_names(pseud, user)
    for work in works:
        if work["anonymous"]:
            creators[work["id"]] = ANONYMOUS_CREATORS
    tag_ids: dict[int, set[int]] = defaultdict(set)
    for model in (Tagging, FilterTagging):
        for work_id, tag_id in model.objects.filter(work_id__in=work_ids).values_list(
                "work_id", "tag_id"):
            tag_ids[work_id].add(tag_id)
    names = _tag_names({t for ids in tag_ids.values() for t in ids})
    return [_work_row(work, creators[work["id"]], tag_ids[work["id"]], names)
            for work in works]


def _chapter_rows(engine: ModuleType, chapters: Iterable[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """Rows for engine.write_chapters; with the prepared text as `body` unless the backend
    reads the chapters' text itself."""
    if getattr(engine, "CHAPTER_TEXT_FROM_ROWS", False):
        return [{"chapter_id": c["id"], "work_id": c["work_id"]} for c in chapters]
    return [{
        "chapter_id": c["id"],
        "work_id": c["work_id"],
        "body": prepare(chapter_text(c)),
    } for c in chapters]


CHAPTER_VALUES = ("id", "work_id", "title", *CHAPTER_PARTS)


@transaction.atomic
def search_index_works(*, work_ids: Iterable[int], chapters: bool = True) -> None:
    """(Re)index these works' fields, and their chapters unless `chapters` is False."""
    ids = sorted(set(work_ids))
    engine = backend()
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        WorkDocument.objects.filter(work_id__in=batch).delete()
        engine.write_works(_work_rows(batch))
        if chapters:
            ChapterDocument.objects.filter(work_id__in=batch).delete()
            _write_chapters(engine, Chapter.objects.filter(work_id__in=batch))


def _write_chapters(engine: ModuleType, chapters: QuerySet[Chapter]) -> None:
    """Index these chapters; a batch of long works can hold a lot of text, so a few chapters
    are read at a time (none where the backend reads the chapters' rows itself)."""
    if getattr(engine, "CHAPTER_TEXT_FROM_ROWS", False):
        engine.write_chapters([{"chapter_id": chapter_id, "work_id": work_id}
                               for chapter_id, work_id in chapters.order_by("id").values_list(
                                   "id", "work_id")])
        return
    chapter_ids = list(chapters.order_by("id").values_list("id", flat=True))
    for first in range(0, len(chapter_ids), 50):
        rows = Chapter.objects.filter(pk__in=chapter_ids[first:first + 50]).values(
            *CHAPTER_VALUES)
        engine.write_chapters(_chapter_rows(engine, rows))


@dataclass
class NewWorkDocument:
    """A work created in this transaction, as search_index_new_works takes it: its
    `creators` in order, `tag_ids` (its tags and filter tags) and its `chapters` as saved."""

    work: Work
    creators: list[Pseud]
    tag_ids: set[int]
    chapters: list[Chapter]


def search_index_new_works(*, works: list[NewWorkDocument]) -> None:
    """Index works created in this transaction from what their creators wrote, without
    reading them back (a new work has no documents to replace)."""
    names = _tag_names({t for new in works for t in new.tag_ids})
    rows = []
    for new in works:
        work = new.work
        creators = ANONYMOUS_CREATORS if work.anonymous else [
            n for p in new.creators for n in _creator_names(p.name, p.user.username)]
        rows.append(_work_row({"id": work.pk, "title": work.title, "summary": work.summary,
                               "notes": work.notes, "end_notes": work.end_notes},
                              creators, new.tag_ids, names))
    engine = backend()
    engine.write_works(rows)
    engine.write_chapters(_chapter_rows(engine, (
        {name: getattr(c, name) for name in CHAPTER_VALUES} for new in works
        for c in new.chapters)))


@transaction.atomic
def search_index_chapters(*, chapter_ids: Iterable[int]) -> None:
    """(Re)index these chapters' text."""
    ids = set(chapter_ids)
    engine = backend()
    if getattr(engine, "CHAPTER_TEXT_FROM_ROWS", False):
        # The backend's triggers keep an indexed chapter in step with its text: only the
        # chapters not indexed yet are left to add.
        ids -= set(ChapterDocument.objects.filter(chapter_id__in=ids).values_list(
            "chapter_id", flat=True))
    else:
        ChapterDocument.objects.filter(chapter_id__in=ids).delete()
    _write_chapters(engine, Chapter.objects.filter(pk__in=ids))


def search_reindex(*, progress: Callable[[int, int], None] | None = None,
                   batch: int = BATCH) -> int:
    """Rebuild the whole index, a batch of works per transaction; returns how many works.
    `progress(done, total)` is called after each batch."""
    ids = list(Work.objects.order_by("id").values_list("id", flat=True))
    engine = backend()
    with transaction.atomic():
        engine.clear()
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            chunk = ids[start:start + batch]
            engine.write_works(_work_rows(chunk))
            _write_chapters(engine, Chapter.objects.filter(work_id__in=chunk))
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    backend().optimize()
    # What searches find may have changed: retire kept rankings and pages.
    content_changed(everything=True)
    return len(ids)
