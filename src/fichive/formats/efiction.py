"""Importing an eFiction 3.x archive: authors become unclaimed accounts, stories become works
(one transaction each, through the works services), reviews become comments on the right
chapters (kept as they came in ImportedReview too, with their ratings), series become series
(their sub-series' stories flattened in; kept as they were in ImportedSeries too), and story
and series favourites become private bookmarks of the account that made them.

Re-importing finds works by their source URL (<site>/viewstory.php?sid=N), accounts, series
and reviews by (site, eFiction id), and skips or updates them instead of duplicating; a review
becomes a comment once (reviews kept by an earlier import become comments on the next).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from fichive.accounts.models import User
from fichive.accounts.services import user_create_unclaimed
from fichive.bookmarks.models import NOTES_MAX, Bookmark
from fichive.bookmarks.services import BookmarkData, bookmark_create, series_bookmark_create
from fichive.comments.services import comment_import
from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedWork
from fichive.formats.importers.efiction.archive import ArchiveError, EfictionArchive, Row
from fichive.formats.importers.efiction.mapper import (
    EfictionMapper,
    EfictionStory,
    as_datetime,
    as_int,
    plain_text,
    text_as_html,
)
from fichive.formats.importers.efiction.mapping import Mapping
from fichive.formats.models import (
    ImportedAuthor,
    ImportedReview,
    ImportedSeries,
    ImportedSeriesPart,
)
from fichive.formats.services import (
    ON_DUPLICATE,
    ImportOptions,
    ImportResult,
    save_parsed,
)
from fichive.lib.sanitize import userstuff_from_input
from fichive.series.models import SUMMARY_MAX as SERIES_SUMMARY_MAX
from fichive.series.models import Series
from fichive.series.services import series_add_work, series_create
from fichive.tags.models import Tag, tag_key
from fichive.works.models import Work
from fichive.works.services import work_post

logger = logging.getLogger("fichive.import")
TITLE_MAX = 255


@dataclass
class EfictionOptions:
    site_url: str = ""  # overrides the archive's own (settings table)
    on_duplicate: str = "skip"
    story_files: Path | None = None  # the folder holding stories/<uid>/<chapid>.txt


@dataclass
class EfictionReport:
    """What an eFiction import did, for the summary line."""

    results: list[ImportResult] = field(default_factory=list)
    accounts_created: int = 0
    reviews_kept: int = 0  # the stories' reviews, as they came (ImportedReview)
    reviews_as_comments: int = 0  # reviews that became comments in this run
    reviews_without_text: int = 0  # kept, but with nothing to show as a comment
    series_kept: int = 0
    bookmarks_made: int = 0  # from story favourites
    favourites_skipped: int = 0  # of authors or series, or of stories or members not imported

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def summary(self) -> str:
        done = self.count("created")
        extra = [f"{self.count(k)} {k}" for k in ("updated", "skipped") if self.count(k)]
        line = (f"Imported {done} work{'s' if done != 1 else ''}"
                f"{' (' + ', '.join(extra) + ')' if extra else ''}, {self.failed} failed.")
        kept = []
        if self.accounts_created:
            n = self.accounts_created
            kept.append(f"{n} account{'s' if n != 1 else ''} created for authors to claim "
                        "at /claim")
        if self.reviews_as_comments:
            n = self.reviews_as_comments
            kept.append(f"{n} review{'s' if n != 1 else ''} imported as comments")
        if self.reviews_without_text:
            n = self.reviews_without_text
            kept.append(f"{n} review{'s' if n != 1 else ''} without text not shown as "
                        "comments")
        if self.bookmarks_made or self.favourites_skipped:
            n, k = self.bookmarks_made, self.favourites_skipped
            kept.append(f"{n} private bookmark{'s' if n != 1 else ''} made from favourites"
                        + (f" ({k} favourite{'s' if k != 1 else ''} skipped)" if k else ""))
        if self.series_kept:
            n = self.series_kept
            kept.append(f"{n} series imported")
        return line + (" " + "; ".join(kept) + "." if kept else "")


def efiction_site_url(archive: EfictionArchive, *, given: str = "") -> str:
    """The archive's public address: `given`, else the `url` in its settings table."""
    url = given.strip()
    if not url:
        for row in archive.rows("settings"):
            url = str(row.get("url") or row.get("siteurl") or "").strip()
            if url:
                break
    if not url:
        raise ArchiveError("the archive's settings table has no site URL; give it with "
                           "--site-url https://… (story URLs are made from it)")
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ArchiveError(f"“{url}” is not a web address; give --site-url https://…")
    return url.rstrip("/")


def _author_rows(archive: EfictionArchive) -> dict[int, Row]:
    return {as_int(r.get("uid")): r for r in archive.rows("authors") if as_int(r.get("uid"))}


@transaction.atomic
def efiction_author_account(*, source: str, row: Row) -> tuple[User, bool]:
    """The account standing for one eFiction author, created unclaimed the first time."""
    uid = as_int(row.get("uid"))
    found = ImportedAuthor.objects.filter(source=source, source_id=uid).select_related(
        "user").first()
    if found:
        return found.user, False
    bio = plain_text(str(row.get("bio") or ""))
    user = user_create_unclaimed(penname=str(row.get("penname") or ""),
                                 email=str(row.get("email") or "").strip(),
                                 bio=bio[:5000], fallback=f"author_{uid}")
    ImportedAuthor.objects.create(source=source, source_id=uid, user=user)
    return user, True


def _authors(source: str, uids: list[int]) -> dict[int, User]:
    rows = ImportedAuthor.objects.filter(source=source, source_id__in=uids).select_related("user")
    return {r.source_id: r.user for r in rows}


def _disambiguate(parsed: ParsedWork) -> None:
    """eFiction's categories, characters and classes are separate lists, so one name can be a
    fandom and a character ("Harry Potter"); a Fichive tag name means one thing. Fandoms keep
    their names; a clashing character, relationship or additional tag becomes "Name (Fandom)",
    as AO3 names them."""
    fandom_keys = {tag_key(f) for f in parsed.fandoms}
    taken: dict[str, str] = {tag_key(f): Tag.Type.FANDOM for f in parsed.fandoms}
    for tag_type, names in [(Tag.Type.CHARACTER, parsed.characters),
                            (Tag.Type.RELATIONSHIP, parsed.relationships),
                            (Tag.Type.FREEFORM, parsed.freeforms)]:
        for i, name in enumerate(names):
            for candidate in [name, f"{name} ({parsed.fandoms[0]})" if parsed.fandoms else "",
                              f"{name} ({Tag.Type(tag_type).label})"]:
                if not candidate:
                    continue
                key = tag_key(candidate)
                existing = Tag.objects.filter(key=key).values_list("type", flat=True).first()
                clash = (taken.get(key, tag_type) != tag_type or key in fandom_keys
                         or existing not in (None, tag_type))
                if not clash:
                    names[i] = candidate
                    taken[key] = tag_type
                    break


def _save_story(story: EfictionStory, *, source: str, on_duplicate: str) -> ImportResult:
    users = _authors(source, [story.uid, *story.coauthor_uids])
    user = users.get(story.uid)
    if user is None:
        raise ImportFailed(f"its author (uid {story.uid}) is not in the authors table")
    _disambiguate(story.parsed)
    co_creators = [users[u].default_pseud for u in story.coauthor_uids if u in users]
    # The archive's own records say who wrote the story together: no invitations.
    options = ImportOptions(pseud=user.default_pseud, co_creators=co_creators,
                            invite_co_creators=False,
                            draft=not story.validated, on_duplicate=on_duplicate)
    result = save_parsed(story.parsed, user=user, options=options, source_hash="",
                         name=f"sid {story.sid}")
    if result.status == "updated" and result.work and result.work.is_draft and story.validated:
        work_post(user=user, work=result.work)  # validated since the last import
    return result


def _keep_reviews(mapper: EfictionMapper, story: EfictionStory, *, source: str,
                  result: ImportResult) -> int:
    work = result.work
    if work is None:
        return 0
    chapters = dict(zip(story.chapter_ids, work.chapters.order_by("position"), strict=False))
    reviewers = _authors(source, [as_int(r.get("uid")) for r in mapper.reviews_of(story.sid)])
    kept = 0
    for row in mapper.reviews_of(story.sid):
        rating = as_int(row.get("rating"), default=-1)
        ImportedReview.objects.update_or_create(
            source=source, source_id=as_int(row.get("reviewid")),
            defaults={
                "work": work,
                "chapter": chapters.get(as_int(row.get("chapid"))),
                "reviewer_name": " ".join(str(row.get("reviewer") or "").split())[:200],
                "user": reviewers.get(as_int(row.get("uid"))),
                "text": userstuff_from_input(text_as_html(str(row.get("review") or "")),
                                             fmt="html", allow_classes=False),
                "posted_at": as_datetime(row.get("date")),
                "rating": rating if rating >= 0 else None,
            },
        )
        kept += 1
    return kept


def reviews_to_comments(reviews: QuerySet[ImportedReview]) -> tuple[int, int]:
    """Make comments of kept reviews that have none yet, oldest first: on their chapter, by
    the reviewer's imported account (its default pseud) or under the reviewer's name as a
    guest, dated as reviewed. Returns (comments made, reviews left out for having no text,
    or text a comment can't hold)."""
    made = left_out = 0
    pending = (reviews.filter(comment__isnull=True)
               .select_related("work", "chapter", "user").order_by("posted_at", "id"))
    for review in pending:
        pseud = review.user.default_pseud if review.user is not None else None
        try:
            with transaction.atomic():
                comment = comment_import(
                    work=review.work, chapter=review.chapter, content=review.text,
                    created_at=review.posted_at or timezone.now(), pseud=pseud,
                    guest_name=review.reviewer_name or "Anonymous")
        except ValidationError:
            left_out += 1
            continue
        review.comment = comment
        review.save(update_fields=["comment"])
        made += 1
    return made, left_out


def _imported_work(*, source: str, url: str) -> Work | None:
    """The work this archive's import made of the story at `url`: credited to one of the
    archive's imported accounts, so a site user's own import of a file naming that URL is
    never taken for it (nor told apart from a story that wasn't imported)."""
    accounts = ImportedAuthor.objects.filter(source=source).values("user_id")
    return (Work.objects.filter(source_url=url, creatorships__pseud__user__in=accounts)
            .order_by("id").first())


@transaction.atomic
def _keep_series(mapper: EfictionMapper, *, source: str) -> int:
    """Keep each eFiction series as it was (ImportedSeries, with its sub-series), then make
    or bring up to date the Fichive series standing for it (_make_series)."""
    kept: dict[int, ImportedSeries] = {}
    rows = sorted(mapper.archive.rows("series"), key=lambda r: as_int(r.get("seriesid")))
    for row in rows:
        seriesid = as_int(row.get("seriesid"))
        author = _authors(source, [as_int(row.get("uid"))]).get(as_int(row.get("uid")))
        series, _ = ImportedSeries.objects.update_or_create(
            source=source, source_id=seriesid,
            defaults={
                "title": (" ".join(str(row.get("title") or "").split()) or "Untitled series")[
                    :TITLE_MAX],
                "summary": userstuff_from_input(text_as_html(str(row.get("summary") or "")),
                                                fmt="html", allow_classes=False),
                "author": author,
            },
        )
        kept[seriesid] = series
    for seriesid, series in kept.items():
        series.parts.all().delete()
        position = 0
        for part in mapper.series_parts(seriesid):
            sid, sub = as_int(part.get("sid")), as_int(part.get("subseriesid"))
            work = _imported_work(source=source, url=mapper.source_url(sid)) if sid else None
            subseries = kept.get(sub) if sub else None
            if work is None and subseries is None:
                continue
            position += 1
            ImportedSeriesPart.objects.create(series=series, position=position, work=work,
                                              subseries=subseries)
    for series in kept.values():
        _make_series(series)
    return len(kept)


def _flattened_works(series: ImportedSeries, seen: set[int] | None = None) -> list[Work]:
    """The series' works in order, each sub-series' works standing in its place
    (recursively); each work once, a sub-series that contains itself read once."""
    seen = set() if seen is None else seen
    seen.add(series.pk)
    works: list[Work] = []
    for part in series.parts.select_related("work", "subseries").order_by("position"):
        if part.work is not None:
            works.append(part.work)
        elif part.subseries is not None and part.subseries.pk not in seen:
            works.extend(_flattened_works(part.subseries, seen))
    return list({work.pk: work for work in works}.values())


def _make_series(kept: ImportedSeries) -> None:
    """Make (or, on a re-import, find) the Fichive series of an eFiction series: made by
    its owner's account (else by its first work's creator), its stories in the eFiction
    order with the sub-series flattened in; the works' creators join it as creators. Drafts
    (stories waiting for validation) are parts too, shown once posted. A series whose owner
    and works were all left out is only kept as it was."""
    works = _flattened_works(kept)
    owner = kept.author
    if owner is None and works:
        creatorship = works[0].creatorships.select_related("pseud__user").order_by(
            "position").first()
        owner = creatorship.pseud.user if creatorship is not None else None
    if owner is None:
        return
    series = kept.series
    if series is None:
        series = series_create(user=owner, title=kept.title,
                               summary=kept.summary[:SERIES_SUMMARY_MAX],
                               pseuds=[owner.default_pseud])
        kept.series = series
        kept.save(update_fields=["series"])
    for position, work in enumerate(works, start=1):
        series_add_work(user=owner, series=series, work=work, check_creator=False,
                        position=position)


FAVOURITE_STORY = "ST"  # eFiction's favorites.type: ST story, AU author, SE series
FAVOURITE_SERIES = "SE"


def _favourite_target(mapper: EfictionMapper, row: Row, *,
                      source: str) -> tuple[Work | None, Series | None]:
    """The imported work or series a favourite is of (None, None: neither)."""
    kind = str(row.get("type") or "").strip().upper()
    item = as_int(row.get("item"))
    if kind == FAVOURITE_STORY:
        return _imported_work(source=source, url=mapper.source_url(item)), None
    if kind == FAVOURITE_SERIES:
        kept = ImportedSeries.objects.filter(source=source, source_id=item).first()
        return None, kept.series if kept is not None else None
    return None, None


def _favourites(mapper: EfictionMapper, *, source: str) -> tuple[int, int]:
    """Story and series favourites as private bookmarks of the favouriter's account, the
    favourite's comments as notes: (made, skipped). Every member of the authors table has
    an account already (efiction_author_account), so a favourite is skipped only when it is
    of an author (no such bookmarks), or its member, story or series wasn't imported (a
    deleted member, a story that failed, or one still waiting for validation, which is a
    draft). Favourites bookmarked by an earlier import are neither made again nor
    counted."""
    rows = sorted(mapper.archive.rows("favorites"),
                  key=lambda r: (as_int(r.get("uid")), as_int(r.get("item"))))
    users = _authors(source, [as_int(r.get("uid")) for r in rows])
    made = skipped = 0
    for row in rows:
        user = users.get(as_int(row.get("uid")))
        work, series = (_favourite_target(mapper, row, source=source) if user is not None
                        else (None, None))
        if user is None or (work is None and series is None) or (
                work is not None and work.is_draft):
            skipped += 1
            continue
        if Bookmark.objects.filter(user=user, work=work, series=series).exists():
            continue
        notes = text_as_html(str(row.get("comments") or ""))[:NOTES_MAX]
        data = BookmarkData(notes=notes, private=True)
        try:
            if work is not None:
                bookmark_create(user=user, work=work, pseud=user.default_pseud, data=data)
            else:
                assert series is not None
                series_bookmark_create(user=user, series=series, pseud=user.default_pseud,
                                       data=data)
        except ValidationError:
            logger.info("eFiction favourite %s of uid %s not kept", row.get("item"),
                        row.get("uid"), exc_info=True)
            skipped += 1
        else:
            made += 1
    return made, skipped


def efiction_import(
    *, archive: EfictionArchive, mapping: Mapping, options: EfictionOptions,
    on_result: Callable[[ImportResult], None] | None = None,
) -> EfictionReport:
    """Import a whole eFiction archive; `on_result` hears about each story as it is done.

    Accounts come first (each its own transaction), then each story in its own transaction
    with its reviews, which become comments (a story that fails leaves nothing behind and
    never stops the others), then the story favourites (private bookmarks, each its own
    transaction), then the series. Raises ArchiveError before writing anything if the site
    URL is unknown.
    """
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValueError(f"on_duplicate must be one of {ON_DUPLICATE}")
    source = efiction_site_url(archive, given=options.site_url)
    mapper = EfictionMapper(archive, mapping=mapping, site_url=source,
                            story_files=options.story_files)
    report = EfictionReport()
    touched: set[int] = set()  # works whose reviews this run turned into comments
    for row in _author_rows(archive).values():
        _, created = efiction_author_account(source=source, row=row)
        report.accounts_created += created
    for row in mapper.stories():
        sid = as_int(row.get("sid"))
        name = f"sid {sid} “{' '.join(str(row.get('title') or '').split())}”"
        try:
            story = mapper.story(row)  # read before the transaction: it writes nothing
            with transaction.atomic():
                result = _save_story(story, source=source, on_duplicate=options.on_duplicate)
                result.name = name
                report.reviews_kept += _keep_reviews(mapper, story, source=source,
                                                     result=result)
                if result.work is not None:
                    made, left_out = reviews_to_comments(
                        ImportedReview.objects.filter(source=source, work=result.work))
                    report.reviews_as_comments += made
                    report.reviews_without_text += left_out
                    touched.add(result.work.pk)
        except ImportFailed as exc:
            result = ImportResult(name=name, status="failed", reason=str(exc))
        except Exception as exc:  # one broken story must never stop the batch
            logger.info("importing eFiction story %s failed", sid, exc_info=True)
            result = ImportResult(name=name, status="failed", reason=(
                f"unexpected problem ({type(exc).__name__}); nothing was created for it"))
        report.results.append(result)
        if on_result is not None:
            on_result(result)
    # Reviews an earlier import kept (before comments existed) whose stories were not touched.
    made, left_out = reviews_to_comments(
        ImportedReview.objects.filter(source=source).exclude(work_id__in=touched))
    report.reviews_as_comments += made
    report.reviews_without_text += left_out
    report.series_kept = _keep_series(mapper, source=source)
    report.bookmarks_made, report.favourites_skipped = _favourites(mapper, source=source)
    return report
