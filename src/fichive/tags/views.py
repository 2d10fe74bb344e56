"""Tag pages: the works under a tag (filters and wrangling come with the tags issue)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from fichive.tags.models import Tag, tag_from_url, tag_key
from fichive.works.models import Work
from fichive.works.selectors import with_blurb_data, works_visible_to


def tag_works(request: HttpRequest, tag_name: str) -> HttpResponse:
    tag = Tag.objects.filter(key=tag_key(tag_from_url(tag_name))).first()
    if tag is None:
        raise Http404("No such tag.")
    works = with_blurb_data(
        works_visible_to(request.user)
        .filter(state=Work.State.POSTED, taggings__tag=tag)
        .order_by("-updated", "-id")
    )
    page = Paginator(works, 20).get_page(request.GET.get("page"))
    return render(request, "works/index.html",
                  {"page": page, "heading": f"Works in {tag.name}", "tag": tag})
