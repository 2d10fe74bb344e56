"""Small readers for the tag tests: tags fresh from the database, what a work is found under,
and page text."""

from __future__ import annotations

import html

from fichive.tags.models import Tag
from fichive.works.models import FilterTagging, Work


def tag(name: str) -> Tag:
    """The tag with this exact name, as the database has it now."""
    return Tag.objects.select_related("merger").get(name=name)


def found_under(name: str) -> set[str]:
    """Titles of the works found under a tag (its filter taggings)."""
    return set(
        FilterTagging.objects.filter(tag__name=name).values_list("work__title", flat=True)
    )


def filter_names(work: Work) -> set[str]:
    """Names of every tag a work is found under."""
    return set(FilterTagging.objects.filter(work=work).values_list("tag__name", flat=True))


def page(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page with HTML entities decoded, to match messages as people read them."""
    return html.unescape(page(response))
