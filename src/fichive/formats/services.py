"""Importing files as works: detect the format by content, parse and sanitize outside any
transaction, and post through the works services (a chunk of works per transaction, each
validated on its own), recognising the importer's own works imported before.

Formats: plain text, HTML, AO3's HTML download, EPUB (AO3, FanFicFare or any other), and zip
files of text/HTML stories. A file (or zip member) that fails creates nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from fichive.accounts.models import Pseud, User
from fichive.formats.errors import ImportFailed
from fichive.formats.importers.ao3 import is_ao3_html, parse_ao3_html
from fichive.formats.importers.archive import MAX_ARCHIVE_BYTES, is_zip
from fichive.formats.importers.base import ParsedWork
from fichive.formats.importers.epub import is_epub, parse_epub
from fichive.formats.importers.html import parse_html
from fichive.formats.importers.text import MAX_TEXT_BYTES, parse_text
from fichive.formats.importers.zipped import iter_zip_texts
from fichive.formats.own import own_download_of
from fichive.tags.models import DEFAULT_RATING, DEFAULT_WARNING, tag_key
from fichive.works.languages import language_code
from fichive.works.models import Creatorship, Work
from fichive.works.services import (
    ChapterText,
    NewWork,
    WorkMeta,
    chapters_prepare,
    work_create,
    work_replace,
    works_create,
)

logger = logging.getLogger("fichive.import")

# The largest file accepted: EPUBs and zips may be this big; a text or HTML story must stay
# under MAX_TEXT_BYTES (each importer checks its own limit).
MAX_IMPORT_BYTES = MAX_ARCHIVE_BYTES
ON_DUPLICATE = ("skip", "update")


@dataclass
class ImportOptions:
    """What the person importing says about the files, overriding what the files say."""

    title: str | None = None
    fandoms: list[str] = field(default_factory=list)
    rating: str | None = None
    restricted: bool = False
    draft: bool = False
    pseud: Pseud | None = None
    co_creators: list[Pseud] = field(default_factory=list)
    # False adds co-creators of other users at once instead of inviting them: an import made
    # for a whole archive (eFiction) whose authors wrote the story together.
    invite_co_creators: bool = True
    split_chapters: bool = False
    on_duplicate: str = "skip"
    # Import a download of a work on this archive anyway (a copy under the importer's name).
    allow_copy: bool = False
    # Tags suggested by the story's text (tags.suggestions) to add: those at or above this
    # confidence, or those `choose_suggestions` (the command line's prompt) picks from the
    # story's title and suggestions. Neither: the text isn't read for tags.
    accept_suggestions: float | None = None
    choose_suggestions: Callable[[str, list[Any]], list[Any]] | None = None


@dataclass
class ImportResult:
    """What became of one file (or one story inside a zip)."""

    name: str
    status: str  # "created", "updated", "skipped" or "failed"
    work: Work | None = None
    reason: str = ""
    field: str = ""  # the import option that would fix a failure (ImportFailed.field)
    # Refused as this archive's own download of that work (formats/own.py): callers say
    # which work only to someone who may see it.
    copy_of: int | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return True
    return b"<p>" in head or b"<p " in head or b"<body" in head


def detect_format(data: bytes) -> str:
    """The format of a file from its content: epub, zip, ao3, html or text."""
    if is_epub(data):
        return "epub"
    if is_zip(data):
        return "zip"
    if data.startswith(b"%PDF"):
        raise ImportFailed("PDF files can't be imported; save the story as text, HTML or EPUB")
    if data.startswith((b"\xd0\xcf\x11\xe0", b"{\\rtf")):
        raise ImportFailed("Word documents can't be imported; save the story as text or HTML")
    if _looks_like_html(data):
        return "ao3" if is_ao3_html(data) else "html"
    return "text"


def parse_file(data: bytes, *, filename: str, options: ImportOptions) -> ParsedWork:
    """Parse one story file (not a zip of several) into a ParsedWork, or raise ImportFailed."""
    kind = detect_format(data)
    if kind == "zip":
        raise ImportFailed("a zip inside a zip can't be imported")
    if kind != "epub" and len(data) > MAX_TEXT_BYTES:
        raise ImportFailed(f"the story is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MB")
    if kind == "epub":
        return parse_epub(data, filename=filename)
    if kind == "ao3":
        return parse_ao3_html(data, filename=filename)
    if kind == "html":
        return parse_html(data, filename=filename, title=options.title,
                          split_chapters=options.split_chapters)
    return parse_text(data, filename=filename, title=options.title)


def _meta_from_parsed(parsed: ParsedWork, *, user: User, options: ImportOptions,
                      source_hash: str) -> WorkMeta:
    pseud = options.pseud or user.default_pseud
    fandoms = list(dict.fromkeys([*parsed.fandoms, *options.fandoms]))
    return WorkMeta(
        title=options.title or parsed.title,
        creators=[pseud, *options.co_creators],
        fandoms=fandoms,
        rating=options.rating or parsed.rating or DEFAULT_RATING,
        warnings=parsed.warnings or [DEFAULT_WARNING],
        categories=parsed.categories,
        relationships=parsed.relationships,
        characters=parsed.characters,
        freeforms=parsed.freeforms,
        summary=parsed.summary,
        notes=parsed.notes,
        end_notes=parsed.end_notes,
        language=language_code(parsed.language) or "en",
        restricted=options.restricted,
        expected_chapters=parsed.expected_chapters,
        complete=parsed.complete if parsed.complete is not None else True,
        published=parsed.published,
        updated=parsed.updated,
        source_url=parsed.source_url,
        source_hash=source_hash,
        imported_creator=imported_creator(parsed.creators, user=user),
        fmt="html",
    )


def _own_names(user: User) -> set[str]:
    """The importer's user name and pseud names, casefolded (kept on the user for a batch)."""
    names: set[str] | None = getattr(user, "_fichive_own_names", None)
    if names is None:
        names = {user.username.casefold(), *(name.casefold() for name in
                                             user.pseuds.values_list("name", flat=True))}
        user._fichive_own_names = names  # type: ignore[attr-defined]
    return names


def imported_creator(byline: list[str], *, user: User) -> str:
    """The byline a file names, kept on the work when it is someone else's story; blank when
    the file names none or names one of the importer's own pseuds (as "pseud" or AO3's
    "pseud (user)"), case aside."""
    names = [" ".join(name.split()) for name in byline if name.strip()]
    own = _own_names(user)
    for name in names:
        pseud, _, user_part = name.partition(" (")
        if {name.casefold(), pseud.casefold(), user_part.rstrip(")").casefold()} & own:
            return ""
    return ", ".join(names)[:255]


def _one_line(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        messages = [m for msgs in exc.message_dict.values() for m in msgs]
    else:
        messages = exc.messages
    return " ".join(messages)


def works_editable_by(user: User) -> QuerySet[Work]:
    """The works `user` may change: those they are a creator of (co-creators included;
    drafts, restricted, hidden and anonymous works of theirs too). No role edits other
    people's works, so an import is only ever matched against these."""
    return Work.objects.filter(
        pk__in=Creatorship.objects.filter(pseud__user=user).values("work_id"))


def find_duplicate(*, user: User, source_url: str, source_hash: str) -> Work | None:
    """A work of the importer's (works_editable_by) imported before from the same source
    (same AO3 work or story URL) or the same file bytes. Other people's works are never
    matched, so an import can't tell whether a draft, restricted or hidden work of someone
    else's came from a URL or a file: it becomes a new work of the importer's instead."""
    works = works_editable_by(user).order_by("id")
    if source_url:
        found = works.filter(source_url=source_url).first()
        if found:
            return found
    return works.filter(source_hash=source_hash).first() if source_hash else None


def _work_from_parsed(parsed: ParsedWork, *, user: User, options: ImportOptions,
                      source_hash: str) -> tuple[WorkMeta, list[ChapterText]]:
    meta = _meta_from_parsed(parsed, user=user, options=options, source_hash=source_hash)
    if options.accept_suggestions is not None or options.choose_suggestions is not None:
        _add_suggested_tags(meta, parsed, user=user, options=options)
    if not meta.fandoms:
        raise ImportFailed("a work needs at least one fandom and the file names none",
                           field="fandoms")
    chapters = [
        ChapterText(content=c.html, title=c.title, summary=c.summary, notes=c.notes,
                    end_notes=c.end_notes, fmt="html")
        for c in parsed.chapters
    ]
    return meta, chapters


# The lowest confidence offered to the command line's prompt.
OFFERED_CONFIDENCE = 0.3


def _add_suggested_tags(meta: WorkMeta, parsed: ParsedWork, *, user: User,
                        options: ImportOptions) -> None:
    """Add to the work's tags those its text suggests (tags.suggestions, as the importer may
    know of them) that the options accept; the file's own fandoms settle shared names."""
    from fichive.tags.suggestions import suggest_tags

    text = "\n".join(chapter.html for chapter in parsed.chapters)
    lowest = (options.accept_suggestions if options.accept_suggestions is not None
              else OFFERED_CONFIDENCE)
    found = suggest_tags(text=text, viewer=user, fandom_hint=meta.fandoms, threshold=lowest)
    if options.choose_suggestions is not None:
        found = options.choose_suggestions(meta.title, found)
    fields = {"fandom": meta.fandoms, "relationship": meta.relationships,
              "character": meta.characters, "freeform": meta.freeforms}
    for suggestion in found:
        names = fields[suggestion.type]
        if tag_key(suggestion.name) not in {tag_key(n) for n in names}:
            names.append(suggestion.name)


def place_in_series(work: Work, series: list[tuple[str, int]], *, user: User,
                    options: ImportOptions) -> None:
    """Put an imported work in the series its file names ("Part 3 of Title"): the
    importer's own series of that title (any letter case), made under the importing pseud
    if they have none, at the file's part number, so parts imported in any order stand in
    the order of their numbers. A title a series can't have is passed over."""
    from fichive.series.models import Series
    from fichive.series.services import series_add_work, series_create

    pseud = options.pseud or user.default_pseud
    for title, number in series:
        name = " ".join(title.split())
        found = (Series.objects.filter(title__iexact=name, creatorships__pseud__user=user)
                 .order_by("pk").first())
        try:
            with transaction.atomic():
                if found is None:
                    found = series_create(user=user, title=name, pseuds=[pseud])
                series_add_work(user=user, series=found, work=work, position=max(number, 0))
        except ValidationError:
            continue


def _save_existing(existing: Work, *, meta: WorkMeta, chapters: list[ChapterText],
                   user: User, options: ImportOptions, name: str) -> ImportResult:
    """Skip or update (options.on_duplicate) the importer's work imported before."""
    if options.on_duplicate != "update":
        return ImportResult(name=name, status="skipped", work=existing,
                            reason=f"already imported as /works/{existing.pk}")
    try:
        work = work_replace(user=user, work=existing, meta=meta, chapters=chapters,
                            invite=options.invite_co_creators)
    except ValidationError as exc:
        raise ImportFailed(_one_line(exc)) from exc
    return ImportResult(name=name, status="updated", work=work)


def save_parsed(parsed: ParsedWork, *, user: User, options: ImportOptions,
                source_hash: str, name: str) -> ImportResult:
    """Create the work a parsed file describes, or skip or update the one imported before
    (options.on_duplicate); ImportFailed with a one-line reason if it can't be saved."""
    meta, chapters = _work_from_parsed(parsed, user=user, options=options,
                                       source_hash=source_hash)
    existing = find_duplicate(user=user, source_url=meta.source_url,
                              source_hash=source_hash)
    if existing is not None:
        result = _save_existing(existing, meta=meta, chapters=chapters, user=user,
                                options=options, name=name)
        if result.status == "updated" and result.work is not None:
            place_in_series(result.work, parsed.series, user=user, options=options)
        return result
    try:
        work = work_create(user=user, meta=meta, chapters=chapters, post=not options.draft,
                           invite=options.invite_co_creators)
    except ValidationError as exc:
        raise ImportFailed(_one_line(exc)) from exc
    place_in_series(work, parsed.series, user=user, options=options)
    return ImportResult(name=name, status="created", work=work)


def _stories(data: bytes, *, filename: str) -> Iterator[tuple[str, bytes]]:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise ImportFailed("the file is empty")
    if detect_format(data) == "zip":
        for member, member_data in iter_zip_texts(data, filename=filename):
            yield f"{filename}:{member}", member_data
    else:
        yield filename, data


def works_import(*, data: bytes, filename: str, user: User,
                 options: ImportOptions) -> Iterator[ImportResult]:
    """Import one file: one result for a story file, one per story for a zip of stories.
    A story that fails creates nothing and never stops the others (works_import_files)."""
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValueError(f"on_duplicate must be one of {ON_DUPLICATE}")
    [results] = works_import_files(files=[(filename, data)], user=user, options=options)
    yield from results


@dataclass
class _Story:
    """A story read from a file, waiting in a chunk of a batch."""

    results: list[ImportResult]  # its file's results
    position: int  # its place there
    name: str
    meta: WorkMeta
    chapters: list[ChapterText]
    series: list[tuple[str, int]] = field(default_factory=list)  # (title, part number)

    @property
    def sources(self) -> set[str]:
        return {self.meta.source_url, self.meta.source_hash} - {""}


OWN_DOWNLOAD = "this file is a download of a work on this archive, so it was not copied"


# Stories parsed, checked for duplicates and written together, in one transaction: bounds
# the memory a batch (or a zip of many stories) holds at once and how long one save holds
# the database's write lock.
CHUNK_STORIES = 50
CHUNK_BYTES = 8 * 1024 * 1024


def works_import_files(*, files: Iterable[tuple[str, bytes]], user: User,
                       options: ImportOptions) -> list[list[ImportResult]]:
    """Import several files (name, content): for each file, one result per story (a zip
    holds several).

    Files are read, parsed, validated and sanitized outside any transaction; only saving
    holds the database's write lock, a chunk of stories (CHUNK_STORIES, CHUNK_BYTES) per
    transaction. So other people's writes never wait on a parse, and a crash part way
    leaves the chunks that committed, whole works each, and nothing of the rest: importing
    the same files again skips what is there (find_duplicate) and completes. Every story
    is validated on its own by the works services (works_create); the new works of a chunk
    are written together, a few statements for many works. A story that fails creates
    nothing (not even its tags) and never stops the others; a work of the importer's
    imported before is skipped or updated as `options.on_duplicate` says.
    """
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValueError(f"on_duplicate must be one of {ON_DUPLICATE}")
    results: list[list[ImportResult]] = []
    chunk: list[_Story] = []
    size = 0
    for filename, data in files:
        found: list[ImportResult] = []
        results.append(found)
        try:
            for name, story in _stories(data, filename=filename):
                read = _read_story(story, name=name, user=user, options=options,
                                   results=found)
                if read is None:
                    continue
                chunk.append(read)
                size += len(story)
                if len(chunk) >= CHUNK_STORIES or size >= CHUNK_BYTES:
                    _save_chunk_or_each(chunk, user=user, options=options)
                    chunk, size = [], 0
        except ImportFailed as exc:
            found.append(ImportResult(name=filename, status="failed", reason=str(exc),
                                      field=exc.field))
    _save_chunk_or_each(chunk, user=user, options=options)
    return results


def _read_story(story: bytes, *, name: str, user: User, options: ImportOptions,
                results: list[ImportResult]) -> _Story | None:
    """Parse, validate and sanitize one story (no transaction, no writes); a failure is
    added to `results` (and None returned), a story to save holds a placeholder there."""
    try:
        copy_of = None if options.allow_copy else own_download_of(story)
        if copy_of is not None:
            results.append(ImportResult(name=name, status="failed", reason=OWN_DOWNLOAD,
                                        copy_of=copy_of))
            return None
        parsed = parse_file(story, filename=name.rsplit(":", 1)[-1], options=options)
        meta, chapters = _work_from_parsed(parsed, user=user, options=options,
                                           source_hash=hashlib.sha256(story).hexdigest())
        # The chapters' sanitized HTML and word counts, worked out before the transaction.
        chapters = chapters_prepare(chapters)
    except ImportFailed as exc:
        results.append(ImportResult(name=name, status="failed", reason=str(exc),
                                    field=exc.field))
        return None
    except Exception as exc:  # a file that breaks a parser must never stop the others
        logger.warning("importing %s failed", name, exc_info=True)
        results.append(ImportResult(name=name, status="failed", reason=_unexpected(exc)))
        return None
    results.append(ImportResult(name=name, status="failed"))  # until it is saved
    return _Story(results, len(results) - 1, name, meta, chapters, list(parsed.series))


def _unexpected(exc: Exception) -> str:
    return f"unexpected problem ({type(exc).__name__}); nothing was created for it"


def _save_chunk_or_each(chunk: list[_Story], *, user: User, options: ImportOptions) -> None:
    """Save a chunk in one transaction; when something unexpected breaks it, save its
    stories one by one so that only the broken one fails (and says so)."""
    try:
        _save_chunk(chunk, user=user, options=options)
    except Exception as exc:
        if len(chunk) > 1:
            for story in chunk:
                _save_chunk_or_each([story], user=user, options=options)
            return
        logger.warning("saving %s failed", chunk[0].name, exc_info=True)
        story = chunk[0]
        story.results[story.position] = ImportResult(name=story.name, status="failed",
                                                     reason=_unexpected(exc))


@transaction.atomic
def _save_chunk(chunk: list[_Story], *, user: User, options: ImportOptions) -> None:
    """Save a chunk of stories in order: new works together, works imported before skipped
    or updated; each story's result replaces its placeholder."""
    if not chunk:
        return
    urls = {s.meta.source_url for s in chunk} - {""}
    hashes = {s.meta.source_hash for s in chunk} - {""}
    # One query tells which stories may have been imported before; only those are looked up.
    taken: set[str] = set()
    for url, digest in works_editable_by(user).filter(
            Q(source_url__in=urls) | Q(source_hash__in=hashes)).values_list("source_url",
                                                                            "source_hash"):
        taken |= {url} & urls | {digest} & hashes
    pending: list[_Story] = []
    seen: set[str] = set()  # sources of this chunk's stories so far

    def create_pending() -> None:
        created = works_create(user=user, works=[
            NewWork(s.meta, s.chapters, not options.draft) for s in pending],
            invite=options.invite_co_creators)
        for story, outcome in zip(pending, created, strict=True):
            story.results[story.position] = (
                ImportResult(name=story.name, status="created", work=outcome)
                if isinstance(outcome, Work) else
                ImportResult(name=story.name, status="failed", reason=_one_line(outcome)))
            if isinstance(outcome, Work):
                place_in_series(outcome, story.series, user=user, options=options)
        pending.clear()

    for story in chunk:
        existing = None
        if story.sources & seen:  # the same story twice in this chunk: save the first
            create_pending()
        if story.sources & (seen | taken):
            existing = find_duplicate(user=user, source_url=story.meta.source_url,
                                      source_hash=story.meta.source_hash)
        seen |= story.sources
        if existing is None:
            pending.append(story)
            continue
        try:
            result = _save_existing(existing, meta=story.meta, chapters=story.chapters,
                                    user=user, options=options, name=story.name)
        except ImportFailed as exc:
            result = ImportResult(name=story.name, status="failed", reason=str(exc),
                                  field=exc.field)
        if result.status == "updated" and result.work is not None:
            place_in_series(result.work, story.series, user=user, options=options)
        story.results[story.position] = result
    if pending:
        create_pending()
