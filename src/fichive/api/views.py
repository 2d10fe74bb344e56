"""JSON API v1: works, chapters and work listings, with the same visibility rules as the
pages, at most API_REQUESTS.limit requests a minute per address (429 problem JSON past it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse

from fichive.formats.exporters import download_links
from fichive.lib.ratelimit import RateLimit
from fichive.tags.models import Tag, tag_key
from fichive.works import listing, selectors
from fichive.works.models import Chapter, Work


def _names(work: Work, tag_type: str) -> list[str]:
    return [t.name for t in work.tags_of(tag_type)]


def work_json(work: Work, request: HttpRequest) -> dict:
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


def chapter_json(chapter: Chapter) -> dict:
    return {
        "position": chapter.position,
        "title": chapter.title,
        "summary": chapter.summary,
        "notes": chapter.notes,
        "end_notes": chapter.end_notes,
        "html": chapter.content,
        "words": chapter.word_count,
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


def _not_found(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=404)


# Requests per address (and per account, for a logged-in reader): 120 a minute. Past it,
# RateLimitedMiddleware answers 429 problem JSON with Retry-After.
API_REQUESTS = RateLimit("fichive:api", limit=120, window=60, address_for_accounts=True)


def rate_limited(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """Count the request against API_REQUESTS (raising RateLimited past it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        API_REQUESTS.hit(request)  # "You have done that 120 times … please wait …"
        return view(request, *args, **kwargs)

    return wrapper


@rate_limited
def work_detail(request: HttpRequest, work_id: int) -> JsonResponse:
    try:
        work = selectors.work_for_viewer(request.user, work_id)
    except Http404:
        return _not_found("No such work.")
    work.shown_series_parts = list(  # type: ignore[attr-defined]
        selectors.numbered_series_parts().filter(work_id=work.pk))
    data = work_json(work, request)
    data["chapters"] = [
        {"id": c.pk, "position": c.position, "title": c.title, "words": c.word_count}
        for c in work.chapters.only("id", "position", "title", "word_count")
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@rate_limited
def chapter_detail(request: HttpRequest, work_id: int, position: int) -> JsonResponse:
    try:
        work = selectors.work_for_viewer(request.user, work_id)
        chapter = selectors.chapter_at(work, position)
    except Http404 as exc:
        return _not_found(str(exc))
    return JsonResponse(chapter_json(chapter), json_dumps_params={"ensure_ascii": False})


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@rate_limited
def work_list(request: HttpRequest) -> JsonResponse:
    """/api/v1/works?<a listing's query string>[&tag=<name>]: one page of works with the total,
    the sidebar's tag counts, notices about tag names that match nothing, and how many works
    the logged-in reader's saved tag exclusions hid."""
    form = listing.ListingForm.from_query(request.GET)
    if not form.is_valid():
        return _json({"errors": {name: [str(m) for m in messages]
                                 for name, messages in form.errors.items()}}, status=400)
    tag = None
    if request.GET.get("tag"):
        tag = (Tag.objects.select_related("merger")
               .filter(key=tag_key(request.GET["tag"])).first())
        if tag is None:
            return _not_found("No such tag.")
        tag = tag.merger or tag
    result = listing.listing_build(
        works=selectors.works_listed_for(request.user), filters=form.filters(), under=tag,
        taggings=selectors.taggings_listed_for(request.user), viewer=request.user,
    )
    page = result.page
    return _json({
        "total": result.total,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "per_page": listing.PER_PAGE,
        "works": [_with_match(work_json(work, request), work) if result.filters.q
                  else work_json(work, request)
                  for work in page.object_list],
        "facets": {tag_type: [{"name": f.name, "count": f.count} for f in facets]
                   for tag_type, facets in result.facets.items()},
        "notices": result.messages(),
        # Works the logged-in reader's saved tag exclusions left out (saved_filters=off
        # shows them).
        "hidden_by_saved_filters": result.hidden_by_saved,
    })
