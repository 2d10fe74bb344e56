"""The adult-content gate: works rated Mature, Explicit or Not Rated (or with no rating) show
guests and users who haven't chosen otherwise a notice before the work, its chapters, the
entire work and its downloads; "Yes, continue" (?view_adult=true, kept on the work's links),
"Yes, always" (the preference, or the guests' cookie) and "No, go back". Guests' cached pages
never skip it. Guests following a link to a restricted work are sent to log in; drafts,
hidden works and missing ids stay the same 404."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from fichive.accounts.models import Preference
from fichive.accounts.services import preferences_update
from fichive.lib.cache import CACHE_HEADER
from fichive.lib.guestprefs import GUEST_COOKIE
from fichive.tags.models import Tag
from fichive.works.models import Tagging, Work
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import html, sent_to_log_in, shows

NOTICE = ("This work could have adult content. If you continue, you have agreed that you are "
          "willing to see such content.")
RESTRICTED = "This work is only available to registered users of the archive."
ADULT_RATINGS = ["Mature", "Explicit", "Not Rated"]
SAFE_RATINGS = ["General Audiences", "Teen And Up Audiences"]
FORMATS = ["epub", "pdf", "html", "txt"]
FIRST, SECOND = "<p>The first chapter's words.</p>", "<p>The second chapter's words.</p>"
ORIGIN = "http://testserver"


@pytest.fixture
def explicit(author) -> Work:
    return WorkFactory(author=author, title="Night Harbour", rating="Explicit",
                       warnings=["Graphic Depictions Of Violence"], relationships=["Ada/Bea"],
                       freeforms=["Slow Burn"], chapters=[FIRST, SECOND])


def _chapter_url(work: Work, position: int) -> str:
    return f"/works/{work.pk}/chapters/{work.chapters.get(position=position).pk}"


def _surfaces(work: Work) -> dict[str, str]:
    return {
        "work": f"/works/{work.pk}",
        "chapter": _chapter_url(work, 2),
        "entire work": f"/works/{work.pk}?view_full_work=true",
        **{fmt: f"/downloads/{work.pk}/Night_Harbour.{fmt}" for fmt in FORMATS},
    }


def _is_notice(response) -> bool:
    return response.status_code == 200 and shows(response, NOTICE)


def _is_work(response, surface: str = "work") -> bool:
    """The work itself: its text on a page, or the file of a download."""
    if surface in FORMATS:
        return (response.status_code == 200
                and response["Content-Disposition"].startswith("attachment"))
    return (response.status_code == 200 and not shows(response, NOTICE)
            and ("first chapter" in html(response) or "second chapter" in html(response)))


def _continue_link(response) -> str:
    match = re.search(r'<a class="action" href="([^"]+)"[^>]*>Yes, continue</a>', html(response))
    assert match, "no Yes, continue link"
    return match.group(1).replace("&amp;", "&")


def _guest_with_cookie(value: str) -> Client:
    browser = Client()
    browser.cookies[GUEST_COOKIE] = value
    return browser


# --- Who sees the notice: ratings and viewers ------------------------------------------------


@pytest.mark.parametrize("rating", ADULT_RATINGS + SAFE_RATINGS)
def test_guests_see_the_notice_on_mature_explicit_and_not_rated_works_only(author, client,
                                                                            rating):
    work = WorkFactory(author=author, rating=rating, chapters=[FIRST])

    response = client.get(f"/works/{work.pk}")

    if rating in ADULT_RATINGS:
        assert _is_notice(response)
        assert "first chapter" not in html(response)
    else:
        assert _is_work(response)


def test_a_work_with_no_rating_at_all_shows_the_notice(author, client):
    work = WorkFactory(author=author, rating="General Audiences", chapters=[FIRST])
    Tagging.objects.filter(work=work, tag__type=Tag.Type.RATING).delete()

    assert _is_notice(client.get(f"/works/{work.pk}"))


@pytest.fixture
def people(author, co_author, reader, stranger):
    moderator = UserFactory(username="mod")
    moderator.is_moderator = True
    moderator.save(update_fields=["is_moderator"])
    preferences_update(user=stranger, view_adult=True)
    return {"guest": None, "reader": reader, "reader who opted in": stranger,
            "creator": author, "co-creator": co_author, "moderator": moderator}


# Who gets the notice on an Explicit work: everyone but its creators and those who opted in.
MATRIX = {"guest": True, "reader": True, "reader who opted in": False, "creator": False,
          "co-creator": False, "moderator": True}


@pytest.mark.parametrize("role", list(MATRIX))
def test_who_sees_the_notice(people, author, co_author, role):
    work = WorkFactory(author=author, rating="Explicit", chapters=[FIRST, SECOND],
                       creators=[author.default_pseud, co_author.default_pseud])
    browser = Client()
    if people[role] is not None:
        browser.force_login(people[role])

    for surface, url in _surfaces(work).items():
        response = browser.get(url)
        if MATRIX[role]:
            assert _is_notice(response), (surface, url)
            assert _is_work(browser.get(_continue_link(response)), surface), (surface, url)
        else:
            assert _is_work(response, surface), (surface, url)


def test_a_guest_whose_cookie_says_always_goes_straight_to_the_work(explicit):
    browser = _guest_with_cookie("skin=dark;adult=1")
    for surface, url in _surfaces(explicit).items():
        assert _is_work(browser.get(url), surface), surface


# --- Each surface: the notice, then "Yes, continue" leads to what was asked for --------------


@pytest.mark.parametrize("surface", ["work", "chapter", "entire work", *FORMATS])
def test_each_surface_shows_the_notice_whose_continue_link_leads_to_it(explicit, client,
                                                                         surface):
    url = _surfaces(explicit)[surface]

    notice = client.get(url)

    assert _is_notice(notice)
    assert "Content-Disposition" not in notice
    onward = _continue_link(notice)
    assert onward.startswith(url.partition("?")[0]) and "view_adult=true" in onward
    if surface == "entire work":
        assert "view_full_work=true" in onward
    shown = client.get(onward)
    assert _is_work(shown, surface)
    if surface == "entire work":
        assert "first chapter" in html(shown) and "second chapter" in html(shown)


def test_the_notice_shows_the_works_title_byline_rating_warnings_and_tags(explicit, client):
    page = html(client.get(f"/works/{explicit.pk}"))

    for text in ["Night Harbour", "alice", "Explicit", "Graphic Depictions Of Violence",
                 "Ada/Bea", "Slow Burn", "Yes, continue", "Yes, always", "No, go back"]:
        assert text in page, text
    assert 'href="/" data-go-back' in page  # the home page without JavaScript


def test_the_notice_of_an_anonymous_work_names_nobody(author, client):
    WorkFactory(author=author, rating="Mature", anonymous=True, title="Masked Ball")
    page = html(client.get(f"/works/{Work.objects.get(title='Masked Ball').pk}"))

    assert NOTICE in page.replace("&#x27;", "'")
    assert "Anonymous" in page
    assert "alice" not in page


def test_the_notice_counts_no_hit_and_the_work_does(explicit, client):
    from fichive.readings.buffer import reads

    client.get(f"/works/{explicit.pk}")
    client.get(f"/works/{explicit.pk}")
    assert reads.pending()[0] == 0
    client.get(f"/works/{explicit.pk}?view_adult=true")
    assert reads.pending()[0] == 1


# --- Consent travels on the work's own links -------------------------------------------------


def test_links_between_the_works_pages_keep_the_consent(explicit, client):
    first = html(client.get(f"/works/{explicit.pk}?view_adult=true"))
    second_url = _chapter_url(explicit, 2)

    assert f'href="{second_url}?view_adult=true"' in first  # Next Chapter
    assert "?view_full_work=true&amp;view_adult=true" in first  # Entire Work
    assert f'href="/works/{explicit.pk}/navigate?view_adult=true"' in first
    for fmt in FORMATS:
        assert re.search(rf'href="/downloads/{explicit.pk}/[^"?]+\.{fmt}\?[^"]*view_adult=true"',
                         first), fmt
    second = client.get(f"{second_url}?view_adult=true")
    assert _is_work(second)
    assert f'{_chapter_url(explicit, 1)}?view_adult=true' in html(second)  # Previous Chapter
    index = html(client.get(f"/works/{explicit.pk}/navigate?view_adult=true"))
    assert f'href="{second_url}?view_adult=true"' in index


def test_without_consent_the_links_carry_nothing(author, client):
    work = WorkFactory(author=author, chapters=[FIRST, SECOND])  # General Audiences
    assert "view_adult" not in html(client.get(f"/works/{work.pk}"))


# --- "Yes, always" ---------------------------------------------------------------------------


def test_yes_always_sets_a_guests_cookie_keeping_their_skin(explicit, author):
    browser = _guest_with_cookie("skin=dark")
    url = _chapter_url(explicit, 2)
    assert _is_notice(browser.get(url))

    response = browser.post(f"/works/{explicit.pk}/adult_content", {"next": url},
                            HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 302
    assert response["Location"] == url
    assert browser.cookies[GUEST_COOKIE].value == "skin=dark;adult=1"
    assert _is_work(browser.get(url))
    other = WorkFactory(author=author, rating="Mature", chapters=[FIRST])
    assert _is_work(browser.get(f"/works/{other.pk}"))


def test_yes_always_from_a_guest_needs_a_post_from_this_site(explicit):
    for headers in ({}, {"HTTP_ORIGIN": "https://evil.example"},
                    {"HTTP_REFERER": "https://evil.example/page"}):
        browser = Client()
        response = browser.post(f"/works/{explicit.pk}/adult_content", {}, **headers)
        assert response.status_code == 403, headers
        assert GUEST_COOKIE not in browser.cookies, headers
    assert Client().get(f"/works/{explicit.pk}/adult_content").status_code == 405
    referred = Client()
    response = referred.post(f"/works/{explicit.pk}/adult_content", {},
                             HTTP_REFERER=f"{ORIGIN}/works/{explicit.pk}")
    assert response.status_code == 302
    assert referred.cookies[GUEST_COOKIE].value == "adult=1"


def test_yes_always_sets_a_users_preference_with_a_csrf_token(explicit, reader, author):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    notice = browser.get(f"/works/{explicit.pk}")
    assert _is_notice(notice)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(notice)).group(1)

    refused = browser.post(f"/works/{explicit.pk}/adult_content",
                           {"next": f"/works/{explicit.pk}"})
    assert refused.status_code == 403
    assert not Preference.objects.filter(user=reader, view_adult=True).exists()

    response = browser.post(f"/works/{explicit.pk}/adult_content",
                            {"next": f"/works/{explicit.pk}", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == f"/works/{explicit.pk}"
    assert Preference.objects.filter(user=reader, view_adult=True).exists()
    assert GUEST_COOKIE not in browser.cookies
    other = WorkFactory(author=author, rating="Not Rated", chapters=[FIRST])
    assert _is_work(browser.get(f"/works/{other.pk}"))


def test_a_guests_notice_carries_no_csrf_token_but_a_users_does(explicit, client, reader):
    assert "csrfmiddlewaretoken" not in html(client.get(f"/works/{explicit.pk}"))
    client.force_login(reader)
    assert "csrfmiddlewaretoken" in html(client.get(f"/works/{explicit.pk}"))


@pytest.mark.parametrize("target", ["https://evil.example/works/1", "//evil.example/x",
                                    "/works/99999", "/users/alice", ""])
def test_yes_always_goes_on_only_to_this_works_pages(explicit, target):
    response = Client().post(f"/works/{explicit.pk}/adult_content", {"next": target},
                             HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 302
    assert response["Location"] == f"/works/{explicit.pk}"


def test_yes_always_on_a_download_goes_on_to_the_download(explicit):
    url = f"/downloads/{explicit.pk}/Night_Harbour.epub"
    browser = Client()
    response = browser.post(f"/works/{explicit.pk}/adult_content", {"next": url},
                            HTTP_ORIGIN=ORIGIN)
    assert response["Location"] == url
    assert _is_work(browser.get(url), "epub")


# --- Guests' page cache ----------------------------------------------------------------------


def test_a_cached_work_page_is_never_served_to_a_guest_who_has_not_consented(
        cache_backend, explicit):
    consenting = _guest_with_cookie("adult=1")
    url = f"/works/{explicit.pk}"
    first = consenting.get(url)
    assert _is_work(first) and first[CACHE_HEADER] == "miss"
    assert consenting.get(url)[CACHE_HEADER] == "hit"
    continued = Client().get(f"{url}?view_adult=true")
    assert _is_work(continued)

    for browser in (Client(), _guest_with_cookie("skin=dark"), _guest_with_cookie("junk")):
        for _ in range(2):
            response = browser.get(url)
            assert _is_notice(response)
            assert "first chapter" not in html(response)


def test_consenting_guests_get_cache_hits(cache_backend, explicit):
    for url in (f"/works/{explicit.pk}?view_adult=true", f"{_chapter_url(explicit, 2)}"
                "?view_adult=true", f"/works/{explicit.pk}?view_full_work=true&view_adult=true"):
        assert Client().get(url)[CACHE_HEADER] == "miss"
        again = Client().get(url)
        assert again[CACHE_HEADER] == "hit" and _is_work(again), url
    always = _guest_with_cookie("adult=1")
    always.get(f"/works/{explicit.pk}")
    assert _guest_with_cookie("adult=1").get(f"/works/{explicit.pk}")[CACHE_HEADER] == "hit"


def test_the_notice_is_cached_for_guests_too(cache_backend, explicit):
    url = f"/works/{explicit.pk}"
    assert Client().get(url)[CACHE_HEADER] == "miss"
    again = Client().get(url)
    assert again[CACHE_HEADER] == "hit" and _is_notice(again)


def test_a_work_rated_explicit_after_it_was_cached_shows_the_notice(cache_backend, author,
                                                                     author_client):
    from tests.works.helpers import edit_form

    work = WorkFactory(author=author, rating="General Audiences", chapters=[FIRST])
    guest = Client()
    guest.get(f"/works/{work.pk}")
    assert guest.get(f"/works/{work.pk}")[CACHE_HEADER] == "hit"

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, rating="Explicit"))

    assert _is_notice(guest.get(f"/works/{work.pk}"))


# --- Restricted works send guests to log in; drafts and the rest stay 404 --------------------


def _restricted_surfaces(work: Work) -> list[str]:
    return [f"/works/{work.pk}", _chapter_url(work, 1), f"/works/{work.pk}?view_full_work=true",
            f"/works/{work.pk}/navigate", f"/works/{work.pk}/comments", f"/works/{work.pk}/kudos",
            *(f"/downloads/{work.pk}/Locked.{fmt}" for fmt in FORMATS)]


def test_a_guest_following_a_link_to_a_restricted_work_is_asked_to_log_in(author, client):
    locked = WorkFactory(author=author, restricted=True, rating="Explicit", chapters=[FIRST])

    for url in _restricted_surfaces(locked):
        response = client.get(url)
        assert sent_to_log_in(response), url
        assert parse_qs(urlsplit(response["Location"]).query)["next"] == [url]
    login = client.get(f"/works/{locked.pk}", follow=True)
    assert shows(login, RESTRICTED)
    assert login.redirect_chain[-1][0] == f"/login?next=/works/{locked.pk}"


def test_logging_in_comes_back_to_the_restricted_work(author, reader, client):
    from tests.factories import PASSWORD

    locked = WorkFactory(author=author, restricted=True, chapters=[FIRST])
    location = client.get(_chapter_url(locked, 1))["Location"]
    response = client.post(location, {"username": reader.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == _chapter_url(locked, 1)


def test_drafts_hidden_works_and_missing_ids_are_the_same_404_for_guests(author, client):
    draft = WorkFactory(author=author, post=False, chapters=[FIRST])
    draft_restricted = WorkFactory(author=author, post=False, restricted=True, chapters=[FIRST])
    hidden = WorkFactory(author=author, restricted=True, chapters=[FIRST])
    Work.objects.filter(pk=hidden.pk).update(state=Work.State.HIDDEN)
    missing_id = max(draft.pk, draft_restricted.pk, hidden.pk) + 100
    missing = client.get(f"/works/{missing_id}")
    assert missing.status_code == 404

    for work in (draft, draft_restricted, hidden):
        for url in _restricted_surfaces(work):
            response = client.get(url)
            assert response.status_code == 404, url
            if url == f"/works/{work.pk}":
                # Alike but for the address itself (the footer's skin form returns to it).
                assert (response.content.replace(f"/works/{work.pk}".encode(), b"/works/N")
                        == missing.content.replace(f"/works/{missing_id}".encode(),
                                                   b"/works/N"))


def test_logged_in_users_get_restricted_works_and_a_plain_404_for_others_drafts(
        author, reader_client):
    locked = WorkFactory(author=author, restricted=True, chapters=[FIRST])
    draft = WorkFactory(author=author, post=False, chapters=[FIRST])
    assert _is_work(reader_client.get(f"/works/{locked.pk}"))
    assert reader_client.get(f"/works/{draft.pk}").status_code == 404


def test_a_restricted_adult_work_asks_logged_in_readers_after_login(author, reader_client):
    locked = WorkFactory(author=author, restricted=True, rating="Explicit", chapters=[FIRST])
    assert _is_notice(reader_client.get(f"/works/{locked.pk}"))


# --- The WSGI fast path (Redis): the same keys, so the same answers ---------------------------


@pytest.mark.usefixtures("redis_cache")
def test_the_fast_path_never_serves_the_work_to_a_guest_who_has_not_consented(explicit):
    from tests.lib.test_guests_fast_path import call

    url = f"/works/{explicit.pk}"
    consenting = f"{GUEST_COOKIE}=adult=1"
    assert "first chapter" in call(url, cookie=consenting).text()
    again = call(url, cookie=consenting)
    assert not again.django_ran and "first chapter" in again.text()  # a cache hit

    for cookie in ("", f"{GUEST_COOKIE}=skin=dark", f"{GUEST_COOKIE}=adult=0"):
        for _ in range(2):
            page = call(url, cookie=cookie) if cookie else call(url)
            assert page.status.startswith("200")
            assert NOTICE in page.text().replace("&#x27;", "'"), cookie
            assert "first chapter" not in page.text(), cookie
    assert not call(url).django_ran  # the notice itself is served from the cache


@pytest.mark.usefixtures("redis_cache")
def test_the_fast_path_serves_consenting_guests_from_the_cache(explicit):
    from tests.lib.test_guests_fast_path import call

    for url in (f"/works/{explicit.pk}?view_adult=true",
                f"{_chapter_url(explicit, 2)}?view_adult=true"):
        first = call(url)
        assert first.django_ran and first.header(CACHE_HEADER) == "miss"
        second = call(url)
        assert not second.django_ran and second.header(CACHE_HEADER) == "hit"
        assert "chapter's words" in second.text()
    assert NOTICE not in call(f"/works/{explicit.pk}?view_adult=true").text()
    assert "chapter's words" not in call(f"/works/{explicit.pk}").text()


@pytest.mark.usefixtures("redis_cache")
def test_yes_always_then_the_fast_path_serves_the_cookies_variant(explicit):
    from tests.lib.test_guests_fast_path import call

    url = f"/works/{explicit.pk}"
    call(url)
    answer = call(f"{url}/adult_content", method="POST", origin=ORIGIN)
    assert answer.status.startswith("302")
    # The value as the browser will send it back (quoted, as Django writes it).
    sent = answer.header("Set-Cookie").strip().split(";")[0]
    assert sent == f'{GUEST_COOKIE}="adult=1"'
    call(url, cookie=sent)
    page = call(url, cookie=sent)
    assert not page.django_ran and "first chapter" in page.text()


# --- What it costs ---------------------------------------------------------------------------


def test_the_notice_reads_only_the_work_with_its_tags_and_creators(
        explicit, client, settings, django_assert_num_queries):
    settings.FICHIVE_PAGE_CACHE = False  # rendered each time, not served from the cache
    with django_assert_num_queries(3):
        assert _is_notice(client.get(f"/works/{explicit.pk}"))
    with django_assert_num_queries(3):
        assert _is_notice(client.get(f"/downloads/{explicit.pk}/Night_Harbour.txt"))


def test_a_missing_work_costs_a_guest_one_more_query_than_before(db, client, settings,
                                                                  django_assert_num_queries):
    settings.FICHIVE_PAGE_CACHE = False
    with django_assert_num_queries(2):  # the work, then whether it is a restricted one
        assert client.get("/works/987654").status_code == 404
