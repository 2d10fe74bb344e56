"""Fixtures of the account tests: those of the sign-up tests (mail, admin, policies)."""

from tests.signups.conftest import (
    Mailbox,
    admin,
    closed,
    invite_only,
    moderator,
    smtp_server,
)

__all__ = ["Mailbox", "admin", "closed", "invite_only", "moderator", "smtp_server"]
