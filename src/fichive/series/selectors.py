"""Reads of series that depend on who is looking: which series and which of their parts a
visitor may see, and the counts that go with them.

A series' parts are shown through works.selectors (works_listed_for): posted works the
visitor may see, so guests see unrestricted ones and logged-in users restricted ones too;
drafts show in no series until they are posted (as on AO3). A series none of whose parts the
visitor may see is 404 for them, except for the series' creators, who see it empty.
Counts (works, words) count only the parts the visitor sees; bookmarks count the series'
public bookmarks. Series made by users the visitor mutes are left out of listings and blurbs
(their works already are, through works_listed_for).

Parts are numbered as AO3 numbers them, the same for every visitor (so a guest's cached page
never depends on who else looks): a part's number is one more than the number of posted
parts before it, in the series' order. A draft part never moves the others' numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from fichive.accounts.models import Pseud, User
from fichive.accounts.requests import Viewer
from fichive.bookmarks.models import Bookmark
from fichive.series.models import Series, SeriesCreatorship, SeriesPart
from fichive.works.blurbs import Blurb, blurbs_of, byline_html
from fichive.works.models import Creatorship, Work
from fichive.works.selectors import muted_ids, works_listed_for, works_visible_to


def _logged_in(viewer: Viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def _anonymous_part_of_series() -> Exists:
    """Whether a series creatorship's pseud is a creator of an anonymous part of that series
    (an annotation on SeriesCreatorship rows)."""
    return Exists(Creatorship.objects.filter(
        pseud_id=OuterRef("pseud_id"), work__anonymous=True,
        work__series_parts__series_id=OuterRef("series_id")))


def _with_creators(series: QuerySet[Series]) -> QuerySet[Series]:
    """Series with their creatorships prefetched, each marked `anonymous` when naming that
    creator would reveal who made an anonymous part (one query for any number of series)."""
    return series.prefetch_related(Prefetch(
        "creatorships", queryset=SeriesCreatorship.objects.select_related("pseud__user")
        .annotate(anonymous=_anonymous_part_of_series()).order_by("position", "id")))


def _creatorships(series: Series) -> list[SeriesCreatorship]:
    return sorted(series.creatorships.all(), key=lambda c: (c.position, c.pk))


def creators_of(series: Series) -> list[Pseud]:
    """The series' creators as its byline names them, in order: a creator of an anonymous
    part is left out (the byline reads "Anonymous" when that leaves nobody)."""
    return [c.pseud for c in _creatorships(series) if not getattr(c, "anonymous", False)]


def created_by(series: Series, viewer: Viewer) -> bool:
    """Whether the visitor is one of the series' creators (from the prefetch when present)."""
    if not _logged_in(viewer):
        return False
    return any(c.pseud.user_id == viewer.pk for c in _creatorships(series))  # type: ignore[union-attr]


def _not_by_muted(viewer: Viewer) -> Q:
    """Q leaving out the series made by users the visitor mutes (nothing for guests), but
    where the byline hides them (a creator of an anonymous part, creators_of): leaving those
    out would tell who made the anonymous work, as works.selectors keeps anonymous works."""
    muted = muted_ids(viewer)
    if not muted:
        return Q()
    return ~Q(pk__in=SeriesCreatorship.objects.filter(pseud__user_id__in=muted)
              .filter(~_anonymous_part_of_series()).values("series_id"))


def _public_bookmarks() -> Coalesce:
    """A series' public bookmarks, counted in the series query (an annotation)."""
    return Coalesce(Subquery(
        Bookmark.objects.filter(series_id=OuterRef("pk"), private=False)
        .order_by().values("series_id").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField()), 0)


@dataclass
class Part:
    """One part the visitor may see: its number in the series and its blurb."""

    number: int
    blurb: Blurb


@dataclass
class SeriesPage:
    """What the series page shows a visitor."""

    series: Series
    creators: list[Pseud]
    parts: list[Part]
    is_creator: bool
    bookmarks: int
    begun: datetime.date | None = None
    updated: datetime.date | None = None

    @property
    def words(self) -> int:
        return sum(p.blurb.word_count for p in self.parts)

    @property
    def works(self) -> int:
        return len(self.parts)


def _part_rows(viewer: Viewer, series_ids: QuerySet[Any, Any] | list[int]) -> list[tuple]:
    """Every part of these series in order: (series id, series title, work id, posted,
    visible to the visitor, published, updated), in one query."""
    visible = Exists(works_listed_for(viewer).filter(pk=OuterRef("work_id")))
    return list(
        SeriesPart.objects.filter(series_id__in=series_ids)
        .annotate(visible=visible)
        .order_by("series_id", "position", "id")
        .values_list("series_id", "series__title", "work_id", "work__state", "visible",
                     "work__published", "work__updated"))


def _numbers(rows: list[tuple]) -> dict[tuple[int, int], int]:
    """(series id, work id) → the part's number: 1 + posted parts before it."""
    numbers: dict[tuple[int, int], int] = {}
    posted_before: dict[int, int] = {}
    for series_id, _, work_id, state, *_ in rows:
        before = posted_before.get(series_id, 0)
        numbers[(series_id, work_id)] = before + 1
        if state == Work.State.POSTED:
            posted_before[series_id] = before + 1
    return numbers


def series_page_for_viewer(viewer: Viewer, series_id: int) -> SeriesPage:
    """The series with the parts this visitor may see, as blurbs in order; 404 when they may
    see none of its parts and are not one of its creators, or when they mute its creator
    (series_visible_to)."""
    series = _with_creators(Series.objects.annotate(
        public_bookmarks=_public_bookmarks())).filter(_not_by_muted(viewer), pk=series_id).first()
    if series is None:
        raise Http404("No such series.")
    is_creator = created_by(series, viewer)
    rows = _part_rows(viewer, [series.pk])
    numbers = _numbers(rows)
    shown = [row for row in rows if row[4]]
    if not shown and not is_creator:
        raise Http404("No such series.")
    blurbs = {b.id: b for b in blurbs_of(Work.objects.filter(pk__in=[r[2] for r in shown]))}
    parts = [Part(numbers[(series.pk, row[2])], blurbs[row[2]]) for row in shown
             if row[2] in blurbs]
    published = [row[5] for row in shown if row[5]]
    updated = [row[6] for row in shown if row[6]]
    return SeriesPage(series=series, creators=creators_of(series), parts=parts,
                      is_creator=is_creator, bookmarks=series.public_bookmarks,  # type: ignore[attr-defined]
                      begun=min(published) if published else None,
                      updated=max(updated) if updated else None)


def series_for_editing(user: Viewer, series_id: int) -> Series:
    """The series if this visitor is one of its creators: 404 if they may not see it (no
    part they may see), 403 if they may."""
    series = _with_creators(Series.objects.all()).filter(pk=series_id).first()
    if series is None:
        raise Http404("No such series.")
    if not created_by(series, user):
        if not series.parts.filter(work__in=works_listed_for(user)).exists():
            raise Http404("No such series.")
        raise PermissionDenied("Only the series' creators can change it.")
    return series


def series_listed_for(viewer: Viewer, *, owner: User) -> QuerySet[Series]:
    """The series `owner` is a creator of that this visitor may see (at least one part
    they may see, or they are a creator), newest change first, each annotated with the
    visitor's counts: `shown_works`, `shown_words`, `shown_updated`, `public_bookmarks`;
    creators prefetched."""
    visible = Q(parts__work__in=works_listed_for(viewer))
    series = (
        Series.objects.filter(pk__in=SeriesCreatorship.objects.filter(pseud__user=owner)
                              .values("series_id"))
        .annotate(shown_works=Count("parts", filter=visible),
                  shown_words=Coalesce(Sum("parts__work__word_count", filter=visible), 0),
                  shown_updated=Max("parts__work__updated", filter=visible),
                  public_bookmarks=_public_bookmarks())
    )
    shown = Q(shown_works__gt=0)
    if not (isinstance(viewer, User) and viewer.pk == owner.pk):
        # A series listed under the owner's name would reveal the anonymous parts they made.
        shown &= ~Q(pk__in=Creatorship.objects.filter(
            pseud__user=owner, work__anonymous=True).values("work__series_parts__series_id"))
    if isinstance(viewer, User) and viewer.is_authenticated:
        shown |= Q(pk__in=SeriesCreatorship.objects.filter(pseud__user=viewer)
                   .values("series_id"))
    return _with_creators(series.filter(shown).filter(_not_by_muted(viewer))
                          .order_by("-updated_at", "-id"))


@dataclass
class SeriesLine:
    """"Part N of <series>" on a work's page, with the neighbouring parts the visitor may see."""

    series_id: int
    title: str
    number: int
    previous_id: int | None = None
    next_id: int | None = None


@dataclass
class _Run:
    title: str
    works: list[tuple[int, bool]] = field(default_factory=list)  # (work id, visible)


def series_ids_of_work(work: Work) -> list[int]:
    """The ids of the series the work is part of (the same for every visitor)."""
    return list(SeriesPart.objects.filter(work_id=work.pk).values_list("series_id", flat=True))


def series_lines_of_work(viewer: Viewer, work: Work, *,
                         series_ids: list[int] | None = None) -> list[SeriesLine]:
    """Each series the work (which the visitor may see) is part of, oldest series first: one
    small query for a work in no series (most works), two otherwise (building the parts'
    visibility query cost a logged-in page ~3 ms of CPU even for a work in no series).
    `series_ids`: series_ids_of_work, when the caller has it already."""
    if series_ids is None:
        series_ids = series_ids_of_work(work)
    if not series_ids:
        return []
    rows = _part_rows(viewer, series_ids)
    numbers = _numbers(rows)
    runs: dict[int, _Run] = {}
    for series_id, title, work_id, _, visible, *_ in rows:
        runs.setdefault(series_id, _Run(title)).works.append((work_id, bool(visible)))
    lines = []
    for series_id, run in sorted(runs.items()):
        ids = [work_id for work_id, _ in run.works]
        if work.pk not in ids:
            continue
        here = ids.index(work.pk)
        before = [w for w, visible in run.works[:here] if visible]
        after = [w for w, visible in run.works[here + 1:] if visible]
        lines.append(SeriesLine(series_id, run.title, numbers[(series_id, work.pk)],
                                before[-1] if before else None, after[0] if after else None))
    return lines


def series_choices_for(user: User) -> QuerySet[Series]:
    """The series the user may add works to (those they are a creator of), by title."""
    return Series.objects.filter(
        pk__in=SeriesCreatorship.objects.filter(pseud__user=user).values("series_id")
    ).order_by("title", "id")


def parts_for_managing(user: User, series: Series) -> list[dict]:
    """Every part of the series in order, for its creators' Manage Series page: the work's id,
    its position (1, 2, …) and its title when the creator may see the work (their own drafts
    too; another creator's draft stays untitled)."""
    parts = list(SeriesPart.objects.filter(series=series).order_by("position", "id")
                 .values_list("work_id", flat=True))
    titles = dict(works_visible_to(user).filter(pk__in=parts).values_list("pk", "title"))
    return [{"work_id": work_id, "title": titles.get(work_id), "position": index}
            for index, work_id in enumerate(parts, start=1)]


def part_of(series: Series, work_id: int) -> Work:
    """The work if it is a part of the series (for its creators taking it out); 404 if not."""
    part = SeriesPart.objects.filter(series=series, work_id=work_id).select_related(
        "work").first()
    if part is None:
        raise Http404("That work is not part of the series.")
    return part.work


# ------------------------------------------------- series in bookmarks and subscriptions


def series_path(series_id: int) -> str:
    """A series' page, /series/<id> (AO3's shape)."""
    return reverse("series:detail", args=[series_id])


def series_visible_to(viewer: Viewer) -> QuerySet[Series]:
    """Series with at least one work listed for this visitor (posted; unrestricted for
    guests)."""
    return Series.objects.filter(Exists(SeriesPart.objects.filter(
        series_id=OuterRef("pk"), work__in=works_listed_for(viewer).values("pk")))).filter(
        _not_by_muted(viewer))


def series_for_viewer(viewer: Viewer, series_id: int) -> Series:
    """The series if the visitor may see it; 404 otherwise."""
    series = series_visible_to(viewer).filter(pk=series_id).first()
    if series is None:
        raise Http404("No such series.")
    return series


@dataclass
class SeriesBlurb:
    """What a series' blurb shows: `creators` are (pseud name, username) in byline order;
    `works` and `words` count only the works the visitor may see."""

    id: int
    title: str
    summary: str
    complete: bool
    updated_at: object
    works: int
    words: int
    creators: list[tuple[str, str]] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def url(self) -> str:
        return series_path(self.id)

    def byline(self) -> SafeString:
        """Creator links (byline_html escapes names and URLs)."""
        return mark_safe(byline_html(self.creators))  # noqa: S308


def series_blurbs(viewer: Viewer, series_ids: list[int]) -> dict[int, SeriesBlurb]:
    """Blurbs of the series among `series_ids` the visitor may see, by id: two queries (the
    series with their counts, their creators but those of anonymous parts), none for no
    ids."""
    if not series_ids:
        return {}
    listed = Q(parts__work__in=works_listed_for(viewer).values("pk"))
    rows = (Series.objects.filter(_not_by_muted(viewer), pk__in=series_ids)
            .annotate(works_shown=Count("parts", filter=listed),
                      words_shown=Coalesce(Sum("parts__work__word_count", filter=listed), 0,
                                           output_field=IntegerField()))
            .filter(works_shown__gt=0))
    blurbs = {s.pk: SeriesBlurb(id=s.pk, title=s.title, summary=s.summary,
                                complete=s.complete, updated_at=s.updated_at,
                                works=s.works_shown,
                                words=s.words_shown)
              for s in rows}
    if blurbs:
        for name, username, series_id in (
                SeriesCreatorship.objects.filter(series_id__in=list(blurbs))
                .annotate(anonymous=_anonymous_part_of_series()).filter(anonymous=False)
                .order_by("series_id", "position", "id")
                .values_list("pseud__name", "pseud__user__username", "series_id")):
            blurbs[series_id].creators.append((name, username))
    return blurbs
