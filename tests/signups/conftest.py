"""Fixtures of the sign-up tests: the loopback SMTP server of the inbox tests and the archive
switched to a sign-up policy (the roles, admin and moderator, are shared: tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.inbox.conftest import Mailbox, smtp_server

__all__ = ["Mailbox", "smtp_server"]


@pytest.fixture
def invite_only(settings, db):
    settings.FICHIVE_SIGNUP = "invite"


@pytest.fixture
def closed(settings, db):
    settings.FICHIVE_SIGNUP = "closed"
