"""Logging in and out, changing a password, and resetting a forgotten one by email."""

from __future__ import annotations

import re

from django.core import mail

from tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-lighthouse-42"


def _page(response) -> str:
    return response.content.decode()


def test_log_in_with_the_right_password(client, author):
    response = client.post("/login", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Log out (alice)" in _page(client.get("/"))


def test_log_in_goes_back_to_the_page_that_asked(client, author):
    response = client.post("/login", {"username": "alice", "password": PASSWORD,
                                      "next": "/works/new"})

    assert response["Location"] == "/works/new"


def test_log_in_never_sends_you_to_another_site(client, author):
    response = client.post("/login", {"username": "alice", "password": PASSWORD,
                                      "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_wrong_password_is_refused(client, author):
    response = client.post("/login", {"username": "alice", "password": "not-it"})

    assert response.status_code == 200
    assert "Please enter a correct" in _page(response)
    assert "Log out" not in _page(client.get("/"))


def test_log_in_user_name_is_case_insensitive(client, author):
    response = client.post("/login", {"username": "ALICE", "password": PASSWORD})

    assert response.status_code == 302


def test_log_out_is_a_post(author_client):
    response = author_client.post("/logout")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Log in" in _page(author_client.get("/"))
    assert "Log out" not in _page(author_client.get("/"))


def test_log_out_by_get_is_refused_and_keeps_you_logged_in(author_client):
    response = author_client.get("/logout")

    assert response.status_code == 405
    assert "Log out (alice)" in _page(author_client.get("/"))


def test_log_out_button_is_a_form(author_client):
    page = _page(author_client.get("/"))

    assert '<form class="inline" method="post" action="/logout">' in page


def test_password_change(author_client, client, author):
    response = author_client.post("/password/change", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })

    assert response["Location"] == "/password/change/done"
    assert "Your password has been changed." in _page(author_client.get(response["Location"]))
    assert "Log out (alice)" in _page(author_client.get("/"))  # still logged in
    author_client.post("/logout")
    assert client.post("/login", {"username": "alice", "password": PASSWORD}).status_code \
        == 200
    assert client.post("/login", {"username": "alice", "password": NEW_PASSWORD}).status_code \
        == 302


def test_password_change_needs_the_old_password(author_client):
    response = author_client.post("/password/change", {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })

    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in _page(response)


def test_password_change_is_for_logged_in_users(client, db):
    assert client.get("/password/change")["Location"].startswith("/login?next=")


def _reset_link(body: str) -> str:
    match = re.search(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+)", body)
    assert match, body
    return match.group(1)


def test_password_reset_mails_a_link_that_sets_a_new_password(client, author):
    response = client.post("/password/reset", {"email": "ALICE@example.org"})

    assert response["Location"] == "/password/reset/sent"
    assert "a reset link is on its way" in _page(client.get(response["Location"]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Reset your Fichive password"
    assert '"alice"' in message.body

    link = _reset_link(message.body)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in _page(form_page)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/password/reset/complete"
    assert "Your password has been set." in _page(client.get(done["Location"]))

    assert client.post("/login", {"username": "alice", "password": PASSWORD}).status_code \
        == 200
    assert client.post("/login", {"username": "alice", "password": NEW_PASSWORD}).status_code \
        == 302


def test_password_reset_link_works_only_once(client, author):
    client.post("/password/reset", {"email": "alice@example.org"})
    link = _reset_link(mail.outbox[0].body)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert "That link has expired" in _page(again)


def test_password_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client, db):
    response = client.post("/password/reset", {"email": "nobody@example.org"})

    assert response["Location"] == "/password/reset/sent"
    assert mail.outbox == []


def test_password_reset_link_with_a_bad_token_is_refused(client, author):
    client.post("/password/reset", {"email": "alice@example.org"})
    link = _reset_link(mail.outbox[0].body)

    response = client.get(link[:-3] + "zzz", follow=True)

    assert "That link has expired" in _page(response)
