"""Template helpers: tag URLs, AO3's byline, the four required-tag symbols and a work's blurb
(whose markup lives in works/blurbs.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from fichive.accounts.preferences import prefs_for
from fichive.lib.fragments import Kept
from fichive.tags.models import Tag
from fichive.works import blurbs
from fichive.works.blurbs import Blurb, blurb_html, blurb_of, escape, number
from fichive.works.models import Work

register = template.Library()


@register.filter
def tag_url(tag) -> str:
    """/tags/<name>/works, as reverse() spells it; a listing page links a couple of hundred
    tags, so the URL pattern is resolved once and the escaped name put in its slot."""
    return blurbs.tag_url(tag.name)


def _viewer_username(context: template.Context) -> str | None:
    """The logged-in visitor's user name, or None (a guest's page may be stored for every
    guest, so nothing of a creator's own view reaches it)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return user.username if user is not None and user.is_authenticated else None


def _is_own(context: template.Context, creators: list[tuple[str, str]]) -> bool:
    username = _viewer_username(context)
    return username is not None and any(
        name.lower() == username.lower() for _, name in creators)


@register.simple_tag(takes_context=True)
def byline(context: template.Context, work) -> str:
    """Creator links, "pseud (user)" where the pseud is not the login name; "Anonymous" for
    an anonymous work, with the names beside it for its own creators."""
    if work.anonymous:
        own = [(p.name, p.user.username) for p in work.pseuds()]
        if _is_own(context, own):
            return mark_safe(  # noqa: S308 - byline_html escapes names and URLs
                blurbs.own_anonymous_byline_html(own))
    pseuds = work.shown_pseuds()
    if not pseuds:
        return "Anonymous"
    return mark_safe(  # noqa: S308 - byline_html escapes names and URLs
        blurbs.byline_html([(p.name, p.user.username) for p in pseuds]))


@register.simple_tag
def tag_list(tags) -> str:
    return mark_safe(  # noqa: S308 - blurbs escapes names and URLs
        ", ".join(blurbs.tag_link(t.name) for t in tags))


@register.simple_tag(takes_context=True)
def blurb(context: template.Context, work: Work | Blurb) -> SafeString:
    """A work's blurb in a listing: from blurbs.blurbs_of, or from a model instance with its
    blurb data prefetched (selectors.with_blurb_data); a search result's passage with it.
    An anonymous work's creators see their names beside "Anonymous"."""
    data = work if isinstance(work, Blurb) else blurb_of(work)
    own = bool(data.own_creators) and _is_own(context, data.own_creators)
    return blurb_html(data, getattr(work, "search_match", None), own=own,
                      hidden=_hidden_tag_types(context))


def _hidden_tag_types(context: template.Context) -> frozenset[str]:
    """The tag types the visitor keeps behind "Show warnings" / "Show tags" (a logged-in
    reader's preferences; a guest's are the defaults: nothing hidden)."""
    request = context.get("request")
    if request is None:
        return blurbs.NOTHING_HIDDEN
    prefs = prefs_for(request)
    return blurbs.hidden_tag_types(hide_warnings=prefs.hide_warnings,
                                   hide_freeform=prefs.hide_freeform)


@register.simple_tag(takes_context=True)
def facet_spoiler(context: template.Context, group: Any) -> dict | None:
    """For a sidebar's facet group of a tag type the visitor hides (warnings, additional
    tags): the "Show warnings" / "Show tags" label its entries sit behind, and whether it
    starts open (one of them is in the reader's filters); None otherwise."""
    if group.type not in _hidden_tag_types(context):
        return None
    return {"label": blurbs.SHOW_HIDDEN[group.type],
            "open": any(e.included or e.excluded for e in group.entries)}


@register.simple_tag(takes_context=True)
def spoiler_tag_list(context: template.Context, tags: Any, tag_type: str) -> str:
    """A work page's tags of one type, behind a "Show warnings" / "Show tags" control when
    the visitor's preferences hide that type."""
    links = ", ".join(blurbs.tag_link(t.name) for t in tags)
    if links and tag_type in _hidden_tag_types(context):
        links = blurbs.spoiler_html(blurbs.SHOW_HIDDEN[tag_type], links)
    return mark_safe(links)  # noqa: S308 - blurbs escapes names and URLs


# A listing's heading names many things; one thing reads "1 - 1 of 1 Work in Fandom".
_ONE = {"Works": "Work", "Bookmarks": "Bookmark", "Drafts": "Draft",
        "Search results": "Search result"}


@register.simple_tag
def listing_heading(page: Any, heading: str) -> str:
    """"1 - 20 of 345 Works in X", "1 - 1 of 1 Work in X", or the bare heading when there is
    nothing to count (or the page is past the last one)."""
    count = getattr(getattr(page, "paginator", None), "count", 0)
    if not count or getattr(page, "past_end", False):
        return heading
    if count == 1:
        for many, one in _ONE.items():
            if heading == many or heading.startswith(many + " "):
                heading = one + heading[len(many):]
                break
    return f"{page.start_index()} - {page.end_index()} of {number(count)} {heading}"


@register.simple_tag(takes_context=True)
def required_tags(context: template.Context, work: Any) -> SafeString:
    """The four required-tag symbols, as the work's blurb shows them (the warnings' one says
    nothing of them when the visitor hides archive warnings)."""
    return mark_safe(blurbs.required_tags_html(  # noqa: S308 - built from escaped parts
        [t.name for t in work.tags_of(Tag.Type.RATING)],
        [t.name for t in work.tags_of(Tag.Type.WARNING)],
        [t.name for t in work.tags_of(Tag.Type.CATEGORY)], work.complete,
        hide_warnings=Tag.Type.WARNING in _hidden_tag_types(context)))


@register.filter
def required_symbol(work) -> str:
    """The rating's symbol."""
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


# ----------------------------------------------------------------- the listing's sidebar

# Rendered widgets and labels of the listing form (works.listing.ListingForm), by field and
# value. Django renders each widget through its form templates (a select of every language,
# radio buttons): about a third of a listing page's CPU. With fixed choices, a widget's HTML
# depends only on its field and value, and a field with errors is always rendered afresh.
_WIDGETS: dict[tuple[str, str, Any], SafeString] = {}
_WIDGETS_MAX = 2000


def _kept(key: tuple[str, str, Any], render: Any) -> SafeString:
    html = _WIDGETS.get(key)
    if html is None:
        if len(_WIDGETS) >= _WIDGETS_MAX:
            _WIDGETS.clear()
        html = _WIDGETS[key] = render()
    return html


@register.filter
def listing_widget(field: BoundField) -> SafeString:
    """{{ field }} for a listing form's field."""
    if field.errors:
        return SafeString(field)
    value = field.value()
    if not isinstance(value, str | int | None):
        value = repr(value)
    return _kept(("widget", field.html_name, value), lambda: SafeString(field))


@register.filter
def listing_label(field: BoundField) -> SafeString:
    """{{ field.label_tag }} for a listing form's field."""
    return _kept(("label", field.html_name, field.auto_id), field.label_tag)


# The works listings' rendered sidebars, by page (path, query string, the tag types the
# visitor hides, the script prefix), each kept while what it shows besides the query string
# (the sidebar counts and the tags the filters name) is the same.
_sidebars = Kept(256)


@register.simple_tag(takes_context=True)
def works_filters(context: template.Context) -> SafeString:
    """{% include "works/_filters.html" with facets=listing %} for a works listing, kept: a
    sidebar is rendered again only when its page's counts or named tags changed. A page
    whose filters came back with errors (no listing) is rendered each time."""
    request = context.get("request")
    listing = context.get("listing")
    form = context.get("form")
    engine = context.template.engine if context.template else template.Engine.get_default()
    sidebar = engine.get_template("works/_filters.html")
    if request is None or listing is None or form is None or form.errors:
        with context.push(facets=listing):
            return mark_safe(sidebar.render(context))  # noqa: S308 - a rendered template
    key = (request.path, request.META.get("QUERY_STRING", ""), _hidden_tag_types(context),
           get_script_prefix())
    stamp = (repr(listing.facets), tuple((t.pk, t.type, t.name) for t in
                                         (*listing.tags.include, *listing.tags.exclude)))
    html = _sidebars.get(key, stamp)
    if html is None:
        with context.push(facets=listing):
            html = mark_safe(sidebar.render(context))  # noqa: S308 - a rendered template
        _sidebars.put(key, stamp, html)
    return html


@register.simple_tag
def facet_entries(entries: list) -> SafeString:
    """A sidebar group's tags, each with its include and exclude boxes and its count
    (works.listing.FacetEntry)."""
    parts = []
    for entry in entries:
        name = escape(entry.name)
        count = ("" if entry.count is None
                 else f' <span class="count">({number(entry.count)})</span>')
        parts.append(
            f'\n<li><label class="include"><input type="checkbox" name="include" value="{name}"'
            f'{" checked" if entry.included else ""}> <span class="name">{name}</span>{count}'
            f'</label>\n<label class="exclude" title="Exclude {name}"><input type="checkbox" '
            f'name="exclude" value="{name}" aria-label="Exclude {name}"'
            f'{" checked" if entry.excluded else ""}><span aria-hidden="true">not</span>'
            f"</label></li>")
    return mark_safe("".join(parts))  # noqa: S308 - names escaped above
