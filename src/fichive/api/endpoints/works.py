"""API: works, their chapters and the works listings, with the visibility of the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema
from pydantic import WithJsonSchema

from fichive.api.pagination import links, page_number
from fichive.api.problems import invalid
from fichive.api.schemas import PageNumber, Paging, answers
from fichive.api.v1 import READ, router
from fichive.formats.exporters import download_links
from fichive.search.limits import SearchTooBroad, search_count
from fichive.tags.models import CATEGORIES, RATINGS, WARNINGS, Tag, tag_key
from fichive.tags.selectors import tag_is_visible
from fichive.works import listing, selectors
from fichive.works.languages import LANGUAGES
from fichive.works.models import Work


class Creator(Schema):
    pseud: str
    user: str
    byline: str


class SeriesPart(Schema):
    id: int
    title: str
    part: int


class Snippet(Schema):
    text: str
    html: str
    chapter_id: int
    chapter_url: str


class WorkOut(Schema):
    id: int
    title: str
    summary: str
    notes: str
    end_notes: str
    rating: str | None
    warnings: list[str]
    categories: list[str]
    fandoms: list[str]
    relationships: list[str]
    characters: list[str]
    freeforms: list[str]
    language: str
    words: int
    complete: bool
    expected_chapters: int | None
    restricted: bool
    published: str | None
    updated: str | None
    anonymous: bool
    creators: list[Creator]
    series: list[SeriesPart]
    downloads: dict[str, str]


class ListedWork(WorkOut):
    # In a search's results: the relevance and, when chapter text matched, a passage.
    score: float | None = None
    snippet: Snippet | None = None


class ChapterSummary(Schema):
    id: int
    position: int
    title: str
    words: int


class WorkDetail(WorkOut):
    chapters: list[ChapterSummary]


class ChapterOut(Schema):
    position: int
    title: str
    summary: str
    notes: str
    end_notes: str
    html: str
    words: int


class Facet(Schema):
    name: str
    count: int


class WorkListing(Paging):
    works: list[ListedWork]
    facets: dict[str, list[Facet]]
    notices: list[str]
    hidden_by_saved_filters: int


def _names(work: Work, tag_type: str) -> list[str]:
    return [t.name for t in work.tags_of(tag_type)]


def work_json(work: Work, request: HttpRequest) -> dict[str, Any]:
    rating = work.rating
    return {
        "id": work.pk,
        "title": work.title,
        "summary": work.summary,
        "notes": work.notes,
        "end_notes": work.end_notes,
        "rating": rating.name if rating else None,
        "warnings": _names(work, "warning"),
        "categories": _names(work, "category"),
        "fandoms": _names(work, "fandom"),
        "relationships": _names(work, "relationship"),
        "characters": _names(work, "character"),
        "freeforms": _names(work, "freeform"),
        "language": work.language,
        "words": work.word_count,
        "complete": work.complete,
        "expected_chapters": work.expected_chapters,
        "restricted": work.restricted,
        "published": work.published.isoformat() if work.published else None,
        "updated": work.updated.isoformat() if work.updated else None,
        # An anonymous work names no creators (for everyone: API answers are shared).
        "anonymous": work.anonymous,
        "creators": [
            {"pseud": p.name, "user": p.user.username, "byline": p.byline}
            for p in work.shown_pseuds()
        ],
        # The series the work is part of (prefetched by selectors.with_series).
        "series": [{"id": p.series_id, "title": p.series.title, "part": p.number}
                   for p in getattr(work, "shown_series_parts", ())],
        "downloads": {fmt.extension: request.build_absolute_uri(url)
                      for fmt, url in download_links(work)},
    }


def _with_match(data: dict[str, Any], work: Work) -> dict[str, Any]:
    """A search result's relevance and, when its chapter text matched, where and a passage."""
    match = getattr(work, "search_match", None)
    data["score"] = round(getattr(work, "search_score", 0.0), 6)
    data["snippet"] = None if match is None else {
        "text": match.snippet.text, "html": match.snippet.html(),
        "chapter_id": match.chapter.pk, "chapter_url": match.url,
    }
    return data


@router.get("/works/{int:work_id}", response=answers(WorkDetail), auth=READ, url_name="work",
            tags=["works"], summary="A work, with its chapters' titles")
def work_detail(request: HttpRequest, work_id: int) -> dict[str, Any]:
    try:
        work = selectors.work_for_viewer(request.user, work_id)
    except Http404:
        raise Http404("No such work.") from None
    work.shown_series_parts = list(  # type: ignore[attr-defined]
        selectors.numbered_series_parts().filter(work_id=work.pk))
    data = work_json(work, request)
    data["chapters"] = [
        {"id": c.pk, "position": c.position, "title": c.title, "words": c.word_count}
        for c in work.chapters.only("id", "work_id", "position", "title", "word_count")
    ]
    return data


@router.get("/works/{int:work_id}/chapters/{int:position}", response=answers(ChapterOut),
            auth=READ, url_name="chapter", tags=["works"],
            summary="One chapter's text and notes, by its position (1, 2 …)")
def chapter_detail(request: HttpRequest, work_id: int, position: int) -> dict[str, Any]:
    work = selectors.work_for_viewer(request.user, work_id)
    chapter = selectors.chapter_at(work, position)
    return {
        "position": chapter.position,
        "title": chapter.title,
        "summary": chapter.summary,
        "notes": chapter.notes,
        "end_notes": chapter.end_notes,
        "html": chapter.content,
        "words": chapter.word_count,
    }


def _enum(values: list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": values}


def _choice(values: list[str]) -> dict[str, Any]:
    """One of `values`, or empty: what the filter form takes as its default."""
    return _enum(["", *values])


# Query parameters taken as text, as the site's filter form takes them (it checks them, with
# the pages' own messages), but documented in the OpenAPI schema as what they must be.
_Sort = Annotated[str | None, WithJsonSchema(_choice(list(listing.SORTS)))]
_Order = Annotated[str | None, WithJsonSchema(_choice(["asc", "desc"]))]
_Ratings = Annotated[list[str] | None, WithJsonSchema({"type": "array",
                                                       "items": _enum(RATINGS)})]
_Warnings = Annotated[list[str] | None, WithJsonSchema({"type": "array",
                                                        "items": _enum(WARNINGS)})]
_Categories = Annotated[list[str] | None, WithJsonSchema({"type": "array",
                                                          "items": _enum(CATEGORIES)})]
_Complete = Annotated[str | None, WithJsonSchema(
    _choice([c for c, _ in listing.COMPLETE_CHOICES]))]
_Crossover = Annotated[str | None, WithJsonSchema(
    _choice([c for c, _ in listing.CROSSOVER_CHOICES]))]
_Count = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 0,
                                               "maximum": listing.NUMBER_MAX})]
_Id = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1,
                                            "maximum": listing.NUMBER_MAX})]
_Day = Annotated[str | None, WithJsonSchema({"type": "string", "format": "date"})]
_OnOff = Annotated[str | None, WithJsonSchema(_choice(["on", "off"]))]
_Language = Annotated[str | None, WithJsonSchema(_choice([code for code, _ in LANGUAGES]))]


class ListingFilters(Schema):
    """The filters of every works listing (the site's filter form, works.listing.ListingForm),
    as query parameters with the same names; all optional. List parameters repeat
    (`rating=Mature&rating=Explicit`); `include` and `exclude` also take comma-separated tag
    names. Values are checked as the pages check them: a bad one is a 400 naming it."""

    sort: _Sort = Field(None, description="The order: `updated` unless told, `relevance` "
                                          "when `q` is given.")
    order: _Order = Field(None, description="`asc` or `desc`; each sort has its usual "
                                            "direction.")
    include: list[str] | None = Field(None, description="Tags every work is found under.")
    exclude: list[str] | None = Field(None, description="Tags no work is found under.")
    rating: _Ratings = Field(None, description="Only works with one of these ratings.")
    warning: _Warnings = Field(None, description="Only works with one of these warnings.")
    category: _Categories = Field(None, description="Only works with one of these "
                                                    "categories.")
    complete: _Complete = Field(None, description="`yes`: complete works only; `no`: works "
                                                  "in progress only.")
    crossover: _Crossover = Field(None, description="Works in more than one fandom: "
                                                    "include, exclude or only them.")
    words_from: _Count = Field(None, description="At least this many words.")
    words_to: _Count = Field(None, description="At most this many words.")
    updated_from: _Day = Field(None, description="Updated on or after this day (YYYY-MM-DD).")
    updated_to: _Day = Field(None, description="Updated on or before this day (YYYY-MM-DD).")
    language: _Language = Field(None, description="A language code (`en`, `de` …).")
    series: _Id = Field(None, description="Only the parts of this series (its id).")
    q: str | None = Field(None, description="Search within the results, in the search "
                                            "language of /works/search.")
    saved_filters: _OnOff = Field(None, description="`off` leaves the reader's saved tag "
                                                    "exclusions out.")
    page: PageNumber | None = Field(None, description="The page, from 1.")
    cursor: str | None = Field(None, description="A `next` or `previous` link's cursor.")


class WorkFilters(ListingFilters):
    tag: str | None = Field(None, description="Only the works found under this tag (its "
                                              "synonyms and sub tags included).")


def listing_answer(request: HttpRequest, works: Any, *, under: Tag | None = None,
                   taggings: Any = None) -> Any:
    """One page of `works` (a works_listed_for query) under the request's listing filters,
    as WorkListing: what /api/v1/works and the other works listings answer."""
    query = request.GET.copy()
    if query.get("cursor"):
        query["page"] = str(page_number(request))
    query.pop("cursor", None)
    form = listing.ListingForm.from_query(query)
    if not form.is_valid():
        return invalid({name: [str(m) for m in messages]
                        for name, messages in form.errors.items()})
    if form.cleaned_data["q"]:
        search_count(request)
    try:
        result = listing.listing_build(works=works, filters=form.filters(), under=under,
                                       taggings=taggings, viewer=request.user)
    except SearchTooBroad as exc:
        return invalid({"q": [exc.message]})
    shown = result.page
    return {
        "total": result.total,
        "page": shown.number,
        "pages": shown.paginator.num_pages,
        "per_page": listing.PER_PAGE,
        **links(request, shown),
        "works": [_with_match(work_json(work, request), work) if result.filters.q
                  else work_json(work, request)
                  for work in shown.object_list],
        "facets": {tag_type: [{"name": f.name, "count": f.count} for f in facets]
                   for tag_type, facets in result.facets.items()},
        "notices": result.messages(),
        "hidden_by_saved_filters": result.hidden_by_saved,
    }


@router.get("/works", response=answers(WorkListing), auth=READ, url_name="works",
            tags=["works"], exclude_unset=True,
            summary="Works, filtered, sorted and searched like the listings")
def work_list(request: HttpRequest, filters: Query[WorkFilters]) -> Any:
    """Every filter of the site's works listings works here, by the same names (see the
    parameters); `tag` narrows it to one tag's works, as /tags/<name>/works does. Answers one
    page with the total, the sidebar's tag counts, notices about tag names that match
    nothing, and how many works the logged-in reader's saved tag exclusions hid."""
    under = None
    if filters.tag:
        found = Tag.objects.select_related("merger").filter(key=tag_key(filters.tag)).first()
        if found is None or not tag_is_visible(request.user, found):
            raise Http404("No such tag.")
        under = found.merger or found
    return listing_answer(request, selectors.works_listed_for(request.user), under=under,
                          taggings=selectors.taggings_listed_for(request.user))
