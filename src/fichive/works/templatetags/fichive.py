"""Template helpers: tag URLs, AO3's byline and the four required-tag symbols of a blurb."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import RFC3986_SUBDELIMS

from fichive.tags.models import Tag, tag_to_url

register = template.Library()
_SLOT = "0tag0"


@lru_cache(maxsize=8)
def _tag_works_url_around(script_prefix: str) -> tuple[str, str]:
    before, _, after = reverse("works:tag-works", args=[_SLOT]).partition(_SLOT)
    return before, after


@register.filter
def tag_url(tag) -> str:
    """/tags/<name>/works, as reverse() spells it; a listing page links a couple of hundred
    tags, so the URL pattern is resolved once and the escaped name put in its slot."""
    before, after = _tag_works_url_around(get_script_prefix())
    return before + quote(tag_to_url(tag.name), safe=RFC3986_SUBDELIMS + "/~:@") + after


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


RATING_CODES = {"General Audiences": "G", "Teen And Up Audiences": "T", "Mature": "M",
                "Explicit": "E", "Not Rated": "NR"}
CATEGORY_CODES = {"F/F": "F/F", "F/M": "F/M", "Gen": "Gen", "M/M": "M/M", "Multi": "Multi",
                  "Other": "Other"}
NO_WARNINGS = "No Archive Warnings Apply"
CHOSE_NOT_TO_WARN = "Creator Chose Not To Use Archive Warnings"


def _symbol(kind: str, title: str, text: str):
    return format_html('<span class="{}" title="{}">{}</span>', kind, title, text)


@register.filter
def required_symbol(work) -> str:
    """The rating's short label for blurbs."""
    rating = work.rating
    name = rating.name if rating else "Not Rated"
    return _symbol("rating", name, RATING_CODES.get(name, "?"))


@register.filter
def warning_symbol(work) -> str:
    """"!" when the work carries archive warnings, "?" when its creator chose not to warn,
    nothing when none apply; the title names them."""
    names = [t.name for t in work.tags_of("warning")]
    if not names or names == [NO_WARNINGS]:
        return _symbol("warnings none", NO_WARNINGS, "–")
    if names == [CHOSE_NOT_TO_WARN]:
        return _symbol("warnings choosenotto", CHOSE_NOT_TO_WARN, "?")
    return _symbol("warnings yes", ", ".join(n for n in names if n != NO_WARNINGS), "!")


@register.filter
def category_symbol(work) -> str:
    names = [t.name for t in work.tags_of("category")]
    if not names:
        return _symbol("category none", "No category", "–")
    text = CATEGORY_CODES.get(names[0], "?") if len(names) == 1 else "Multi"
    return _symbol("category", ", ".join(names), text)


@register.filter
def completion_symbol(work) -> str:
    if work.complete:
        return _symbol("iswip complete", "Complete Work", "✓")
    return _symbol("iswip wip", "Work in Progress", "…")


@register.filter
def tags_of_type(work, tag_type: str):
    return work.tags_of(tag_type)


@register.filter
def tag_groups(work) -> dict[str, list[Tag]]:
    """The work's tags by type ({"fandom": [...], "warning": [...]}), sorted by name, for
    templates that show several types (one pass instead of one per type)."""
    groups: dict[str, list[Tag]] = {tag_type: [] for tag_type in Tag.Type.values}
    for tag in sorted(work.tags.all(), key=lambda t: t.name):
        groups.setdefault(tag.type, []).append(tag)
    return groups
