"""`{% atom_link %}`: the <link rel="alternate"> that points feed readers from a listing or
series page to its Atom feed (feeds app)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fichive.tags.models import tag_to_url

register = template.Library()

_LINK = '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">'


@register.simple_tag(takes_context=True)
def atom_link(context: Any) -> SafeString | str:
    """The feed of the page being shown: a tag's works, a user's works, a series or a
    search (with its q); nothing for other pages. Reads only what the page shows (the same
    for every visitor), so cached guests' pages stay shared."""
    series = context.get("series")
    if series is not None and context.get("page") is not None and hasattr(
            context["page"], "parts"):
        return format_html(_LINK, f"Works in {series.title}",
                           reverse("feeds:series", args=[series.pk]))
    tag = context.get("tag")
    if tag is not None:
        return format_html(_LINK, f"Works in {tag.name}",
                           reverse("feeds:tag", args=[tag_to_url(tag.name)]))
    owner = context.get("owner")
    if owner is not None and context.get("tab") == "works" and context.get("pseud") is None:
        return format_html(_LINK, f"Works by {owner.username}",
                           reverse("feeds:user", args=[owner.username]))
    if context.get("search") and context.get("searched"):
        request = context.get("request")
        query = " ".join(request.GET.get("q", "").split()) if request is not None else ""
        if query:
            return format_html(_LINK, f"Works matching “{query}”",
                               f"{reverse('feeds:search')}?{urlencode({'q': query})}")
    return ""
