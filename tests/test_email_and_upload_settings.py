"""Mail and upload settings from the environment: FICHIVE_EMAIL_URL (parsed, its errors
never showing the password, and a real send through it to an SMTP server on loopback that
checks the credentials) and FICHIVE_MAX_UPLOAD_MB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django.core.mail import send_mail

from fichive.settings import email_from_url
from tests.ports import free_port
from tests.test_settings import settings_with  # noqa: F401 - the fixture


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.org", ("mail.example.org", 25, "", "", False, False)),
    ("smtp://fics%40example.org:s3cr%2Ft%40@mail.example.org:587/?tls=1",
     ("mail.example.org", 587, "fics@example.org", "s3cr/t@", True, False)),
    ("smtp://u:p@mail.example.org/?tls=yes", ("mail.example.org", 587, "u", "p", True, False)),
    ("smtps://u:p@mail.example.org", ("mail.example.org", 465, "u", "p", False, True)),
    ("smtps://u:p@mail.example.org:2465", ("mail.example.org", 2465, "u", "p", False, True)),
    ("smtp://u:p@[::1]:2525/?ssl=1", ("::1", 2525, "u", "p", False, True)),
])
def test_email_url_gives_host_port_credentials_and_tls(url, expected):
    found = email_from_url(url)
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_HOST_USER"],
            found["EMAIL_HOST_PASSWORD"], found["EMAIL_USE_TLS"],
            found["EMAIL_USE_SSL"]) == expected


@pytest.mark.parametrize("url", [
    "http://u:hunter2@mail.example.org",
    "smtp://u:hunter2@",
    "smtps://u:hunter2@mail.example.org/?tls=1",
    "smtp://u:hunter2@mail.example.org/?tls=maybe",
    "smtp://u:hunter2@mail.example.org/?starttls=1",
    "smtp://u:hunter2@mail.example.org:port",
    "smtp://u:hunter2@mail.example.org/?timeout=soon",
])
def test_a_bad_email_url_says_what_is_wrong_without_the_password(url):
    with pytest.raises(ValueError, match="FICHIVE_EMAIL_URL") as error:
        email_from_url(url)
    assert "hunter2" not in str(error.value)


def test_email_url_in_the_environment_sets_smtp_and_wins_over_the_knobs(settings_with):  # noqa: F811
    loaded = settings_with(FICHIVE_EMAIL_HOST="old.example.org", FICHIVE_EMAIL_PORT="2525",
                           FICHIVE_EMAIL_URL="smtps://u:p@mail.example.org/?timeout=12")
    assert loaded.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (loaded.EMAIL_HOST, loaded.EMAIL_PORT, loaded.EMAIL_USE_SSL) == (
        "mail.example.org", 465, True)
    assert (loaded.EMAIL_HOST_USER, loaded.EMAIL_HOST_PASSWORD) == ("u", "p")
    assert loaded.EMAIL_TIMEOUT == 12


def test_the_old_email_knobs_still_work(settings_with):  # noqa: F811
    loaded = settings_with(FICHIVE_EMAIL_HOST="old.example.org", FICHIVE_EMAIL_PORT="2525",
                           FICHIVE_EMAIL_USER="me", FICHIVE_EMAIL_USE_TLS="1")
    assert loaded.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (loaded.EMAIL_HOST, loaded.EMAIL_PORT, loaded.EMAIL_HOST_USER,
            loaded.EMAIL_USE_TLS) == ("old.example.org", 2525, "me", True)


def test_upload_limit_defaults_to_50_mb_and_refuses_what_the_importers_cant_read(
        settings_with):  # noqa: F811
    assert settings_with().FICHIVE_MAX_UPLOAD_MB == 50
    assert settings_with(FICHIVE_MAX_UPLOAD_MB="20").FICHIVE_MAX_UPLOAD_MB == 20
    with pytest.raises(ValueError, match="between 1 and 50"):
        settings_with(FICHIVE_MAX_UPLOAD_MB="500")


class _Inbox:
    """An SMTP server's side: the messages it accepted and the logins it was sent."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.logins: list[tuple[bytes, bytes]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password))
            if auth_data == LoginPassword(b"fics@example.org", b"s3cr/t@"):
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=inbox,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_mail_goes_through_the_server_the_url_names_with_its_credentials(settings,
                                                                        smtp_server):
    inbox, port = smtp_server
    found = email_from_url(f"smtp://fics%40example.org:s3cr%2Ft%40@127.0.0.1:{port}/"
                           "?timeout=10")
    for name, value in found.items():
        setattr(settings, name, value)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    send_mail("Your password was changed", "It was you, we hope.", "archive@example.org",
              ["reader@example.org"])

    assert inbox.logins == [(b"fics@example.org", b"s3cr/t@")]
    assert len(inbox.messages) == 1
    assert b"Your password was changed" in inbox.messages[0]
