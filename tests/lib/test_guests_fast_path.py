"""The guests' page cache fast path in the WSGI entry point: a cookie-less guest's repeat view
is answered from Redis before Django runs, with the status, headers and body Django sent, and
only where Django would have answered the same; changes show on the next request; anyone who
might see a page of their own gets Django.

Requests go to the WSGI application as gunicorn calls it, built as fichive/wsgi.py builds it
(afresh for each request, so Django's middleware reads the test's settings); whether Django ran
is seen from its `request_started` signal, which only Django's handler sends."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import redis
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from fichive import wsgi
from fichive.lib import cache as page_cache
from fichive.lib.cache import CACHE_HEADER, guests_fast_path
from fichive.tags.models import Tag
from fichive.tags.services import tag_rename
from fichive.works.models import Work
from fichive.works.services import ChapterText, chapter_add
from tests.factories import WorkFactory
from tests.ports import free_port
from tests.works.helpers import edit_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_cache")]


@dataclass
class Reply:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    django_ran: bool

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def text(self) -> str:
        return self.body.decode()


@contextmanager
def _test_database_kept_open() -> Iterator[None]:
    """Django's handler closes the database connection around a request; a test's connection
    holds its transaction (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(path: str, *, method: str = "GET", secure: bool = False, app=None,
         **headers: str) -> Reply:
    """One request to the WSGI application, as a server would make it."""
    application = app or guests_fast_path(WSGIHandler())
    environ = dict(RequestFactory().generic(
        method, path, secure=secure, headers={k.replace("_", "-"): v for k, v in headers.items()}
    ).environ)
    started: list[bool] = []
    reply: dict = {}

    def on_start(**kwargs: object) -> None:
        started.append(True)

    def start_response(status: str, response_headers: list, exc_info: object = None) -> None:
        reply.update(status=status, headers=response_headers)

    request_started.connect(on_start)
    try:
        with _test_database_kept_open():
            result = application(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                getattr(result, "close", lambda: None)()
    finally:
        request_started.disconnect(on_start)
    return Reply(reply["status"], reply["headers"], body, django_ran=bool(started))


def _chapter_url(work: Work, position: int = 1) -> str:
    return f"/works/{work.pk}/chapters/{work.chapters.get(position=position).pk}"


@pytest.fixture
def two_chapters(author) -> Work:
    return WorkFactory(author=author, title="Two Part Tale", freeforms=["Fluff"],
                       chapters=["<p>Alpha text here.</p>", "<p>Beta text here.</p>"])


def _without_cache_header(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in headers if k != CACHE_HEADER)


# --- Served before Django, as Django served it ---------------------------------------------


def test_a_guests_repeat_view_is_the_page_and_headers_django_sent(two_chapters):
    url = _chapter_url(two_chapters, 2)
    first = call(url)
    assert first.django_ran
    assert first.header(CACHE_HEADER) == "miss"

    second = call(url)

    assert not second.django_ran
    assert second.header(CACHE_HEADER) == "hit"
    assert (second.status, second.body) == (first.status, first.body)
    assert _without_cache_header(second.headers) == _without_cache_header(first.headers)
    assert "Beta text here." in second.text()
    for name, value in [("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
                        ("Vary", "Cookie"), ("Content-Type", "text/html; charset=utf-8"),
                        ("Content-Length", str(len(first.body)))]:
        assert second.header(name) == value, name
    assert second.header("Set-Cookie") is None


def test_the_wsgi_entry_point_is_behind_the_fast_path(two_chapters):
    url = _chapter_url(two_chapters)
    assert call(url, app=wsgi.application).django_ran
    assert not call(url, app=wsgi.application).django_ran


def test_the_fast_path_and_djangos_own_cache_hit_send_the_same_headers(two_chapters):
    url = _chapter_url(two_chapters)
    call(url)
    fast = call(url)
    # Another cookie sends the request through Django, whose view decorator finds the page.
    through_django = call(url, cookie="theme=dark")

    assert not fast.django_ran
    assert through_django.django_ran
    assert through_django.body == fast.body
    assert sorted(through_django.headers) == sorted(fast.headers)


def test_head_gets_the_headers_without_the_body(two_chapters):
    url = f"/works/{two_chapters.pk}"
    page = call(url)

    head = call(url, method="HEAD")

    assert not head.django_ran
    assert head.status == "200 OK"
    assert head.body == b""
    assert head.header("Content-Length") == str(len(page.body))


def test_query_strings_are_different_pages(two_chapters):
    call(f"/works/{two_chapters.pk}")
    assert not call(f"/works/{two_chapters.pk}").django_ran

    full = call(f"/works/{two_chapters.pk}?view_full_work=true")

    assert full.django_ran
    assert "Beta text here." in full.text()
    assert "Beta text here." not in call(f"/works/{two_chapters.pk}").text()
    assert not call(f"/works/{two_chapters.pk}?view_full_work=true").django_ran


def test_a_csrf_cookie_alone_still_gets_the_fast_path(two_chapters):
    url = _chapter_url(two_chapters)
    call(url)
    assert not call(url, cookie="csrftoken=abcdefghijklmnopqrstuvwxyz012345").django_ran


# --- Changes show on the next request ------------------------------------------------------


def test_a_work_edit_shows_at_once(author, author_client, two_chapters):
    urls = [f"/works/{two_chapters.pk}", _chapter_url(two_chapters, 2), "/works"]
    for url in urls:
        call(url)
        assert not call(url).django_ran

    author_client.post(f"/works/{two_chapters.pk}/edit",
                       edit_form(two_chapters, author, title="A Renamed Tale"))

    for url in urls:
        page = call(url)
        assert page.django_ran, url
        assert "A Renamed Tale" in page.text(), url
        assert "Two Part Tale" not in page.text(), url


def test_a_new_chapter_shows_at_once(author, two_chapters):
    url = f"/works/{two_chapters.pk}?view_full_work=true"
    call(url)
    assert not call(url).django_ran

    chapter_add(user=author, work=two_chapters, text=ChapterText(content="<p>Gamma words.</p>"))

    assert "Gamma words." in call(url).text()


def test_tag_wrangling_shows_at_once(two_chapters):
    url = _chapter_url(two_chapters)
    assert "Tooth-Rotting Fluff" not in call(url).text()
    assert not call(url).django_ran

    tag_rename(actor=None, tag=Tag.objects.get(name="Fluff"), new_name="Tooth-Rotting Fluff")

    assert "Tooth-Rotting Fluff" in call(url).text()


# --- Never for the wrong visitor -----------------------------------------------------------


def test_restricted_works_and_drafts_are_never_served_to_guests(author, reader_client):
    locked = WorkFactory(author=author, title="Members Only", restricted=True)
    draft = WorkFactory(author=author, title="Secret Draft", post=False)
    session = f"sessionid={reader_client.cookies['sessionid'].value}"
    assert "Members Only" in call(f"/works/{locked.pk}", cookie=session).text()

    for work in (locked, draft):
        for _ in range(2):
            page = call(f"/works/{work.pk}")
            assert page.django_ran
            # A restricted work sends guests to log in; a draft is a plain 404.
            assert page.status.startswith("302" if work is locked else "404")
    assert "Members Only" not in call("/works").text()


def test_a_logged_in_reader_never_gets_the_fast_path(reader_client, two_chapters):
    url = _chapter_url(two_chapters)
    call(url)
    assert not call(url).django_ran

    page = call(url, cookie=f"sessionid={reader_client.cookies['sessionid'].value}")

    assert page.django_ran
    assert "Log out (carol)" in page.text()
    assert page.header(CACHE_HEADER) is None


@pytest.mark.parametrize("cookie", ["sessionid=unknown", "messages=anything",
                                    "fichive_primary=99999999999", "csrftoken=x; theme=dark"])
def test_any_other_cookie_goes_to_django(two_chapters, cookie):
    url = _chapter_url(two_chapters)
    call(url)
    assert call(url, cookie=cookie).django_ran


def test_a_host_not_allowed_is_refused_even_when_the_page_is_cached(two_chapters):
    url = _chapter_url(two_chapters)
    call(url)
    assert not call(url).django_ran

    refused = call(url, host="evil.example")

    assert refused.django_ran
    assert refused.status.startswith("400")
    assert "Alpha text here." not in refused.text()


def test_each_allowed_host_has_pages_of_its_own(settings, two_chapters):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "fics.example.org"]
    url = _chapter_url(two_chapters)
    call(url)
    assert call(url, host="fics.example.org").django_ran
    assert not call(url, host="fics.example.org").django_ran


def test_plain_http_is_redirected_when_ssl_redirect_is_on(settings, two_chapters):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    url = _chapter_url(two_chapters)
    call(url, secure=True)
    secure = call(url, secure=True)
    assert not secure.django_ran
    assert secure.header("Strict-Transport-Security") == "max-age=3600"

    plain = call(url)

    assert plain.django_ran
    assert plain.status.startswith("301")
    assert plain.header("Location") == f"https://testserver{url}"


# --- Off, or without Redis -----------------------------------------------------------------


def test_off_when_the_page_cache_is_off(settings, two_chapters):
    url = _chapter_url(two_chapters)
    call(url)
    settings.FICHIVE_PAGE_CACHE = False
    Work.objects.filter(pk=two_chapters.pk).update(title="Changed Behind The Services")

    page = call(url)

    assert page.django_ran
    assert "Changed Behind The Services" in page.text()


def test_off_without_redis(settings, two_chapters):
    settings.CACHES = {**settings.CACHES,
                       "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "fast-path-test"}}
    url = _chapter_url(two_chapters)
    call(url)
    page = call(url)
    assert page.django_ran
    assert page.header(CACHE_HEADER) == "hit"  # the view decorator's own cache still works


def test_pages_still_render_while_redis_is_down(settings, two_chapters, caplog):
    url = _chapter_url(two_chapters)
    call(url)
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
    }}

    with caplog.at_level(logging.ERROR, logger="fichive.lib.cache"):
        page = call(url)

    assert page.django_ran
    assert page.status == "200 OK"
    assert "Alpha text here." in page.text()
    assert "The page cache couldn't be read" in caplog.text


def test_a_guest_browser_through_djangos_test_client_still_gets_cached_pages(two_chapters):
    # The same entries serve Django's side: a guest with a session cookie of their own.
    url = _chapter_url(two_chapters)
    call(url)
    browser = Client()
    browser.cookies["sessionid"] = "not-a-session"
    assert browser.get(url)[CACHE_HEADER] == "hit"


# --- Each worker's own memory --------------------------------------------------------------


@pytest.fixture
def redis_client(redis_url) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def _key(name: str) -> str:
    return caches["default"].make_key(name)


def _stored_pages(client: redis.Redis) -> list[bytes]:
    return [key for key in client.keys(_key(f"{page_cache.PREFIX}:*"))
            if b":v:" not in key]


def test_a_repeat_view_is_served_from_the_workers_memory(redis_client, two_chapters):
    url = _chapter_url(two_chapters)
    call(url)
    assert not call(url).django_ran  # read from Redis, and kept in this process
    # Without the entry in Redis, only the process's own memory can still answer.
    redis_client.delete(*_stored_pages(redis_client))

    page = call(url)

    assert not page.django_ran
    assert "Alpha text here." in page.text()


def test_a_change_announced_by_another_process_retires_pages_in_memory(redis_client,
                                                                      two_chapters):
    url = _chapter_url(two_chapters)
    call(url)
    call(url)
    Work.objects.filter(pk=two_chapters.pk).update(title="Renamed Elsewhere")
    # What another worker's `content_changed(everything=True)` sends: a new version, announced.
    redis_client.set(_key(page_cache.GLOBAL), "12345")
    redis_client.publish(_key(page_cache.CHANGES), _key(page_cache.GLOBAL))

    page = call(url)

    assert page.django_ran
    assert "Renamed Elsewhere" in page.text()


def test_a_lost_subscription_empties_the_memory(redis_client, two_chapters):
    url = _chapter_url(two_chapters)
    call(url)
    call(url)
    subscribers = [c for c in redis_client.client_list()
                   if c["name"] == page_cache.SUBSCRIBER_NAME]
    assert subscribers
    for subscriber in subscribers:
        redis_client.client_kill_filter(_id=subscriber["id"])
    # A change whose announcement the lost connection never delivers.
    Work.objects.filter(pk=two_chapters.pk).update(title="Changed While Unsubscribed")
    redis_client.set(_key(page_cache.GLOBAL), "67890")

    page = call(url)

    assert page.django_ran
    assert "Changed While Unsubscribed" in page.text()


def test_pages_are_not_kept_in_memory_while_the_subscription_is_down(
        redis_client, two_chapters, monkeypatch):
    monkeypatch.setattr(page_cache, "_RESUBSCRIBE_SECONDS", 3600)
    url = _chapter_url(two_chapters)
    call(url)
    call(url)
    for subscriber in redis_client.client_list():
        if subscriber["name"] == page_cache.SUBSCRIBER_NAME:
            redis_client.client_kill_filter(_id=subscriber["id"])
    assert not call(url).django_ran  # from Redis: the connection is found lost, not retried
    redis_client.delete(*_stored_pages(redis_client))

    assert call(url).django_ran  # nothing was kept in memory meanwhile


def test_the_memory_holds_no_more_than_its_limit(settings, redis_client, author):
    settings.FICHIVE_PAGE_CACHE_LOCAL_MB = 0
    work = WorkFactory(author=author, chapters=["<p>Small.</p>"])
    url = f"/works/{work.pk}"
    call(url)
    call(url)
    redis_client.delete(*_stored_pages(redis_client))

    assert call(url).django_ran


def test_a_stored_page_keeps_its_security_headers_and_its_own_style_hash(author):
    """The fast path and Django's own cache hit send the policy the page was rendered with:
    the work skin's hash in style-src (lib/headers.py), the Permissions-Policy."""
    skinned = WorkFactory(author=author, work_skin=".chat { color: #336; }",
                          chapters=['<p class="chat">hi</p>'])
    url = f"/works/{skinned.pk}"
    first = call(url)
    fast = call(url)
    through_django = call(url, cookie="theme=dark")

    assert not fast.django_ran and through_django.django_ran
    policy = first.header("Content-Security-Policy")
    assert "style-src 'self' 'sha256-" in policy and "script-src 'self'" in policy
    for reply in (fast, through_django):
        assert reply.header("Content-Security-Policy") == policy
        assert reply.header("Permissions-Policy") == first.header("Permissions-Policy")
        assert "camera=()" in reply.header("Permissions-Policy")
