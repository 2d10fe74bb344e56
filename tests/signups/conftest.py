"""Fixtures of the sign-up tests: the loopback SMTP server of the inbox tests, an admin and a
moderator, and the archive switched to a sign-up policy."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.inbox.conftest import Mailbox, smtp_server

__all__ = ["Mailbox", "smtp_server"]


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_staff=True)


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mona")
    user.is_moderator = True
    user.save(update_fields=["is_moderator"])
    return user


@pytest.fixture
def invite_only(settings, db):
    settings.FICHIVE_SIGNUP = "invite"


@pytest.fixture
def closed(settings, db):
    settings.FICHIVE_SIGNUP = "closed"
