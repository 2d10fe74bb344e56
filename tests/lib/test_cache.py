"""The page cache's rules: versions change at once and again on commit, a lost version never
brings old pages back, and a page is kept only when nothing about the visitor is in it.

Each test runs with the local-memory cache and with a real Redis (see `cache_backend`)."""

from __future__ import annotations

import pytest
import redis
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from fichive.lib import cache as page_cache
from fichive.lib import db_router
from fichive.lib.cache import GuestPageCacheMiddleware, cached_for_guests, content_changed
from fichive.works.models import Work
from fichive.works.services import ChapterText, chapter_add
from tests.factories import WorkFactory
from tests.ports import free_port

pytestmark = [pytest.mark.usefixtures("cache_backend"), pytest.mark.django_db]


class Counter:
    """A view that says how often it really ran."""

    def __init__(self, *, body: str = "page", csrf: bool = False, status: int = 200) -> None:
        self.runs = 0
        self.body, self.csrf, self.status = body, csrf, status

    def __call__(self, request: HttpRequest, work_id: int = 0) -> HttpResponse:
        self.runs += 1
        token = get_token(request) if self.csrf else ""
        return HttpResponse(f"{self.body} {self.runs} {token}", status=self.status)


def _guest_get(path: str = "/works/1") -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _cached_for_guests(*, work_arg: str | None = None):
    """`cached_for_guests` with the middleware that stores the pages it chooses."""

    def decorator(view):
        decorated = cached_for_guests(work_arg=work_arg)(view)

        def serve(request: HttpRequest, **kwargs) -> HttpResponse:
            return GuestPageCacheMiddleware(lambda r: decorated(r, **kwargs))(request)

        return serve

    return decorator


def _versions() -> dict:
    return cache.get_many([page_cache.GLOBAL, page_cache.LISTINGS,
                           page_cache._work_version_key(1), page_cache._work_version_key(2)])


def test_a_guest_page_is_kept_and_served_again():
    view = Counter()
    cached = _cached_for_guests(work_arg="work_id")(view)

    first = cached(_guest_get(), work_id=1)
    second = cached(_guest_get(), work_id=1)

    assert view.runs == 1
    assert second.content == first.content
    assert second["X-Fichive-Cache"] == "hit"


def test_a_work_change_retires_that_works_pages_and_every_listing_but_no_other_work():
    work_view, other_view, listing_view = Counter(), Counter(), Counter()
    work_page = _cached_for_guests(work_arg="work_id")(work_view)
    other_page = _cached_for_guests(work_arg="work_id")(other_view)
    listing = _cached_for_guests()(listing_view)
    for _ in range(2):
        work_page(_guest_get("/works/1"), work_id=1)
        other_page(_guest_get("/works/2"), work_id=2)
        listing(_guest_get("/works"))

    content_changed(work_ids=[1])
    work_page(_guest_get("/works/1"), work_id=1)
    other_page(_guest_get("/works/2"), work_id=2)
    listing(_guest_get("/works"))

    assert (work_view.runs, other_view.runs, listing_view.runs) == (2, 1, 2)


def test_everything_retires_every_page():
    work_view, listing_view = Counter(), Counter()
    work_page = _cached_for_guests(work_arg="work_id")(work_view)
    listing = _cached_for_guests()(listing_view)
    work_page(_guest_get("/works/1"), work_id=1)
    listing(_guest_get("/works"))

    content_changed(everything=True)
    work_page(_guest_get("/works/1"), work_id=1)
    listing(_guest_get("/works"))

    assert (work_view.runs, listing_view.runs) == (2, 2)


def test_no_works_changes_nothing():
    _cached_for_guests()(Counter())(_guest_get("/works"))
    before = _versions()
    content_changed(work_ids=[])
    assert _versions() == before


def test_versions_change_at_once_and_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    _cached_for_guests(work_arg="work_id")(Counter())(_guest_get(), work_id=1)
    key = page_cache._work_version_key(1)
    before = cache.get(key)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        content_changed(work_ids=[1])
        during = cache.get(key)
        assert during != before
    after = cache.get(key)

    assert len(callbacks) == 1
    assert after not in {before, during}


def test_a_lost_version_never_brings_back_old_pages(client, work):
    url = f"/works/{work.pk}"
    assert client.get(url).status_code == 200
    # The cache evicts the work's version; the page stored under it must not be served again
    # even though nothing told the cache about this change.
    Work.objects.filter(pk=work.pk).update(title="Changed While Nobody Watched")
    cache.delete(page_cache._work_version_key(work.pk))

    assert "Changed While Nobody Watched" in client.get(url).content.decode()


def test_a_page_with_a_csrf_token_is_not_kept():
    view = Counter(csrf=True)
    cached = _cached_for_guests()(view)
    cached(_guest_get("/works"))
    cached(_guest_get("/works"))
    assert view.runs == 2


def test_a_guest_with_flash_messages_gets_and_leaves_a_page_of_their_own():
    view = Counter()
    cached = _cached_for_guests()(view)
    cached(_guest_get("/works"))
    with_message = _guest_get("/works")
    messages.info(with_message, "Your work was deleted.")

    cached(with_message)
    assert view.runs == 2
    assert len(messages.get_messages(with_message)) == 1  # still there to be shown

    cached(_guest_get("/works"))
    assert view.runs == 2


def test_errors_and_logged_in_pages_are_not_kept(author):
    missing = Counter(status=404)
    _cached_for_guests()(missing)(_guest_get("/works"))
    _cached_for_guests()(missing)(_guest_get("/works"))
    assert missing.runs == 2

    view = Counter()
    cached = _cached_for_guests()(view)
    logged_in = _guest_get("/works")
    logged_in.user = author
    cached(logged_in)
    cached(_guest_get("/works"))
    assert view.runs == 2


def test_posts_are_never_answered_from_the_cache():
    view = Counter()
    cached = _cached_for_guests()(view)
    cached(_guest_get("/works"))
    post = RequestFactory().post("/works")
    post.user = AnonymousUser()
    post._messages = CookieStorage(post)  # type: ignore[attr-defined]
    cached(post)
    assert view.runs == 2


@pytest.mark.parametrize(("pin_seconds", "kept"), [(3600, False), (0, True)])
def test_a_page_read_from_a_replica_is_kept_only_once_the_change_has_reached_it(
    settings, pin_seconds, kept
):
    settings.FICHIVE_READ_REPLICAS = ["replica0"]
    settings.FICHIVE_REPLICA_PIN_SECONDS = pin_seconds
    content_changed(work_ids=[1])  # just now: a replica may not have it yet
    view = Counter()
    cached = _cached_for_guests(work_arg="work_id")(view)
    token = db_router._read_alias.set("replica0")
    try:
        cached(_guest_get(), work_id=1)
        cached(_guest_get(), work_id=1)
    finally:
        db_router._read_alias.reset(token)
    assert view.runs == (1 if kept else 2)


def test_many_works_changed_at_once():
    works = [WorkFactory() for _ in range(3)]
    before = {w.pk: cache.get(page_cache._work_version_key(w.pk)) for w in works}
    content_changed(work_ids=(w.pk for w in works))
    after = {w.pk: cache.get(page_cache._work_version_key(w.pk)) for w in works}
    assert all(after[pk] != before[pk] for pk in before)


@pytest.fixture
def unreachable_cache(settings) -> None:
    closed_port = free_port()
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
    }}


def test_guests_still_get_pages_while_the_cache_is_down(client, work, unreachable_cache):
    response = client.get(f"/works/{work.pk}")
    assert response.status_code == 200
    assert work.title in response.content.decode()


def test_changes_are_refused_while_the_cache_is_down(author, work, unreachable_cache):
    with pytest.raises(redis.ConnectionError):
        chapter_add(user=author, work=work, text=ChapterText(content="<p>Lost words.</p>"))
    assert work.chapters.count() == 1
