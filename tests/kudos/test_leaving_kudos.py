"""Leaving kudos: guests and logged-in readers, once per person per work, never on one's own
work, on drafts or (for guests) on restricted works; with and without JavaScript; the count on
the work, its blurb and the kudos sort are the rows."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fichive.kudos import services
from fichive.kudos.models import Kudos
from fichive.kudos.signals import kudos_left
from fichive.works.models import FilterTagging, Work
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import html, sent_to_log_in, shows

ALREADY = "You have already left kudos here. :)"
GUEST_A = "a" * 64


def _count(work: Work) -> int:
    work.refresh_from_db(fields=["kudos_count"])
    return work.kudos_count


# --- the service ---------------------------------------------------------------------------


def test_a_reader_leaves_kudos_once_and_the_count_is_the_rows(work, reader):
    services.kudos_leave(work=work, user=reader)
    with pytest.raises(ValidationError) as second:
        services.kudos_leave(work=work, user=reader)
    assert second.value.messages == [ALREADY]
    assert _count(work) == 1 == Kudos.objects.filter(work=work).count()
    assert set(FilterTagging.objects.filter(work=work).values_list("kudos_count", flat=True)) \
        == {1}


def test_a_guest_leaves_kudos_once_by_the_hash_of_their_address(work):
    services.kudos_leave(work=work, guest_hash=GUEST_A)
    services.kudos_leave(work=work, guest_hash="b" * 64)
    with pytest.raises(ValidationError, match=re.escape(ALREADY)):
        services.kudos_leave(work=work, guest_hash=GUEST_A)
    assert _count(work) == 2
    assert list(Kudos.objects.filter(work=work).values_list("user", flat=True)) == [None, None]


def test_a_guest_without_an_address_hash_is_refused(work):
    with pytest.raises(ValidationError, match="log in to leave kudos"):
        services.kudos_leave(work=work, guest_hash="")
    assert _count(work) == 0


@pytest.mark.parametrize("creator", ["author", "co_author"])
def test_no_creator_can_leave_kudos_on_their_own_work(author, co_author, creator):
    shared = WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud])
    who = {"author": author, "co_author": co_author}[creator]
    with pytest.raises(ValidationError, match="your own work"):
        services.kudos_leave(work=shared, user=who)
    assert _count(shared) == 0 and not Kudos.objects.exists()


def test_drafts_get_no_kudos(author, reader):
    draft = WorkFactory(author=author, post=False)
    with pytest.raises(ValidationError, match="posted works"):
        services.kudos_leave(work=draft, user=reader)
    assert _count(draft) == 0


def test_guests_get_no_kudos_on_restricted_works_but_users_do(author, reader):
    locked = WorkFactory(author=author, restricted=True)
    with pytest.raises(ValidationError, match="only for registered users"):
        services.kudos_leave(work=locked, guest_hash=GUEST_A)
    services.kudos_leave(work=locked, user=reader)
    assert _count(locked) == 1


def test_kudos_left_is_sent_once_the_kudos_commits(work, reader,
                                                  django_capture_on_commit_callbacks):
    heard: list[Kudos] = []

    def listen(sender, kudos, **kwargs):
        heard.append(kudos)

    kudos_left.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            left = services.kudos_leave(work=work, user=reader)
            assert heard == []  # not before the commit
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
            services.kudos_leave(work=work, user=reader)
    finally:
        kudos_left.disconnect(listen)
    assert heard == [left]


# --- the button, without JavaScript ---------------------------------------------------------


def _work_page(client: Client, work: Work) -> str:
    return html(client.get(f"/works/{work.pk}"))


def test_a_reader_presses_kudos_and_comes_back_to_the_chapter_with_thanks(reader_client, author):
    work = WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>"])
    chapter = work.chapters.get(position=2)
    page = f"/works/{work.pk}/chapters/{chapter.pk}"
    assert "Kudos ♥</button>" in html(reader_client.get(page))

    response = reader_client.post(f"/works/{work.pk}/kudos", {"next": page}, follow=True)

    assert response.redirect_chain == [(page, 302)]
    assert shows(response, "Thank you for the kudos!")
    assert "You left kudos on this work." in html(response)
    assert "Kudos ♥</button>" not in html(response)
    assert re.search(r">carol</a> left kudos on this work!", html(response))
    assert _count(work) == 1


def test_a_second_press_says_so_and_changes_nothing(reader_client, work):
    reader_client.post(f"/works/{work.pk}/kudos")
    response = reader_client.post(f"/works/{work.pk}/kudos", follow=True)
    assert response.redirect_chain == [(f"/works/{work.pk}", 302)]
    assert shows(response, ALREADY)
    assert _count(work) == 1


def test_the_creator_sees_their_state_and_a_press_is_refused(author_client, work):
    assert "Kudos ♥ are for readers: this is your work." in _work_page(author_client, work)
    response = author_client.post(f"/works/{work.pk}/kudos", follow=True)
    assert shows(response, "You can't leave kudos on your own work.")
    assert _count(work) == 0


def test_the_redirect_back_stays_on_the_work(reader_client, work):
    for elsewhere in ["https://evil.example/", "//evil.example/", "/works/999999", "/users/x"]:
        response = reader_client.post(f"/works/{work.pk}/kudos", {"next": elsewhere})
        assert response.status_code == 302
        assert response["Location"] == f"/works/{work.pk}"


def test_guests_press_kudos_from_their_own_addresses(guest_from, work):
    first, second, first_again = (guest_from("198.51.100.1"), guest_from("198.51.100.2"),
                                  guest_from("198.51.100.1"))
    assert shows(first.post(f"/works/{work.pk}/kudos", follow=True), "Thank you for the kudos!")
    second.post(f"/works/{work.pk}/kudos")
    assert shows(first_again.post(f"/works/{work.pk}/kudos", follow=True), ALREADY)
    assert _count(work) == 2
    assert "2 guests left kudos on this work!" in _work_page(Client(), work)


def test_guests_addresses_are_not_stored(guest_from, work):
    guest_from("198.51.100.77").post(f"/works/{work.pk}/kudos")
    kudos = Kudos.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", kudos.guest_hash)
    assert "198.51.100.77" not in str(Kudos.objects.values().get())


def test_behind_a_tls_proxy_guests_are_told_apart_by_the_forwarded_address(settings, work):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for address in ["192.0.2.1", "192.0.2.2", "192.0.2.1"]:
        Client(HTTP_X_FORWARDED_FOR=f"10.9.9.9, {address}").post(f"/works/{work.pk}/kudos")
    assert _count(work) == 2


# --- with JavaScript --------------------------------------------------------------------


def test_with_javascript_the_answer_is_json_with_the_new_button_and_sentence(reader_client,
                                                                             work):
    response = reader_client.post(f"/works/{work.pk}/kudos", HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "left" and data["kudos_count"] == 1
    assert data["message"] == "Thank you for the kudos! ♥"
    assert 'id="kudos-action"' in data["button"] and "You left kudos" in data["button"]
    assert '<div id="kudos"' in data["kudos"] and ">carol</a> left kudos" in data["kudos"]

    again = reader_client.post(f"/works/{work.pk}/kudos", HTTP_ACCEPT="application/json")
    assert again.status_code == 409
    assert again.json()["message"] == ALREADY and again.json()["kudos_count"] == 1


def test_with_javascript_a_refusal_is_json_with_the_reason(author_client, work):
    response = author_client.post(f"/works/{work.pk}/kudos", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response.json() == {"status": "own-work",
                               "message": "You can't leave kudos on your own work."}


def test_the_page_loads_the_kudos_script(client, work):
    assert re.search(r'<script src="[^"]*js/kudos[^"]*\.js" defer>', _work_page(client, work))


# --- CSRF: guests' shared form has no token, logged-in users' posts are checked -----------


def test_the_guests_form_carries_no_csrf_token_and_guests_need_none(work):
    guest = Client(enforce_csrf_checks=True)
    page = _work_page(guest, work)
    form = re.search(r'<form[^>]*data-kudos.*?</form>', page, re.S)
    assert form and "csrfmiddlewaretoken" not in form.group(0)
    response = guest.post(f"/works/{work.pk}/kudos")
    assert response.status_code == 302
    assert _count(work) == 1


def test_a_logged_in_post_without_the_csrf_token_is_refused(reader, work):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    response = browser.post(f"/works/{work.pk}/kudos")
    assert response.status_code == 403
    assert _count(work) == 0


def test_a_logged_in_post_with_the_pages_csrf_token_counts(reader, work):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    page = _work_page(browser, work)
    form = re.search(r'<form[^>]*data-kudos.*?</form>', page, re.S)
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
    assert token is not None
    response = browser.post(f"/works/{work.pk}/kudos", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert _count(work) == 1


# --- bad input -----------------------------------------------------------------------------


def test_kudos_on_a_work_that_does_not_exist_is_404(reader_client):
    assert reader_client.post("/works/987654/kudos").status_code == 404
    assert Client().post("/works/987654/kudos").status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_than_get_and_post_are_405(reader_client, work, method):
    assert getattr(reader_client, method)(f"/works/{work.pk}/kudos").status_code == 405
    assert _count(work) == 0


def test_a_work_the_viewer_cannot_see_is_404(author, reader_client):
    locked = WorkFactory(author=author, restricted=True)
    draft = WorkFactory(author=author, post=False)
    assert sent_to_log_in(Client().post(f"/works/{locked.pk}/kudos"))
    assert reader_client.post(f"/works/{draft.pk}/kudos").status_code == 404
    assert _count(locked) == _count(draft) == 0


# --- counts shown and sorted ---------------------------------------------------------------


def test_blurbs_the_work_page_and_the_kudos_sort_show_the_real_counts(author, client):
    works = {n: WorkFactory(author=author, title=f"Tale {n}") for n in ("One", "Two", "Three")}
    readers = [UserFactory() for _ in range(3)]
    for name, presses in (("One", 1), ("Two", 3), ("Three", 2)):
        for reader in readers[:presses]:
            services.kudos_leave(work=works[name], user=reader)

    listing = html(client.get("/works?sort=kudos"))
    assert re.findall(r"Tale (One|Two|Three)", listing)[:3] == ["Two", "Three", "One"]
    assert re.findall(r'<dt class="kudos">Kudos:</dt><dd>(\d+)</dd>', listing) == ["3", "2", "1"]
    tag_listing = html(client.get("/tags/Original%20Work/works?sort=kudos"))
    assert re.findall(r"Tale (One|Two|Three)", tag_listing)[:3] == ["Two", "Three", "One"]
    assert re.search(r"Kudos:</dt><dd class=\"kudos\"><a href=\"#kudos\">3</a>",
                     html(client.get(f"/works/{works['Two'].pk}")))
