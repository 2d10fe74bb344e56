"""A control character typed into a title or a tag name (pasted from a document, or an
attack) is left out when it is stored, so the Atom and OPDS feeds, which are XML and can't
hold one, still answer instead of failing with a server error."""

from __future__ import annotations

import feedparser
import pytest
from django.test import Client

from fichive.series.services import series_add_work, series_create
from fichive.tags.models import tag_to_url
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

TITLE = "Back\x08space and\x00 bell\x07"
TAG = "Escape\x1bd tag"


def test_titles_and_tags_lose_their_control_characters_and_the_feeds_answer(author):
    work = WorkFactory(author=author, title=TITLE, freeforms=[TAG])
    series = series_create(user=author, title=f"Series {TITLE}")
    series_add_work(user=author, series=series, work=work)

    work.refresh_from_db()
    series.refresh_from_db()
    assert work.title == "Backspace and bell"
    assert series.title == "Series Backspace and bell"
    tag = work.tags.get(type="freeform")
    assert tag.name == "Escaped tag"
    for url in (f"/series/{series.pk}/feed.atom", f"/users/{author.username}/works/feed.atom",
                f"/tags/{tag_to_url(tag.name)}/feed.atom", "/opds/works"):
        response = Client().get(url)
        assert response.status_code == 200, url
        entries = feedparser.parse(response.content).entries
        assert [entry.title for entry in entries] == ["Backspace and bell"], url
