"""Fixtures for bookmark tests: bookmarks made through the real services."""

from __future__ import annotations

import pytest

from fichive.bookmarks.services import BookmarkData, bookmark_create


@pytest.fixture
def make_bookmark(db):
    """make_bookmark(user, work, private=False, rec=False, notes="", tags=[...])."""

    def make(user, work, *, pseud=None, **data):
        return bookmark_create(user=user, work=work, pseud=pseud or user.default_pseud,
                               data=BookmarkData(**data))

    return make
