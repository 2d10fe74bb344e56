"""Reads of series that depend on who is looking: a series is there for a visitor while at
least one of its works is (works.selectors decides which), and what it shows of itself (its
count of works, its words) counts only those works."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.safestring import SafeString, mark_safe

from fichive.accounts.requests import Viewer
from fichive.series.models import Series, SeriesCreatorship, SeriesPart
from fichive.works.blurbs import byline_html
from fichive.works.selectors import works_listed_for


def series_path(series_id: int) -> str:
    """A series' page, /series/<id> (AO3's shape)."""
    return f"/series/{series_id}"


def series_visible_to(viewer: Viewer) -> QuerySet[Series]:
    """Series with at least one work listed for this visitor (posted; unrestricted for
    guests)."""
    return Series.objects.filter(Exists(SeriesPart.objects.filter(
        series_id=OuterRef("pk"), work__in=works_listed_for(viewer).values("pk"))))


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
    series with their counts, their creators), none for no ids."""
    if not series_ids:
        return {}
    listed = Q(parts__work__in=works_listed_for(viewer).values("pk"))
    rows = (Series.objects.filter(pk__in=series_ids)
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
                .order_by("series_id", "position", "id")
                .values_list("pseud__name", "pseud__user__username", "series_id")):
            blurbs[series_id].creators.append((name, username))
    return blurbs
