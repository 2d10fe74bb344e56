"""Atom feeds of works: a tag's (its synonyms and sub tags too), a creator's, a series' and a
saved search's. Each reads through the same listing code and visibility rules as its page
(works.selectors, works.listing), newest update first; the listing filters work here too.

Every feed carries an ETag (a digest of the document) and Last-Modified (when listings last
changed, lib/cache.listings_changed_at); conditional requests get 304 (lib/cache's
middleware and fast path). Guests' feeds are kept like guests' listing pages
(`cached_for_guests`): polls cost one render until something changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from fichive.accounts.selectors import user_by_name
from fichive.apppasswords.auth import basic_auth
from fichive.feeds.atom import CONTENT_TYPE, entries_of, feed_render, id_authority, tag_uri
from fichive.lib.cache import cached_for_guests, listings_changed_at, with_feed_validators
from fichive.search.limits import SearchTooBroad, search_count
from fichive.series.selectors import series_for_viewer
from fichive.tags.models import Tag
from fichive.tags.selectors import tag_for_viewer
from fichive.works import listing, selectors
from fichive.works.blurbs import blurbs_of, tag_url
from fichive.works.models import FilterTagging, Work

# Feeds list by date updated unless the query string asks for another sort.
FEED_SORT = "updated"


def _plain_error(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message + "\n", content_type="text/plain; charset=utf-8", status=status)


def _feed(request: HttpRequest, works: QuerySet[Work], *, title: str, page_url: str,
          tag: Tag | None = None, taggings: QuerySet[FilterTagging] | None = None,
          series_id: int | None = None) -> HttpResponse:
    """The feed of a listing of `works`: the first page (or ?page=) of its filters."""
    data = request.GET.copy()
    if not data.get("sort"):
        data["sort"] = FEED_SORT
    if series_id is not None:
        data["series"] = str(series_id)
    form = listing.ListingForm.from_query(data)
    if not form.is_valid():
        return _plain_error("This feed can't be made: "
                            + " ".join(form.error_list()))
    if form.cleaned_data["q"]:
        search_count(request)
    try:
        result = listing.listing_build(works=works, filters=form.filters(), under=tag,
                                       taggings=taggings, fetch=blurbs_of, viewer=request.user,
                                       facets=False)
    except SearchTooBroad as exc:
        return _plain_error("This feed can't be made: " + exc.message)
    absolute = request.build_absolute_uri("/").rstrip("/")
    authority = id_authority(request)
    changed = listings_changed_at()
    site = getattr(settings, "FICHIVE_SITE_NAME", "Fichive")
    body = feed_render(
        title=f"{site}: {title}", link=absolute + page_url,
        feed_url=request.build_absolute_uri(), feed_id=tag_uri(authority, request.get_full_path()
                                                                .lstrip("/")),
        subtitle=f"{title}, newest first, on {site}.",
        entries=entries_of(list(result.page.object_list), absolute=absolute,
                           authority=authority),
        empty_updated=changed)
    return with_feed_validators(HttpResponse(body, content_type=CONTENT_TYPE))


@basic_auth
@cached_for_guests(params=listing.LISTING_PARAMS)
def tag_feed(request: HttpRequest, tag_name: str) -> HttpResponse:
    """/tags/<name>/feed.atom: the works found under the tag (its synonyms and sub tags); a
    synonym's feed is its canonical tag's."""
    found = tag_for_viewer(request.user, tag_name)
    tag = found.merger or found
    return _feed(request, selectors.works_listed_for(request.user),
                 title=f"Works in {tag.name}", page_url=tag_url(tag.name), tag=tag,
                 taggings=selectors.taggings_listed_for(request.user))


@basic_auth
@cached_for_guests(params=listing.LISTING_PARAMS)
def user_feed(request: HttpRequest, username: str) -> HttpResponse:
    """/users/<name>/works/feed.atom: the user's works (never their anonymous ones, but to
    themselves, where they still read "Anonymous")."""
    owner = user_by_name(username)
    return _feed(request, selectors.works_listed_for(request.user, owner=owner),
                 title=f"Works by {owner.username}",
                 page_url=reverse("works:user-works", args=[owner.username]))


@basic_auth
@cached_for_guests(params=listing.LISTING_PARAMS)
def series_feed(request: HttpRequest, series_id: int) -> HttpResponse:
    """/series/<id>/feed.atom: the series' works the visitor may see (404 with none)."""
    series = series_for_viewer(request.user, series_id)
    return _feed(request, selectors.works_listed_for(request.user),
                 title=f"Works in the series {series.title}",
                 page_url=reverse("series:detail", args=[series.pk]), series_id=series.pk)


@basic_auth
@cached_for_guests(params=listing.LISTING_PARAMS)
def search_feed(request: HttpRequest) -> HttpResponse:
    """/works/search/feed.atom?q=…: a saved search (the archive's query language and any
    listing filter), newest update first unless `sort` says otherwise."""
    query = " ".join(request.GET.get("q", "").split())
    if not query:
        return _plain_error("Give a search in q, like /works/search/feed.atom?q=dragons")
    return _feed(request, selectors.works_listed_for(request.user),
                 title=f"Works matching “{query}”",
                 page_url=f"{reverse('works:search')}?{request.GET.urlencode()}",
                 taggings=selectors.taggings_listed_for(request.user))
