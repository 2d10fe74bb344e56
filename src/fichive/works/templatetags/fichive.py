"""Template helpers: tag URLs, AO3's byline, the four required-tag symbols and a work's blurb
(whose markup lives in works/blurbs.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from fichive.tags.models import Tag
from fichive.works import blurbs
from fichive.works.blurbs import Blurb, blurb_html, blurb_of
from fichive.works.models import Work

register = template.Library()


@register.filter
def tag_url(tag) -> str:
    """/tags/<name>/works, as reverse() spells it; a listing page links a couple of hundred
    tags, so the URL pattern is resolved once and the escaped name put in its slot."""
    return blurbs.tag_url(tag.name)


@register.simple_tag
def byline(work) -> str:
    """Creator links, "pseud (user)" where the pseud is not the login name."""
    pseuds = work.pseuds()
    if not pseuds:
        return "Anonymous"
    return mark_safe(  # noqa: S308 - byline_html escapes names and URLs
        blurbs.byline_html([(p.name, p.user.username) for p in pseuds]))


@register.simple_tag
def tag_list(tags) -> str:
    return mark_safe(  # noqa: S308 - blurbs escapes names and URLs
        ", ".join(blurbs.tag_link(t.name) for t in tags))


@register.simple_tag
def blurb(work: Work | Blurb) -> SafeString:
    """A work's blurb in a listing: from blurbs.blurbs_of, or from a model instance with its
    blurb data prefetched (selectors.with_blurb_data); a search result's passage with it."""
    data = work if isinstance(work, Blurb) else blurb_of(work)
    return blurb_html(data, getattr(work, "search_match", None))


@register.filter
def required_symbol(work) -> str:
    """The rating's short label for blurbs."""
    return blurbs.rating_symbol([t.name for t in work.tags_of(Tag.Type.RATING)])


@register.filter
def warning_symbol(work) -> str:
    return blurbs.warning_symbol([t.name for t in work.tags_of(Tag.Type.WARNING)])


@register.filter
def category_symbol(work) -> str:
    return blurbs.category_symbol([t.name for t in work.tags_of(Tag.Type.CATEGORY)])


@register.filter
def completion_symbol(work) -> str:
    return blurbs.completion_symbol(work.complete)


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
