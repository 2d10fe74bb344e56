"""Signing up: a new account with its default pseud, logged in and sent to its page."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from fichive.accounts.models import User

PASSWORD = "lantern-harbour-37"


def _signup(client, **fields):
    data = {"username": "erin", "email": "erin@example.org", "password1": PASSWORD,
            "password2": PASSWORD, "accept_terms": "on", "confirm_age": "on"}
    data.update(fields)
    return client.post("/signup", data)


def _page(response) -> str:
    return response.content.decode()


def test_signup_form_is_shown(client, db):
    page = _page(client.get("/signup"))

    for name in ("username", "email", "password1", "password2", "accept_terms", "confirm_age"):
        assert f'name="{name}"' in page


def test_signup_logs_in_and_goes_to_the_new_users_page(client, db):
    response = _signup(client)

    assert response.status_code == 302
    assert response["Location"] == "/users/erin"
    page = _page(client.get("/users/erin"))
    assert "Welcome to the archive, erin!" in page
    assert "Log out (erin)" in page


def test_signup_creates_a_default_pseud_named_like_the_user(client, db):
    _signup(client, username="Erin_W")

    page = _page(client.get("/users/Erin_W/pseuds"))
    assert ">Erin_W</a></strong> (default)" in page


def test_new_user_can_log_in_again_with_their_password(client, db):
    _signup(client)
    client.post("/logout")

    response = client.post("/login", {"username": "erin", "password": PASSWORD})

    assert response.status_code == 302
    assert "Log out (erin)" in _page(client.get("/"))


@pytest.mark.parametrize("taken", ["alice", "ALICE", "Alice"])
def test_user_name_taken_in_any_case_is_refused(client, author, taken):
    response = _signup(client, username=taken)

    assert response.status_code == 200
    assert "That user name is taken." in _page(response)
    assert User.objects.count() == 1
    assert "Log out" not in _page(response)


def test_mismatched_passwords_are_refused(client, db):
    response = _signup(client, password2="something-else-entirely")

    assert response.status_code == 200
    assert escape("The two passwords don't match.") in _page(response)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("short1", "This password is too short."),
        ("83920174639", "This password is entirely numeric."),
        ("erin@example.org", "The password is too similar to the"),
    ],
    ids=["common", "short", "numeric", "like-email"],
)
def test_weak_password_is_refused_with_the_reason(client, db, password, message):
    response = _signup(client, password1=password, password2=password)

    assert response.status_code == 200
    assert message in _page(response)
    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["ab", "has space", "_leading", "x" * 41, "émile"])
def test_invalid_user_names_are_refused(client, db, username):
    response = _signup(client, username=username)

    assert response.status_code == 200
    assert not User.objects.exists()


def test_logged_in_user_visiting_signup_goes_to_their_page(client, author):
    client.force_login(author)

    response = client.get("/signup")

    assert response["Location"] == "/users/alice"


@pytest.mark.argon2
def test_passwords_are_stored_as_argon2_hashes(client, db):
    _signup(client)

    user = User.objects.get(username="erin")
    assert user.password.startswith("argon2$")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)
