"""Importing files as works: detect the format, parse, and post through the works services.

Each file becomes one work in its own transaction; a file that fails creates nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from fichive.accounts.models import Pseud, User
from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedWork
from fichive.formats.importers.text import MAX_TEXT_BYTES, parse_text
from fichive.tags.models import DEFAULT_RATING, DEFAULT_WARNING
from fichive.works.languages import language_code
from fichive.works.models import Work
from fichive.works.services import ChapterText, WorkMeta, work_create

MAX_IMPORT_BYTES = MAX_TEXT_BYTES


@dataclass
class ImportOptions:
    """What the person importing says about the files, overriding what the files say."""

    title: str | None = None
    fandoms: list[str] = field(default_factory=list)
    rating: str | None = None
    restricted: bool = False
    draft: bool = False
    pseud: Pseud | None = None


def detect_format(data: bytes) -> str:
    """The file's format from its content: only plain text is importable for now."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith(b"PK\x03\x04"):
        raise ImportFailed("EPUB and zip files can't be imported yet; save the story as .txt")
    if data.startswith(b"%PDF"):
        raise ImportFailed("PDF files can't be imported; save the story as .txt")
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")):
        raise ImportFailed("HTML files can't be imported yet; save the story as .txt")
    return "text"


def _meta_from_parsed(parsed: ParsedWork, *, user: User, options: ImportOptions,
                      source_hash: str) -> WorkMeta:
    pseud = options.pseud or user.default_pseud
    fandoms = list(dict.fromkeys([*parsed.fandoms, *options.fandoms]))
    return WorkMeta(
        title=options.title or parsed.title,
        creators=[pseud],
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
        fmt="html",
    )


def _one_line(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        messages = [m for msgs in exc.message_dict.values() for m in msgs]
    else:
        messages = exc.messages
    return " ".join(messages)


def work_import(*, data: bytes, filename: str, user: User, options: ImportOptions) -> Work:
    """Turn one file into one work, or raise ImportFailed with a one-line reason."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    detect_format(data)
    parsed = parse_text(data, filename=filename, title=options.title)
    meta = _meta_from_parsed(parsed, user=user, options=options,
                             source_hash=hashlib.sha256(data).hexdigest())
    if not meta.fandoms:
        raise ImportFailed("a work needs at least one fandom: give one (--fandom on the "
                           "command line)")
    chapters = [
        ChapterText(content=c.html, title=c.title, summary=c.summary, notes=c.notes,
                    end_notes=c.end_notes, fmt="html")
        for c in parsed.chapters
    ]
    try:
        return work_create(user=user, meta=meta, chapters=chapters, post=not options.draft)
    except ValidationError as exc:
        raise ImportFailed(_one_line(exc)) from exc
