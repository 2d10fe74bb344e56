"""API: series, tags (with synonyms, parents, meta and sub tags, visible use counts), media and
the fandom index, pseuds and users' public profiles and works.

Every read goes through the selectors the pages use, so each answer is what that page shows
this caller: series parts and counts (series.selectors), tags a visitor may know of and the
works they may see under them (tags.selectors), a user's works and counts without their
anonymous works for anyone else (works.selectors, accounts.selectors.user_page_counts).

Tag names are written in paths the way the site writes them (AO3's escapes: "*s*" for "/",
"*a*" for "&", "*d*" for ".", "*q*" for "?", "*h*" for "#"): a slash can't be sent any
other way in a path segment. Every tag in an answer carries its `url`, so a client need not
build one."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Schema
from pydantic import WithJsonSchema

from fichive.accounts.models import Pseud, User
from fichive.accounts.selectors import pseud_by_name, user_by_name, user_page_counts
from fichive.accounts.templatetags.user_pages import profile_html
from fichive.api.endpoints.works import (
    Creator,
    ListingFilters,
    WorkListing,
    WorkOut,
    listing_answer,
    work_json,
)
from fichive.api.pagination import links, page_number
from fichive.api.schemas import PageNumber, Paging, answers
from fichive.api.v1 import READ, router
from fichive.bookmarks.selectors import bookmarks_visible_to
from fichive.search.limits import search_count
from fichive.series.selectors import creators_of, series_listed_for, series_page_for_viewer
from fichive.tags import selectors as tag_selectors
from fichive.tags.models import MEDIA, Tag, tag_to_url
from fichive.works import listing, selectors
from fichive.works.models import Work

TAGS_PER_PAGE = 30  # as the tag search page
SERIES_PER_PAGE = 20  # as a user's series page
TAG_SEARCH_WORDS = 8  # words of `q` searched for, as the tag search page
PSEUD_RECENT_WORKS = 20  # as the pseud's page


# --------------------------------------------------------------------------------- answers


class TagRef(Schema):
    """A tag named in another answer; `url` is its own answer's."""

    name: str
    type: str
    canonical: bool
    url: str


class ChildTags(Schema):
    total: int = Field(description="How many such tags the fandom has (that you may know "
                                   "of); `tags` are the most used of them.")
    tags: list[TagRef]


class TagOut(Schema):
    name: str
    type: str = Field(description="rating, warning, category, fandom, relationship, "
                                  "character or freeform.")
    status: str = Field(description="fixed (ratings, warnings, categories), canonical, "
                                    "synonym or unwrangled.")
    canonical: bool
    synonym_of: TagRef | None = Field(description="The canonical tag this one is a synonym "
                                                  "of: its works are found under that one.")
    media: str | None = Field(description="A fandom's media category.")
    fandoms: list[TagRef] = Field(description="Parent fandoms of a character, relationship "
                                              "or additional tag (a synonym's are its "
                                              "canonical's).")
    synonyms: list[TagRef]
    meta_tags: list[TagRef]
    sub_tags: list[TagRef]
    children: dict[str, ChildTags] = Field(description="A fandom's most used relationship, "
                                                       "character and additional tags.")
    works: int = Field(description="Works you may see found under the tag (for a synonym: "
                                   "under its canonical tag).")
    works_url: str
    url: str


class ListedTag(TagRef):
    synonym_of: TagRef | None
    uses: int = Field(description="Works you may see tagged with this very tag.")


class TagListing(Paging):
    tags: list[ListedTag]


class Fandom(Schema):
    name: str
    works: int = Field(description="Works you may see in the fandom.")
    url: str


class Medium(Schema):
    name: str
    slug: str
    fandoms_total: int = Field(description="Canonical fandoms in this media category.")
    top: list[Fandom] = Field(description="Its most used fandoms.")
    url: str


class MediaIndex(Schema):
    media: list[Medium]


class IndexedFandom(Fandom):
    letter: str = Field(description="The A–Z heading it files under (# for the rest).")


class MediaFandoms(Schema):
    name: str
    slug: str
    fandoms: list[IndexedFandom] = Field(description="Every canonical fandom of the media "
                                                     "category, A–Z.")


class SeriesPartOut(Schema):
    part: int = Field(description="The part's number in the series (drafts never count).")
    work: WorkOut


class SeriesSummary(Schema):
    id: int
    title: str
    summary: str
    complete: bool
    creators: list[Creator] = Field(description="Empty when the byline reads Anonymous.")
    works: int = Field(description="The parts you may see.")
    words: int = Field(description="Their words.")
    bookmarks: int = Field(description="Public bookmarks of the series.")
    updated: str | None = Field(description="When the latest part you may see was updated.")
    url: str


class SeriesOut(SeriesSummary):
    notes: str
    begun: str | None
    parts: list[SeriesPartOut]


class SeriesListing(Paging):
    series: list[SeriesSummary]


class PseudOut(Schema):
    name: str
    byline: str
    default: bool
    description: str = Field(description="Sanitized HTML, as the pseud's page shows it.")
    icon_text: str
    works: int = Field(description="Works under this pseud you may see.")
    url: str


class PseudDetail(PseudOut):
    user: str
    bookmarks: int = Field(description="Bookmarks under this pseud you may see.")
    recent_works: list[WorkOut] = Field(description="Its latest works you may see.")
    works_url: str


class UserOut(Schema):
    username: str
    joined: str
    about_me: str = Field(description="Sanitized HTML, as the profile page shows it.")
    pseuds: list[PseudOut]
    works: int = Field(description="Their works you may see (never their anonymous ones, "
                                   "unless they are yours).")
    series: int
    bookmarks: int
    gifts: int
    works_url: str
    series_url: str
    url: str


# ----------------------------------------------------------------------------------- tags


def _url(request: HttpRequest, url_name: str, /, **kwargs: Any) -> str:
    return request.build_absolute_uri(reverse(f"api:{url_name}", kwargs=kwargs))


def _tag_url(request: HttpRequest, tag: Tag) -> str:
    return _url(request, "tag-detail", name=tag_to_url(tag.name))


def tag_ref(request: HttpRequest, tag: Tag) -> dict[str, Any]:
    return {"name": tag.name, "type": tag.type, "canonical": tag.canonical,
            "url": _tag_url(request, tag)}


def _status(tag: Tag) -> str:
    return "fixed" if tag.is_fixed else tag.status.lower()


def _works_url(request: HttpRequest, tag: Tag) -> str:
    return request.build_absolute_uri(reverse("api:works") + "?" + urlencode({"tag": tag.name}))


@router.get("/tags/{name}", response=answers(TagOut), auth=READ, url_name="tag-detail",
            tags=["tags"], summary="A tag: its type, wrangling and visible works count")
def tag_detail(request: HttpRequest, name: str) -> dict[str, Any]:
    """`name` as the site's tag URLs write it: "A/B" is `A*s*B` (a percent-encoded slash
    would be read as the end of the name), "Q&A" `Q*a*A`, "Dr. Who" `Dr*d* Who`, "Why?"
    `Why*q*`, "#1" `*h*1`; other characters percent-encoded as usual. Each tag in an answer
    has its `url`. Tags used only on works you may not see are a 404, as on the site."""
    tag = tag_selectors.tag_for_viewer(request.user, name)
    overview = tag_selectors.tag_overview(request.user, tag)

    def refs_of(tags: list[Tag]) -> list[dict[str, Any]]:
        return [tag_ref(request, t) for t in tags]

    return {
        "name": tag.name,
        "type": tag.type,
        "status": _status(tag),
        "canonical": tag.canonical,
        "synonym_of": tag_ref(request, tag.merger) if tag.merger else None,
        "media": tag.media if tag.type == Tag.Type.FANDOM else None,
        "fandoms": refs_of(overview.parents),
        "synonyms": refs_of(overview.synonyms),
        "meta_tags": refs_of(overview.meta_tags),
        "sub_tags": refs_of(overview.sub_tags),
        "children": {tag_type: {"total": overview.children_counts.get(tag_type, len(tags)),
                                "tags": refs_of(tags)}
                     for tag_type, tags in overview.children.items()},
        "works": overview.work_count,
        "works_url": _works_url(request, overview.canonical_tag),
        "url": _tag_url(request, tag),
    }


# Query parameters taken as text and checked here with the tag search page's messages, but
# documented as what they must be: `q` with a word in it (not only white space), `type` one of
# the tag types.
_Words = Annotated[str, WithJsonSchema({
    "type": "string", "pattern": r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029"
                                 r"\u202f\u205f\u3000]"})]
_TagType = Annotated[str | None, WithJsonSchema({"type": "string",
                                                 "enum": list(Tag.Type.values)})]


@router.get("/tags", response=answers(TagListing), auth=READ, url_name="tag-list",
            tags=["tags"], summary="Tags whose names have every word of `q`")
def tag_list(request: HttpRequest, q: _Words, type: _TagType = None,
             canonical: bool | None = None, page: PageNumber | None = None,
             cursor: str | None = None) -> dict[str, Any]:
    """As the site's tag search: tags whose name has every word of `q` (in any case),
    canonical tags first, then by name; only tags you may know of. `type` narrows it to one
    type, `canonical=true` to canonical tags. Each tag says how many works you may see are
    tagged with it."""
    words = q.split()[:TAG_SEARCH_WORDS]
    if type and type not in Tag.Type.values:
        raise ValidationError({"type": f"“{type}” is not a kind of tag; use one of: "
                                       f"{', '.join(Tag.Type.values)}."})
    if not words:
        raise ValidationError({"q": "Type part of a tag's name."})
    number = page_number(request, page)
    search_count(request)
    tags = tag_selectors.tag_search(request.user, words=words, tag_type=type or None)
    if canonical is not None:
        tags = tags.filter(canonical=canonical)
    shown = listing.page_of(Paginator(tags, TAGS_PER_PAGE), number)
    found = list(shown.object_list)
    uses = tag_selectors.listed_uses(request.user, [t.pk for t in found])
    return {
        "total": shown.paginator.count,
        "page": shown.number,
        "pages": shown.paginator.num_pages,
        "per_page": TAGS_PER_PAGE,
        **links(request, shown),
        "tags": [{**tag_ref(request, t),
                  "synonym_of": tag_ref(request, t.merger) if t.merger else None,
                  "uses": uses.get(t.pk, 0)} for t in found],
    }


# ---------------------------------------------------------------------------------- media


def _fandom(request: HttpRequest, row: tag_selectors.FandomCount) -> dict[str, Any]:
    return {"name": row.tag.name, "works": row.works, "url": _tag_url(request, row.tag)}


def _medium(name: str) -> str:
    """A media category from its path segment: its slug or its name, in any case."""
    try:
        return tag_selectors.media_by_name(name)
    except ValidationError:
        raise Http404(f"No such media category; there are: {', '.join(MEDIA)}.") from None


@router.get("/media", response=answers(MediaIndex), auth=READ, url_name="media-list",
            tags=["media"], summary="The media categories, each with its most used fandoms")
def media_list(request: HttpRequest) -> dict[str, Any]:
    """As the site's /media page: every media category, how many canonical fandoms it has,
    and its most used fandoms with the number of works you may see in each."""
    return {"media": [
        {"name": summary.media, "slug": summary.slug, "fandoms_total": summary.fandom_total,
         "top": [_fandom(request, row) for row in summary.top],
         "url": _url(request, "media-fandoms", name=summary.slug)}
        for summary in tag_selectors.media_index(request.user)
    ]}


@router.get("/media/{name}/fandoms", response=answers(MediaFandoms), auth=READ,
            url_name="media-fandoms", tags=["media"],
            summary="The fandom index of one media category")
def media_fandoms(request: HttpRequest, name: str) -> dict[str, Any]:
    """`name`: the category's slug (`anime-manga`, as /media lists them) or its name. Every
    canonical fandom of it A–Z, with the number of works you may see in each."""
    media = _medium(name)
    return {
        "name": media,
        "slug": tag_selectors.media_slug(media),
        "fandoms": [{**_fandom(request, row), "letter": letter}
                    for letter, rows in tag_selectors.media_fandoms(request.user, media)
                    for row in rows],
    }


# --------------------------------------------------------------------------------- series


def _works_by_id(request: HttpRequest, ids: list[int]) -> dict[int, Work]:
    """The works among `ids` listed for the caller, as work_json wants them."""
    if not ids:
        return {}
    works = listing.works_with_blurb_data(
        selectors.works_listed_for(request.user).filter(pk__in=ids))
    return {work.pk: work for work in works}


def _creators(pseuds: list[Pseud]) -> list[dict[str, str]]:
    return [{"pseud": p.name, "user": p.user.username, "byline": p.byline} for p in pseuds]


@router.get("/series/{int:series_id}", response=answers(SeriesOut), auth=READ,
            url_name="series-detail", tags=["series"],
            summary="A series and the parts you may see, in order")
def series_detail(request: HttpRequest, series_id: int) -> dict[str, Any]:
    """As the series page: its details, the creators its byline names (not those of an
    anonymous part), and the parts you may see with their numbers; counts are of those
    parts. A series none of whose parts you may see is a 404 (but to its creators)."""
    page = series_page_for_viewer(request.user, series_id)
    works = _works_by_id(request, [part.blurb.id for part in page.parts])
    series = page.series
    return {
        "id": series.pk,
        "title": series.title,
        "summary": series.summary,
        "notes": series.notes,
        "complete": series.complete,
        "creators": _creators(page.creators),
        "works": page.works,
        "words": page.words,
        "bookmarks": page.bookmarks,
        "begun": page.begun.isoformat() if page.begun else None,
        "updated": page.updated.isoformat() if page.updated else None,
        "url": _url(request, "series-detail", series_id=series.pk),
        "parts": [{"part": part.number, "work": work_json(works[part.blurb.id], request)}
                  for part in page.parts if part.blurb.id in works],
    }


# ---------------------------------------------------------------------------------- users


def _pseuds_json(request: HttpRequest, owner: User, pseuds: list[Pseud]) -> list[dict[str, Any]]:
    """The pseuds with the number of works under each the caller may see (one query)."""
    counts = dict(selectors.creatorships_credited_for(request.user)
                  .filter(pseud_id__in=[p.pk for p in pseuds])
                  .values_list("pseud_id").annotate(n=Count("work_id", distinct=True))
                  .values_list("pseud_id", "n"))
    return [_pseud_json(request, owner, p, works=counts.get(p.pk, 0)) for p in pseuds]


def _pseud_json(request: HttpRequest, owner: User, pseud: Pseud, *, works: int
                ) -> dict[str, Any]:
    pseud.user = owner  # (the byline reads the username: no query for it)
    return {
        "name": pseud.name,
        "byline": pseud.byline,
        "default": pseud.is_default,
        "description": str(profile_html(pseud.description)),
        "icon_text": pseud.icon_text,
        "works": works,
        "url": _url(request, "pseud-detail", username=owner.username, pseud=pseud.name),
    }


@router.get("/users/{username}", response=answers(UserOut), auth=READ, url_name="user-detail",
            tags=["users"], summary="A user's public profile")
def user_detail(request: HttpRequest, username: str) -> dict[str, Any]:
    """As the profile page: about me, when they joined, their pseuds, and the counts of
    their works, series, bookmarks and gifts that you may see."""
    owner = user_by_name(username)
    counts = user_page_counts(request.user, owner)
    return {
        "username": owner.username,
        "joined": owner.date_joined.date().isoformat(),
        "about_me": str(profile_html(owner.about_me)),
        "pseuds": _pseuds_json(request, owner, list(owner.pseuds.all())),
        "works": counts.works,
        "series": counts.series,
        "bookmarks": counts.bookmarks,
        "gifts": counts.gifts,
        "works_url": _url(request, "user-works", username=owner.username),
        "series_url": _url(request, "user-series", username=owner.username),
        "url": _url(request, "user-detail", username=owner.username),
    }


@router.get("/users/{username}/works", response=answers(WorkListing), auth=READ,
            url_name="user-works", tags=["users"], exclude_unset=True,
            summary="A user's works, filtered and sorted like the listings")
def user_works(request: HttpRequest, username: str, filters: Query[ListingFilters]) -> Any:
    """As /users/<name>/works: their posted works you may see, under the listings' filters;
    their anonymous works only when you are they."""
    owner = user_by_name(username)
    return listing_answer(request, selectors.works_listed_for(request.user, owner=owner))


@router.get("/users/{username}/series", response=answers(SeriesListing), auth=READ,
            url_name="user-series", tags=["users"], summary="A user's series")
def user_series(request: HttpRequest, username: str, page: int | None = None,
                cursor: str | None = None) -> dict[str, Any]:
    """As /users/<name>/series: the series they are a creator of that you may see (one
    part you may see at least; not one with an anonymous part of theirs, unless you are
    they), latest changed first; counts are of the parts you may see."""
    owner = user_by_name(username)
    number = page_number(request, page)
    shown = listing.page_of(Paginator(series_listed_for(request.user, owner=owner),
                                      SERIES_PER_PAGE), number)
    return {
        "total": shown.paginator.count,
        "page": shown.number,
        "pages": shown.paginator.num_pages,
        "per_page": SERIES_PER_PAGE,
        **links(request, shown),
        "series": [{
            "id": series.pk,
            "title": series.title,
            "summary": series.summary,
            "complete": series.complete,
            "creators": _creators(creators_of(series)),
            "works": series.shown_works,
            "words": series.shown_words,
            "bookmarks": series.public_bookmarks,
            "updated": series.shown_updated.isoformat() if series.shown_updated else None,
            "url": _url(request, "series-detail", series_id=series.pk),
        } for series in shown.object_list],
    }


@router.get("/users/{username}/pseuds/{pseud}", response=answers(PseudDetail), auth=READ,
            url_name="pseud-detail", tags=["users"], summary="One of a user's pseuds")
def pseud_detail(request: HttpRequest, username: str, pseud: str) -> dict[str, Any]:
    """As the pseud's page: its description, the counts of its works and bookmarks you may
    see, and its latest works."""
    owner = user_by_name(username)
    found = pseud_by_name(owner, pseud)
    works = selectors.works_listed_for(request.user, pseud=found)
    recent = listing.works_with_blurb_data(works.order_by("-updated", "-id")
                                           [:PSEUD_RECENT_WORKS])
    return {
        **_pseud_json(request, owner, found, works=works.count()),
        "user": owner.username,
        "bookmarks": bookmarks_visible_to(request.user).filter(pseud=found).count(),
        "recent_works": [work_json(work, request) for work in recent],
        "works_url": _url(request, "pseud-works", username=owner.username, pseud=found.name),
    }


@router.get("/users/{username}/pseuds/{pseud}/works", response=answers(WorkListing),
            auth=READ, url_name="pseud-works", tags=["users"], exclude_unset=True,
            summary="The works under one pseud, filtered and sorted like the listings")
def pseud_works(request: HttpRequest, username: str, pseud: str,
                filters: Query[ListingFilters]) -> Any:
    """As /users/<name>/pseuds/<pseud>/works: the works under that pseud you may see, under
    the listings' filters; its anonymous works only when you are its user."""
    owner = user_by_name(username)
    found = pseud_by_name(owner, pseud)
    return listing_answer(request, selectors.works_listed_for(request.user, pseud=found))
