"""Writes of bookmarks: making, changing and deleting them (of works, of series, and of the
external works they may point at), with the work's public bookmark count kept equal to its
public bookmarks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F

from fichive.accounts.models import Pseud, User
from fichive.accounts.services import ensure_may_post
from fichive.bookmarks.models import (
    BOOKMARK_TAGS_MAX,
    EXTERNAL_CREATOR_MAX,
    EXTERNAL_SUMMARY_MAX,
    EXTERNAL_TITLE_MAX,
    NOTES_MAX,
    URL_MAX,
    Bookmark,
    ExternalWork,
)
from fichive.lib import sanitize
from fichive.lib.cache import content_changed
from fichive.lib.text import one_line
from fichive.series.models import Series
from fichive.stats.services import work_stat_add
from fichive.tags.models import RATINGS, Tag, tag_key
from fichive.tags.services import tag_validate_name, tags_find_or_create_by_type
from fichive.works.models import Work

# Notes and external summaries: the archive's allowlist without images and without classes
# (as for comments), cleaned after the usual pipeline has made paragraphs of the text.
_NOTE_TAGS = sanitize.ALLOWED_TAGS - {"img"}
_NOTE_CLEANER = nh3.Cleaner(
    tags=set(_NOTE_TAGS),
    clean_content_tags=set(sanitize.DROPPED_WITH_CONTENT),
    attributes={"*": set(sanitize.GLOBAL_ATTRIBUTES)} | {
        tag: set(attrs) for tag, attrs in sanitize.TAG_ATTRIBUTES.items() if tag in _NOTE_TAGS},
    url_schemes={"http", "https", "mailto", "ftp"},
    link_rel=sanitize.LINK_REL,
    strip_comments=True,
)
_EMPTY_PARAGRAPH = re.compile(r"\n?<p>\s*</p>")
_URL = URLValidator(schemes=["http", "https"],
                    message="Give the story's web address, starting with http:// or https://.")


@dataclass
class BookmarkData:
    """What a bookmarker says about what they keep."""

    notes: str = ""
    tags: list[str] = field(default_factory=list)  # names as typed
    rec: bool = False
    private: bool = False


@dataclass
class ExternalWorkData:
    title: str = ""
    creator: str = ""
    url: str = ""
    summary: str = ""
    fandoms: list[str] = field(default_factory=list)
    rating: str = ""


def clean_notes(value: str, *, limit: int = NOTES_MAX, label: str = "Notes") -> str:
    """Sanitized HTML of what was typed; the limit counts what was typed, as AO3 does."""
    typed = (value or "").replace("\r\n", "\n").strip()
    if len(typed) > limit:
        raise ValidationError(
            f"{label} are {len(typed):,} characters long; the most is {limit:,}.",
            code="too_long")
    if not typed:
        return ""
    html = sanitize.userstuff_from_input(typed, fmt="html", allow_classes=False)
    # (an image alone in its paragraph leaves the paragraph empty)
    return _EMPTY_PARAGRAPH.sub("", str(_NOTE_CLEANER.clean(html))).strip()


def notes_clean_stored(html: str) -> str:
    """Stored notes or an external work's summary cleaned again with today's allowlist (for
    `fichive resanitize`; what `clean_notes` stored comes out unchanged)."""
    cleaned = sanitize.sanitize_html(html, allow_classes=False)
    return _EMPTY_PARAGRAPH.sub("", str(_NOTE_CLEANER.clean(cleaned))).strip()


def _bookmarker_tags(names: Iterable[str]) -> list[Tag]:
    """The bookmarker's tags: an existing tag of any type by that name (a synonym stays
    itself, as on works), otherwise a new additional tag."""
    valid: dict[str, str] = {}
    errors: list[str] = []
    for raw in names:
        try:
            name = tag_validate_name(raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            valid.setdefault(tag_key(name), name)
    if len(valid) > BOOKMARK_TAGS_MAX:
        errors.append(f"Give at most {BOOKMARK_TAGS_MAX} tags; this has {len(valid)}.")
    if errors:
        raise ValidationError({"tags": errors})
    found = {t.key: t for t in Tag.objects.filter(key__in=list(valid))}
    missing = [name for key, name in valid.items() if key not in found]
    if missing:
        made, problems = tags_find_or_create_by_type(wanted={Tag.Type.FREEFORM: missing})
        if problems:  # (only a name taken meanwhile by another type)
            raise ValidationError({"tags": [m for ms in problems.values() for m in ms]})
        found.update((t.key, t) for t in made[Tag.Type.FREEFORM])
    return [found[key] for key in valid if key in found]


def _require_own_pseud(user: User, pseud: Pseud) -> None:
    if pseud.user_id != user.pk:
        raise ValidationError({"pseud": ["Choose one of your own pseuds."]})


def _count(work_id: int | None, delta: int) -> None:
    """Move a work's public bookmark count by delta (and its daily stats), in the caller's
    transaction, and retire the work's cached pages (its stats show the count)."""
    if work_id is None or delta == 0:
        return
    Work.objects.filter(pk=work_id).update(bookmarks_count=F("bookmarks_count") + delta)
    work_stat_add(work_id=work_id, bookmarks=delta)
    content_changed(work_ids=[work_id], listings=False)


def _insert(*, user: User, pseud: Pseud, data: BookmarkData, work: Work | None = None,
            external_work: ExternalWork | None = None,
            series: Series | None = None) -> Bookmark:
    _require_own_pseud(user, pseud)
    notes = _clean_field("notes", lambda: clean_notes(data.notes))
    tags = _bookmarker_tags(data.tags)
    try:
        with transaction.atomic():
            bookmark = Bookmark.objects.create(
                pseud=pseud, user=user, work=work, external_work=external_work,
                series=series, notes=notes, rec=data.rec, private=data.private)
    except IntegrityError:
        raise ValidationError("You have already bookmarked this; edit that bookmark instead.",
                              code="duplicate") from None
    bookmark.tags.set(tags)
    if work is not None and not data.private:
        _count(work.pk, +1)
    return bookmark


def _clean_field(name: str, clean: Callable[[], str]) -> str:
    try:
        return clean()
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


@transaction.atomic
def bookmark_create(*, user: User, work: Work, pseud: Pseud, data: BookmarkData) -> Bookmark:
    """Bookmark a posted work the user may see (the caller read it through works.selectors)."""
    ensure_may_post(user)
    if work.state != Work.State.POSTED:
        raise ValidationError("Only posted works can be bookmarked.", code="draft")
    return _insert(user=user, pseud=pseud, data=data, work=work)


@transaction.atomic
def series_bookmark_create(*, user: User, series: Series, pseud: Pseud,
                           data: BookmarkData) -> Bookmark:
    """Bookmark a series the user may see (the caller read it through series.selectors,
    which asks works.selectors for its works)."""
    ensure_may_post(user)
    return _insert(user=user, pseud=pseud, data=data, series=series)


@transaction.atomic
def bookmark_update(*, user: User, bookmark: Bookmark, pseud: Pseud,
                    data: BookmarkData) -> Bookmark:
    ensure_may_post(user)
    if bookmark.user_id != user.pk:
        raise PermissionDenied("Only the bookmarker can change a bookmark.")
    _require_own_pseud(user, pseud)
    notes = _clean_field("notes", lambda: clean_notes(data.notes))
    tags = _bookmarker_tags(data.tags)
    # Flip the flag only where it differs: of two edits at once, one changes the row and
    # moves the count; the other finds nothing to flip.
    flipped = Bookmark.objects.filter(pk=bookmark.pk, private=not data.private).update(
        private=data.private)
    bookmark.pseud, bookmark.notes = pseud, notes
    bookmark.rec, bookmark.private = data.rec, data.private
    bookmark.save(update_fields=["pseud", "notes", "rec", "updated_at"])
    bookmark.tags.set(tags)
    if flipped:
        _count(bookmark.work_id, -1 if data.private else +1)
    elif not data.private and bookmark.work_id is not None:
        # Guests' cached pages of the work's bookmarks show the notes and tags.
        content_changed(work_ids=[bookmark.work_id], listings=False)
    return bookmark


@transaction.atomic
def bookmark_delete(*, user: User, bookmark: Bookmark) -> None:
    if bookmark.user_id != user.pk and not user.can_moderate:
        raise PermissionDenied("Only the bookmarker (or a moderator) can delete a bookmark.")
    # The count follows the row (bookmark_deleted). Django sends post_delete for every row
    # it read, even one that a delete at the same moment removed meanwhile; so lock the row
    # first: only the delete that still finds it (private or public as it is now) moves it.
    current = Bookmark.objects.select_for_update().filter(pk=bookmark.pk).first()
    if current is not None:
        current.delete()


def bookmark_deleted(*, bookmark: Bookmark) -> None:
    """A bookmark row went (deleted by bookmark_delete, or with its user or work): a public
    one leaves its work's count. Runs in the deleting transaction (a post_delete receiver)."""
    if not bookmark.private:
        _count(bookmark.work_id, -1)


def _clean_external(data: ExternalWorkData) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    title = one_line(data.title)
    creator = one_line(data.creator)
    url = (data.url or "").strip()
    if not title:
        errors["title"] = ["An external work needs a title."]
    elif len(title) > EXTERNAL_TITLE_MAX:
        errors["title"] = [f"Keep the title to {EXTERNAL_TITLE_MAX} characters."]
    if not creator:
        errors["creator"] = ["Say who wrote it."]
    elif len(creator) > EXTERNAL_CREATOR_MAX:
        errors["creator"] = [f"Keep the creator to {EXTERNAL_CREATOR_MAX} characters."]
    if len(url) > URL_MAX:
        errors["url"] = [f"Keep the address to {URL_MAX} characters."]
    else:
        try:
            _URL(url)
        except ValidationError as exc:
            errors["url"] = exc.messages
    try:
        summary = clean_notes(data.summary, limit=EXTERNAL_SUMMARY_MAX, label="Summaries")
    except ValidationError as exc:
        errors["summary"] = exc.messages
        summary = ""
    if data.rating and data.rating not in RATINGS:
        errors["rating"] = [f"“{data.rating}” is not a rating."]
    tags: list[Tag] = []
    wanted: dict[str, list[str]] = {Tag.Type.FANDOM: data.fandoms,
                                    Tag.Type.RATING: [data.rating] if data.rating else []}
    if not errors:
        found, problems = tags_find_or_create_by_type(wanted=wanted)
        for name, messages in problems.items():
            errors.setdefault(name, []).extend(messages)
        tags = [t for group in found.values() for t in group]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "creator": creator, "url": url, "summary": summary, "tags": tags}


@transaction.atomic
def external_work_bookmark_create(*, user: User, external: ExternalWorkData, pseud: Pseud,
                                  data: BookmarkData) -> Bookmark:
    """Bookmark a story hosted elsewhere; a second bookmark of the same address (by anyone)
    shares its external work, whose details stay as the first bookmarker gave them."""
    ensure_may_post(user)
    _require_own_pseud(user, pseud)
    cleaned = _clean_external(external)
    tags = cleaned.pop("tags")
    work = ExternalWork.objects.filter(url=cleaned["url"]).first()
    if work is None:
        try:
            with transaction.atomic():
                work = ExternalWork.objects.create(created_by=user, **cleaned)
        except IntegrityError:  # made meanwhile by someone else
            work = ExternalWork.objects.get(url=cleaned["url"])
        else:
            work.tags.set(tags)  # type: ignore[arg-type]
    return _insert(user=user, pseud=pseud, data=data, external_work=work)
