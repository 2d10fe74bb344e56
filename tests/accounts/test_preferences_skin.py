"""The footer's site skin control (/preferences/skin): a guest's choice goes into the
preferences cookie (keeping "view adult content"), a logged-in user's into their preferences;
back to the page they were on, never to another site. Guests' cached pages follow the
cookie: each skin is a page of its own, and a guest's repeat view is still a cache hit."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from fichive.accounts.selectors import preferences_of
from fichive.lib.cache import CACHE_HEADER
from fichive.lib.guestprefs import GUEST_COOKIE
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

SKIN = "/preferences/skin"


def skin_of(response) -> str:
    found = re.search(r'<html lang="en" data-skin="(\w+)">', response.content.decode())
    assert found, "no data-skin on the page"
    return found.group(1)


def test_a_guest_chooses_dark_and_is_sent_back_with_the_cookie_set(client, work):
    response = client.post(SKIN, {"skin": "dark", "next": f"/works/{work.pk}?view_adult=true"})
    assert response.status_code == 302
    assert response["Location"] == f"/works/{work.pk}?view_adult=true"
    assert client.cookies[GUEST_COOKIE].value == "skin=dark"
    assert client.cookies[GUEST_COOKIE]["httponly"]
    page = client.get(f"/works/{work.pk}")
    assert skin_of(page) == "dark"
    assert re.search(r'value="dark" aria-pressed="true">Dark</button>', page.content.decode())


def test_the_guests_adult_choice_is_kept(client):
    client.cookies[GUEST_COOKIE] = "adult=1"
    client.post(SKIN, {"skin": "light", "next": "/works"})
    assert client.cookies[GUEST_COOKIE].value == "skin=light;adult=1"
    client.post(SKIN, {"skin": "auto", "next": "/works"})
    assert client.cookies[GUEST_COOKIE].value == "adult=1"


def test_back_to_the_default_clears_the_cookie(client):
    client.post(SKIN, {"skin": "dark"})
    response = client.post(SKIN, {"skin": "auto"})
    assert response.cookies[GUEST_COOKIE].value == ""
    assert skin_of(client.get("/works")) == "auto"


@pytest.mark.parametrize("target", ["https://evil.example/works", "//evil.example/",
                                    "javascript:alert(1)", "", "\\\\evil.example"])
def test_next_never_leads_to_another_site(client, target):
    response = client.post(SKIN, {"skin": "dark", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("skin", ["neon", "", "DARK"])
def test_an_unknown_skin_is_refused_and_nothing_set(client, skin):
    response = client.post(SKIN, {"skin": skin, "next": "/works"})
    assert response.status_code == 400
    assert "Choose light, dark, or follow my device." in unescape(response.content.decode())
    assert GUEST_COOKIE not in response.cookies


def test_only_posts_choose_a_skin(client):
    assert client.get(SKIN, {"skin": "dark"}).status_code == 405
    assert GUEST_COOKIE not in client.cookies


def test_a_guest_needs_no_csrf_token_and_the_footer_gives_them_none(author):
    guest = Client(enforce_csrf_checks=True)
    page = guest.get("/works").content.decode()
    form = re.search(r'<form class="skin-choice".*?</form>', page, re.S).group(0)
    assert "csrfmiddlewaretoken" not in form
    assert guest.post(SKIN, {"skin": "dark", "next": "/works"}).status_code == 302
    assert skin_of(guest.get("/works")) == "dark"


def test_a_logged_in_user_saves_their_skin_with_a_csrf_token(reader):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    assert browser.post(SKIN, {"skin": "dark", "next": "/works"}).status_code == 403
    assert preferences_of(reader).skin == "auto"

    page = browser.get("/works").content.decode()
    form = re.search(r'<form class="skin-choice".*?</form>', page, re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = browser.post(SKIN, {"skin": "dark", "next": "/works",
                                   "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == "/works"
    assert preferences_of(reader).skin == "dark"
    assert GUEST_COOKIE not in response.cookies
    assert skin_of(browser.get("/works")) == "dark"


def test_a_users_saved_skin_wins_over_a_guest_cookie_left_in_the_browser(client, reader):
    preferences_of(reader)
    client.cookies[GUEST_COOKIE] = "skin=light"
    client.force_login(reader)
    client.post(SKIN, {"skin": "dark", "next": "/"})
    assert skin_of(client.get("/works")) == "dark"


# --- guests' cached pages -------------------------------------------------------------------


@pytest.mark.usefixtures("cache_backend")
@pytest.mark.parametrize("url", ["/works", "work"])
def test_two_guests_with_different_skins_get_different_cached_pages(author, url):
    work = WorkFactory(author=author, title="Night Reading")
    url = f"/works/{work.pk}" if url == "work" else url
    light, dark, plain = Client(), Client(), Client()
    light.cookies[GUEST_COOKIE] = "skin=light"
    dark.cookies[GUEST_COOKIE] = "skin=dark"

    first_light = light.get(url)
    first_dark = dark.get(url)
    assert (first_light[CACHE_HEADER], first_dark[CACHE_HEADER]) == ("miss", "miss")
    assert (skin_of(first_light), skin_of(first_dark)) == ("light", "dark")

    again_light, again_dark = light.get(url), dark.get(url)
    assert (again_light[CACHE_HEADER], again_dark[CACHE_HEADER]) == ("hit", "hit")
    assert (skin_of(again_light), skin_of(again_dark)) == ("light", "dark")
    assert again_dark.content == first_dark.content

    # A guest without the cookie gets neither.
    first_plain = plain.get(url)
    assert first_plain[CACHE_HEADER] == "miss"
    assert skin_of(first_plain) == "auto"


@pytest.mark.usefixtures("cache_backend")
def test_a_cookie_with_only_unknown_values_shares_the_default_page(author):
    WorkFactory(author=author)
    Client().get("/works")
    odd = Client()
    odd.cookies[GUEST_COOKIE] = "skin=neon;font=huge"
    response = odd.get("/works")
    assert response[CACHE_HEADER] == "hit"
    assert skin_of(response) == "auto"


@pytest.mark.usefixtures("cache_backend")
def test_a_logged_in_users_skin_never_reaches_a_guests_cached_page(reader, author):
    WorkFactory(author=author)
    user = Client()
    user.force_login(reader)
    user.post(SKIN, {"skin": "dark"})
    assert skin_of(user.get("/works")) == "dark"
    assert skin_of(Client().get("/works")) == "auto"
    assert skin_of(Client().get("/works")) == "auto"


@pytest.mark.usefixtures("redis_cache")
def test_the_fast_path_serves_each_skin_its_own_page(author):
    from tests.lib.test_guests_fast_path import call

    work = WorkFactory(author=author, title="Night Reading")
    url = f"/works/{work.pk}"
    assert call(url, cookie=f"{GUEST_COOKIE}=skin=dark").django_ran
    assert call(url).django_ran  # another guest: not the dark page

    dark = call(url, cookie=f"{GUEST_COOKIE}=skin=dark")
    plain = call(url)
    assert not dark.django_ran and not plain.django_ran
    assert 'data-skin="dark"' in dark.text()
    assert 'data-skin="auto"' in plain.text()
    light = call(url, cookie=f"{GUEST_COOKIE}=skin=light")
    assert light.django_ran
    assert 'data-skin="light"' in light.text()
