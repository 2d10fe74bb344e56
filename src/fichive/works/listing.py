"""Work listings' sort and filter: the query-string parameters every listing takes, the query
they build on a visitor's works, the page of results and the sidebar's tag counts.

Parameters (flat, repeatable where it makes sense, so a filtered listing is a plain link):
  sort       relevance (default with a query: "Best Match") | updated (default otherwise) |
             posted | title | creator | words | hits | kudos | comments | bookmarks; dates and
             numbers run newest/largest first, title and creator A–Z
  order      asc | desc: reverses the sort's usual direction (optional)
  include    a tag name of any type, repeatable (commas also separate names); a synonym means
             its canonical tag; works must be found under every included tag
  exclude    a tag name, repeatable; works found under any excluded tag are left out
  rating, warning, category
             repeatable shortcuts for `include` of those fixed tags
  complete   all (default) | yes | no
  crossover  include (default) | exclude | only
  words_from, words_to         word-count range, inclusive
  updated_from, updated_to     last-updated range, YYYY-MM-DD, inclusive
  language   a language code (en, de, pt-BR, …)
  series     a series' id: only the works that are part of it
  q          a full-text search in the query language of search.query (fields, chapter
             text, phrases, OR, exclusions, comparisons); results carry scores and snippets
  page       1-based; past the last page, an empty page that says so (page_of)
  saved_filters
             off: leave out the logged-in reader's saved tag exclusions for this page (they
             apply to every listing otherwise, as if added to `exclude`)
"""

from __future__ import annotations

import copy
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict

from fichive.accounts.requests import Viewer
from fichive.lib.cache import listings_version, tag_listings_version
from fichive.search.limits import remembered_key, search_budget
from fichive.search.query import MAX_QUERY_LENGTH, Query, QueryError, query_parse
from fichive.search.selectors import RankedWorks, matches_of, scores_of, works_matching
from fichive.tags.models import CATEGORIES, RATINGS, TAG_NAME_MAX, WARNINGS, Tag, tag_key
from fichive.works.blurbs import blurbs_of
from fichive.works.languages import LANGUAGES
from fichive.works.models import FilterTagging, Work
from fichive.works.selectors import (
    excluded_tag_ids,
    taggings_listed_for,
    with_blurb_data,
    with_gifts,
    with_series,
    works_listed_for,
)

PER_PAGE = 20


class PastEndPage(Page):
    """A page number past the last page: no items, and the template says so, linking to the
    last page (`paginator.num_pages`), rather than showing page 1 or the last page's items
    under the wrong number."""

    past_end = True


def page_of(paginator: Paginator, number: int | str | None) -> Page:
    """Page `number` of the paginator (1 when missing or not a number); past the last page,
    a PastEndPage. Counting the items is the only query a page past the end costs."""
    try:
        wanted = max(1, int(number or 1))
    except (TypeError, ValueError):
        wanted = 1
    if wanted > 1 and wanted > paginator.num_pages:
        return PastEndPage([], wanted, paginator)
    return paginator.get_page(wanted)


# Reads a page's works from a sliced, sorted works query (listing_build's `fetch`).
Fetch = Callable[[QuerySet[Work]], list[Any]]
FACET_SIZE = 10
MAX_TAG_NAMES = 50
# Sidebar counts over this many results or more are cached for a few minutes (facets_count).
# Counting costs about 15 microseconds of database CPU a listed work (SQLite, a work carries
# about fourteen filter taggings), reading kept counts about 50 in all: from fifty works on,
# keeping them pays (a 400-work fandom's counts took 6-7 ms of a logged-in reader's 11 ms).
FACET_CACHE_FROM = 50
FACET_CACHE_SECONDS = 300

# sort name → (Work field, runs descending by default), with the labels the sidebar shows.
SORTS: dict[str, tuple[str, bool]] = {
    "relevance": ("updated", True),  # ranked by the search; by update date without a query
    "updated": ("updated", True),
    "posted": ("published", True),
    "title": ("sort_title", False),
    "creator": ("sort_creator", False),
    "words": ("word_count", True),
    "hits": ("hits", True),
    "kudos": ("kudos_count", True),
    "comments": ("comments_count", True),
    "bookmarks": ("bookmarks_count", True),
}
SORT_LABELS = {
    "relevance": "Best Match",
    "updated": "Date Updated",
    "posted": "Date Posted",
    "title": "Title",
    "creator": "Creator",
    "words": "Word Count",
    "hits": "Hits",
    "kudos": "Kudos",
    "comments": "Comments",
    "bookmarks": "Bookmarks",
}
DEFAULT_SORT = "updated"

# The sidebar's tag groups, in the order it shows them, with their headings.
FACET_TYPES: list[tuple[str, str]] = [
    (Tag.Type.RATING, "Ratings"),
    (Tag.Type.WARNING, "Archive Warnings"),
    (Tag.Type.CATEGORY, "Categories"),
    (Tag.Type.FANDOM, "Fandoms"),
    (Tag.Type.RELATIONSHIP, "Relationships"),
    (Tag.Type.CHARACTER, "Characters"),
    (Tag.Type.FREEFORM, "Additional Tags"),
]

COMPLETE_CHOICES = [("all", "All works"), ("yes", "Complete works only"),
                    ("no", "Works in progress only")]
CROSSOVER_CHOICES = [("include", "Include crossovers"), ("exclude", "Exclude crossovers"),
                     ("only", "Only crossovers")]
ORDER_CHOICES = [("", "Usual direction"), ("desc", "Descending"), ("asc", "Ascending")]
DATE_FORMAT = "%Y-%m-%d"


class TagNamesField(forms.Field):
    """Tag names from a repeatable parameter; each value may also hold comma-separated names
    (tag names can't contain commas), as the sidebar's "other tags" box sends them."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        names: dict[str, str] = {}
        for raw in values:
            for part in str(raw).split(","):
                name = " ".join(part.split())
                if name:
                    names.setdefault(tag_key(name), name)
        return list(names.values())

    def validate(self, value: list[str]) -> None:
        too_long = [name for name in value if len(name) > TAG_NAME_MAX]
        if too_long:
            raise forms.ValidationError(
                f"“{too_long[0][:40]}…” is longer than any tag name ({TAG_NAME_MAX} "
                "characters at most)."
            )
        if len(value) > MAX_TAG_NAMES:
            raise forms.ValidationError(
                f"Give at most {MAX_TAG_NAMES} tags here; this has {len(value)}."
            )


def _sharing_choices(field: forms.Field, memo: dict[int, Any]) -> Any:
    """A copy of the field for one form, as Django's Field.__deepcopy__ makes it, but whose
    widget shares the field's choices rather than copying (and checking) them again."""
    result = copy.copy(field)
    memo[id(field)] = result
    result.widget = copy.copy(field.widget)
    result.widget.attrs = field.widget.attrs.copy()
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    return result


class FixedChoiceField(forms.ChoiceField):
    """A choice field whose choices never change (sorts, languages, …): every form shares
    them rather than copying them, as Django's forms do each field for each form (a third
    of a millisecond on every listing page)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedChoiceField:
        return _sharing_choices(self, memo)


class FixedMultipleChoiceField(forms.MultipleChoiceField):
    """FixedChoiceField's choices, several of them at once."""

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedMultipleChoiceField:
        return _sharing_choices(self, memo)


# The largest number the database's integer columns hold (word counts, ids): a filter past it
# is refused, not compared (PostgreSQL's ORM lookups can't take it).
NUMBER_MAX = 2**31 - 1


def _whole_number(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False, min_value=0, max_value=NUMBER_MAX, label=label,
        error_messages={"invalid": f"{label} must be a whole number, like 1000.",
                        "min_value": f"{label} can't be negative.",
                        "max_value": f"{label} can be at most {NUMBER_MAX:,}."},
    )


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        required=False, input_formats=[DATE_FORMAT], label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={"invalid": f"{label} must be a date written YYYY-MM-DD, "
                                   "like 2024-05-31."},
    )


class ListingForm(forms.Form):
    """The filter set of every work listing, read from the query string."""

    sort: forms.ChoiceField = FixedChoiceField(  # (bookmarks' listing form has its own)
        required=False, label="Sort by", choices=list(SORT_LABELS.items()),
        error_messages={"invalid_choice": "“%(value)s” is not a sort; choose one of "
                        + ", ".join(SORTS) + "."},
    )
    order = FixedChoiceField(
        required=False, label="Direction", choices=ORDER_CHOICES,
        error_messages={"invalid_choice": "“%(value)s” is not a direction; use asc or desc."},
    )
    include = TagNamesField(required=False, label="Other tags to include")
    exclude = TagNamesField(required=False, label="Other tags to exclude")
    rating = FixedMultipleChoiceField(
        required=False, choices=[(r, r) for r in RATINGS],
        error_messages={"invalid_choice": "“%(value)s” is not a rating."},
    )
    warning = FixedMultipleChoiceField(
        required=False, choices=[(w, w) for w in WARNINGS],
        error_messages={"invalid_choice": "“%(value)s” is not an archive warning."},
    )
    category = FixedMultipleChoiceField(
        required=False, choices=[(c, c) for c in CATEGORIES],
        error_messages={"invalid_choice": "“%(value)s” is not a category."},
    )
    complete = FixedChoiceField(
        required=False, label="Completion status", choices=COMPLETE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "“%(value)s” is not a completion filter; use all, "
                        "yes or no."},
    )
    crossover = FixedChoiceField(
        required=False, label="Crossovers", choices=CROSSOVER_CHOICES, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "“%(value)s” is not a crossover filter; use "
                        "include, exclude or only."},
    )
    words_from = _whole_number("Words from")
    words_to = _whole_number("Words to")
    updated_from = _date("Updated from")
    updated_to = _date("Updated to")
    language = FixedChoiceField(
        required=False, choices=[("", "Any language"), *LANGUAGES],
        error_messages={"invalid_choice": "“%(value)s” is not a language code the archive "
                        "knows."},
    )
    series = forms.IntegerField(
        required=False, min_value=1, max_value=NUMBER_MAX, widget=forms.HiddenInput,
        error_messages={"invalid": "The series must be given by its number, like 12.",
                        "min_value": "Series are numbered from 1.",
                        "max_value": "There is no series of that number."},
    )
    q = forms.CharField(
        required=False, max_length=MAX_QUERY_LENGTH, label="Search within results",
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": "Keep the search within results to %(limit_value)d "
                        "characters."},
    )
    saved_filters = FixedChoiceField(
        required=False, choices=[("", "On"), ("on", "On"), ("off", "Off")],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "“%(value)s” is not a saved filters setting; use on "
                        "or off."},
    )
    page = forms.IntegerField(
        required=False, min_value=1,
        error_messages={"invalid": "The page must be a whole number, like 2.",
                        "min_value": "Pages are numbered from 1."},
    )

    # Shown checked when the query string leaves them out.
    DEFAULTS = {"sort": DEFAULT_SORT, "complete": "all", "crossover": "include"}

    @classmethod
    def from_query(cls, query: QueryDict) -> ListingForm:
        data = query.copy()
        if not data.get("sort") and data.get("q", "").strip():
            data["sort"] = "relevance"
        for name, value in cls.DEFAULTS.items():
            if not data.get(name):
                data[name] = value
        return cls(data)

    def clean_q(self) -> str:
        value = " ".join(self.cleaned_data["q"].split())
        try:
            query_parse(value)
        except QueryError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        for low, high, what in (("words_from", "words_to", "word count"),
                                ("updated_from", "updated_to", "date range")):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, f"The end of the {what} comes before its start.")
        return data

    def filters(self) -> Filters:
        """The parsed filters; call only after is_valid()."""
        data = self.cleaned_data
        sort = data["sort"] or DEFAULT_SORT
        usual_descending = SORTS[sort][1]
        include: dict[str, str] = {}
        for name in (*data["include"], *data["rating"], *data["warning"], *data["category"]):
            include.setdefault(tag_key(name), name)
        return Filters(
            sort=sort,
            descending=usual_descending if not data["order"] else data["order"] == "desc",
            include=tuple(include.values()),
            exclude=tuple(data["exclude"]),
            complete=data["complete"] or "all",
            crossover=data["crossover"] or "include",
            words_from=data["words_from"],
            words_to=data["words_to"],
            updated_from=data["updated_from"],
            updated_to=data["updated_to"],
            language=data["language"],
            series=data["series"],
            q=" ".join(data["q"].split()),
            page=data["page"] or 1,
            saved_filters=data.get("saved_filters") != "off",
        )

    def _typed(self, *names: str) -> str:
        query = self.data if isinstance(self.data, QueryDict) else QueryDict()
        values = [value.strip() for name in names for value in query.getlist(name)]
        return ", ".join(value for value in values if value)

    # What was asked to include or exclude, as typed, for the "other tags" boxes when the
    # filters came back with errors, so fixing one field doesn't lose the tags.
    @property
    def typed_include(self) -> str:
        return self._typed("include", "rating", "warning", "category")

    @property
    def typed_exclude(self) -> str:
        return self._typed("exclude")

    def error_list(self) -> list[str]:
        """Every problem as a sentence, for the top of the page."""
        return [str(message) for messages in self.errors.values() for message in messages]


# The query parameters a listing reads (guests' page cache keeps no page with any other).
LISTING_PARAMS = frozenset(ListingForm.base_fields)


@dataclass(frozen=True)
class Filters:
    sort: str = DEFAULT_SORT
    descending: bool = True
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    complete: str = "all"
    crossover: str = "include"
    words_from: int | None = None
    words_to: int | None = None
    updated_from: datetime.date | None = None
    updated_to: datetime.date | None = None
    language: str = ""
    series: int | None = None
    q: str = ""
    page: int = 1
    # Whether the reader's saved tag exclusions apply (`saved_filters=off` turns them off).
    saved_filters: bool = True

    def query(self) -> Query:
        """The parsed search (empty without one); q was checked when the form was cleaned."""
        return query_parse(self.q)


@dataclass
class ResolvedTags:
    """Tag names turned into the tags works are found under (a synonym's canonical tag)."""

    include: list[Tag] = field(default_factory=list)
    exclude: list[Tag] = field(default_factory=list)
    unknown_include: list[str] = field(default_factory=list)
    unknown_exclude: list[str] = field(default_factory=list)
    # The reader's saved exclusions (canonical tag ids, from User.excluded_tag_ids), left
    # out like `exclude` but not shown in the sidebar.
    saved: list[int] = field(default_factory=list)

    def excluded_ids(self) -> list[int]:
        """Every tag id works must not be found under: the filter's and the saved ones."""
        return list(dict.fromkeys([*(t.pk for t in self.exclude), *self.saved]))

    def without_saved(self) -> ResolvedTags:
        return ResolvedTags(include=self.include, exclude=self.exclude,
                            unknown_include=self.unknown_include,
                            unknown_exclude=self.unknown_exclude)

    def messages(self) -> list[str]:
        notes = [f"There is no tag named “{name}”, so no works can be found under it."
                 for name in self.unknown_include]
        notes += [f"There is no tag named “{name}”, so nothing was excluded for it."
                  for name in self.unknown_exclude]
        return notes


def tags_resolve(*, include: tuple[str, ...], exclude: tuple[str, ...],
                 viewer: Viewer) -> ResolvedTags:
    """Look up every named tag in one query; unknown names are reported, not errors. A tag
    the viewer may not know of (tags.selectors.tags_visible_to) is unknown, as on its page."""
    from fichive.tags.selectors import tags_visible_to  # tags.selectors reads works'

    resolved = ResolvedTags()
    if not include and not exclude:
        return resolved
    keys = {tag_key(name) for name in (*include, *exclude)}
    found = {tag.key: tag.merger or tag for tag in
             tags_visible_to(viewer, Tag.objects.filter(key__in=keys)).select_related("merger")}
    for names, tags, unknown in ((include, resolved.include, resolved.unknown_include),
                                 (exclude, resolved.exclude, resolved.unknown_exclude)):
        for name in names:
            tag = found.get(tag_key(name))
            if tag is None:
                unknown.append(name)
            elif tag not in tags:
                tags.append(tag)
    return resolved


def found_under(tag: Tag) -> Exists:
    """Works found under the tag: tagged with it, a synonym of it, or a tag below it."""
    return Exists(FilterTagging.objects.filter(work_id=OuterRef("pk"), tag_id=tag.pk))


def works_filter(
    works: QuerySet[Work], filters: Filters, tags: ResolvedTags, *, under: Tag | None = None
) -> QuerySet[Work]:
    """Narrow the visitor's works to those the filters ask for, and to those found under
    `under` (a tag's works page) when given.

    The least used required tag picks the candidate works (`id IN` its filter taggings, so
    the database starts from that tag's index entries); every other required tag is an
    EXISTS probe on each candidate, every excluded tag a NOT EXISTS probe; the rest are plain
    column conditions.
    """
    if tags.unknown_include:
        return works.none()
    required = _required(tags, under)
    if required:
        works = works.filter(
            pk__in=FilterTagging.objects.filter(tag_id=required[0].pk).values("work_id"))
    for tag in required[1:]:
        works = works.filter(found_under(tag))
    excluded = tags.excluded_ids()
    if excluded:
        works = works.exclude(Exists(FilterTagging.objects.filter(
            work_id=OuterRef("pk"), tag_id__in=excluded)))
    works = works.filter(**_work_conditions(filters))
    if filters.q:
        works = works_matching(works, filters.query())
    return works


def _required(tags: ResolvedTags, under: Tag | None) -> list[Tag]:
    """The tags works must be found under, least used first."""
    return sorted({t.pk: t for t in (*tags.include, *([under] if under else []))}.values(),
                  key=lambda t: (t.uses, t.pk))


def _work_conditions(filters: Filters) -> dict[str, Any]:
    """The filters on a work's own columns, as field lookups."""
    conditions: dict[str, Any] = {}
    if filters.complete != "all":
        conditions["complete"] = filters.complete == "yes"
    if filters.crossover != "include":
        conditions["crossover"] = filters.crossover == "only"
    if filters.words_from is not None:
        conditions["word_count__gte"] = filters.words_from
    if filters.words_to is not None:
        conditions["word_count__lte"] = filters.words_to
    if filters.updated_from is not None:
        conditions["updated__gte"] = filters.updated_from
    if filters.updated_to is not None:
        conditions["updated__lte"] = filters.updated_to
    if filters.language:
        conditions["language"] = filters.language
    if filters.series is not None:
        conditions["series_parts__series_id"] = filters.series  # a work is in it at most once
    return conditions


def tagged_rows(
    taggings: QuerySet[FilterTagging], filters: Filters, tags: ResolvedTags, *,
    under: Tag | None = None,
) -> QuerySet[FilterTagging] | None:
    """The same works as works_filter, as filter taggings of the least used required tag:
    one row per matching work, carrying copies of its listing fields (see FilterTagging).

    `taggings` are the visitor's listed filter taggings (selectors.taggings_listed_for).
    Every other required tag is an EXISTS probe on each row, every excluded tag a NOT EXISTS
    probe, the rest conditions on the row's work. None when there is no required tag to start
    from, or a search (which ranks works itself).
    """
    required = _required(tags, under)
    if not required or tags.unknown_include or filters.q:
        return None
    rows = taggings.filter(tag_id=required[0].pk)
    for tag in required[1:]:
        rows = rows.filter(Exists(FilterTagging.objects.filter(
            work_id=OuterRef("work_id"), tag_id=tag.pk)))
    excluded = tags.excluded_ids()
    if excluded:
        rows = rows.exclude(Exists(FilterTagging.objects.filter(
            work_id=OuterRef("work_id"), tag_id__in=excluded)))
    conditions = _work_conditions(filters)
    if conditions:
        rows = rows.filter(**{f"work__{lookup}": value for lookup, value in conditions.items()})
    return rows


class TaggedWorks:
    """A paginator's object list for a listing under tags (tagged_rows): counting reads the
    filter taggings alone; a page's work ids come in sort order from one tag's index when
    the sort's key is copied onto filter taggings, and from the works' own sort index (the
    works_filter query) otherwise; the page's works are then read through `works` (the
    visitor's) by `fetch`.

    The count and each page's work ids are kept in the cache under the exact query and the
    listings' version (see facets_count), so paging and repeat visits don't count a large
    tag's works again, nor walk a deep page's index range and probes again, until something
    in the archive changes. Whatever the cache says, the works shown are read through
    `works`, so a work the visitor may not see is never shown. The rows' query carries the
    visitor's muted users and saved exclusions as parameters (taggings_listed_for,
    ResolvedTags.saved), so what is kept for one reader's mutes or exclusions is never
    another's.
    """

    def __init__(self, rows: QuerySet[FilterTagging], *, works: QuerySet[Work],
                 matching: Callable[[], QuerySet[Work]], filters: Filters, fetch: Fetch,
                 version: str | None = None) -> None:
        self.rows, self.works, self.matching, self.filters = rows, works, matching, filters
        self.fetch = fetch
        # What the kept counts and pages depend on (tag_listings_version of the tags the
        # rows are under); listings_version() when not given.
        self.version = version
        self._digest: str | None = None

    def key(self) -> str:
        """What the cache keys of this listing's count, pages and facets stand for: the rows'
        exact query (filters and visibility) and the listings' version."""
        if self._digest is None:
            sql, params = self._rows_sql()
            self._digest = hashlib.sha256(
                repr((sql, params, self.version or listings_version())).encode()).hexdigest()
        return self._digest

    def _rows_sql(self) -> tuple[str, Any]:
        return self.rows.query.sql_with_params()

    def _rows_count(self) -> int:
        return self.rows.count()

    def _page(self, index: slice) -> list[Any]:
        """A page's works, their ids found by the rows' (or works') sort index."""
        return self.fetch(works_sort(self.works.filter(pk__in=self.ids()[index]),
                                     self.filters))

    def _works_of(self, ids: list[int]) -> list[Any]:
        """A page's works by their (kept) ids, read through the visitor's works."""
        return self.fetch(works_sort(self.works.filter(pk__in=ids), self.filters))

    def _key(self, what: str, *details: Any) -> str:
        self.key()
        if not details:
            return f"listing-{what}:{self._digest}"
        digest = hashlib.sha256(repr((self._digest, details)).encode()).hexdigest()
        return f"listing-{what}:{digest}"

    def count(self) -> int:
        """The number of matching works."""
        key = self._key("count")
        total = cache.get(key)
        if total is None:
            total = self._rows_count()
            cache.set(key, total, FACET_CACHE_SECONDS)
        return total

    def __len__(self) -> int:
        return self.count()

    def ids(self) -> QuerySet[Any]:
        """Every matching work's id, in sort order (ties by id in the same direction)."""
        column = SORTS[self.filters.sort][0]
        if column in FilterTagging.SORTED_BY:
            order = (f"-{column}", "-work_id") if self.filters.descending else (column,
                                                                               "work_id")
            return self.rows.order_by(*order).values("work_id")
        return works_sort(self.matching(), self.filters).values("pk")

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice):
            raise TypeError("TaggedWorks only takes slices")
        key = self._key("page", self.filters.sort, self.filters.descending, index.start,
                        index.stop)
        ids = cache.get(key)
        if ids is not None:
            return self._works_of(ids) if ids else []
        works = self._page(index)
        cache.set(key, [work.pk for work in works], FACET_CACHE_SECONDS)
        return works


class SortedWorks:
    """A paginator's object list for any other listing: the sorted works query, its count
    kept for FACET_CACHE_SECONDS under the exact query and the listings' version (as
    TaggedWorks keeps its own: a repeat visit to /works or a creator's works doesn't count
    every visible work again), each page's works read by `fetch`."""

    def __init__(self, works: QuerySet[Work], *, fetch: Fetch) -> None:
        self.works, self.fetch = works, fetch
        self._count: int | None = None
        self._digest: str | None = None

    def key(self) -> str:
        """What the kept count and sidebar counts of this listing stand for: the works'
        exact query (filters and visibility, not the sort) and the listings' version."""
        if self._digest is None:
            sql, params = self._sql()
            self._digest = hashlib.sha256(
                repr((sql, params, listings_version())).encode()).hexdigest()
        return self._digest

    def _sql(self) -> tuple[str, Any]:
        return self.works.order_by().query.sql_with_params()

    def _empty(self) -> bool:
        return self.works.query.is_empty()  # works.none(): no SQL

    def _count_rows(self) -> int:
        return self.works.count()

    def _page(self, index: slice) -> list[Any]:
        return self.fetch(self.works[index])

    def count(self) -> int:
        if self._count is None and self._empty():
            self._count = 0
        if self._count is None:
            key = f"listing-count:{self.key()}"
            total = cache.get(key)
            if total is None:
                total = self._count_rows()
                cache.set(key, total, FACET_CACHE_SECONDS)
            self._count = total
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice):
            raise TypeError("SortedWorks only takes slices")
        return self._page(index)


def works_with_blurb_data(works: QuerySet[Work]) -> list[Work]:
    """A page's works as model instances with their tags and creators (the API's fetch)."""
    return list(with_series(with_gifts(with_blurb_data(works))))


def works_sort(works: QuerySet[Work], filters: Filters) -> QuerySet[Work]:
    """Order by the chosen sort, ties broken by id in the same direction so pages are stable.

    Listed works are posted, so their dates are never empty; each sort has a matching index
    on posted works (see Work.Meta), which the database walks in either direction.
    """
    column = SORTS[filters.sort][0]
    if filters.descending:
        return works.order_by(f"-{column}", "-id")
    return works.order_by(column, "id")


@dataclass(frozen=True)
class Facet:
    name: str
    count: int


# The sidebar's counts in one statement. Django's ORM can only group after joining the tag
# table, which makes the database sort every (work, tag) row by tag name and type; counting
# by tag id first and joining the tag table to those counts is several times faster. Plain
# SQL both SQLite (3.25+) and PostgreSQL run as written.
FACETS_SQL = """
WITH counted AS (
    SELECT tag_id, COUNT(*) AS n
    FROM {filter_tagging}
    WHERE work_id IN ({works})
    GROUP BY tag_id
), ranked AS (
    SELECT t.type, t.name, c.n,
           ROW_NUMBER() OVER (PARTITION BY t.type ORDER BY c.n DESC, t.name) AS position
    FROM counted c JOIN {tag} t ON t.id = c.tag_id
    WHERE t.canonical
)
SELECT type, name, n FROM ranked WHERE position <= %s ORDER BY type, position
"""


def facets_count(works: QuerySet[Any] | None, *, total: int = 0, version: str | None = None,
                 key: str | None = None, matches: Callable[[], tuple[str, list[Any]] | None]
                 | None = None, using: str | None = None) -> dict[str, list[Facet]]:
    """The ten canonical tags of each type found under the most of these works, with counts.

    One query, whatever the number of works: the database groups the matching works' filter
    taggings by tag and ranks each type's tags with a window function. That still reads every
    matching work's tags, so for large result sets (`total` of FACET_CACHE_FROM or more) the
    counts are kept for FACET_CACHE_SECONDS, keyed by the exact query (visibility rules and
    filters included, sort and page not), the total and the listings' version (see
    fichive.lib.cache), so paging and re-sorting reuse them and any change to works or tags
    in between changes the key. `key` stands for the query and version in that key when the
    caller has one for them (TaggedWorks.key). `matches`, when it gives a SELECT of the
    same works' ids (a search's ranking kept them, RankedWorks.matches_sql; a listing's kept
    statement, KeptQueries), is counted over instead of `works`, so the text isn't searched
    a second time; `works` may then be None, with `using` the database to count on.
    """

    def ids() -> QuerySet[Any]:
        assert works is not None  # noqa: S101 - matches and using stand for it otherwise
        if works.model is FilterTagging:  # tagged_rows: one row per work
            return works.order_by().values("work_id")
        return works.order_by().values("pk")

    if total < FACET_CACHE_FROM:
        key = None
    else:
        if key is None:
            key = repr((ids().query.sql_with_params(), version or listings_version()))
        key = f"listing-facets:{hashlib.sha256(repr((key, total)).encode()).hexdigest()}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    ids_sql, ids_params = (matches and matches()) or ids().query.sql_with_params()
    facets: dict[str, list[Facet]] = {tag_type: [] for tag_type, _ in FACET_TYPES}
    alias = using or works.db  # type: ignore[union-attr]
    with connections[alias].cursor() as cursor:  # a replica, for a guest (db_router)
        sql = FACETS_SQL.format(works=ids_sql, filter_tagging=FilterTagging._meta.db_table,
                                tag=Tag._meta.db_table)
        cursor.execute(sql, (*ids_params, FACET_SIZE))
        for tag_type, name, count in cursor.fetchall():
            if tag_type in facets:
                facets[tag_type].append(Facet(name=name, count=count))
    if key is not None:
        cache.set(key, facets, FACET_CACHE_SECONDS)
    return facets


@dataclass
class FacetEntry:
    name: str
    count: int | None
    included: bool
    excluded: bool


@dataclass
class FacetGroup:
    type: str
    label: str
    entries: list[FacetEntry]


@dataclass
class Listing:
    filters: Filters
    tags: ResolvedTags
    page: Page
    facets: dict[str, list[Facet]]
    # Works the reader's saved exclusions left out of this listing (0 without any, or
    # with saved_filters=off), and whether the reader has saved exclusions at all.
    hidden_by_saved: int = 0
    has_saved: bool = False

    @property
    def total(self) -> int:
        return self.page.paginator.count

    def messages(self) -> list[str]:
        return self.tags.messages()

    # Names that match no tag stay in the sidebar's "other tags" boxes to be corrected.
    @property
    def unknown_include(self) -> str:
        return ", ".join(self.tags.unknown_include)

    @property
    def unknown_exclude(self) -> str:
        return ", ".join(self.tags.unknown_exclude)

    def is_filtered(self) -> bool:
        return self.filters != Filters(sort=self.filters.sort, descending=self.filters.descending,
                                       page=self.filters.page,
                                       saved_filters=self.filters.saved_filters)

    def groups(self) -> list[FacetGroup]:
        """The sidebar: each type's top tags, plus included or excluded tags not among them
        (an excluded tag has no works left to count), each marked as the filters stand."""
        included = {t.pk for t in self.tags.include}
        excluded = {t.pk for t in self.tags.exclude}
        chosen = {t.name: t for t in (*self.tags.include, *self.tags.exclude)}
        groups = []
        for tag_type, label in FACET_TYPES:
            entries = [FacetEntry(f.name, f.count, False, False) for f in self.facets[tag_type]]
            shown = {e.name for e in entries}
            entries += [FacetEntry(t.name, None, False, False) for t in chosen.values()
                        if t.type == tag_type and t.name not in shown]
            for entry in entries:
                tag = chosen.get(entry.name)
                entry.included = tag is not None and tag.pk in included
                entry.excluded = tag is not None and tag.pk in excluded
            groups.append(FacetGroup(tag_type, label, entries))
        return groups


def listing_build(
    *, works: QuerySet[Work] | None = None, filters: Filters, under: Tag | None = None,
    taggings: QuerySet[FilterTagging] | None = None, fetch: Fetch = works_with_blurb_data,
    viewer: Viewer = None, facets: bool = True,
) -> Listing:
    """A page of the visitor's works under the filters, with the sidebar counts.

    `works` is what the listing covers for this visitor (see selectors.works_listed_for);
    None (and no `taggings`) means every work listed for `viewer` (works_listed_for and
    taggings_listed_for of it), and lets a listing of blurbs (`fetch` blurbs.blurbs_of)
    without a search or dates run from SQL kept per shape (works.listing_sql). `under`
    narrows it to the works found under a tag (a tag's works page). `taggings`, the
    visitor's listed filter taggings (selectors.taggings_listed_for), may be given when
    `works` is every work listed for the visitor (not one creator's): listings under tags
    then count and page from the filter taggings (tagged_rows). `fetch` reads a page's works
    from a sliced, sorted query: model instances by default (works_with_blurb_data), or
    blurbs.blurbs_of for pages that only show blurbs; a search (q) always gets instances, which
    carry its scores and passages. `viewer`'s saved tag exclusions (User.excluded_tag_ids)
    are left out as if added to `exclude`, unless the filters turn them off; the listing
    then also says how many works they hid. A fixed number of queries: tag names (if any
    were given), count, page, its tags and creators, facets, and with saved exclusions the
    count without them. `facets` False leaves the sidebar counts out (feeds show none).

    A search (q with words to find) runs within the search time budget: past it, this raises
    search.limits.SearchTooBroad (and at once, for a while, when asked the same again).
    """
    if filters.query().has_text:
        if works is None:
            works, taggings = works_listed_for(viewer), taggings_listed_for(viewer)
        key = remembered_key(works.order_by().query.sql_with_params(), under and under.pk,
                             replace(filters, page=1), listings_version())
        with search_budget(works.db, key=key):
            return _listing_build(works=works, filters=filters, under=under,
                                  taggings=taggings, fetch=fetch, viewer=viewer, facets=facets)
    return _listing_build(works=works, filters=filters, under=under, taggings=taggings,
                          fetch=fetch, viewer=viewer, facets=facets)


def _listing_build(
    *, works: QuerySet[Work] | None, filters: Filters, under: Tag | None,
    taggings: QuerySet[FilterTagging] | None, fetch: Fetch, viewer: Viewer, facets: bool,
) -> Listing:
    tags = tags_resolve(include=filters.include, exclude=filters.exclude, viewer=viewer)
    saved = excluded_tag_ids(viewer)
    if filters.saved_filters:
        tags.saved = saved
    query = filters.query()
    if query.has_text:
        fetch = works_with_blurb_data
    kept = works is None and fetch is blurbs_of and kept_path(filters, tags)
    if works is None and not kept:
        works, taggings = works_listed_for(viewer), taggings_listed_for(viewer)
    object_list: Any
    object_list, counted = _object_list(works=works, filters=filters, tags=tags, under=under,
                                        taggings=taggings, fetch=fetch, viewer=viewer)
    paginator = Paginator(object_list, PER_PAGE)
    page = page_of(paginator, filters.page)
    matches = (object_list.matches_sql if isinstance(object_list, RankedWorks)
               else getattr(object_list, "ids_sql", None))  # the kept statements'
    counts = (facets_count(counted, total=paginator.count,
                           key=object_list.key()
                           if isinstance(object_list, TaggedWorks | SortedWorks) else None,
                           matches=matches, using=getattr(object_list, "kept", None)
                           and object_list.kept.alias)
              if paginator.count and facets else {t: [] for t, _ in FACET_TYPES})
    if query.has_text:
        _mark_matches(list(page.object_list), query)
    hidden = 0
    if tags.saved and not tags.unknown_include:
        # The same listing without them, counted as its own kept count (a reader without
        # saved exclusions shares it).
        unsaved, _ = _object_list(works=works, filters=filters, tags=tags.without_saved(),
                                  under=under, taggings=taggings, fetch=fetch, ranked=False,
                                  viewer=viewer)
        hidden = max(0, unsaved.count() - paginator.count)  # a kept count
    return Listing(filters=filters, tags=tags, page=page, facets=counts,
                   hidden_by_saved=hidden, has_saved=bool(saved))


def kept_path(filters: Filters, tags: ResolvedTags) -> bool:
    """Whether a listing of every work listed for a visitor, of blurbs, under these filters
    runs from the statements kept per shape (works.listing_sql): not a search, nor dates
    (their parameters differ between the databases), nor a tag that isn't known (no works,
    and no SQL, on the ORM path)."""
    return not (filters.q or filters.updated_from or filters.updated_to
                or tags.unknown_include)


def _object_list(*, works: QuerySet[Work] | None, filters: Filters, tags: ResolvedTags,
                 under: Tag | None, taggings: QuerySet[FilterTagging] | None, fetch: Fetch,
                 viewer: Viewer, ranked: bool = True,
                 ) -> tuple[TaggedWorks | SortedWorks | RankedWorks, QuerySet[Any] | None]:
    """The paginator's object list for these filters and tags, and the query the sidebar
    counts over. `ranked` False leaves a search unranked (when only its count is needed).
    `works` None: every work listed for `viewer`, from the kept statements (kept_path; no
    query for the sidebar: the object list's ids_sql)."""
    if works is None:
        from fichive.works.listing_sql import KeptQueries, KeptSortedWorks, KeptTaggedWorks

        kept = KeptQueries(viewer, filters, tags, under)
        if kept.tagged:
            return KeptTaggedWorks(kept, version=tag_listings_version(
                [t.pk for t in _required(tags, under)])), None
        return KeptSortedWorks(kept), None
    rows = tagged_rows(taggings, filters, tags, under=under) if taggings is not None else None
    if rows is not None:  # (never with a search)
        # The works query is built only for a sort the filter taggings don't carry.
        # Kept under the versions of the tags the works are found under: a change to a work
        # retires only its tags' kept counts and pages (fichive.lib.cache).
        return TaggedWorks(
            rows, works=works, matching=lambda: works_filter(works, filters, tags, under=under),
            filters=filters, fetch=fetch,
            version=tag_listings_version([t.pk for t in _required(tags, under)])), rows
    matching = works_filter(works, filters, tags, under=under)
    object_list: SortedWorks | RankedWorks = SortedWorks(works_sort(matching, filters),
                                                         fetch=fetch)
    if ranked and filters.sort == "relevance" and filters.query().has_text:
        # The ranking keeps to matching works the visitor may see; a page's works are
        # still read through the visitor's works (a kept ranking may be minutes old).
        object_list = RankedWorks(matching, filters.query(),
                                  fetch=with_series(with_gifts(with_blurb_data(works))),
                                  version=listings_version())
    return object_list, matching


def _mark_matches(works: list[Work], query: Query) -> None:
    """Give a page of search results their scores and the passages that matched
    (`search_score`, `search_match`)."""
    ids = [work.pk for work in works]
    missing = [work.pk for work in works if not hasattr(work, "search_score")]
    scores = scores_of(query, missing)
    known = {work.pk: work.search_best_chapter for work in works
             if hasattr(work, "search_best_chapter")}
    matches = matches_of(query, ids, known=known)
    for work in works:
        if not hasattr(work, "search_score"):
            work.search_score = scores.get(work.pk, 0.0)  # type: ignore[attr-defined]
        work.search_match = matches.get(work.pk)  # type: ignore[attr-defined]
