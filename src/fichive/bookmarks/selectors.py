"""Reads of bookmarks that depend on who is looking: which bookmarks a visitor may see (public
ones, and their own private ones, of works works.selectors lets them see) and the listings'
sort and filter over them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from fichive.accounts.models import User
from fichive.accounts.requests import Viewer
from fichive.bookmarks.models import Bookmark
from fichive.series.selectors import series_blurbs, series_visible_to
from fichive.tags.models import Tag
from fichive.works import listing
from fichive.works.blurbs import Blurb, blurbs_of
from fichive.works.models import FilterTagging, Work
from fichive.works.selectors import excluded_tag_ids, muted_ids, works_listed_for

# sort name → (the column the bookmarks are ordered by, runs descending by default).
SORTS: dict[str, tuple[str, bool]] = {
    "bookmarked": ("created_at", True),
    **{name: (f"work__{column}", descending)
       for name, (column, descending) in listing.SORTS.items() if name != "relevance"},
}
SORT_LABELS = {"bookmarked": "Date Bookmarked",
               **{name: label for name, label in listing.SORT_LABELS.items()
                  if name != "relevance"}}
DEFAULT_SORT = "bookmarked"


def _logged_in(viewer: Viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def bookmarks_visible_to(viewer: Viewer) -> QuerySet[Bookmark]:
    """Bookmarks this visitor may see: public ones and their own private ones, of external
    works, of works listed for them (posted; unrestricted for guests; not by users they
    mute) or of series with at least one such work; none by users they mute."""
    of_visible = (Q(external_work__isnull=False)
                  | Q(work_id__in=works_listed_for(viewer).values("pk"))
                  | Q(series_id__in=series_visible_to(viewer).values("pk")))
    shown = Q(private=False)
    if _logged_in(viewer):
        shown |= Q(user_id=viewer.pk)  # type: ignore[union-attr]
    bookmarks = Bookmark.objects.filter(of_visible, shown)
    muted = muted_ids(viewer)
    if muted:  # bookmarks by users the visitor mutes (those of their works went above)
        bookmarks = bookmarks.exclude(user_id__in=muted)
    return bookmarks


def _with_display_data(bookmarks: QuerySet[Bookmark]) -> QuerySet[Bookmark]:
    return bookmarks.select_related("pseud__user", "external_work").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch("external_work__tags", queryset=Tag.objects.order_by("type", "name")))


def bookmark_for_viewer(viewer: Viewer, bookmark_id: int) -> Bookmark:
    """The bookmark if this visitor may see it; 404 otherwise."""
    bookmark = _with_display_data(bookmarks_visible_to(viewer)).filter(pk=bookmark_id).first()
    if bookmark is None:
        raise Http404("No such bookmark.")
    attach_blurbs([bookmark], viewer=viewer)
    return bookmark


def bookmark_for_owner(user: User, bookmark_id: int) -> Bookmark:
    """The user's own bookmark (whatever became of its work since); 404 if they may not see
    it, 403 if it is someone else's."""
    bookmark = Bookmark.objects.select_related("pseud__user", "external_work").filter(
        pk=bookmark_id).first()
    if bookmark is None:
        raise Http404("No such bookmark.")
    if bookmark.user_id != user.pk:
        if not bookmarks_visible_to(user).filter(pk=bookmark_id).exists():
            raise Http404("No such bookmark.")
        raise PermissionDenied("Only the bookmarker can change a bookmark.")
    return bookmark


def work_bookmarked_by(user: Viewer, work_id: int) -> int | None:
    """The id of the user's bookmark of the work, if they have one (one query)."""
    if user is None or not user.is_authenticated:
        return None
    return (Bookmark.objects.filter(user_id=user.pk, work_id=work_id)
            .values_list("pk", flat=True).first())


def series_bookmarked_by(user: Viewer, series_id: int) -> int | None:
    """The id of the user's bookmark of the series, if they have one (one query)."""
    if user is None or not user.is_authenticated:
        return None
    return (Bookmark.objects.filter(user_id=user.pk, series_id=series_id)
            .values_list("pk", flat=True).first())


def attach_blurbs(bookmarks: list[Bookmark], *, viewer: Viewer) -> None:
    """Give each bookmark of a work its work's blurb (`blurb`), in two queries for a page,
    and each bookmark of a series its series' blurb (`series_blurb`: counting the works
    this visitor may see), in two more when the page has any."""
    ids = [b.work_id for b in bookmarks if b.work_id is not None]
    blurbs: dict[int, Blurb] = {}
    if ids:
        blurbs = {b.id: b for b in blurbs_of(Work.objects.filter(pk__in=ids))}
    shown = series_blurbs(viewer, [b.series_id for b in bookmarks if b.series_id is not None])
    for bookmark in bookmarks:
        bookmark.blurb = blurbs.get(bookmark.work_id)  # type: ignore[attr-defined, arg-type]
        bookmark.series_blurb = shown.get(  # type: ignore[attr-defined]
            bookmark.series_id)  # type: ignore[arg-type]


@dataclass(frozen=True)
class BookmarkFilters:
    """What the bookmark listing asks of the bookmarks themselves (the works' filters are a
    listing.Filters beside it)."""

    sort: str = DEFAULT_SORT
    descending: bool = True
    include: tuple[str, ...] = ()  # the bookmarker's tags
    exclude: tuple[str, ...] = ()
    rec: bool = False
    with_notes: bool = False
    page: int = 1


@dataclass
class BookmarkListing:
    """A page of bookmarks, and the works listing's sidebar (`works`: its facets and chosen
    tags) for the bookmarked works."""

    works: listing.Listing
    filters: BookmarkFilters
    tags: listing.ResolvedTags  # the bookmarker's tags asked for

    @property
    def page(self) -> Page:
        return self.works.page

    @property
    def total(self) -> int:
        return self.works.page.paginator.count

    def messages(self) -> list[str]:
        notes = self.works.messages()
        notes += [f"No bookmark is tagged “{name}”, so none can be found under it."
                  for name in self.tags.unknown_include]
        notes += [f"No bookmark is tagged “{name}”, so nothing was excluded for it."
                  for name in self.tags.unknown_exclude]
        return notes

    def is_filtered(self) -> bool:
        f = self.filters
        return self.works.is_filtered() or bool(f.include or f.exclude or f.rec
                                                or f.with_notes)

    @property
    def unknown_include(self) -> str:
        return ", ".join(self.tags.unknown_include)

    @property
    def unknown_exclude(self) -> str:
        return ", ".join(self.tags.unknown_exclude)


def _tagged_with(tag: Tag) -> Exists:
    """Bookmarks carrying the tag or one of its synonyms."""
    through: Any = Bookmark.tags.through
    return Exists(through.objects.filter(
        bookmark_id=OuterRef("pk"),
        tag_id__in=Tag.objects.filter(Q(pk=tag.pk) | Q(merger_id=tag.pk)).values("pk")))


def bookmarks_sort(bookmarks: QuerySet[Bookmark], filters: BookmarkFilters) -> QuerySet[Bookmark]:
    """By the chosen sort, ties by id in the same direction; external works (no work
    fields) come last when sorting by a work's field."""
    column = SORTS[filters.sort][0]
    if filters.descending:
        return bookmarks.order_by(F(column).desc(nulls_last=True), "-id")
    return bookmarks.order_by(F(column).asc(nulls_last=True), "id")


def bookmark_listing_build(
    *, viewer: Viewer, bookmarks: QuerySet[Bookmark], works: listing.Filters,
    filters: BookmarkFilters,
) -> BookmarkListing:
    """A page of `bookmarks` (already narrowed to what the visitor may see and to the
    listing's user or work) under the filters: the works' filters of every listing apply to
    the bookmarked works (bookmarks of external works and of series stay only while none is
    set), then
    the bookmarker's tags, recs and notes. A fixed number of queries: tag names (if given,
    one per kind), count, page, its tags, its works' blurbs (two), the sidebar counts."""
    work_tags = listing.tags_resolve(include=works.include, exclude=works.exclude,
                                     viewer=viewer)
    own_tags = listing.tags_resolve(include=filters.include, exclude=filters.exclude,
                                    viewer=viewer)
    plain = listing.Filters(sort=works.sort, descending=works.descending, page=works.page,
                            saved_filters=works.saved_filters)
    if works != plain or work_tags.unknown_include:
        matching = listing.works_filter(works_listed_for(viewer), works, work_tags)
        bookmarks = bookmarks.filter(work_id__in=matching.values("pk"))
    saved = excluded_tag_ids(viewer) if works.saved_filters else []
    if saved:  # the reader's saved exclusions: bookmarks of works found under them go
        bookmarks = bookmarks.exclude(work_id__in=FilterTagging.objects.filter(
            tag_id__in=saved).values("work_id"))
    if own_tags.unknown_include:
        bookmarks = bookmarks.none()
    for tag in own_tags.include:
        bookmarks = bookmarks.filter(_tagged_with(tag))
    for tag in own_tags.exclude:
        bookmarks = bookmarks.exclude(_tagged_with(tag))
    if filters.rec:
        bookmarks = bookmarks.filter(rec=True)
    if filters.with_notes:
        bookmarks = bookmarks.exclude(notes="")
    paginator = Paginator(_with_display_data(bookmarks_sort(bookmarks, filters)),
                          listing.PER_PAGE)
    page = listing.page_of(paginator, filters.page)
    page.object_list = list(page.object_list)
    attach_blurbs(page.object_list, viewer=viewer)
    facets: dict[str, Any]
    if paginator.count:
        bookmarked = Work.objects.filter(pk__in=bookmarks.order_by().values("work_id"))
        facets = listing.facets_count(bookmarked, total=paginator.count)
    else:
        facets = {t: [] for t, _ in listing.FACET_TYPES}
    return BookmarkListing(
        works=listing.Listing(filters=works, tags=work_tags, page=page, facets=facets),
        filters=filters, tags=own_tags)
