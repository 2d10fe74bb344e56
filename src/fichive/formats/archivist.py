"""Importing works for authors who aren't on the archive (AO3's archivist API, api/archivist.py):
chapters fetched from their old addresses (lib/fetch.py) or sent inline, read by the HTML
importer, and saved through the works services as the file importer saves them, credited to
an unclaimed account made for the external author's email address, which its owner claims by
email like an eFiction archive's authors (accounts.services claim_request, /claim).

One account per external author email (ImportedAuthor with source "mailto:<email>"), a pseud
on it for each name the author came under. A work is found rather than imported again when a
work imported this way (or one the archivist can see) came from the same original URL (its
first chapter's)."""

from __future__ import annotations

import codecs
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from fichive.accounts.models import PSEUD_VALIDATOR, Pseud, User
from fichive.accounts.services import claim_request, pseud_create, user_create_unclaimed
from fichive.formats.errors import ImportFailed
from fichive.formats.importers.ao3 import is_ao3_html, parse_ao3_html
from fichive.formats.importers.base import ParsedChapter, ParsedWork
from fichive.formats.importers.html import decode_html, parse_html
from fichive.formats.importers.text import chapter_heading_title, parse_text
from fichive.formats.models import ImportedAuthor
from fichive.formats.services import ImportOptions
from fichive.formats.services import _work_from_parsed as work_from_parsed  # same app
from fichive.lib.fetch import HTML_TYPES, TEXT_TYPES, FetchRefused, Page, fetch
from fichive.tags.models import tag_key
from fichive.works.languages import language_code
from fichive.works.models import Work
from fichive.works.selectors import works_visible_to
from fichive.works.services import ChapterText, chapters_prepare, work_create

logger = logging.getLogger("fichive.import")

# A request holds fewer works than this, a work fewer chapters (AO3's limits for archivists).
MAX_WORKS = 200
MAX_CHAPTERS = 200
URL_MAX = 500  # the longest original URL a work keeps (Work.source_url)
SOURCE_PREFIX = "mailto:"
# Statuses of a work's answer that mean it is on the archive.
SUCCESS = ("ok", "created", "found")
# AO3's older names of archive warnings, as old tools still send them.
WARNING_ALIASES = {
    tag_key("Choose Not To Use Archive Warnings"): "Creator Chose Not To Use Archive Warnings",
    tag_key("Choose Not To Warn"): "Creator Chose Not To Use Archive Warnings",
    tag_key("None Of These Warnings Apply"): "No Archive Warnings Apply",
    tag_key("Underage"): "Underage Sex",
}


@dataclass
class ExternalChapter:
    """A chapter sent inline (this archive's extension of AO3's request): HTML."""

    content: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""


@dataclass
class ExternalWork:
    """One work of an archivist's request, as AO3's tools send it."""

    original_id: Any = ""
    chapter_urls: list[str] = field(default_factory=list)
    chapters: list[ExternalChapter] = field(default_factory=list)
    title: str = ""
    fandoms: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    rating: str = ""
    relationships: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    additional_tags: list[str] = field(default_factory=list)
    language_code: str = ""
    summary: str = ""
    notes: str = ""
    encoding: str = ""
    restricted: bool = False
    post_without_preview: bool = True
    override_tags: bool = True
    detect_tags: bool = True
    collection_names: list[str] = field(default_factory=list)
    external_author_name: str = ""
    external_author_email: str = ""
    external_coauthor_name: str = ""
    external_coauthor_email: str = ""


@dataclass
class Outcome:
    """What became of one work: AO3's status (created, found, or an error such as
    empty_request, too_many_requests, unprocessable_entity) and messages."""

    status: str
    original_id: Any = ""
    original_url: str = ""
    messages: list[str] = field(default_factory=list)
    work: Work | None = None
    emails: list[tuple[str, str]] = field(default_factory=list)  # (name, email) credited

    @property
    def ok(self) -> bool:
        return self.status in SUCCESS


def _source(email: str) -> str:
    source = SOURCE_PREFIX + email.casefold()
    if len(source) > 200:  # ImportedAuthor.source's length
        source = SOURCE_PREFIX + "sha256:" + hashlib.sha256(email.casefold().encode()).hexdigest()
    return source


def _name_default_pseud(user: User, name: str) -> None:
    """A new account's default pseud takes the author's name as they wrote it ("Moonlit
    Quill" where the user name had to be Moonlit_Quill), when it is a valid pseud name."""
    pseud = user.default_pseud
    if not name or name == pseud.name or len(name) > 40:
        return
    try:
        PSEUD_VALIDATOR(name)
    except ValidationError:
        return
    pseud.name = name
    pseud.save(update_fields=["name"])


def external_author_pseud(*, name: str, email: str) -> Pseud:
    """The pseud to credit for an external author: on the account made for `email` (made
    now, unclaimed, the first time), the pseud named `name` (made if the account has none
    of that name and it is a valid pseud name; else the account's default pseud)."""
    name = " ".join((name or "").split())
    source = _source(email)
    found = ImportedAuthor.objects.filter(source=source, source_id=0).select_related(
        "user").first()
    if found is not None:
        user = found.user
    else:
        local = email.split("@", 1)[0]
        try:
            with transaction.atomic():
                user = user_create_unclaimed(penname=name or local, email=email,
                                             fallback="author")
                ImportedAuthor.objects.create(source=source, source_id=0, user=user)
                _name_default_pseud(user, name)
        except IntegrityError:  # made at the same moment by another request
            user = ImportedAuthor.objects.get(source=source, source_id=0).user
    if not name:
        return user.default_pseud
    pseud = user.pseuds.filter(name__iexact=name).first()
    if pseud is not None:
        return pseud
    try:
        with transaction.atomic():
            return pseud_create(user=user, name=name)
    except ValidationError:
        return user.default_pseud


def archivist_imported(works: QuerySet[Work]) -> QuerySet[Work]:
    """Those of `works` credited to an account made for an external author."""
    accounts = ImportedAuthor.objects.filter(source__startswith=SOURCE_PREFIX).values("user_id")
    return works.filter(creatorships__pseud__user__in=accounts)


def works_imported_from(url: str, *, viewer: User) -> list[Work]:
    """The works that came from `url` as far as an archivist may know: those imported for
    external authors (whatever their state: they stand for the URL's story), and others the
    archivist can see (a story its author posted here themselves). Oldest first."""
    url = (url or "").strip()
    if not url or "\x00" in url or len(url) > URL_MAX:  # no work keeps such a URL
        return []
    candidates = Work.objects.filter(source_url=url)
    ids = set(archivist_imported(candidates).values_list("pk", flat=True))
    ids |= set(works_visible_to(viewer).filter(source_url=url).values_list("pk", flat=True))
    return list(Work.objects.filter(pk__in=ids).order_by("created_at", "pk"))


def _names(values: list[str]) -> list[str]:
    return list(dict.fromkeys(" ".join(v.split()) for v in values if v and v.strip()))


def _decoded(page: Page, encoding: str) -> bytes:
    """The page's text as UTF-8: decoded by the request's `encoding`, else the charset the
    server named, else as the HTML importer reads files (BOM, <meta charset>, UTF-8 or
    Windows-1252)."""
    for name, strict in [(encoding, False), (page.charset, True)]:
        if not name:
            continue
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            if strict:
                continue
            raise ImportFailed(f"“{name[:40]}” is not an encoding this archive knows") from None
        try:
            return page.body.decode(codec, errors="strict" if strict else "replace").encode()
        except UnicodeDecodeError:
            continue  # the server's charset was wrong: read it as a file
    return decode_html(page.body).encode()


def _read_page(page: Page, *, encoding: str) -> ParsedWork:
    data = _decoded(page, encoding)
    if page.content_type in TEXT_TYPES:
        return parse_text(data, filename="")
    if is_ao3_html(data):
        return parse_ao3_html(data, filename="")
    return parse_html(data, filename="")


def _untitled(title: str) -> str:
    return "" if title in ("", "Untitled") else title


def _fetch_pages(item: ExternalWork) -> list[ParsedWork]:
    pages = []
    for number, url in enumerate(item.chapter_urls, start=1):
        where = f"Chapter {number} ({url[:200]})"
        try:
            page = fetch(url, accept=(*HTML_TYPES, *TEXT_TYPES))
            pages.append(_read_page(page, encoding=item.encoding))
        except FetchRefused as exc:
            raise ImportFailed(f"{where} couldn't be fetched: {exc.reason}.") from exc
        except ImportFailed as exc:
            raise ImportFailed(f"{where} couldn't be read: {exc.reason}.") from exc
    return pages


def _merged(pages: list[ParsedWork], item: ExternalWork) -> ParsedWork:
    """One work of the chapter pages and the request's fields: the request's title, summary,
    notes and tags; what the first page says fills in what the request leaves out (with
    detect_tags), or wins over it (override_tags false)."""
    first = pages[0]
    title = " ".join(item.title.split()) or _untitled(first.title) or "Untitled"
    chapters: list[ParsedChapter] = []
    for number, page in enumerate(pages, start=1):
        page_title = _untitled(page.title)
        for index, chapter in enumerate(page.chapters):
            if index == 0:
                if not chapter.title and page_title and tag_key(page_title) != tag_key(title):
                    heading = chapter_heading_title(page_title)  # "Chapter 2: Tides"
                    chapter.title = page_title if heading is None else heading
                # A page's own notes: the work's on the first page (unless the request gives
                # notes), the chapter's on the others.
                if number > 1 or item.notes:
                    chapter.notes = "\n".join(n for n in (page.notes, chapter.notes) if n)
                    chapter.end_notes = "\n".join(
                        n for n in (chapter.end_notes, page.end_notes) if n)
                if number > 1 and page.summary and not chapter.summary:
                    chapter.summary = page.summary
            chapters.append(chapter)
    if len(chapters) >= MAX_CHAPTERS:
        raise ImportFailed(f"the pages hold {len(chapters)} chapters; a work can have at most "
                           f"{MAX_CHAPTERS - 1}")

    def pick(given: list[str], found: list[str]) -> list[str]:
        given, found = _names(given), _names(found) if item.detect_tags else []
        if item.override_tags:
            return given or found
        return found or given

    warnings = [WARNING_ALIASES.get(tag_key(w), w) for w in pick(item.warnings, first.warnings)]
    rating = pick([item.rating] if item.rating else [], [first.rating] if first.rating else [])
    detected = item.detect_tags
    return ParsedWork(
        title=title,
        chapters=chapters,
        summary=item.summary or (first.summary if detected else ""),
        notes=item.notes or first.notes,
        end_notes="" if item.notes else first.end_notes,
        rating=rating[0] if rating else "",
        warnings=warnings,
        categories=pick(item.categories, first.categories),
        fandoms=pick(item.fandoms, first.fandoms),
        relationships=pick(item.relationships, first.relationships),
        characters=pick(item.characters, first.characters),
        freeforms=pick(item.additional_tags, first.freeforms),
        language=item.language_code or (first.language if detected else ""),
        published=first.published if detected else None,
        updated=first.updated if detected else None,
        expected_chapters=first.expected_chapters if detected else None,
        complete=first.complete if detected else None,
    )


def _inline(item: ExternalWork) -> list[ParsedWork]:
    return [ParsedWork(title="", chapters=[ParsedChapter(
        html=c.content, title=c.title, summary=c.summary, notes=c.notes,
        end_notes=c.end_notes)]) for c in item.chapters]


def _email_ok(email: str) -> bool:
    if len(email) > 254:  # User.email's length
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _request_errors(item: ExternalWork) -> Outcome | None:
    """AO3's checks of a work before anything is fetched."""
    outcome = Outcome("", original_id=item.original_id,
                      original_url=item.chapter_urls[0] if item.chapter_urls else "")
    count = len(item.chapters) or len(item.chapter_urls)
    if not count:
        outcome.status = "empty_request"
        outcome.messages.append("This work has no chapter URLs (nor chapters sent inline): "
                                "works are imported from their chapters' public addresses.")
    elif count >= MAX_CHAPTERS:
        outcome.status = "too_many_requests"
        outcome.messages.append(f"This work has {count} chapters; a work can have at most "
                                f"{MAX_CHAPTERS - 1}.")
    elif any(len(url) > URL_MAX for url in item.chapter_urls[:1]):
        outcome.status = "unprocessable_entity"
        outcome.messages.append(f"The first chapter URL is longer than {URL_MAX} characters.")
    elif not _email_ok(item.external_author_email.strip()):
        outcome.status = "unprocessable_entity"
        outcome.messages.append("external_author_email: give the author's email address; "
                                "they claim their works with it.")
    elif item.external_coauthor_email.strip() and not _email_ok(
            item.external_coauthor_email.strip()):
        outcome.status = "unprocessable_entity"
        outcome.messages.append("external_coauthor_email is not a valid email address.")
    else:
        return None
    return outcome


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def _credited(item: ExternalWork) -> list[tuple[str, str]]:
    authors = [(item.external_author_name, item.external_author_email.strip())]
    if item.external_coauthor_email.strip():
        authors.append((item.external_coauthor_name, item.external_coauthor_email.strip()))
    return authors


def archivist_import(*, archivist: User, item: ExternalWork,
                     link: Callable[[Work], str]) -> Outcome:
    """Import one work of an archivist's request: checked, found if it came in before,
    else its chapters fetched (or taken inline) and read outside any transaction, then the
    external author's account (and co-author's) and the work saved together: a work that
    fails leaves nothing behind, not even the account. `link(work)` is its absolute URL."""
    refused = _request_errors(item)
    if refused is not None:
        return refused
    outcome = Outcome("", original_id=item.original_id,
                      original_url=item.chapter_urls[0] if item.chapter_urls else "",
                      emails=_credited(item))
    if item.collection_names:
        outcome.messages.append("This archive has no collections: collection_names was "
                                "left out.")
    existing = works_imported_from(outcome.original_url, viewer=archivist)
    if existing:
        outcome.status, outcome.work = "found", existing[0]
        outcome.messages.append(f"A work was imported from {outcome.original_url} before: "
                                f"{link(existing[0])}")
        return outcome
    try:
        pages = _inline(item) if item.chapters else _fetch_pages(item)
        parsed = _merged(pages, item)
        parsed.source_url = outcome.original_url
        lang = parsed.language
        parsed.language = (language_code(lang) or "") if lang else ""
        if lang and not parsed.language:
            raise ImportFailed(f"language_code: “{lang[:20]}” is not a language this "
                               "archive knows.")
        # Sanitized and counted before the transaction, as the file importer does: the
        # write lock is held only to save.
        prepared = chapters_prepare([
            ChapterText(content=c.html, title=c.title, summary=c.summary, notes=c.notes,
                        end_notes=c.end_notes, fmt="html") for c in parsed.chapters])
        with transaction.atomic():
            pseuds = [external_author_pseud(name=name, email=email)
                      for name, email in outcome.emails]
            options = ImportOptions(pseud=pseuds[0], co_creators=pseuds[1:],
                                    invite_co_creators=False, restricted=item.restricted,
                                    draft=not item.post_without_preview)
            meta, _chapters = work_from_parsed(parsed, user=pseuds[0].user, options=options,
                                               source_hash="")
            work = work_create(user=pseuds[0].user, meta=meta, chapters=prepared,
                               post=item.post_without_preview, invite=False)
    except ValidationError as exc:
        outcome.status = "unprocessable_entity"
        outcome.messages.append("This work wasn't imported: " + " ".join(
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in _error_dict(exc).items() for message in messages))
        return outcome
    except ImportFailed as exc:
        outcome.status = "unprocessable_entity"
        outcome.messages.append(f"This work wasn't imported: {exc.reason}")
        return outcome
    except Exception as exc:  # one broken work must never stop the batch
        logger.warning("archivist import of %s failed", outcome.original_url, exc_info=True)
        outcome.status = "unprocessable_entity"
        outcome.messages.append(f"This work wasn't imported: an unexpected problem "
                                f"({type(exc).__name__}); nothing was created for it.")
        return outcome
    outcome.status, outcome.work = "created", work
    outcome.messages.append(f"Created the work “{work.title}”: {link(work)}")
    return outcome


def claim_emails_send(*, archivist: User, outcomes: list[Outcome],
                      link_for: Callable[[str], str], link: Callable[[Work], str]
                      ) -> tuple[list[str], list[str]]:
    """Mail each external author of the imported works (once per address) the links to
    claim their account, naming their works; returns the names (or addresses) mailed, and
    those whose mail couldn't be sent. Accounts claimed already get no mail."""
    by_email: dict[str, tuple[str, list[Work]]] = {}
    for outcome in outcomes:
        if not outcome.ok or outcome.work is None:
            continue
        for name, email in outcome.emails:
            key = email.casefold()
            shown, works = by_email.setdefault(key, (name or email, []))
            if outcome.work not in works:
                works.append(outcome.work)
    notified, failed = [], []
    for email, (shown, works) in by_email.items():
        try:
            sent = claim_request(
                email=email, link_for=link_for, template="formats/archivist_claim_email.txt",
                subject="Your works were imported to Fichive: claim them",
                context={"archivist": archivist.username,
                         "works": [(w.title, link(w)) for w in works]})
        except Exception:  # the mail server: the works are in, the mail can be asked for
            logger.warning("claim mail for an archivist import failed", exc_info=True)
            failed.append(shown)
            continue
        if sent:
            notified.append(shown)
    return notified, failed
