"""Search pages for people and tags, and the help page for the query language."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fichive.accounts.models import Pseud
from fichive.search.limits import search_count
from fichive.search.query import (
    COMPARISONS,
    MAX_PREFIX_TERMS,
    MIN_PREFIX_LENGTH,
    TEXT_FIELDS,
)
from fichive.tags.models import Tag
from fichive.tags.selectors import tag_search
from fichive.works.selectors import creatorships_credited_for

PER_PAGE = 30
MAX_WORDS = 8


def _words(request: HttpRequest) -> list[str]:
    return request.GET.get("q", "").split()[:MAX_WORDS]


def _page(request: HttpRequest, items: QuerySet) -> Page:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def people_search(request: HttpRequest) -> HttpResponse:
    """Pseuds whose name, or whose account's name, has every word typed; with the number of
    works under each that the visitor may see (anonymous works count only for their
    creators)."""
    words = _words(request)
    page = None
    if words:
        search_count(request)
        pseuds = Pseud.objects.select_related("user").order_by("name", "user__username")
        for word in words:
            pseuds = pseuds.filter(Q(name__icontains=word) | Q(user__username__icontains=word))
        page = _page(request, pseuds)
        ids = [p.pk for p in page.object_list]
        counts = dict(creatorships_credited_for(request.user).filter(pseud_id__in=ids)
                      .values_list("pseud_id").annotate(n=Count("work_id"))
                      .values_list("pseud_id", "n"))
        for pseud in page.object_list:
            pseud.visible_works = counts.get(pseud.pk, 0)
    return render(request, "search/people.html", {"q": " ".join(words), "page": page})


def tags_search(request: HttpRequest) -> HttpResponse:
    """Tags whose name has every word typed, optionally of one type; canonical tags first;
    only those the visitor may know of (tags.selectors.tags_visible_to)."""
    words = _words(request)
    tag_type = request.GET.get("type", "")
    types = dict(Tag.Type.choices)
    page = None
    error = ""
    if tag_type and tag_type not in types:
        error = f"“{tag_type}” is not a kind of tag; choose one from the list."
    elif words:
        search_count(request)
        page = _page(request, tag_search(request.user, words=words, tag_type=tag_type or None))
    return render(request, "search/tags.html", {
        "q": " ".join(words), "type": tag_type, "types": types.items(), "page": page,
        "error": error,
    }, status=400 if error else 200)


def search_help(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {
        "fields": sorted(set(TEXT_FIELDS) - {"author"}),
        "comparisons": sorted(COMPARISONS),
        "min_prefix": MIN_PREFIX_LENGTH, "max_prefixes": MAX_PREFIX_TERMS,
    })
