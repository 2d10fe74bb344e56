"""Writes to works and chapters: posting, editing, reordering and deleting.

Every surface (forms, importers, API, CLI, demo loader) calls these functions, so validation,
sanitizing, word counts and dates happen in one place.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F, Sum
from django.dispatch import Signal
from django.utils import timezone

from fichive.accounts.models import Pseud, User
from fichive.accounts.requests import Viewer
from fichive.accounts.services import ORPHAN_ACCOUNT, ensure_may_post, orphan_pseud
from fichive.blocking.models import Block
from fichive.lib.cache import content_changed
from fichive.lib.css import CSS_MAX, filter_css
from fichive.lib.sanitize import userstuff_for_counting
from fichive.lib.wordcount import count_words_in_text
from fichive.search.services import (
    NewWorkDocument,
    search_index_chapters,
    search_index_new_works,
    search_index_works,
)
from fichive.tags.models import DEFAULT_RATING, DEFAULT_WARNING, Tag, tag_key
from fichive.tags.services import tags_find_or_create_by_type
from fichive.works import signals
from fichive.works.filter_tags import (
    filter_taggings_refresh,
    filter_tags_add_new,
    filter_tags_rebuild,
)
from fichive.works.languages import LANGUAGE_NAMES
from fichive.works.models import (
    CHAPTER_MAX,
    NOTES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    USER_TAGS_MAX,
    Chapter,
    CreatorInvitation,
    Creatorship,
    FilterTagging,
    Tagging,
    Work,
)

USER_TAG_TYPES = (Tag.Type.FANDOM, Tag.Type.RELATIONSHIP, Tag.Type.CHARACTER, Tag.Type.FREEFORM)


@dataclass
class WorkMeta:
    """A work's own fields and tags, as a form, an importer or the API supplies them.

    Text fields are raw user input in `fmt` ("html" or "text"); they are sanitized here.
    """

    title: str
    creators: list[Pseud]
    fandoms: list[str]
    rating: str = DEFAULT_RATING
    warnings: list[str] = field(default_factory=lambda: [DEFAULT_WARNING])
    categories: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    language: str = "en"
    restricted: bool = False
    expected_chapters: int | None = None
    # True where a blank count means "no more chapters planned", as in the posting form: a
    # one-chapter work then is a one-shot, "1/1" and complete (AO3 stores 1 for it). Importers
    # leave it False: their blank means the source said "?", and "1/?" must stay "1/?".
    one_shot_when_blank: bool = False
    complete: bool = False
    published: datetime.date | None = None
    updated: datetime.date | None = None
    source_url: str = ""  # blank when editing keeps the work's own
    source_hash: str = ""
    # The story's creator as the source names them, for an import by someone else ("by X,
    # posted to this archive by Y"); None leaves a work's as it is.
    imported_creator: str | None = None
    fmt: str = "html"
    # Comment settings; None leaves a work's setting as it is (the default for a new work).
    comment_permission: str | None = None
    moderated_comments: bool | None = None
    # Posted anonymously (the posting form's choice); None leaves a work's setting as it is
    # (a new work is then not anonymous), so importers and the API need not know of it.
    anonymous: bool | None = None
    # The work skin as the author wrote it (CSS); it is filtered (lib/css.py) and stored
    # scoped to the work's text. None leaves a work's skin as it is (a new work has none).
    work_skin: str | None = None


# What listings sort an anonymous work's creator as (its byline reads "Anonymous").
ANONYMOUS_SORT = "anonymous"


def sort_creator_for(*, anonymous: bool, first_pseud: Pseud | None) -> str:
    """Work.sort_creator: the first creator's name, lowercased, or "anonymous"."""
    if anonymous:
        return ANONYMOUS_SORT
    return first_pseud.name.casefold()[:40] if first_pseud is not None else ""


def works_sort_creator_refresh(work_ids: Iterable[int]) -> None:
    """Recompute these works' Work.sort_creator from their bylines (after a byline or a
    pseud's name changed): the first creator's name, or "anonymous" for anonymous works."""
    for work in Work.objects.filter(pk__in=list(work_ids)):
        first = (Creatorship.objects.filter(work=work).select_related("pseud")
                 .order_by("position", "id").first())
        key = sort_creator_for(anonymous=work.anonymous,
                               first_pseud=first.pseud if first else None)
        if key != work.sort_creator:
            work.sort_creator = key
            work.save(update_fields=["sort_creator"])


@dataclass
class ChapterText:
    """One chapter's fields as raw user input in `fmt` ("html" or "text")."""

    content: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    fmt: str = "html"
    # Set only by chapters_prepare: the cleaned values, worked out before a transaction.
    prepared: dict[str, Any] | None = field(default=None, repr=False, compare=False)


def is_creator(*, user: Viewer, work: Work) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Creatorship.objects.filter(work=work, pseud__user=user).exists()


def _require_creator(*, user: User, work: Work) -> None:
    if not is_creator(user=user, work=work):
        raise PermissionDenied("Only the work's creators can change it.")


def _today() -> datetime.date:
    return timezone.now().date()


def _clean_text(value: str, *, fmt: str, limit: int, label: str, classes: bool = True) -> str:
    """Sanitized HTML of a text field; the limit counts what the person typed, as AO3 does."""
    return _clean_text_and_words(value, fmt=fmt, limit=limit, label=label, classes=classes)[0]


def _clean_text_and_words(value: str, *, fmt: str, limit: int, label: str,
                          classes: bool = True) -> tuple[str, int]:
    """_clean_text's HTML and its word count, converting it to text once for both."""
    typed = (value or "").replace("\r\n", "\n").strip()
    if len(typed) > limit:
        raise ValidationError(
            f"{label} is {len(typed):,} characters long; the most is {limit:,}.", code="too_long"
        )
    html, visible = userstuff_for_counting(typed, fmt=fmt, allow_classes=classes)
    return html, count_words_in_text(visible)


def work_skin_clean(source: str) -> str:
    """A work skin as stored: the author's CSS filtered and scoped (lib/css.py), or a
    ValidationError when it is too long to take."""
    typed = source.replace("\r\n", "\n").strip()
    if len(typed) > CSS_MAX:
        raise ValidationError(f"The work skin is {len(typed):,} characters long; the most is "
                              f"{CSS_MAX:,}.", code="too_long")
    return filter_css(typed).css


def _tag_names(meta: WorkMeta) -> dict[str, list[str]]:
    return {
        Tag.Type.RATING: [meta.rating] if meta.rating else [],
        Tag.Type.WARNING: meta.warnings,
        Tag.Type.CATEGORY: meta.categories,
        Tag.Type.FANDOM: meta.fandoms,
        Tag.Type.RELATIONSHIP: meta.relationships,
        Tag.Type.CHARACTER: meta.characters,
        Tag.Type.FREEFORM: meta.freeforms,
    }


def _safe_source_url(url: str | None) -> str:
    """Where an imported work came from, kept only as an http(s) address that fits (the work
    page links to it)."""
    url = (url or "").strip()
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("http", "https") or len(url) > 500 or any(c.isspace() for c in url):
        return ""
    return url


def _clean_meta(meta: WorkMeta, *, user: User,
                known_tags: dict[str, Tag] | None = None) -> tuple[dict, dict[str, list[Tag]]]:
    """Validate and sanitize a WorkMeta; return model fields and tags by type, or raise.
    `known_tags` is a batch's tag cache (see tags_find_or_create_by_type)."""
    errors: dict[str, list[str]] = {}

    def check(key: str, func):  # collect every error instead of stopping at the first
        try:
            return func()
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
            return None

    title = " ".join((meta.title or "").split())
    if not title:
        errors["title"] = ["A work needs a title."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"Titles are at most {TITLE_MAX} characters."]
    if not meta.creators:
        errors["creators"] = ["A work needs at least one creator."]
    elif not any(p.user_id == user.pk for p in meta.creators):
        errors["creators"] = ["You must be one of the work's creators."]
    if meta.language not in LANGUAGE_NAMES:
        errors["language"] = [f"“{meta.language}” is not a language the archive knows."]
    if meta.expected_chapters is not None and meta.expected_chapters < 1:
        errors["expected_chapters"] = ["The expected number of chapters must be at least 1."]
    if (meta.comment_permission is not None
            and meta.comment_permission not in Work.CommentPermission.values):
        errors["comment_permission"] = ["Choose who may comment on the work."]
    fields = {
        "title": title,
        "summary": check("summary", lambda: _clean_text(
            meta.summary, fmt=meta.fmt, limit=SUMMARY_MAX, label="The summary", classes=False)),
        "notes": check("notes", lambda: _clean_text(
            meta.notes, fmt=meta.fmt, limit=NOTES_MAX, label="The notes")),
        "end_notes": check("end_notes", lambda: _clean_text(
            meta.end_notes, fmt=meta.fmt, limit=NOTES_MAX, label="The end notes")),
        "language": meta.language,
        "restricted": bool(meta.restricted),
        "expected_chapters": meta.expected_chapters,
        "source_url": _safe_source_url(meta.source_url),
        "source_hash": meta.source_hash or "",
    }
    if meta.imported_creator is not None:
        fields["imported_creator"] = " ".join(meta.imported_creator.split())[:255]
    if meta.comment_permission is not None:
        fields["comment_permission"] = meta.comment_permission
    if meta.moderated_comments is not None:
        fields["moderated_comments"] = bool(meta.moderated_comments)
    if meta.anonymous is not None:
        fields["anonymous"] = bool(meta.anonymous)
    if meta.work_skin is not None:
        skin = check("work_skin", lambda: work_skin_clean(meta.work_skin or ""))
        if skin is not None:
            fields["work_skin"] = skin
    tags, tag_errors = tags_find_or_create_by_type(wanted=_tag_names(meta), known=known_tags)
    for key, messages in tag_errors.items():
        errors.setdefault(key, []).extend(messages)
    if not meta.rating:
        errors.setdefault("rating", []).append("Choose a rating.")
    if not meta.warnings:
        errors.setdefault("warnings", []).append("Choose at least one archive warning.")
    if not meta.fandoms:
        errors.setdefault("fandoms", []).append("A work needs at least one fandom.")
    user_tags = sum(len(tags[t]) for t in USER_TAG_TYPES)
    if user_tags > USER_TAGS_MAX:
        errors.setdefault("freeforms", []).append(
            f"A work can have at most {USER_TAGS_MAX} fandom, relationship, character and "
            f"additional tags together; this one has {user_tags}."
        )
    if errors:
        raise ValidationError(errors)
    return fields, tags


def chapters_prepare(chapters: list[ChapterText]) -> list[ChapterText]:
    """The chapters with their sanitized HTML and word counts worked out now, without the
    database: an importer calls this before its transaction, so the write lock is held only
    to save. A chapter that doesn't validate is left as it was (the service refuses it)."""
    prepared = []
    for text in chapters:
        try:
            values = _clean_chapter(text)
        except ValidationError:
            values = None
        prepared.append(replace(text, prepared=values))
    return prepared


def _clean_chapter(text: ChapterText) -> dict[str, Any]:
    if text.prepared is not None:
        return dict(text.prepared)
    errors: dict[str, list[str]] = {}
    title = " ".join((text.title or "").split())
    if len(title) > TITLE_MAX:
        errors["title"] = [f"Chapter titles are at most {TITLE_MAX} characters."]
    values: dict[str, Any] = {"title": title}
    for name, limit, label in [
        ("content", CHAPTER_MAX, "The chapter text"),
        ("summary", SUMMARY_MAX, "The chapter summary"),
        ("notes", NOTES_MAX, "The chapter notes"),
        ("end_notes", NOTES_MAX, "The chapter end notes"),
    ]:
        try:
            values[name], words = _clean_text_and_words(
                getattr(text, name), fmt=text.fmt, limit=limit, label=label,
                classes=name != "summary",
            )
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        if name == "content":
            values["word_count"] = words
    if "content" in values and not values["word_count"] and "<img" not in values["content"]:
        errors["content"] = ["The chapter has no text."]
    if errors:
        raise ValidationError(errors)
    # Plain text is kept as the author typed it, so editing shows it that way again.
    values["text_format"] = "text" if text.fmt == "text" else "html"
    values["source_text"] = (
        (text.content or "").replace("\r\n", "\n").strip() if text.fmt == "text" else "")
    return values


_LEADING_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.IGNORECASE)


def sort_title(title: str) -> str:
    """The title as listings sort it: lowercased, without a leading "The", "A" or "An" and
    leading punctuation, as AO3 does."""
    stripped = _LEADING_ARTICLE.sub("", title.strip().lstrip("\"'“‘([¿¡*.…-— "))
    return (stripped or title).casefold()[:TITLE_MAX]


def _split_creators(
    creators: list[Pseud], *, user: User, invite: bool,
    current: frozenset[int] | set[int] = frozenset(),
) -> tuple[list[Pseud], list[Pseud]]:
    """(who becomes a creator now, who is invited): with `invite`, pseuds of other users
    who are not creators already are invited; the poster's own pseuds are added directly."""
    unique = list(dict.fromkeys(creators))
    if not invite:
        return unique, []
    direct = [p for p in unique if p.user_id == user.pk or p.pk in current]
    invited = [p for p in unique if p not in direct]
    _refuse_blocked_invitees(invited, user=user)
    return direct, invited


def _refuse_blocked_invitees(invited: list[Pseud], *, user: User) -> None:
    """ValidationError (on the co-creators field) when someone invited blocks the inviter:
    a blocked user can't invite the blocker to be a co-creator. One query, none without
    invitees."""
    if not invited:
        return
    blockers = set(Block.objects.filter(blocker_id__in={p.user_id for p in invited},
                                        blocked_id=user.pk)
                   .values_list("blocker_id", flat=True))
    if blockers:
        names = ", ".join(sorted({p.byline for p in invited if p.user_id in blockers}))
        raise ValidationError({"co_creators": [
            f"You can't invite {names} to be a co-creator: they have blocked you."]},
            code="blocked")


def _set_creators(work: Work, creators: list[Pseud], *, user: User, invite: bool) -> None:
    """Make `creators` the work's byline: the poster's pseuds and those already on it stay
    or join; other users' pseuds are invited (see creator_invitations_send) unless `invite`
    is False (an archive import acting for everyone)."""
    current = set(Creatorship.objects.filter(work=work).values_list("pseud_id", flat=True))
    direct, invited = _split_creators(creators, user=user, invite=invite, current=current)
    Creatorship.objects.filter(work=work).delete()
    Creatorship.objects.bulk_create(
        Creatorship(work=work, pseud=p, position=i) for i, p in enumerate(direct)
    )
    # Whoever is on the work now needs no invitation any more.
    CreatorInvitation.objects.filter(work=work, pseud__in=direct).delete()
    work.sort_creator = sort_creator_for(anonymous=work.anonymous,
                                         first_pseud=direct[0] if direct else None)
    work.save(update_fields=["sort_creator"])
    creator_invitations_send(work=work, pseuds=invited, invited_by=user)


def creator_invitations_send(*, work: Work, pseuds: list[Pseud], invited_by: User) -> list[
        CreatorInvitation]:
    """Invite pseuds to be the work's co-creators (those not invited already); each invitee
    hears of it in their inbox (and by mail) once the transaction commits. Part of the
    posting and editing services, which check that `invited_by` is a creator."""
    already = set(CreatorInvitation.objects.filter(work=work, pseud__in=pseuds)
                  .values_list("pseud_id", flat=True))
    made = CreatorInvitation.objects.bulk_create(
        CreatorInvitation(work=work, pseud=p, invited_by=invited_by)
        for p in pseuds if p.pk not in already)
    if made:
        pseud_ids = [p.pk for p in pseuds if p.pk not in already]
        transaction.on_commit(lambda: signals.creators_invited.send(
            sender=Work, work_id=work.pk, pseud_ids=pseud_ids))
    return made


def _set_tags(work: Work, tags: dict[str, list[Tag]]) -> None:
    """Replace the work's tags, keep each tag's use count, and rebuild its filter tags."""
    kept = {tag_id: (pk, position) for pk, tag_id, position in
            Tagging.objects.filter(work=work).values_list("pk", "tag_id", "position")}
    old = set(kept)
    all_tags = list(dict.fromkeys(t for group in tags.values() for t in group))
    # Positions follow the order the author typed the tags in (types in the form's order);
    # a tag kept in the same place keeps its row untouched.
    position = {t.pk: i for i, t in enumerate(all_tags)}
    new = set(position)
    Tagging.objects.filter(work=work, tag_id__in=old - new).delete()
    Tagging.objects.bulk_create(Tagging(work=work, tag=t, position=position[t.pk])
                                for t in all_tags if t.pk not in old)
    moved = [Tagging(pk=pk, position=position[tag_id])
             for tag_id, (pk, was) in kept.items() if tag_id in new and was != position[tag_id]]
    if moved:
        Tagging.objects.bulk_update(moved, ["position"])
    Tag.objects.filter(pk__in=new - old).update(uses=F("uses") + 1)
    Tag.objects.filter(pk__in=old - new, uses__gt=0).update(uses=F("uses") - 1)
    filter_tags_rebuild(work_ids=[work.pk])


def _changed(work_id: int) -> None:
    """Tell the caches that this work changed: its pages, the pages of the works that share
    a series with it (their "Part N of" numbers and previous/next links follow its state),
    every listing, and the kept listings of the tags it is found under (filter tags it lost
    were told of when they went, see filter_tags)."""
    from fichive.series.models import SeriesPart  # the series app builds on works

    siblings = SeriesPart.objects.filter(
        series_id__in=SeriesPart.objects.filter(work_id=work_id).values("series_id"))
    content_changed(work_ids={work_id, *siblings.values_list("work_id", flat=True)},
                    tag_ids=FilterTagging.objects.filter(
                        work_id=work_id).values_list("tag_id", flat=True))


def _tell_on_commit(signal: Signal, **kwargs: Any) -> None:
    """Send a works signal (works/signals.py) once the transaction commits."""
    transaction.on_commit(lambda: signal.send(sender=Work, **kwargs))


def _refresh_totals(work: Work) -> None:
    """Recount words and chapters and settle the expected count and completeness."""
    totals = work.chapters.aggregate(words=Sum("word_count"))
    work.word_count = totals["words"] or 0
    work.chapter_count = work.chapters.count()
    if work.expected_chapters is not None and work.expected_chapters < work.chapter_count:
        work.expected_chapters = work.chapter_count
    work.complete = work.expected_chapters == work.chapter_count
    work.save(update_fields=["word_count", "chapter_count", "expected_chapters", "complete",
                             "modified_at"])


def _renumber(work: Work) -> None:
    for position, chapter in enumerate(work.chapters.order_by("position", "id"), start=1):
        if chapter.position != position:
            chapter.position = position
            chapter.save(update_fields=["position"])


@dataclass
class NewWork:
    """One work for works_create: what work_create takes."""

    meta: WorkMeta
    chapters: list[ChapterText]
    post: bool


@dataclass
class _Cleaned:
    """A new work validated and sanitized, ready to be written."""

    work: Work
    creators: list[Pseud]
    tags: list[Tag]
    chapters: list[Chapter]
    poster: User
    # Other users' pseuds invited to be co-creators (not on the work until they accept).
    invited: list[Pseud] = field(default_factory=list)


def _clean_new(*, user: User, meta: WorkMeta, chapters: list[ChapterText], post: bool,
               known_tags: dict[str, Tag] | None = None, invite: bool = True) -> _Cleaned:
    """Validate and sanitize a new work (creating its new tags); raise ValidationError with
    every problem, or return its unsaved rows with totals and posting dates settled."""
    if not chapters:
        raise ValidationError({"content": ["A work needs at least one chapter."]})
    errors: dict[str, list[str]] = {}
    try:
        fields, tags = _clean_meta(meta, user=user, known_tags=known_tags)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    cleaned: list[dict] = []
    for number, text in enumerate(chapters, start=1):
        try:
            cleaned.append(_clean_chapter(text))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                prefix = f"Chapter {number}: " if len(chapters) > 1 else ""
                errors.setdefault(key, []).extend(prefix + m for m in messages)
    if errors:
        raise ValidationError(errors)
    if fields["expected_chapters"] is None and (
            meta.complete or (meta.one_shot_when_blank and len(chapters) == 1)):
        fields["expected_chapters"] = len(chapters)
    creators, invited = _split_creators(meta.creators, user=user, invite=invite)
    # What _refresh_totals and work_post settle for an existing work, known before writing.
    chapter_count = len(cleaned)
    expected = fields["expected_chapters"]
    if expected is not None and expected < chapter_count:
        fields["expected_chapters"] = expected = chapter_count
    published, updated = meta.published, meta.updated
    if post:
        published = published or _today()
        updated = max(updated or published, published)
    work = Work(
        **fields, published=published, updated=updated,
        state=Work.State.POSTED if post else Work.State.DRAFT,
        sort_title=sort_title(fields["title"]),
        sort_creator=sort_creator_for(anonymous=bool(fields.get("anonymous")),
                                      first_pseud=creators[0] if creators else None),
        word_count=sum(values["word_count"] for values in cleaned),
        chapter_count=chapter_count, complete=expected == chapter_count,
    )
    chapter_published = meta.published or (published if post else None)
    return _Cleaned(
        work=work, creators=creators, invited=invited, poster=user,
        tags=list(dict.fromkeys(t for group in tags.values() for t in group)),
        chapters=[Chapter(position=i, published=chapter_published, **values)
                  for i, values in enumerate(cleaned, start=1)],
    )


def _insert_new(new: list[_Cleaned]) -> None:
    """Write cleaned new works with a few statements for all of them: the works, creators,
    taggings, tag use counts, filter tags, chapters and search documents, computed from what
    was cleaned instead of read back (a new work has no old rows to replace)."""
    Work.objects.bulk_create([n.work for n in new])
    Creatorship.objects.bulk_create(
        Creatorship(work=n.work, pseud=p, position=i)
        for n in new for i, p in enumerate(n.creators)
    )
    Tagging.objects.bulk_create(Tagging(work=n.work, tag=t, position=i)
                                for n in new for i, t in enumerate(n.tags))
    uses = Counter(t.pk for n in new for t in n.tags)
    by_increment: dict[int, list[int]] = defaultdict(list)
    for tag_id, increment in uses.items():
        by_increment[increment].append(tag_id)
    for increment, tag_ids in sorted(by_increment.items()):
        Tag.objects.filter(pk__in=tag_ids).update(uses=F("uses") + increment)
    filter_tags = filter_tags_add_new(taggings=[(n.work.pk, t.pk) for n in new for t in n.tags])
    for n in new:
        for chapter in n.chapters:
            chapter.work = n.work
    Chapter.objects.bulk_create([c for n in new for c in n.chapters])
    for n in new:
        if n.invited:
            creator_invitations_send(work=n.work, pseuds=n.invited, invited_by=n.poster)
    search_index_new_works(works=[
        NewWorkDocument(work=n.work, creators=n.creators, chapters=n.chapters,
                        tag_ids={t.pk for t in n.tags} | filter_tags.get(n.work.pk, set()))
        for n in new
    ])
    content_changed(work_ids=[n.work.pk for n in new],
                    tag_ids={t for found in filter_tags.values() for t in found})


@transaction.atomic
def work_create(
    *, user: User, meta: WorkMeta, chapters: list[ChapterText], post: bool,
    invite: bool = True,
) -> Work:
    """Create a work with its chapters, as a draft or posted; all or nothing. Other users'
    pseuds among the creators are invited (they join once they accept); `invite=False`
    adds them at once (an import made for a whole archive, whose authors wrote together)."""
    ensure_may_post(user)
    new = _clean_new(user=user, meta=meta, chapters=chapters, post=post, invite=invite)
    _insert_new([new])
    if post:
        _tell_on_commit(signals.work_published, work=new.work)
    return new.work


@transaction.atomic
def works_create(*, user: User, works: list[NewWork],
                 invite: bool = True) -> list[Work | ValidationError]:
    """Create several works at once (importing a batch of files): each is validated exactly
    as work_create does, and the valid ones are written together. Returns, in order, each
    new work or the ValidationError that refused it; a refused work leaves nothing behind
    (not even the tags it would have created)."""
    ensure_may_post(user)
    results: list[Work | ValidationError] = []
    cleaned: list[_Cleaned] = []
    # The batch's existing tags, looked up at once; a work whose tags all exist writes
    # nothing while it is validated, so it needs no savepoint of its own.
    keys = {tag_key(name) for item in works for names in _tag_names(item.meta).values()
            for name in names}
    known: dict[str, Tag] = {tag.key: tag for tag in Tag.objects.filter(key__in=keys)}
    for item in works:
        needs_savepoint = not all(tag_key(name) in known for names in
                                  _tag_names(item.meta).values() for name in names)
        before = dict(known)
        try:
            with transaction.atomic() if needs_savepoint else nullcontext():
                cleaned.append(_clean_new(user=user, meta=item.meta, chapters=item.chapters,
                                          post=item.post, known_tags=known, invite=invite))
            results.append(cleaned[-1].work)
        except ValidationError as exc:
            results.append(exc)
            # Tags it created went with its savepoint.
            known.clear()
            known.update(before)
    if cleaned:
        try:
            with transaction.atomic():
                _insert_new(cleaned)
        except DatabaseError:
            # Something the database refused (a constraint, a value too large for a
            # column): find which work it was by saving them one by one.
            for index, item in enumerate(works):
                if isinstance(results[index], Work):
                    try:
                        results[index] = work_create(user=user, meta=item.meta,
                                                     chapters=item.chapters, post=item.post,
                                                     invite=invite)
                    except ValidationError as exc:
                        results[index] = exc
                    except DatabaseError as exc:
                        results[index] = ValidationError(
                            f"The database could not save it ({type(exc).__name__}).")
    return results


@transaction.atomic
def work_update(*, user: User, work: Work, meta: WorkMeta, invite: bool = True) -> Work:
    """Change a work's fields, creators and tags (chapters are edited one by one). New
    co-creators of other users are invited, as in work_create."""
    ensure_may_post(user)
    _require_creator(user=user, work=work)
    fields, tags = _clean_meta(meta, user=user)
    expected = fields["expected_chapters"]
    if expected is not None and expected < work.chapter_count:
        raise ValidationError({"expected_chapters": [
            f"The work already has {work.chapter_count} "
            f"chapter{'' if work.chapter_count == 1 else 's'}; expect at least that many."
        ]})
    if expected is None and (
            meta.complete or (meta.one_shot_when_blank and work.chapter_count == 1)):
        fields["expected_chapters"] = work.chapter_count
    for name in ("source_url", "source_hash"):
        if not fields[name]:  # the edit form doesn't carry them: keep the work's own
            del fields[name]
    for name, value in fields.items():
        setattr(work, name, value)
    work.sort_title = sort_title(work.title)
    if meta.published:
        work.published = meta.published
    # Only what changed here: the engagement counters (comments, kudos, …) move with F()
    # elsewhere, and saving this copy's stale values would undo their changes.
    work.save(update_fields=[*fields, "sort_title", "published", "modified_at"])
    _set_creators(work, meta.creators, user=user, invite=invite)
    _set_tags(work, tags)
    _refresh_totals(work)
    search_index_works(work_ids=[work.pk], chapters=False)
    _changed(work.pk)
    return work


@transaction.atomic
def work_post(*, user: User, work: Work) -> Work:
    """Post a draft: it becomes visible, dated today unless it carries its own dates. A work
    posted already, or hidden by a moderator, stays as it is (only work_unhide, in the
    moderation app, brings a hidden work back)."""
    ensure_may_post(user)
    _require_creator(user=user, work=work)
    if work.state != Work.State.DRAFT:
        return work
    today = _today()
    work.state = Work.State.POSTED
    work.published = work.published or today
    work.updated = work.updated or work.published
    if work.updated < work.published:
        work.updated = work.published
    work.save(update_fields=["state", "published", "updated", "modified_at"])
    work.chapters.filter(published__isnull=True).update(published=work.published)
    filter_taggings_refresh(work_ids=[work.pk])
    _changed(work.pk)
    _tell_on_commit(signals.work_published, work=work)
    return work


@transaction.atomic
def work_delete(*, user: User, work: Work) -> None:
    _require_creator(user=user, work=work)
    tag_ids = Tagging.objects.filter(work=work).values_list("tag_id", flat=True)
    Tag.objects.filter(pk__in=list(tag_ids), uses__gt=0).update(uses=F("uses") - 1)
    _changed(work.pk)
    work.delete()


@transaction.atomic
def chapter_add(*, user: User, work: Work, text: ChapterText) -> Chapter:
    """Add a chapter at the end; a posted work's update date becomes today.

    The expected count follows AO3: a count below the new number of chapters is raised to
    it (a complete 3/3 work given an epilogue is 4/4). A one-shot (1/1) is the exception:
    one-shots get their "1" without the author choosing it (a blank count in the posting
    form), so a second chapter makes it a work in progress of unknown length, "2/?", until
    the author gives a count in the work's edit form.
    """
    ensure_may_post(user)
    _require_creator(user=user, work=work)
    values = _clean_chapter(text)
    if work.expected_chapters == 1 and work.chapters.count() == 1:
        work.expected_chapters = None
        work.save(update_fields=["expected_chapters"])
    position = work.chapters.count() + 1
    # A chapter added to a work a moderator hid is dated like a posted one (the work stays
    # hidden; no one is told of the chapter).
    today = _today() if work.state in (Work.State.POSTED, Work.State.HIDDEN) else None
    chapter = Chapter.objects.create(work=work, position=position, published=today, **values)
    if today:
        work.updated = today
        work.save(update_fields=["updated", "modified_at"])
        filter_taggings_refresh(work_ids=[work.pk])
    _refresh_totals(work)
    search_index_chapters(chapter_ids=[chapter.pk])
    _changed(work.pk)
    if today and work.state == Work.State.POSTED:
        _tell_on_commit(signals.chapter_published, chapter=chapter)
    return chapter


@transaction.atomic
def chapter_update(*, user: User, chapter: Chapter, text: ChapterText) -> Chapter:
    ensure_may_post(user)
    _require_creator(user=user, work=chapter.work)
    values = _clean_chapter(text)
    for name, value in values.items():
        setattr(chapter, name, value)
    chapter.save(update_fields=[*values, "modified_at"])
    _refresh_totals(chapter.work)
    search_index_chapters(chapter_ids=[chapter.pk])
    _changed(chapter.work_id)
    return chapter


@transaction.atomic
def chapter_delete(*, user: User, chapter: Chapter) -> None:
    """Delete a chapter; the only chapter of a work can't be deleted (delete the work)."""
    work = chapter.work
    _require_creator(user=user, work=work)
    if work.chapters.count() <= 1:
        raise ValidationError("A work needs at least one chapter; delete the work instead.")
    chapter.delete()
    _renumber(work)
    if work.expected_chapters is not None and work.expected_chapters > work.chapters.count():
        work.expected_chapters -= 1
        work.save(update_fields=["expected_chapters"])
    _refresh_totals(work)
    _changed(work.pk)


@transaction.atomic
def chapters_reorder(*, user: User, work: Work, order: list[int]) -> None:
    """Put the chapters in the order of `order`, a list of every chapter id of the work."""
    _require_creator(user=user, work=work)
    ids = list(work.chapters.values_list("id", flat=True))
    if sorted(order) != sorted(ids):
        raise ValidationError("Give every chapter of the work exactly one position.")
    for position, chapter_id in enumerate(order, start=1):
        Chapter.objects.filter(pk=chapter_id, work=work).update(position=position)
    _changed(work.pk)


@transaction.atomic
def work_replace(
    *, user: User, work: Work, meta: WorkMeta, chapters: list[ChapterText],
    invite: bool = True,
) -> Work:
    """Replace a work's fields and all its chapters at once (re-importing a newer copy).

    Dates from `meta` win; otherwise a posted work's update date becomes today when its text
    changed. All or nothing, like work_create.
    """
    ensure_may_post(user)
    _require_creator(user=user, work=work)
    if not chapters:
        raise ValidationError({"content": ["A work needs at least one chapter."]})
    cleaned = [_clean_chapter(text) for text in chapters]
    old_text = [c.content for c in work.chapters.order_by("position")]
    meta.expected_chapters = meta.expected_chapters or (
        len(chapters) if meta.complete else None
    )
    work.chapters.all().delete()
    work.chapter_count = 0
    work.save(update_fields=["chapter_count"])
    Chapter.objects.bulk_create(
        Chapter(work=work, position=i, published=meta.published or work.published, **values)
        for i, values in enumerate(cleaned, start=1)
    )
    work_update(user=user, work=work, meta=meta, invite=invite)
    if meta.updated:
        work.updated = meta.updated
    elif (work.state in (Work.State.POSTED, Work.State.HIDDEN)
          and old_text != [v["content"] for v in cleaned]):
        work.updated = _today()
    work.save(update_fields=["updated"])
    filter_taggings_refresh(work_ids=[work.pk])
    # work_update indexed the fields; the new chapters are what is left.
    search_index_chapters(chapter_ids=work.chapters.values_list("id", flat=True))
    _changed(work.pk)
    return work


# ------------------------------------------------------------------------------ orphaning


def _orphan(*, user: User, work_ids: list[int], keep_pseud_name: bool) -> None:
    """Move `user`'s creatorships on these works to the orphan account (its default pseud,
    or one named like each of the user's pseuds), keeping their places in the byline; the
    co-creators keep theirs."""
    if user.username.lower() == ORPHAN_ACCOUNT:
        raise PermissionDenied("Orphaned works can't be orphaned again.")
    rows = list(Creatorship.objects.select_for_update().select_related("pseud")
                .filter(work_id__in=work_ids).order_by("work_id", "position", "id"))
    targets: dict[str | None, Pseud] = {}
    by_work: dict[int, list[Creatorship]] = defaultdict(list)
    for row in rows:
        by_work[row.work_id].append(row)
    for work_rows in by_work.values():
        taken = {row.pseud_id for row in work_rows if row.pseud.user_id != user.pk}
        for row in work_rows:
            if row.pseud.user_id != user.pk:
                continue
            name = row.pseud.name if keep_pseud_name else None
            if name not in targets:
                targets[name] = orphan_pseud(name=name)
            target = targets[name]
            if target.pk in taken:  # two of the user's pseuds became one orphan pseud
                row.delete()
                continue
            row.pseud = target
            row.save(update_fields=["pseud"])
            taken.add(target.pk)
    works_sort_creator_refresh(work_ids)
    search_index_works(work_ids=work_ids, chapters=False)
    content_changed(work_ids=work_ids, tag_ids=FilterTagging.objects.filter(
        work_id__in=work_ids).values_list("tag_id", flat=True))


@transaction.atomic
def work_orphan(*, user: User, work: Work, keep_pseud_name: bool) -> Work:
    """Give up a posted work for good (AO3's orphaning): the user's names on it move to the
    shared orphan account, by its own name or (`keep_pseud_name`) by a pseud of it named like
    the user's; the user can no longer edit it. A draft is deleted instead, not orphaned."""
    _require_creator(user=user, work=work)
    if work.is_draft:
        raise ValidationError("Drafts can't be orphaned: delete the draft instead.")
    _orphan(user=user, work_ids=[work.pk], keep_pseud_name=keep_pseud_name)
    return work


# Co-creators: answering an invitation, and leaving a work.


def _invitation_of(*, user: User, invitation_id: int) -> CreatorInvitation:
    """The user's own invitation, locked; ValidationError if it is gone (answered already,
    withdrawn, or its work deleted), PermissionDenied if it is someone else's."""
    invitation = (CreatorInvitation.objects.select_for_update().select_related("pseud", "work")
                  .filter(pk=invitation_id).first())
    if invitation is None:
        raise ValidationError("That invitation is gone: it was answered already, or its work "
                              "was deleted.")
    if invitation.pseud.user_id != user.pk:
        raise PermissionDenied("Only the invited user can answer an invitation.")
    return invitation


def _creators_changed(work: Work) -> None:
    """The byline changed: its sort key, its search document and its pages."""
    works_sort_creator_refresh([work.pk])
    search_index_works(work_ids=[work.pk], chapters=False)
    _changed(work.pk)


@transaction.atomic
def creator_invitation_accept(*, user: User, invitation_id: int) -> Work:
    """Accept an invitation: the invited pseud joins the work's byline, last."""
    invitation = _invitation_of(user=user, invitation_id=invitation_id)
    work = invitation.work
    if not Creatorship.objects.filter(work=work, pseud=invitation.pseud).exists():
        last = (Creatorship.objects.filter(work=work).order_by("-position")
                .values_list("position", flat=True).first())
        Creatorship.objects.create(work=work, pseud=invitation.pseud,
                                   position=0 if last is None else last + 1)
    invitation.delete()
    _creators_changed(work)
    return work


@transaction.atomic
def works_orphan_all(*, user: User, keep_pseud_name: bool) -> int:
    """Orphan every posted work of the user's (work_orphan for each; drafts stay theirs);
    returns how many."""
    work_ids = sorted(set(Creatorship.objects.filter(
        pseud__user=user, work__state=Work.State.POSTED).values_list("work_id", flat=True)))
    if work_ids:
        _orphan(user=user, work_ids=work_ids, keep_pseud_name=keep_pseud_name)
    return len(work_ids)


@transaction.atomic
def creator_invitation_decline(*, user: User, invitation_id: int) -> Work:
    """Decline an invitation: it is deleted and the work stays as it was."""
    invitation = _invitation_of(user=user, invitation_id=invitation_id)
    invitation.delete()
    return invitation.work


@transaction.atomic
def creator_remove_self(*, user: User, work: Work) -> Work:
    """A co-creator leaves the work: every pseud of theirs comes off the byline. The last
    creator can't leave (they delete the work instead)."""
    _require_creator(user=user, work=work)
    mine = Creatorship.objects.filter(work=work, pseud__user=user)
    if not Creatorship.objects.filter(work=work).exclude(pseud__user=user).exists():
        raise ValidationError("You are the work's only creator; delete the work instead.")
    mine.delete()
    _creators_changed(work)
    return work
