"""JSON API v1: works and chapters, with the same visibility rules as the pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse

from fichive.works import selectors
from fichive.works.models import Chapter, Work


def _names(work: Work, tag_type: str) -> list[str]:
    return [t.name for t in work.tags_of(tag_type)]


def work_json(work: Work) -> dict:
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
        "creators": [
            {"pseud": p.name, "user": p.user.username, "byline": p.byline}
            for p in work.pseuds()
        ],
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


def _not_found(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=404)


def work_detail(request: HttpRequest, work_id: int) -> JsonResponse:
    try:
        work = selectors.work_for_viewer(request.user, work_id)
    except Http404:
        return _not_found("No such work.")
    data = work_json(work)
    data["chapters"] = [
        {"id": c.pk, "position": c.position, "title": c.title, "words": c.word_count}
        for c in work.chapters.only("id", "position", "title", "word_count")
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def chapter_detail(request: HttpRequest, work_id: int, position: int) -> JsonResponse:
    try:
        work = selectors.work_for_viewer(request.user, work_id)
        chapter = selectors.chapter_at(work, position)
    except Http404 as exc:
        return _not_found(str(exc))
    return JsonResponse(chapter_json(chapter), json_dumps_params={"ensure_ascii": False})
