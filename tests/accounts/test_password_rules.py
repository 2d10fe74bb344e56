"""Passwords and log-in details: 12 characters at least and no common passwords, mail to the
owner when the password or the email address changes (to the old address), `__Host-` cookie
names under secure cookies, and security events in the `fichive.security` log."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail

from fichive.accounts.models import User
from fichive.accounts.services import wrangler_grant
from tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-lighthouse-42"


def _signup(client, password):
    return client.post("/signup", {
        "username": "erin", "email": "erin@example.org", "password1": password,
        "password2": password, "accept_terms": "on", "confirm_age": "on"})


@pytest.mark.parametrize("password, says", [
    ("lantern-37", "at least 12 characters"),
    ("password1234", "too common"),
    ("qwertyuiop123", "too common"),
])
def test_short_and_common_passwords_are_refused_at_sign_up(client, db, password, says):
    response = _signup(client, password)

    assert response.status_code == 200
    assert says in response.content.decode()
    assert not User.objects.filter(username="erin").exists()


def test_the_sign_up_form_says_what_a_password_needs(client, db):
    assert "At least 12 characters, and not a common password" in \
        client.get("/signup").content.decode()


def test_a_twelve_character_password_is_enough(client, db):
    assert _signup(client, "tin-owl-moss").status_code == 302


def test_a_short_new_password_is_refused_when_changing_it(author_client, author):
    response = author_client.post("/password/change", {
        "old_password": PASSWORD, "new_password1": "short-pw-1", "new_password2": "short-pw-1"})

    assert "at least 12 characters" in response.content.decode()
    author.refresh_from_db()
    assert author.check_password(PASSWORD)
    assert mail.outbox == []


def test_changing_the_password_mails_the_owner(author_client, author):
    author_client.post("/password/change", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})

    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Your Fichive password was changed"
    assert '"alice"' in message.body and "http://testserver/password/reset" in message.body
    assert NEW_PASSWORD not in message.body


def test_resetting_the_password_mails_the_owner_too(client, author):
    client.post("/password/reset", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/password/reset/\S+)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]

    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert [m.subject for m in mail.outbox] == ["Reset your Fichive password",
                                                "Your Fichive password was changed"]


def _change_email(client, email, password=PASSWORD):
    return client.post("/users/alice/email", {"email": email, "password": password})


def test_changing_the_email_address_tells_the_old_address(author_client, author,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _change_email(author_client, "alice.new@example.org")

    assert response["Location"] == "/users/alice/preferences"
    author.refresh_from_db()
    assert author.email == "alice.new@example.org"
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "alice.new@example.org" in message.body


def test_the_email_address_changes_only_with_the_password(author_client, author):
    response = _change_email(author_client, "thief@example.org", password="not-the-password")

    assert response.status_code == 400
    assert "That is not your current password." in response.content.decode()
    author.refresh_from_db()
    assert author.email == "alice@example.org"
    assert mail.outbox == []


def test_nobody_changes_another_users_email_address(client, author, reader):
    client.force_login(reader)

    assert _change_email(client, "thief@example.org").status_code == 403
    author.refresh_from_db()
    assert author.email == "alice@example.org"


def test_the_dashboard_links_to_the_email_page(author_client, author):
    assert 'href="/users/alice/email"' in author_client.get("/users/alice").content.decode()


def test_changes_and_roles_are_in_the_security_log(author_client, author, reader, admin,
                                                   caplog):
    caplog.set_level(logging.INFO, logger="fichive.security")
    author_client.post("/password/change", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    _change_email(author_client, "alice.new@example.org", password=NEW_PASSWORD)
    wrangler_grant(actor=admin, user=reader)

    lines = [r.getMessage() for r in caplog.records if r.name == "fichive.security"]
    assert f"event=password_changed user_id={author.pk}" in lines
    assert f"event=email_changed user_id={author.pk}" in lines
    assert (f"event=role_granted user_id={reader.pk} role=wrangler actor_id={admin.pk}"
            in lines)
    assert not any(NEW_PASSWORD in line or "alice.new" in line for line in lines)


def test_secure_cookies_use_host_prefixed_names(monkeypatch):
    import importlib

    from fichive import settings as fichive_settings

    monkeypatch.setenv("FICHIVE_SECURE_COOKIES", "on")
    try:
        loaded = importlib.reload(fichive_settings)
        assert (loaded.SESSION_COOKIE_NAME, loaded.CSRF_COOKIE_NAME) == (
            "__Host-sessionid", "__Host-csrftoken")
        assert loaded.SESSION_COOKIE_SECURE and loaded.CSRF_COOKIE_SECURE
        monkeypatch.delenv("FICHIVE_SECURE_COOKIES")
        loaded = importlib.reload(fichive_settings)
        assert (loaded.SESSION_COOKIE_NAME, loaded.CSRF_COOKIE_NAME) == (
            "sessionid", "csrftoken")
    finally:
        monkeypatch.undo()
        importlib.reload(fichive_settings)


def test_a_secure_session_cookie_logs_in_under_its_host_name(client, author, settings):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    response = client.post("/login", {"username": "alice", "password": PASSWORD}, secure=True)

    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert "sessionid" not in response.cookies
    assert "Log out (alice)" in client.get("/", secure=True).content.decode()


@pytest.mark.usefixtures("redis_cache")
def test_the_guests_fast_path_follows_the_host_cookie_names(settings, author):
    from tests.factories import WorkFactory
    from tests.lib.test_guests_fast_path import call

    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    url = f"/works/{WorkFactory(author=author).pk}"
    call(url)

    assert not call(url, cookie="__Host-csrftoken=abcdefghijklmnopqrstuvwxyz012345").django_ran
    assert call(url, cookie="__Host-sessionid=not-a-guest").django_ran
