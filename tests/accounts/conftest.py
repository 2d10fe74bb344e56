"""Fixtures of the account tests: those of the sign-up tests (mail, policies); the roles
(admin, moderator) are shared ones (tests/conftest.py)."""

from tests.signups.conftest import Mailbox, closed, invite_only, smtp_server

__all__ = ["Mailbox", "closed", "invite_only", "smtp_server"]
