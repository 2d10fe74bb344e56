"""The OPDS catalog as plain data: each feed (navigation or acquisition) with its title, links,
entries, facets and pagination, read through the selectors. The serializers (atom.py for OPDS
1.2, json.py for OPDS 2.0) only write these dataclasses out."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

import lxml.html
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from fichive.accounts.models import User
from fichive.bookmarks.models import Bookmark
from fichive.formats.exporters import download_links
from fichive.formats.own import archive_id, work_urn
from fichive.lib.sanitize import sanitize_html
from fichive.readings.models import Reading
from fichive.series.models import SeriesPart
from fichive.subscriptions.models import Subscription
from fichive.tags import selectors as tag_selectors
from fichive.tags.models import MEDIA, RATINGS, Tag, tag_to_url
from fichive.works import listing, selectors
from fichive.works.adult import CONSENT_QUERY
from fichive.works.models import Creatorship, Work

NAVIGATION = "navigation"
ACQUISITION = "acquisition"
ATOM_TYPE = "application/atom+xml;profile=opds-catalog"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
REL_ACQUISITION = "http://opds-spec.org/acquisition/open-access"
REL_FACET = "http://opds-spec.org/facet"
REL_SORT_NEW = "http://opds-spec.org/sort/new"
REL_SORT_POPULAR = "http://opds-spec.org/sort/popular"
REL_THUMBNAIL = "http://opds-spec.org/image/thumbnail"
# Works have no covers: the archive's icon stands in where a client needs an image (OPDS 2.0
# publications must have one).
THUMBNAIL = ("img/favicon-180.png", "image/png")
# Child tags of a fandom offered as further navigation, per type.
FANDOM_CHILDREN = 30

# The facets every acquisition feed offers: group → (parameter, [(value, title)]).
SORT_FACETS = [("updated", "Date Updated"), ("kudos", "Kudos"), ("hits", "Hits"),
               ("words", "Word Count")]
COMPLETE_FACETS = [("all", "All works"), ("yes", "Complete works only"),
                   ("no", "Works in progress only")]


def kind_type(kind: str) -> str:
    return f"{ATOM_TYPE};kind={kind}"


@dataclass
class Link:
    href: str
    rel: str
    type: str = ""
    title: str = ""
    facet_group: str = ""
    active: bool = False
    count: int | None = None
    templated: bool = False


@dataclass
class Category:
    scheme: str
    term: str
    label: str


@dataclass
class Author:
    name: str
    uri: str = ""


@dataclass
class Entry:
    id: str
    title: str
    updated: datetime.datetime
    links: list[Link] = field(default_factory=list)
    # Navigation entries: a line of text; acquisition entries: the rest below.
    text: str = ""
    authors: list[Author] = field(default_factory=list)
    published: datetime.datetime | None = None
    issued: datetime.date | None = None
    language: str = ""
    summary: str = ""
    content_html: str = ""
    categories: list[Category] = field(default_factory=list)
    words: int | None = None
    chapters: str = ""
    series: list[str] = field(default_factory=list)
    images: list[Link] = field(default_factory=list)


@dataclass
class Pagination:
    number: int
    pages: int
    total: int
    per_page: int


@dataclass
class Feed:
    id: str
    title: str
    kind: str
    updated: datetime.datetime
    links: list[Link] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    facets: list[Link] = field(default_factory=list)
    pagination: Pagination | None = None
    messages: list[str] = field(default_factory=list)


class Urls:
    """Absolute URLs of one serialization's catalog (OPDS 1.2 under /opds/, 2.0 under
    /opds/v2/) and of the site's pages."""

    def __init__(self, request: HttpRequest, version: int) -> None:
        self.request, self.version = request, version
        self.type = {NAVIGATION: kind_type(NAVIGATION), ACQUISITION: kind_type(ACQUISITION)}
        if version == 2:
            self.type = {NAVIGATION: "application/opds+json", ACQUISITION: "application/opds+json"}

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def feed(self, name: str, *args: object, query: dict[str, str] | None = None) -> str:
        prefix = "opds:v2-" if self.version == 2 else "opds:"
        path = reverse(prefix + name, args=args)
        if query:
            path += "?" + urlencode(query)
        return self.absolute(path)

    def link(self, name: str, kind: str, rel: str, *args: object, title: str = "",
             query: dict[str, str] | None = None) -> Link:
        return Link(self.feed(name, *args, query=query), rel, self.type[kind], title)

    def tag_feed(self, tag: Tag) -> str:
        return self.feed("tag-works", tag_to_url(tag.name))

    def common(self, self_href: str, kind: str) -> list[Link]:
        return [
            Link(self_href, "self", self.type[kind]),
            self.link("root", NAVIGATION, "start", title="Fichive"),
            Link(self.feed("search") + "{?query}", "search", self.type[ACQUISITION],
                 "Search", templated=True) if self.version == 2
            else Link(self.feed("opensearch"), "search", OPENSEARCH_TYPE, "Search"),
        ]


def _now() -> datetime.datetime:
    return timezone.now().replace(microsecond=0)


def _midnight(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def _nav_entry(urls: Urls, key: str, title: str, href: str, kind: str,
               text: str = "") -> Entry:
    return Entry(id=f"urn:fichive:{archive_id()}:opds:{key}", title=title, updated=_now(),
                 text=text, links=[Link(href, "subsection", urls.type[kind])])


# --------------------------------------------------------------------------------------------
# Navigation feeds
# --------------------------------------------------------------------------------------------

# The root's acquisition feeds: key → (title, description, listing query).
ROOT_FEEDS: list[tuple[str, str, str, dict[str, str], str]] = [
    ("recent", "Recently updated", "Works with new chapters, newest first.",
     {"sort": "updated"}, REL_SORT_NEW),
    ("new", "Recently posted", "Works by the date they were first posted.",
     {"sort": "posted"}, ""),
    ("kudos", "Most kudos", "The works readers left the most kudos on.",
     {"sort": "kudos"}, REL_SORT_POPULAR),
    ("hits", "Most hits", "The most read works.", {"sort": "hits"}, ""),
    ("complete", "Complete works", "Finished works, recently updated first.",
     {"complete": "yes"}, ""),
]
PERSONAL_FEEDS = [
    ("later", "Marked for Later", "Works you marked to read later."),
    ("history", "History", "Works you have read."),
    ("subscriptions", "Subscriptions", "Works you subscribed to, by their creators you "
     "subscribed to, or in series you subscribed to: newest chapters first."),
    ("bookmarks", "Bookmarks", "Works you bookmarked."),
]


def root_feed(request: HttpRequest, urls: Urls) -> Feed:
    """The catalog's start: the archive's lists, fandoms by media, search, and a logged-in
    reader's own lists."""
    feed = Feed(id=f"urn:fichive:{archive_id()}:opds:root", title="Fichive", kind=NAVIGATION,
                updated=_now(), links=urls.common(urls.feed("root"), NAVIGATION))
    for key, title, text, query, _rel in ROOT_FEEDS:
        feed.entries.append(_nav_entry(urls, key, title, urls.feed("works", query=query),
                                       ACQUISITION, text))
    feed.entries.append(_nav_entry(urls, "fandoms", "Browse by fandom", urls.feed("media"),
                                   NAVIGATION, "Media categories, their fandoms, and the "
                                   "fandoms' characters and relationships."))
    feed.entries.append(_nav_entry(urls, "search", "Search", urls.feed("search"), ACQUISITION,
                                   "Search every work with the archive's query language "
                                   "(add ?q= to the address, or use your app's search)."))
    if request.user.is_authenticated:
        for key, title, text in PERSONAL_FEEDS:
            feed.entries.append(_nav_entry(urls, f"me-{key}", title, urls.feed(f"me-{key}"),
                                           ACQUISITION, text))
    return feed


def media_feed(request: HttpRequest, urls: Urls) -> Feed:
    """Every media category, with how many fandoms it has."""
    feed = Feed(id=f"urn:fichive:{archive_id()}:opds:media", title="Fandoms by media",
                kind=NAVIGATION, updated=_now(),
                links=urls.common(urls.feed("media"), NAVIGATION))
    for summary in tag_selectors.media_index(request.user):
        feed.entries.append(_nav_entry(
            urls, f"media:{summary.slug}", summary.media,
            urls.feed("media-fandoms", summary.slug), NAVIGATION,
            f"{summary.fandom_total} fandoms"))
    return feed


def media_fandoms_feed(request: HttpRequest, urls: Urls, slug: str) -> Feed:
    """A media category's canonical fandoms, A–Z, with the works this visitor may see."""
    media = tag_selectors.media_from_slug(slug)  # Http404 for an unknown one
    href = urls.feed("media-fandoms", slug)
    feed = Feed(id=f"urn:fichive:{archive_id()}:opds:media:{slug}", title=media,
                kind=NAVIGATION, updated=_now(),
                links=[*urls.common(href, NAVIGATION),
                       urls.link("media", NAVIGATION, "up", title="Fandoms by media")])
    for _letter, rows in tag_selectors.media_fandoms(request.user, media):
        for row in rows:
            feed.entries.append(_nav_entry(
                urls, f"tag:{row.tag.pk}", row.tag.name,
                urls.feed("tag", tag_to_url(row.tag.name)), NAVIGATION,
                f"{row.works} works"))
    return feed


def fandom_feed(request: HttpRequest, urls: Urls, tag: Tag) -> Feed:
    """A tag's navigation: its works, and for a fandom its characters and relationships."""
    href = urls.feed("tag", tag_to_url(tag.name))
    links = urls.common(href, NAVIGATION)
    if tag.type == Tag.Type.FANDOM and tag.media in MEDIA:
        links.append(urls.link("media-fandoms", NAVIGATION, "up", tag_selectors.media_slug(
            tag.media), title=tag.media))
    feed = Feed(id=f"urn:fichive:{archive_id()}:opds:tag:{tag.pk}", title=tag.name,
                kind=NAVIGATION, updated=_now(), links=links)
    feed.entries.append(_nav_entry(urls, f"tag:{tag.pk}:works", f"All works in {tag.name}",
                                   urls.tag_feed(tag), ACQUISITION,
                                   "Recently updated first."))
    if tag.type == Tag.Type.FANDOM:
        children = (tag.children.filter(type__in=[Tag.Type.RELATIONSHIP, Tag.Type.CHARACTER],
                                        canonical=True)
                    .order_by("-uses", "key"))
        kept: dict[str, int] = {}
        # Relationships first, as a work's tags read.
        for child in sorted(children, key=lambda t: t.type != Tag.Type.RELATIONSHIP):
            if kept.get(child.type, 0) >= FANDOM_CHILDREN:
                continue
            kept[child.type] = kept.get(child.type, 0) + 1
            noun = "Relationship" if child.type == Tag.Type.RELATIONSHIP else "Character"
            feed.entries.append(_nav_entry(urls, f"tag:{child.pk}:works", child.name,
                                           urls.tag_feed(child), ACQUISITION, noun))
    return feed


# --------------------------------------------------------------------------------------------
# Acquisition feeds
# --------------------------------------------------------------------------------------------


def _plain(html: str) -> str:
    if not html.strip():
        return ""
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div")
                    .text_content().split())


def _scheme(urls: Urls, tag_type: str) -> str:
    return urls.absolute(reverse("opds:root")) + f"tag-types/{tag_type}"


TAG_ORDER = [Tag.Type.RATING, Tag.Type.WARNING, Tag.Type.CATEGORY, Tag.Type.FANDOM,
             Tag.Type.RELATIONSHIP, Tag.Type.CHARACTER, Tag.Type.FREEFORM]


def work_entry(urls: Urls, work: Work) -> Entry:
    """One work as a catalog entry: its metadata, tags and download links (carrying the
    adult-content consent: the reader chose to browse the catalog in their app)."""
    updated = _midnight(work.updated) or _now()
    authors = ([Author(p.byline, urls.absolute(reverse("accounts:dashboard",
                                                         args=[p.user.username])))
                for p in work.shown_pseuds()] or [Author("Anonymous")])
    if work.imported_creator and not work.anonymous and not work.shown_pseuds():
        authors = [Author(work.imported_creator)]
    series = [f"Part {p.number} of {p.series.title}"
              for p in getattr(work, "shown_series_parts", ())]
    categories = [Category(_scheme(urls, tag_type), tag.name, tag.name)
                  for tag_type in TAG_ORDER for tag in work.tags_of(tag_type)]
    facts = [f"Words: {work.word_count:,}", f"Chapters: {work.chapters_display}",
             f"Language: {work.language_name}", f"Kudos: {work.kudos_count:,}",
             f"Hits: {work.hits:,}"]
    content = sanitize_html(work.summary) if work.summary.strip() else ""
    content += "<p>" + escape(" · ".join(facts)) + "</p>"
    if series:
        content += "".join(f"<p>{escape(s)}</p>" for s in series)
    tags_line = ", ".join(c.label for c in categories)
    if tags_line:
        content += f"<p>Tags: {escape(tags_line)}</p>"
    links = [Link(f"{urls.absolute(url)}{'&' if '?' in url else '?'}{CONSENT_QUERY}",
                  REL_ACQUISITION, fmt.content_type.split(";")[0].strip(),
                  fmt.extension.upper())
             for fmt, url in download_links(work)]
    links.append(Link(urls.absolute(work.get_absolute_url()), "alternate", "text/html",
                      "Read on the archive"))
    return Entry(
        id=work_urn(work.pk), title=work.title, updated=updated, authors=authors,
        published=_midnight(work.published), issued=work.published, language=work.language,
        summary=_plain(work.summary), content_html=content, categories=categories,
        links=links, words=work.word_count, chapters=work.chapters_display, series=series,
        images=[Link(urls.absolute(static(THUMBNAIL[0])), REL_THUMBNAIL, THUMBNAIL[1])],
    )


def _query_without(query: QueryDict, *names: str) -> QueryDict:
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept


def _with(href: str, query: QueryDict, **values: str) -> str:
    changed = query.copy()
    for name, value in values.items():
        changed[name] = value
    text = changed.urlencode()
    return f"{href}?{text}" if text else href


def acquisition_feed(request: HttpRequest, urls: Urls, *, key: str, title: str, href: str,
                     query: QueryDict, works: QuerySet[Work], filters: listing.Filters,
                     tag: Tag | None = None, everything: bool = True,
                     up: Link | None = None) -> Feed:
    """A page of works through works.listing (the visitor's mutes and saved exclusions
    applied), with pagination, facets and the new/popular sorts; `query` is the feed's
    query string (links to other pages and facets keep it)."""
    taggings = selectors.taggings_listed_for(request.user) if everything else None
    result = listing.listing_build(works=works, filters=filters, under=tag, taggings=taggings,
                                   viewer=request.user)
    page = result.page
    asked = query
    query = _query_without(asked, "page")
    feed = Feed(id=f"urn:fichive:{archive_id()}:opds:{key}", title=title, kind=ACQUISITION,
                updated=_now(), links=urls.common(_with(href, asked), ACQUISITION),
                pagination=Pagination(page.number, page.paginator.num_pages, result.total,
                                      listing.PER_PAGE),
                messages=result.messages())
    if up is not None:
        feed.links.append(up)
    kind = urls.type[ACQUISITION]
    feed.links.append(Link(_with(href, query, page="1"), "first", kind))
    last = max(1, page.paginator.num_pages)
    if page.number > 1:
        feed.links.append(Link(_with(href, query, page=str(min(page.number - 1, last))),
                               "previous", kind))
    if page.number < page.paginator.num_pages:
        feed.links.append(Link(_with(href, query, page=str(page.number + 1)), "next", kind))
    feed.links.append(Link(_with(href, query, page=str(last)), "last", kind))
    unsorted = _query_without(query, "sort", "order")
    feed.links.append(Link(_with(href, unsorted, sort="posted"), REL_SORT_NEW, kind,
                           "Recently posted"))
    feed.links.append(Link(_with(href, unsorted, sort="kudos"), REL_SORT_POPULAR, kind,
                           "Most kudos"))
    feed.facets = _facets(href, query, filters, kind)
    feed.entries = [work_entry(urls, work) for work in page.object_list]
    return feed


def _facets(href: str, query: QueryDict, filters: listing.Filters, kind: str) -> list[Link]:
    facets = [Link(_with(href, _query_without(query, "order"), sort=value), REL_FACET, kind,
                   title, "Sort by", filters.sort == value)
              for value, title in SORT_FACETS]
    facets += [Link(_with(href, query, complete=value), REL_FACET, kind, title, "Completion",
                    filters.complete == value)
               for value, title in COMPLETE_FACETS]
    chosen = {name.casefold() for name in filters.include}
    without_rating = _query_without(query, "rating")
    rated = [r for r in RATINGS if r.casefold() in chosen]
    facets.append(Link(_with(href, without_rating), REL_FACET, kind, "Any rating", "Rating",
                       not rated))
    facets += [Link(_with(href, without_rating, rating=rating), REL_FACET, kind, rating,
                    "Rating", rated == [rating])
               for rating in RATINGS]
    return facets


# The logged-in reader's lists: key → the ids of works on it, read for this user.
def _later(user: User) -> QuerySet:
    return Reading.objects.filter(user=user, to_read=True).values("work_id")


def _history(user: User) -> QuerySet:
    return Reading.objects.filter(user=user, visits__gt=0).values("work_id")


def _bookmarked(user: User) -> QuerySet:
    return Bookmark.objects.filter(user=user, work__isnull=False).values("work_id")


def _subscribed(user: User) -> QuerySet:
    subscriptions = Subscription.objects.filter(user=user)
    direct = subscriptions.filter(work__isnull=False).values("work_id")
    creators = Creatorship.objects.filter(
        pseud__user_id__in=subscriptions.filter(creator__isnull=False).values("creator_id"),
        work__anonymous=False).values("work_id")
    in_series = SeriesPart.objects.filter(
        series_id__in=subscriptions.filter(series__isnull=False).values("series_id"),
    ).values("work_id")
    return (Work.objects.filter(pk__in=direct) | Work.objects.filter(pk__in=creators)
            | Work.objects.filter(pk__in=in_series)).values("pk")


PERSONAL_WORKS: dict[str, Callable[[User], QuerySet]] = {
    "later": _later, "history": _history, "subscriptions": _subscribed,
    "bookmarks": _bookmarked,
}


def personal_works(user: User, key: str) -> QuerySet[Work]:
    """The works on one of the reader's lists that are listed for them (posted, not hidden,
    not by users they mute)."""
    return selectors.works_listed_for(user).filter(pk__in=PERSONAL_WORKS[key](user))
