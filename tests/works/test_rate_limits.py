"""New works and chapters per account: past the limit the form answers 429 with
Retry-After, says when to try again, keeps what was typed, and nothing is saved."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.lib.ratelimit import RateLimit
from fichive.works import views
from fichive.works.models import Chapter, Work
from tests.factories import WorkFactory
from tests.works.helpers import chapter_form, work_form


@pytest.fixture
def low_limits(monkeypatch):
    monkeypatch.setattr(views, "NEW_WORKS", RateLimit("fichive:works:new", limit=2,
                                                      window=3600))
    monkeypatch.setattr(views, "NEW_CHAPTERS", RateLimit("fichive:chapters:new", limit=2,
                                                         window=3600))


def _refused(response) -> str:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    return response.content.decode()


def test_new_works_are_limited_per_account(author_client, author, reader, low_limits):
    for title in ("One", "Two"):
        assert author_client.post("/works/new", work_form(author, title=title)
                                  ).status_code == 302

    page = _refused(author_client.post("/works/new", work_form(author, title="Three")))

    assert "You have added 2 works in the last hour" in page and 'value="Three"' in page
    assert not Work.objects.filter(title="Three").exists()
    # Another account is not held back.
    other = Client()
    other.force_login(reader)
    assert other.post("/works/new", work_form(reader, title="Hers")).status_code == 302


def test_drafts_count_as_new_works(author_client, author, low_limits):
    for title in ("One", "Two"):
        author_client.post("/works/new", work_form(author, title=title, action="draft"))

    _refused(author_client.post("/works/new", work_form(author, title="Three",
                                                        action="draft")))
    assert Work.objects.count() == 2


def test_new_chapters_are_limited_per_account(author_client, author, low_limits):
    work = WorkFactory(author=author)
    for number in (2, 3):
        assert author_client.post(f"/works/{work.pk}/chapters/new",
                                  chapter_form(title=f"Part {number}")).status_code == 302

    page = _refused(author_client.post(f"/works/{work.pk}/chapters/new",
                                       chapter_form(title="Part 4")))

    assert "You have added 2 chapters in the last hour" in page
    assert Chapter.objects.filter(work=work).count() == 3


def test_previewing_a_chapter_of_a_posted_work_does_not_count(author_client, author,
                                                              low_limits):
    work = WorkFactory(author=author)
    for _ in range(3):
        assert author_client.post(f"/works/{work.pk}/chapters/new", chapter_form(
            action="preview")).status_code == 200

    assert author_client.post(f"/works/{work.pk}/chapters/new",
                              chapter_form(action="post")).status_code == 302
