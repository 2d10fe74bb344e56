"""Template helpers: tag URLs and AO3's byline."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from fichive.tags.models import tag_to_url

register = template.Library()


@register.filter
def tag_url(tag) -> str:
    return reverse("works:tag-works", args=[tag_to_url(tag.name)])


@register.simple_tag
def byline(work) -> str:
    """Creator links, "pseud (user)" where the pseud is not the login name."""
    pseuds = work.pseuds()
    if not pseuds:
        return "Anonymous"
    return format_html_join(
        ", ",
        '<a rel="author" href="{}">{}</a>',
        ((reverse("accounts:dashboard", args=[p.user.username]), p.byline) for p in pseuds),
    )


@register.simple_tag
def tag_list(tags) -> str:
    return format_html_join(
        ", ", '<a class="tag" href="{}">{}</a>', ((tag_url(t), t.name) for t in tags)
    )


@register.filter
def required_symbol(work) -> str:
    """The rating's short label for blurbs."""
    rating = work.rating
    codes = {"General Audiences": "G", "Teen And Up Audiences": "T", "Mature": "M",
             "Explicit": "E", "Not Rated": "NR"}
    name = rating.name if rating else "Not Rated"
    return format_html('<span class="rating" title="{}">{}</span>', name, codes.get(name, "?"))


@register.filter
def tags_of_type(work, tag_type: str):
    return work.tags_of(tag_type)
