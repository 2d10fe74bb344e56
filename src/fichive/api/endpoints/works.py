"""API: works, their chapters and the works listings, with the visibility of the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Schema
from pydantic import WithJsonSchema

from fichive.api.pagination import links, page_number
from fichive.api.problems import invalid
from fichive.api.schemas import Paging, answers
from fichive.api.v1 import READ, router
from fichive.formats.exporters import download_links
from fichive.search.limits import SearchTooBroad, search_count
from fichive.tags.models import Tag, tag_key
from fichive.tags.selectors import tag_is_visible
from fichive.works import listing, selectors
from fichive.works.models import Work

# Query parameters documented with the values they take, and checked by the listing's form
# and pagination (whose messages name the field), not by the schema's validation.
Sort = Annotated[str, WithJsonSchema({"type": "string", "enum": list(listing.SORT_LABELS)})]
PageNumber = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1})]


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
        for c in work.chapters.only("id", "position", "title", "word_count")
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


@router.get("/works", response=answers(WorkListing), auth=READ, url_name="works",
            tags=["works"], exclude_unset=True,
            summary="Works, filtered, sorted and searched like the listings")
def work_list(request: HttpRequest, tag: str | None = None, q: str | None = None,
              sort: Sort | None = None, page: PageNumber | None = None,
              cursor: str | None = None) -> Any:
    """Every query parameter of the site's works listings works here (see the listing's
    filter form: sort, q, rating, warnings, categories, complete, crossovers, words_from,
    words_to, date_from, date_to, language, include and exclude tags …); `tag` narrows it to
    one tag's works, as /tags/<name>/works does. Answers one page with the total, the
    sidebar's tag counts, notices about tag names that match nothing, and how many works the
    logged-in reader's saved tag exclusions hid."""
    query = request.GET.copy()
    if cursor:
        query["page"] = str(page_number(request))
    query.pop("cursor", None)
    form = listing.ListingForm.from_query(query)
    if not form.is_valid():
        return invalid({name: [str(m) for m in messages]
                        for name, messages in form.errors.items()})
    under = None
    if tag:
        found = Tag.objects.select_related("merger").filter(key=tag_key(tag)).first()
        if found is None or not tag_is_visible(request.user, found):
            raise Http404("No such tag.")
        under = found.merger or found
    if form.cleaned_data["q"]:
        search_count(request)
    try:
        result = listing.listing_build(
            works=selectors.works_listed_for(request.user), filters=form.filters(),
            under=under, taggings=selectors.taggings_listed_for(request.user),
            viewer=request.user,
        )
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
