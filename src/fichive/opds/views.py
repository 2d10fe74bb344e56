"""The OPDS catalog's views: parse the query string, build the feed (catalog.py), write it as
OPDS 1.2 Atom (/opds/…) or OPDS 2.0 JSON (/opds/v2/…). Reading apps sign in with HTTP Basic
and an app password (apppasswords.auth.basic_auth, outermost). Guests' feeds are kept in the
page cache like guests' listing pages (retired by the same changes); a reader's never."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict

from fichive.apppasswords.auth import basic_auth
from fichive.lib.cache import cached_for_guests, with_feed_validators
from fichive.opds import atom, catalog
from fichive.opds.catalog import NAVIGATION, Feed, Urls
from fichive.opds.json import OPDS2_TYPE, feed_json
from fichive.search.limits import SearchTooBroad, search_count
from fichive.tags.models import Tag
from fichive.tags.selectors import tag_for_viewer
from fichive.works import listing, selectors

REALM = 'Basic realm="Fichive catalog", charset="UTF-8"'


def _respond(feed: Feed, urls: Urls) -> HttpResponse:
    """The feed in the asked format, with the validators polling apps send back (304s)."""
    if urls.version == 2:
        return with_feed_validators(JsonResponse(feed_json(feed), content_type=OPDS2_TYPE,
                                                 json_dumps_params={"ensure_ascii": False}))
    return with_feed_validators(HttpResponse(
        atom.feed_atom(feed), content_type=catalog.kind_type(feed.kind) + ";charset=utf-8"))


def _bad_request(messages: list[str], urls: Urls) -> HttpResponse:
    text = "The catalog couldn't read this address: " + " ".join(messages)
    if urls.version == 2:
        return JsonResponse({"title": "Bad request", "status": 400, "detail": text},
                            status=400, content_type="application/problem+json")
    return HttpResponse(text, status=400, content_type="text/plain;charset=utf-8")


def _not_found(text: str, urls: Urls) -> HttpResponse:
    if urls.version == 2:
        return JsonResponse({"title": "Not found", "status": 404, "detail": text},
                            status=404, content_type="application/problem+json")
    return HttpResponse(text, status=404, content_type="text/plain;charset=utf-8")


@basic_auth
@cached_for_guests()
def root(request: HttpRequest, version: int = 1) -> HttpResponse:
    urls = Urls(request, version)
    return _respond(catalog.root_feed(request, urls), urls)


@basic_auth
@cached_for_guests()
def media(request: HttpRequest, version: int = 1) -> HttpResponse:
    urls = Urls(request, version)
    return _respond(catalog.media_feed(request, urls), urls)


@basic_auth
@cached_for_guests()
def media_fandoms(request: HttpRequest, slug: str, version: int = 1) -> HttpResponse:
    urls = Urls(request, version)
    try:
        return _respond(catalog.media_fandoms_feed(request, urls, slug), urls)
    except Http404:
        return _not_found("No such media category.", urls)


def _tag(request: HttpRequest, tag_name: str) -> Tag | None:
    """The tag (its canonical, for a synonym) if the visitor may know of it."""
    try:
        tag = tag_for_viewer(request.user, tag_name)
    except Http404:
        return None
    return tag.merger or tag


@basic_auth
@cached_for_guests()
def tag(request: HttpRequest, tag_name: str, version: int = 1) -> HttpResponse:
    urls = Urls(request, version)
    found = _tag(request, tag_name)
    if found is None:
        return _not_found("No such tag.", urls)
    return _respond(catalog.fandom_feed(request, urls, found), urls)


def _works_feed(request: HttpRequest, urls: Urls, *, key: str, title: str, href: str,
                query: QueryDict | None = None, **kwargs: object) -> HttpResponse:
    query = request.GET if query is None else query
    form = listing.ListingForm.from_query(query)
    if not form.is_valid():
        return _bad_request(form.error_list(), urls)
    if form.cleaned_data["q"]:
        search_count(request)
    try:
        feed = catalog.acquisition_feed(request, urls, key=key, title=title, href=href,
                                        query=query, filters=form.filters(), **kwargs)  # type: ignore[arg-type]
    except SearchTooBroad as exc:
        return _bad_request([exc.message], urls)
    return _respond(feed, urls)


@basic_auth
@cached_for_guests(params=listing.LISTING_PARAMS)
def works(request: HttpRequest, version: int = 1) -> HttpResponse:
    """Every work the visitor may see, filtered and sorted by the listing's parameters."""
    urls = Urls(request, version)
    sort = request.GET.get("sort", "")
    title = {"posted": "Recently posted", "kudos": "Most kudos", "hits": "Most hits",
             "words": "Longest works"}.get(sort, "Recently updated")
    if request.GET.get("complete") == "yes" and not sort:
        title = "Complete works"
    return _works_feed(request, urls, key="works", title=title, href=urls.feed("works"),
                       works=selectors.works_listed_for(request.user))


@basic_auth
@cached_for_guests(params=listing.LISTING_PARAMS | {"query"})
def search(request: HttpRequest, version: int = 1) -> HttpResponse:
    """The OpenSearch template's target: the archive's query language, as an acquisition
    feed."""
    urls = Urls(request, version)
    query = request.GET.copy()
    if "query" in query and "q" not in query:
        # OPDS 2.0 apps fill the templated link's `query` (search{?query}).
        query["q"] = query.pop("query")[0]
    q = query.get("q", "").strip()
    return _works_feed(request, urls, key="search", href=urls.feed("search"), query=query,
                       title=f"Search: {q}" if q else "Search",
                       works=selectors.works_listed_for(request.user))


@basic_auth
@cached_for_guests(params=listing.LISTING_PARAMS)
def tag_works(request: HttpRequest, tag_name: str, version: int = 1) -> HttpResponse:
    urls = Urls(request, version)
    found = _tag(request, tag_name)
    if found is None:
        return _not_found("No such tag.", urls)
    return _works_feed(request, urls, key=f"tag:{found.pk}:works", title=found.name,
                       href=urls.tag_feed(found), works=selectors.works_listed_for(request.user),
                       tag=found, up=urls.link("tag", NAVIGATION, "up", catalog.tag_to_url(
                           found.name), title=found.name))


def _personal(key: str, title: str) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, version: int = 1) -> HttpResponse:
        urls = Urls(request, version)
        if not request.user.is_authenticated:
            response = HttpResponse(f"Sign in to see your {title}: use an app password in "
                                    "your reading app.", status=401,
                                    content_type="text/plain;charset=utf-8")
            response["WWW-Authenticate"] = REALM
            return response
        return _works_feed(request, urls, key=f"me:{request.user.pk}:{key}", title=title,
                           href=urls.feed(f"me-{key}"), everything=False,
                           works=catalog.personal_works(request.user, key))
    view.__name__ = f"me_{key}"
    return basic_auth(view)


me_later = _personal("later", "Marked for Later")
me_history = _personal("history", "History")
me_subscriptions = _personal("subscriptions", "Subscriptions")
me_bookmarks = _personal("bookmarks", "Bookmarks")


@basic_auth
@cached_for_guests()
def opensearch(request: HttpRequest, version: int = 1) -> HttpResponse:
    urls = Urls(request, 1)
    return HttpResponse(atom.opensearch_description(urls.feed("search")),
                        content_type=catalog.OPENSEARCH_TYPE + ";charset=utf-8")

