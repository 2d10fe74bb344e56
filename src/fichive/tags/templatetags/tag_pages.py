"""Template helpers for tag pages: links to a tag's page, edit page and wrangling bin (names
escaped the AO3 way) and media category URL segments."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.text import slugify

from fichive.tags.models import Tag, tag_to_url

register = template.Library()


@register.filter
def tag_page_url(tag: Tag) -> str:
    return reverse("tags:detail", args=[tag_to_url(tag.name)])


@register.filter
def tag_edit_url(tag: Tag) -> str:
    return reverse("tags:edit", args=[tag_to_url(tag.name)])


@register.filter
def wrangling_url(fandom: Tag) -> str:
    return reverse("tags:wrangling-fandom", args=[tag_to_url(fandom.name)])


@register.filter
def media_slug(media: str) -> str:
    """A media category's URL segment: "Anime & Manga" → "anime-manga"."""
    return slugify(media)


@register.filter
def get_count(counts: dict, key: str) -> int:
    return counts.get(key, 0)
