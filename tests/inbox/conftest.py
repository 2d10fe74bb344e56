"""Fixtures of the inbox tests: a real SMTP server on loopback (aiosmtpd) the archive's mail
settings point at, many subscribers at once, and posting a chapter through the page."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from fichive.accounts.models import User
from fichive.subscriptions.models import Subscription
from fichive.works.models import Work
from tests.ports import free_port


class Mailbox:
    """What the SMTP server received; `refuse` makes it refuse the next N messages with a
    temporary error (451), as a server that is struggling would."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd
        if self.refuse > 0:
            self.refuse -= 1
            return "451 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:
    """An SMTP server on a free loopback port, and the archive's mail sent through it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield mailbox
    finally:
        controller.stop()


def make_subscribers(n: int, *, work: Work | None = None, creator: User | None = None,
                     prefix: str = "sub") -> list[User]:
    """n readers with addresses, each subscribed to the work or the creator (in bulk)."""
    users = User.objects.bulk_create([
        User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.org", password="!")
        for i in range(n)])
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    Subscription.objects.bulk_create(
        [Subscription(user=user, work=work, creator=creator) for user in users])
    return users


@pytest.fixture
def post_chapter(author_client):
    """Post a chapter to a work through the page, as its creator; returns the response."""

    def post(work: Work, text: str = "<p>The storm broke at last.</p>", title: str = ""):
        return author_client.post(f"/works/{work.pk}/chapters/new",
                                  {"content": text, "title": title, "fmt": "html"})

    return post


def commit_now() -> None:
    """Run the test transaction's pending on-commit callbacks, as a commit would (the works
    signals, and the enqueueing of tasks) without running any task."""
    from django.db import connection

    while connection.run_on_commit:
        pending, connection.run_on_commit = connection.run_on_commit, []
        for _savepoints, callback, _robust in pending:
            callback()
