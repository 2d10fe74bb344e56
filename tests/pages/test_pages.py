"""/about, /tos and /faq: default text in our own words, linked from every page's footer;
only admins edit them, the text is sanitized, and guests' cached copies are retired."""

from __future__ import annotations

import pytest

from fichive.pages.models import Page


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(("path", "words"), [
    ("/about", "run by the community"),
    ("/tos", "Ratings and warnings"),
    ("/faq", "How do I report something?"),
])
def test_pages_show_their_default_text(client, db, path, words):
    response = client.get(path)

    assert response.status_code == 200
    assert words in _text(response)
    assert "Edit this page" not in _text(response)


def test_every_page_links_the_three_pages_in_its_footer(client, db):
    page = _text(client.get("/"))
    footer = page[page.index('<footer id="footer">'):]

    for href in ('href="/about"', 'href="/tos"', 'href="/faq"'):
        assert href in footer


def test_faq_explains_ratings_and_warnings(client, db):
    page = _text(client.get("/faq"))

    for words in ("General Audiences", "Explicit", "Not Rated", "Major character death",
                  "No Archive Warnings Apply"):
        assert words.lower() in page.lower()


@pytest.mark.parametrize("who", ["guest", "reader", "moderator"])
def test_only_admins_may_edit_pages(client, reader, moderator, who):
    if who != "guest":
        client.force_login(reader if who == "reader" else moderator)

    get = client.get("/admin/pages/tos")
    post = client.post("/admin/pages/tos", {"title": "Mine", "body": "<p>Mine now.</p>"})

    if who == "guest":
        assert get.status_code == 302 and get["Location"].startswith("/login")
        assert post.status_code == 302
    else:
        assert get.status_code == 403
        assert post.status_code == 403
    assert not Page.objects.exists()
    assert "Mine now." not in _text(client.get("/tos"))


def test_admin_sees_an_edit_link_and_the_current_text(client, admin):
    client.force_login(admin)

    assert 'href="/admin/pages/about"' in _text(client.get("/about"))
    form = client.get("/admin/pages/about")
    assert form.status_code == 200
    assert "run by the community" in _text(form)


def test_admin_edit_is_sanitized_and_shown(client, admin):
    client.force_login(admin)

    response = client.post("/admin/pages/about", {
        "title": "About  our archive",
        "body": "We write.\n\nWe read.<script>alert(1)</script><a href=\"javascript:x()\">x</a>"
                "<p onclick=\"evil()\">Hi</p>"})

    assert response.status_code == 302
    assert response["Location"] == "/about"
    client.logout()
    page = _text(client.get("/about"))
    assert "About our archive" in page
    assert "<p>We write.</p>" in page
    assert "We read." in page
    assert "<script" not in page and "alert(1)" not in page
    assert "javascript:" not in page and "onclick" not in page
    assert "Last changed" in page
    assert "run by the community" not in page


@pytest.mark.parametrize(("data", "message"), [
    ({"title": "", "body": "<p>Text</p>"}, "A page needs a title."),
    ({"title": "   ", "body": "<p>Text</p>"}, "A page needs a title."),
    ({"title": "T", "body": ""}, "A page needs some text."),
    ({"title": "T", "body": "<script>only()</script>"}, "A page needs some text."),
    ({"title": "T" * 201, "body": "<p>Text</p>"}, "at most 200 characters"),
    ({"title": "T", "body": "x" * 100_001}, "at most 100,000 characters"),
])
def test_bad_page_input_is_refused_with_a_message(client, admin, data, message):
    client.force_login(admin)

    response = client.post("/admin/pages/faq", data)

    assert response.status_code == 400
    assert message in _text(response)
    assert not Page.objects.exists()


def test_unknown_page_is_404(client, admin):
    client.force_login(admin)

    assert client.get("/admin/pages/secrets").status_code == 404
    assert client.post("/admin/pages/secrets", {"title": "T", "body": "B"}).status_code == 404


def test_restoring_the_default_text(client, admin):
    client.force_login(admin)
    client.post("/admin/pages/tos", {"title": "Rules", "body": "<p>Be kind.</p>"})
    assert "Be kind." in _text(client.get("/tos"))

    response = client.post("/admin/pages/tos", {"action": "reset"})

    assert response.status_code == 302
    page = _text(client.get("/tos"))
    assert "Be kind." not in page
    assert "Ratings and warnings" in page


def test_an_admin_edit_retires_guests_cached_page(client, admin, settings, cache_backend):
    settings.FICHIVE_PAGE_CACHE = True
    first = client.get("/about")
    again = client.get("/about")
    assert "run by the community" in _text(first)
    assert again.get("X-Fichive-Cache") == "hit"

    client.force_login(admin)
    client.post("/admin/pages/about", {"title": "About", "body": "<p>Fresh words.</p>"})
    client.logout()

    page = _text(client.get("/about"))
    assert "Fresh words." in page
    assert "run by the community" not in page
