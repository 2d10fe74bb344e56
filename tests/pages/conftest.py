"""Fixtures of the pages tests: an admin and a moderator (those of the sign-up tests)."""

from tests.signups.conftest import admin, moderator

__all__ = ["admin", "moderator"]
