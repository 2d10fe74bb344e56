"""Claiming an account made for an imported author: ask at /claim with the email address, get
a mail (written to the mail folder) with a signed, expiring link, choose a password."""

from __future__ import annotations

import re
import time

import pytest
from django.core import signing

from fichive.accounts.models import User
from fichive.accounts.services import CLAIM_SALT, user_create_unclaimed
from tests.factories import PASSWORD

ANSWER = "If unclaimed accounts use that address, a link to claim them is on its way."


@pytest.fixture
def mail_dir(settings, tmp_path):
    """The project's own mail backend: each message a file in the mail folder."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return tmp_path / "mail"


@pytest.fixture
def unclaimed(db):
    return user_create_unclaimed(penname="Moonlit Quill", email="moon@example.org",
                                 bio="I write angst.")


def _mails(mail_dir) -> list[str]:
    if not mail_dir.exists():
        return []
    return [path.read_text() for path in sorted(mail_dir.iterdir())]


def _link(mail: str) -> str:
    match = re.search(r"http://testserver(/claim/\S+)", mail)
    assert match, mail
    return match.group(1)


def _ask(client, email: str):
    return client.post("/claim", {"email": email})


def test_unclaimed_account_cannot_log_in(client, unclaimed):
    assert not unclaimed.has_usable_password()
    unclaimed.set_password(PASSWORD)  # even with a password, it must be claimed first
    unclaimed.save()

    response = client.post("/login", {"username": "Moonlit_Quill", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_existing_and_new_users_are_claimed(author):
    assert author.claimed is True


def test_claim_page_sends_a_mail_with_a_link(client, mail_dir, unclaimed):
    response = _ask(client, "MOON@example.org")

    assert response.status_code == 200
    assert ANSWER in response.content.decode()
    [mail] = _mails(mail_dir)
    assert "To: moon@example.org" in mail
    assert 'To claim "Moonlit_Quill", choose a password here:' in mail
    assert _link(mail).startswith("/claim/")


def test_same_answer_whether_or_not_the_email_matched(client, mail_dir, unclaimed, author):
    matched = _ask(client, "moon@example.org")
    unknown = _ask(client, "nobody@example.org")
    claimed_user = _ask(client, author.email)  # a normal account is not "unclaimed"

    assert matched.status_code == unknown.status_code == claimed_user.status_code == 200
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert {strip.sub("", r.content.decode()) for r in (matched, unknown, claimed_user)} == {
        strip.sub("", matched.content.decode())}
    assert len(_mails(mail_dir)) == 1


def test_following_the_link_sets_a_password_and_logs_in(client, mail_dir, unclaimed):
    _ask(client, "moon@example.org")
    link = _link(_mails(mail_dir)[0])

    page = client.get(link)
    assert page.status_code == 200 and "Claim “Moonlit_Quill”" in page.content.decode()
    response = client.post(link, {"username": "Moonlit_Quill", "password1": PASSWORD,
                                  "password2": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/users/Moonlit_Quill"
    assert "Log out (Moonlit_Quill)" in response.content.decode()
    unclaimed.refresh_from_db()
    assert unclaimed.claimed and unclaimed.check_password(PASSWORD)
    client.logout()
    assert client.login(username="Moonlit_Quill", password=PASSWORD)


def test_claiming_may_choose_a_new_user_name(client, mail_dir, unclaimed):
    _ask(client, "moon@example.org")

    client.post(_link(_mails(mail_dir)[0]), {"username": "moonlit", "password1": PASSWORD,
                                             "password2": PASSWORD})

    user = User.objects.get(pk=unclaimed.pk)
    assert user.username == "moonlit" and user.default_pseud.name == "moonlit"
    assert user.default_pseud.description == "I write angst."


def test_taken_user_name_and_weak_password_are_refused(client, mail_dir, unclaimed, author):
    _ask(client, "moon@example.org")
    link = _link(_mails(mail_dir)[0])

    taken = client.post(link, {"username": "ALICE", "password1": PASSWORD,
                               "password2": PASSWORD})
    weak = client.post(link, {"username": "", "password1": "password",
                              "password2": "password"})

    assert "That user name is taken." in taken.content.decode()
    assert "too common" in weak.content.decode()
    assert not User.objects.get(pk=unclaimed.pk).claimed


def test_link_works_once(client, mail_dir, unclaimed):
    _ask(client, "moon@example.org")
    link = _link(_mails(mail_dir)[0])
    client.post(link, {"username": "", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()

    again = client.get(link)

    assert again.status_code == 400
    assert "The link is broken, has expired, or the account was claimed already." in (
        again.content.decode())


def test_forged_link_is_refused(client, unclaimed):
    forged = signing.dumps({"uid": unclaimed.pk}, salt="another-salt")

    for token in [forged, "not-a-token", forged[:-2] + "xx"]:
        response = client.post(f"/claim/{token}", {"username": "", "password1": PASSWORD,
                                                   "password2": PASSWORD})
        assert response.status_code == 400
    assert not User.objects.get(pk=unclaimed.pk).claimed


def test_expired_link_is_refused(client, settings, unclaimed, monkeypatch):
    token = signing.dumps({"uid": unclaimed.pk}, salt=CLAIM_SALT, compress=True)
    later = time.time() + settings.CLAIM_LINK_HOURS * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)

    response = client.get(f"/claim/{token}")

    assert response.status_code == 400


def test_several_accounts_with_one_address_get_one_mail(client, mail_dir, unclaimed):
    user_create_unclaimed(penname="Moonlit Quill", email="moon@example.org")

    _ask(client, "moon@example.org")

    [mail] = _mails(mail_dir)
    assert '"Moonlit_Quill"' in mail and '"Moonlit_Quill_2"' in mail
    assert len(re.findall(r"http://testserver/claim/", mail)) == 2


def test_login_page_points_to_claiming(client, db):
    assert 'href="/claim"' in client.get("/login").content.decode()


def test_unclaimed_user_page_invites_its_owner_to_claim_it(client, unclaimed, author):
    page = client.get("/users/Moonlit_Quill").content.decode()
    assert "imported from another archive" in page and 'href="/claim"' in page
    assert "imported from another archive" not in client.get("/users/alice").content.decode()
