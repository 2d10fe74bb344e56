"""Rate limits on the account forms: sign-up per address, and password reset and claim
links per address and per inbox. Each refusal is a 429 with Retry-After, says when to try
again, and saves or sends nothing."""

from __future__ import annotations

import pytest
from django.core import mail

from fichive.accounts import views
from fichive.accounts.models import User
from fichive.accounts.services import user_create_unclaimed
from fichive.lib.ratelimit import RateLimit

SIGNUP_PASSWORD = "lantern-harbour-37"


@pytest.fixture
def low_limits(monkeypatch):
    """Each limit at 2 (the values are constants beside the views)."""
    for name in ("SIGNUPS", "PASSWORD_RESETS", "PASSWORD_RESETS_TO", "CLAIMS", "CLAIMS_TO"):
        limit = getattr(views, name)
        monkeypatch.setattr(views, name, RateLimit(limit.prefix, limit=2, window=limit.window))


def _refused(response) -> str:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    return response.content.decode()


def _signup(client, username, address="127.0.0.1"):
    return client.post("/signup", {
        "username": username, "email": f"{username}@example.org", "password1": SIGNUP_PASSWORD,
        "password2": SIGNUP_PASSWORD, "accept_terms": "on", "confirm_age": "on"},
        REMOTE_ADDR=address)


def test_sign_ups_from_one_address_are_limited(client, db, low_limits):
    for name in ("erin", "frank"):
        assert _signup(client, name).status_code == 302
        client.post("/logout")

    page = _refused(_signup(client, "grace"))

    assert "2 accounts were made from your address in the last hour" in page
    assert not User.objects.filter(username="grace").exists()
    assert _signup(client, "grace", address="203.0.113.8").status_code == 302


def test_a_refused_sign_up_keeps_what_was_typed(client, db, low_limits):
    for name in ("erin", "frank"):
        _signup(client, name)
        client.post("/logout")

    assert 'value="grace"' in _refused(_signup(client, "grace"))


def _reset(client, email, address="127.0.0.1"):
    return client.post("/password/reset", {"email": email}, REMOTE_ADDR=address)


def test_reset_links_to_one_inbox_are_limited_whoever_asks(client, author, low_limits):
    for address in ("198.51.100.1", "198.51.100.2"):
        assert _reset(client, "alice@example.org", address)["Location"] == "/password/reset/sent"

    page = _refused(_reset(client, "ALICE@example.org", "198.51.100.3"))

    assert "2 password reset links were sent to that address in the last hour" in page
    assert len(mail.outbox) == 2


def test_reset_links_asked_for_from_one_address_are_limited(client, author, reader,
                                                            low_limits):
    _reset(client, "nobody@example.org")
    _reset(client, "carol@example.org")

    page = _refused(_reset(client, "alice@example.org"))

    assert "You have asked for 2 password reset links in the last hour" in page
    assert [m.to for m in mail.outbox] == [["carol@example.org"]]


def test_the_inbox_limit_counts_addresses_without_accounts_too(client, db, low_limits):
    # So the 429 tells nobody whether an account uses the address.
    for address in ("198.51.100.1", "198.51.100.2"):
        _reset(client, "nobody@example.org", address)

    _refused(_reset(client, "nobody@example.org", "198.51.100.3"))


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return tmp_path / "mail"


def _sent(mail_dir) -> int:
    return len(list(mail_dir.iterdir())) if mail_dir.exists() else 0


def test_claim_links_to_one_inbox_are_limited(client, db, low_limits, mail_dir):
    user_create_unclaimed(penname="Moonlit Quill", email="moon@example.org")
    for address in ("198.51.100.1", "198.51.100.2"):
        assert "on its way" in client.post("/claim", {"email": "moon@example.org"},
                                           REMOTE_ADDR=address).content.decode()

    page = _refused(client.post("/claim", {"email": "moon@example.org"},
                                REMOTE_ADDR="198.51.100.3"))

    assert "2 claim links were sent to that address in the last hour" in page
    assert _sent(mail_dir) == 2


def test_claim_links_asked_for_from_one_address_are_limited(client, db, low_limits, mail_dir):
    user_create_unclaimed(penname="Moonlit Quill", email="moon@example.org")
    client.post("/claim", {"email": "a@example.org"})
    client.post("/claim", {"email": "b@example.org"})

    page = _refused(client.post("/claim", {"email": "moon@example.org"}))

    assert "You have asked for 2 claim links in the last hour" in page
    assert _sent(mail_dir) == 0
