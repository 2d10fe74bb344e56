"""Who may sign up: open, by invitation (a one-time code from the queue, an admin or a
user) or closed, from FICHIVE_SIGNUP or the admins' override; every sign-up accepts the
terms and confirms the minimum age, and the acceptance is stored."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from fichive.accounts.models import User
from fichive.signups.models import Invitation, SignupSettings, TermsAcceptance
from fichive.signups.services import signup_create

PASSWORD = "lantern-harbour-37"


def _signup(client, path="/signup", **fields):
    data = {"username": "erin", "email": "erin@example.org", "password1": PASSWORD,
            "password2": PASSWORD, "accept_terms": "on", "confirm_age": "on"}
    data.update(fields)
    return client.post(path, {k: v for k, v in data.items() if v is not None})


def _text(response) -> str:
    return response.content.decode()


def _invitation(*, source=Invitation.Source.QUEUE, email="erin@example.org", sent=True,
                days_left=14, owner=None) -> Invitation:
    now = timezone.now()
    return Invitation.objects.create(
        code=f"code-{source}-{Invitation.objects.count()}", source=source, email=email,
        owner=owner, sent_at=now if sent else None,
        expires_at=now + datetime.timedelta(days=days_left) if sent else None)


# --- terms and age -------------------------------------------------------------------------


def test_the_form_links_the_terms_and_asks_the_age(client, db):
    page = _text(client.get("/signup"))

    assert 'I have read and accept the <a href="/tos">Terms of Service</a>' in page
    assert "I am at least 13 years old" in page


def test_signing_up_stores_when_the_terms_were_accepted(client, db):
    before = timezone.now()

    response = _signup(client)

    assert response.status_code == 302
    acceptance = TermsAcceptance.objects.get(user__username="erin")
    assert acceptance.accepted_at >= before
    assert acceptance.minimum_age == 13
    assert acceptance.invitation is None


@pytest.mark.parametrize(("missing", "message"), [
    ("accept_terms", "You need to accept the Terms of Service to sign up."),
    ("confirm_age", "You need to be at least 13 years old to sign up."),
])
def test_terms_and_age_are_required(client, db, missing, message):
    response = _signup(client, **{missing: None})

    assert response.status_code == 200
    page = _text(response)
    assert escape(message) in page
    assert f'class="field has-error" id="field-{missing}"' in page
    assert not User.objects.exists()
    assert not TermsAcceptance.objects.exists()


def test_both_missing_gives_both_errors(client, db):
    page = _text(_signup(client, accept_terms=None, confirm_age=None))

    assert escape("You need to accept the Terms of Service") in page
    assert "You need to be at least 13 years old" in page
    assert not User.objects.exists()


def test_the_archive_sets_its_own_minimum_age(client, db, settings):
    settings.FICHIVE_MIN_AGE = 16

    assert "I am at least 16 years old" in _text(client.get("/signup"))
    assert "at least 16 years old to sign up" in _text(_signup(client, confirm_age=None))
    _signup(client)
    assert TermsAcceptance.objects.get(user__username="erin").minimum_age == 16


def test_the_service_refuses_without_terms_or_age(db):
    with pytest.raises(ValidationError) as refused:
        signup_create(username="erin", email="e@example.org", password=PASSWORD,
                      accepted_terms=False, age_confirmed=False)

    assert set(refused.value.message_dict) == {"accept_terms", "confirm_age"}
    assert not User.objects.exists()


# --- the policies --------------------------------------------------------------------------


def test_open_by_default(client, db):
    assert 'name="password1"' in _text(client.get("/signup"))
    assert _signup(client).status_code == 302


def test_invite_only_shows_the_queue_instead_of_the_form(client, invite_only):
    response = client.get("/signup")

    page = _text(response)
    assert response.status_code == 200
    assert "Sign-ups are by invitation" in page
    assert 'action="/invite_requests"' in page
    assert 'name="password1"' not in page


def test_invite_only_refuses_a_sign_up_without_a_code(client, invite_only):
    response = _signup(client)

    assert "Sign-ups are by invitation" in _text(response)
    assert not User.objects.exists()


def test_closed_says_so_and_refuses(client, closed):
    page = _text(client.get("/signup"))
    assert "Sign-ups are closed" in page
    assert 'name="password1"' not in page

    _signup(client)
    assert not User.objects.exists()


def test_the_service_refuses_when_closed_or_invite_only(db, settings):
    for policy, words in (("closed", "closed"), ("invite", "by invitation")):
        settings.FICHIVE_SIGNUP = policy
        with pytest.raises(ValidationError, match=words):
            signup_create(username="erin", email="e@example.org", password=PASSWORD,
                          accepted_terms=True, age_confirmed=True)
    assert not User.objects.exists()


def test_the_admins_choice_overrides_the_environment(client, db, settings):
    settings.FICHIVE_SIGNUP = "open"
    SignupSettings.objects.create(pk=SignupSettings.ROW, policy="closed")

    assert "Sign-ups are closed" in _text(client.get("/signup"))


def test_a_blank_admin_choice_follows_the_environment(client, db, settings):
    settings.FICHIVE_SIGNUP = "invite"
    SignupSettings.objects.create(pk=SignupSettings.ROW, policy="")

    assert "Sign-ups are by invitation" in _text(client.get("/signup"))


def test_a_bad_environment_value_is_refused_at_start(monkeypatch):
    import importlib

    from fichive import settings as fichive_settings

    monkeypatch.setenv("FICHIVE_SIGNUP", "sometimes")
    try:
        with pytest.raises(ValueError, match="FICHIVE_SIGNUP must be one of open, invite"):
            importlib.reload(fichive_settings)
    finally:
        monkeypatch.undo()
        importlib.reload(fichive_settings)


# --- invitation codes ----------------------------------------------------------------------


def test_an_invitation_opens_the_form_with_the_address_filled_in(client, invite_only):
    invitation = _invitation(email="wren@example.org")

    response = client.get(f"/signup/{invitation.code}")

    page = _text(response)
    assert response.status_code == 200
    assert 'value="wren@example.org"' in page
    assert "Your invitation opens this form once" in page


def test_an_invitation_is_used_up_by_signing_up(client, invite_only):
    invitation = _invitation()

    response = _signup(client, path=f"/signup/{invitation.code}")

    assert response.status_code == 302
    invitation.refresh_from_db()
    user = User.objects.get(username="erin")
    assert invitation.used_by == user and invitation.used_at is not None
    assert TermsAcceptance.objects.get(user=user).invitation == invitation


def test_a_used_invitation_is_refused(client, invite_only):
    invitation = _invitation()
    _signup(client, path=f"/signup/{invitation.code}")
    client.logout()

    again = client.get(f"/signup/{invitation.code}")
    posted = _signup(client, path=f"/signup/{invitation.code}", username="erin2",
                     email="other@example.org")

    assert again.status_code == 400
    assert "This invitation doesn't work" in _text(again)
    assert posted.status_code == 400
    assert not User.objects.filter(username="erin2").exists()


def test_an_expired_invitation_is_refused(client, invite_only):
    invitation = _invitation(days_left=-1)

    response = _signup(client, path=f"/signup/{invitation.code}")

    assert response.status_code == 400
    assert "has expired" in _text(response)
    assert not User.objects.exists()


@pytest.mark.parametrize("code", ["nope", "x" * 300, "%00%2F..", "' OR 1=1 --"])
def test_unknown_or_garbage_codes_are_refused_without_an_error(client, invite_only, code):
    response = client.get(f"/signup/{code}")

    assert response.status_code in (400, 404)  # a slash in it: no such page
    assert not User.objects.exists()


def test_an_unsent_user_code_does_not_open_sign_up(client, invite_only, reader):
    invitation = _invitation(source=Invitation.Source.USER, sent=False, owner=reader)

    assert client.get(f"/signup/{invitation.code}").status_code == 400


def test_the_service_refuses_a_code_used_meanwhile(invite_only, reader):
    invitation = _invitation()
    invitation.used_at, invitation.used_by = timezone.now(), reader
    invitation.save()

    with pytest.raises(ValidationError, match="used or has expired"):
        signup_create(username="erin", email="e@example.org", password=PASSWORD,
                      accepted_terms=True, age_confirmed=True, code=invitation.code)
    assert not User.objects.filter(username="erin").exists()


def test_a_failed_sign_up_leaves_the_code_unused(client, invite_only, author):
    invitation = _invitation()

    response = _signup(client, path=f"/signup/{invitation.code}", username="alice")

    assert "That user name is taken." in _text(response)
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_while_closed_only_an_admins_invitation_works(client, closed):
    from_queue = _invitation()
    from_admin = _invitation(source=Invitation.Source.ADMIN, email="zed@example.org")

    assert client.get(f"/signup/{from_queue.code}").status_code == 400
    assert _signup(client, path=f"/signup/{from_queue.code}").status_code == 400
    response = _signup(client, path=f"/signup/{from_admin.code}", username="zed",
                       email="zed@example.org")

    assert response.status_code == 302
    assert list(User.objects.values_list("username", flat=True)) == ["zed"]


def test_while_open_a_stale_invitation_still_lets_you_sign_up(client, db):
    invitation = _invitation(days_left=-1)

    page = _text(client.get(f"/signup/{invitation.code}"))
    assert "anyone can sign up now" in page

    assert _signup(client, path=f"/signup/{invitation.code}").status_code == 302
    assert TermsAcceptance.objects.get(user__username="erin").invitation is None
