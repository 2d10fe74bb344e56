"""Fixtures for the comments tests: an admin, a work with two creators, a multi-chapter work,
and a helper that posts comments through the service without the rate limit."""

from __future__ import annotations

import pytest

from fichive.accounts.models import User
from fichive.comments import ratelimit
from fichive.comments.models import Comment
from fichive.comments.services import comment_post
from fichive.works.models import Work
from tests.factories import WorkFactory


@pytest.fixture
def shared_work(author, co_author) -> Work:
    """alice's work with bob as co-creator."""
    return WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud])


@pytest.fixture
def chaptered(author) -> Work:
    return WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>", "<p>Three.</p>"])


@pytest.fixture
def no_rate_limit(monkeypatch) -> None:
    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)


@pytest.fixture
def say(no_rate_limit):
    """say(work, user_or_None, text, parent=None, chapter=None) → a posted Comment."""

    def post(work: Work, user: User | None, text: str = "Lovely!", *,
             parent: Comment | None = None, chapter=None) -> Comment:
        if user is None:
            return comment_post(work=work, chapter=chapter, parent=parent, guest_name="Guesty",
                                guest_email="guest@example.org", content=text)
        return comment_post(work=work, chapter=chapter, parent=parent, user=user,
                            content=text)

    return post


@pytest.fixture
def guest():
    """A visitor who is not logged in, apart from `client` (which reader_client logs in)."""
    from django.test import Client

    return Client()


@pytest.fixture
def login():
    """login(user) → a Client of its own logged in as `user` (author_client and reader_client
    share one client, so a test that needs both uses this)."""
    from django.test import Client

    def make(user: User) -> Client:
        visitor = Client()
        visitor.force_login(user)
        return visitor

    return make
