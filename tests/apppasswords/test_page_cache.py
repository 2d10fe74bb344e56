"""The guests' page cache never serves a request that carries credentials, nor stores the
page made for it: not in Django (cached_for_guests and its middleware), whichever way round
a view wraps basic_auth and cached_for_guests, and not in the WSGI fast path."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from fichive.apppasswords.auth import basic_auth
from fichive.lib.cache import CACHE_HEADER, GuestPageCacheMiddleware, cached_for_guests
from tests.apppasswords.conftest import basic

pytestmark = pytest.mark.django_db


def test_a_cached_guest_page_is_not_served_to_a_request_with_credentials(client, work, kobo):
    url = f"/works/{work.pk}"
    assert client.get(url)[CACHE_HEADER] == "miss"
    assert client.get(url)[CACHE_HEADER] == "hit"

    response = client.get(url, **basic("carol", kobo[1]))
    assert response.status_code == 200
    assert CACHE_HEADER not in response
    response = client.get(url, HTTP_AUTHORIZATION="Bearer anything")
    assert CACHE_HEADER not in response


def test_a_page_made_for_a_request_with_credentials_is_not_stored(client, work, kobo):
    url = f"/works/{work.pk}"
    first = client.get(url, **basic("carol", kobo[1]))
    assert CACHE_HEADER not in first
    assert client.get(url)[CACHE_HEADER] == "miss"  # nothing was stored before


class _Whoami:
    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.runs += 1
        who = request.user.username if request.user.is_authenticated else "guest"
        return HttpResponse(f"restricted list for {who}")


def _request(**headers: str) -> HttpRequest:
    request = RequestFactory().get("/opds/recent", **headers)
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


@pytest.mark.parametrize("order", ["basic_auth outside", "cached_for_guests outside"])
def test_a_catalog_page_read_with_an_app_password_never_reaches_guests(order, kobo):
    inner = _Whoami()
    if order == "basic_auth outside":
        view = basic_auth(cached_for_guests()(inner))
    else:
        view = cached_for_guests()(basic_auth(inner))

    def serve(request: HttpRequest) -> HttpResponse:
        return GuestPageCacheMiddleware(view)(request)

    app = serve(_request(**basic("carol", kobo[1])))
    assert app.content == b"restricted list for carol"
    assert CACHE_HEADER not in app

    guest = serve(_request())
    assert guest.content == b"restricted list for guest"
    assert guest[CACHE_HEADER] == "miss"
    assert serve(_request())[CACHE_HEADER] == "hit"
    again = serve(_request(**basic("carol", kobo[1])))
    assert again.content == b"restricted list for carol"
    assert inner.runs == 3


@pytest.mark.usefixtures("redis_cache")
def test_the_fast_path_sends_requests_with_credentials_to_django(work, kobo):
    from tests.lib.test_guests_fast_path import call

    url = f"/works/{work.pk}"
    call(url)
    assert not call(url).django_ran

    page = call(url, authorization=basic("carol", kobo[1])["HTTP_AUTHORIZATION"])
    assert page.django_ran
    assert page.header(CACHE_HEADER) is None
