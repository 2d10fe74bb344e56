"""A listing of every work listed for a visitor (works.listing, `works` not given) run from SQL
the ORM built once per process for the listing's shape (lib/compiled.kept_statement), with
this visitor's and these filters' values bound as parameters: building the listing's queries
(visibility, mutes, saved exclusions, tags, filters) cost more CPU than running them.

The statements are built by the very functions the ORM path runs (selectors.works_listed_for
and taggings_listed_for, listing.works_filter, tagged_rows, works_sort) on stand-in values
(a copy of the viewer whose muted ids, and tags whose ids, are slots), so they are the ORM's
SQL. A shape names everything that changes that SQL's text: logged in or not, how many muted
users and excluded tags (IN lists, rounded up to a power of two and filled with their last
value), how many required tags, which work conditions, the sort and its direction, and which
statement. Searches and date ranges take the ORM path (listing.kept_queries says None).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connections, router
from django.db.models import QuerySet

from fichive.accounts.requests import Viewer
from fichive.lib.compiled import Slots, Statement, kept_statement, padded_size
from fichive.tags.models import Tag
from fichive.works.blurbs import FIELDS, blurbs_from_rows
from fichive.works.listing import (
    Filters,
    ResolvedTags,
    SortedWorks,
    TaggedWorks,
    _required,
    tagged_rows,
    works_filter,
    works_sort,
)
from fichive.works.models import FilterTagging, Work
from fichive.works.selectors import muted_ids, taggings_listed_for, works_listed_for

# Filters whose values are parameters (slots) of the statements; the work conditions that are
# yes or no (complete, crossover) are part of the shape.
_NUMBERS = ("words_from", "words_to", "series")


class KeptQueries:
    """The statements of one visitor's listing under these filters and tags: their shape,
    the values to bind, and the stand-ins they are built on."""

    def __init__(self, viewer: Viewer, filters: Filters, tags: ResolvedTags,
                 under: Tag | None) -> None:
        self.viewer, self.filters = viewer, filters
        self.authenticated = viewer is not None and viewer.is_authenticated
        muted = list(dict.fromkeys(muted_ids(viewer)))
        required = [t.pk for t in _required(tags, under)]
        excluded = tags.excluded_ids()
        self.values: dict[str, Any] = {"muted": muted, "required": required,
                                       "excluded": excluded}
        numbers = tuple(name for name in _NUMBERS if getattr(filters, name) is not None)
        for name in numbers:
            self.values[name] = getattr(filters, name)
        if filters.language:
            self.values["language"] = filters.language
        self.shape = (self.authenticated, padded_size(len(muted)) if muted else 0,
                      len(required), padded_size(len(excluded)) if excluded else 0,
                      filters.complete, filters.crossover, numbers, bool(filters.language))
        self.tagged = bool(required)
        self.alias = router.db_for_read(Work)

    def _stand_ins(self, slots: Slots) -> tuple[Viewer, Filters, ResolvedTags]:
        _, muted, required, excluded, *_ = self.shape
        viewer: Any = AnonymousUser()
        if self.authenticated:
            viewer = copy.copy(self.viewer)
            viewer.muted_ids = slots.many("muted", muted) if muted else []

        def number(name: str) -> int | None:
            return slots.one(name) if name in self.values else None

        filters = replace(self.filters, words_from=number("words_from"),
                          words_to=number("words_to"), series=number("series"),
                          language=slots.text("language") if "language" in self.values
                          else "", include=(), exclude=(), q="", page=1)
        tags = ResolvedTags(
            include=[Tag(pk=pk, uses=i) for i, pk in enumerate(slots.many("required", required))],
            saved=slots.many("excluded", excluded) if excluded else [])
        return viewer, filters, tags

    def statement(self, what: str, *details: Any) -> Statement:
        """The kept statement `what` (see _BUILDS) of this shape, with `details` (the sort,
        a page's number of ids) added to the shape."""
        build = _BUILDS[what]

        def built(slots: Slots) -> QuerySet[Any]:
            return build(self, slots, *self._stand_ins(slots), *details)

        return kept_statement(self.alias, (what, self.shape, details), built)

    def sql(self, what: str, *details: Any, **values: Any) -> tuple[str, list[Any]]:
        """The statement's SQL and its parameters for this listing (and `values`)."""
        found = self.statement(what, *details)
        return found.sql, found.bind({**self.values, **values})

    def count(self, what: str) -> int:
        sql, params = self.sql(what)
        with connections[self.alias].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)  # noqa: S608
            return int(cursor.fetchone()[0])

    def blurbs(self, what: str, *details: Any, **values: Any) -> list[Any]:
        """The blurbs (blurbs.blurbs_of) of the works a page statement reads."""
        rows = self.statement(what, *details).rows(self.alias, {**self.values, **values})
        return blurbs_from_rows(rows, self.alias)

    def sort(self) -> tuple[str, bool]:
        return self.filters.sort, self.filters.descending


def _rows(kept: KeptQueries, slots: Slots, viewer: Viewer, filters: Filters,
          tags: ResolvedTags) -> QuerySet[FilterTagging]:
    rows = tagged_rows(taggings_listed_for(viewer), filters, tags)
    assert rows is not None  # noqa: S101 - a shape with required tags
    return rows


def _matching(kept: KeptQueries, slots: Slots, viewer: Viewer, filters: Filters,
              tags: ResolvedTags) -> QuerySet[Work]:
    return works_filter(works_listed_for(viewer), filters, tags).order_by()


def _sorted_page(kept: KeptQueries, slots: Slots, viewer: Viewer, filters: Filters,
                 tags: ResolvedTags, sort: str, descending: bool) -> QuerySet[Any]:
    """SortedWorks' page: the matching works in sort order, a page's slice."""
    filters = replace(filters, sort=sort, descending=descending)
    matching = works_filter(works_listed_for(viewer), filters, tags)
    return works_sort(matching, filters)[slots.page()].values_list(*FIELDS)


def _tagged_page(kept: KeptQueries, slots: Slots, viewer: Viewer, filters: Filters,
                 tags: ResolvedTags, sort: str, descending: bool) -> QuerySet[Any]:
    """TaggedWorks' page found by the rows' or the works' sort index (TaggedWorks.ids)."""
    filters = replace(filters, sort=sort, descending=descending)
    works = works_listed_for(viewer)
    rows = _rows(kept, slots, viewer, filters, tags)
    ids = TaggedWorks(rows, works=works, matching=lambda: works_filter(works, filters, tags),
                      filters=filters, fetch=list).ids()
    return works_sort(works.filter(pk__in=ids[slots.page()]), filters).values_list(*FIELDS)


def _works_of(kept: KeptQueries, slots: Slots, viewer: Viewer, filters: Filters,
              tags: ResolvedTags, sort: str, descending: bool, size: int) -> QuerySet[Any]:
    """TaggedWorks' page by its kept ids, read through the visitor's works."""
    filters = replace(filters, sort=sort, descending=descending)
    works = works_listed_for(viewer).filter(pk__in=slots.many("ids", size))
    return works_sort(works, filters).values_list(*FIELDS)


def _rows_ids(kept: KeptQueries, slots: Slots, viewer: Viewer, filters: Filters,
              tags: ResolvedTags) -> QuerySet[Any]:
    return _rows(kept, slots, viewer, filters, tags).order_by().values("work_id")


def _matching_ids(kept: KeptQueries, slots: Slots, viewer: Viewer, filters: Filters,
                  tags: ResolvedTags) -> QuerySet[Any]:
    return _matching(kept, slots, viewer, filters, tags).values("pk")


# The statements, by name: each builds its query on the stand-ins (and the details given).
_BUILDS: dict[str, Callable[..., QuerySet[Any]]] = {
    "rows": _rows, "rows-ids": _rows_ids, "matching": _matching,
    "matching-ids": _matching_ids, "sorted-page": _sorted_page, "tagged-page": _tagged_page,
    "works-of": _works_of,
}


class KeptTaggedWorks(TaggedWorks):
    """TaggedWorks (its kept counts and pages) run from the kept statements."""

    def __init__(self, kept: KeptQueries, *, version: str | None) -> None:  # noqa: D107
        # No querysets: every hook that would use them is the kept statements'.
        self.kept, self.filters, self.version = kept, kept.filters, version
        self._digest: str | None = None

    def _rows_sql(self) -> tuple[str, Any]:
        return self.kept.sql("rows")

    def _rows_count(self) -> int:
        return self.kept.count("rows")

    def _page(self, index: slice) -> list[Any]:
        return self.kept.blurbs("tagged-page", *self.kept.sort(), limit=index.stop - index.start,
                                offset=index.start)

    def _works_of(self, ids: list[int]) -> list[Any]:
        return self.kept.blurbs("works-of", *self.kept.sort(), len(ids), ids=ids)

    def ids_sql(self) -> tuple[str, list[Any]]:
        """A SELECT of the matching works' ids (for facets_count)."""
        return self.kept.sql("rows-ids")


class KeptSortedWorks(SortedWorks):
    """SortedWorks (its kept count) run from the kept statements."""

    def __init__(self, kept: KeptQueries) -> None:  # noqa: D107
        self.kept = kept
        self._count: int | None = None
        self._digest: str | None = None

    def _sql(self) -> tuple[str, Any]:
        return self.kept.sql("matching")

    def _empty(self) -> bool:
        return False

    def _count_rows(self) -> int:
        return self.kept.count("matching")

    def _page(self, index: slice) -> list[Any]:
        return self.kept.blurbs("sorted-page", *self.kept.sort(), limit=index.stop - index.start,
                                offset=index.start)

    def ids_sql(self) -> tuple[str, list[Any]]:
        """A SELECT of the matching works' ids (for facets_count)."""
        return self.kept.sql("matching-ids")
