"""What "More like this" costs a work page: no query for a work with no list (whether it has
one is read with the work), one for a work with one, and none when the list is kept
(lib/fragments.py) and nothing it shows changed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.blocking.services import user_mute
from fichive.lib.fragments import fragments_clear
from fichive.recommendations.services import recommendations_rebuild
from fichive.tags.models import Tag
from tests.factories import UserFactory, WorkFactory
from tests.works.test_reading_queries import READER_CHAPTER_PAGE, _gather


def _pair(author, *, fandom: str = "Naruto"):
    first = WorkFactory(author=author, title="First", fandoms=[fandom],
                        characters=["Nara Shikamaru"], chapters=["<p>One.</p>", "<p>Two.</p>"])
    second = WorkFactory(author=author, title="Second", fandoms=[fandom],
                         characters=["Nara Shikamaru"], chapters=["<p>Three.</p>"])
    WorkFactory(author=author, title="Third", fandoms=["Bleach"])
    Tag.objects.update(canonical=True)
    recommendations_rebuild()
    return first, second


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_chapter_page_with_recommendations_reads_one_query_more(
        client, author, reader, django_assert_num_queries):
    first, _ = _pair(author)
    chapter = first.chapters.get(position=2)
    _gather(first, chapter, reader, 3)
    client.force_login(reader)
    with django_assert_num_queries(READER_CHAPTER_PAGE + 1):
        response = client.get(f"/works/{first.pk}/chapters/{chapter.pk}")
    assert "Second" in response.content.decode()


def test_a_work_without_recommendations_reads_no_query_more(
        client, author, reader, django_assert_num_queries):
    work = WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>"])
    recommendations_rebuild()  # alone in the archive: no list
    chapter = work.chapters.get(position=2)
    _gather(work, chapter, reader, 3)
    client.force_login(reader)
    with django_assert_num_queries(READER_CHAPTER_PAGE):
        client.get(f"/works/{work.pk}/chapters/{chapter.pk}")


def test_the_archive_switch_off_reads_no_query_more(
        client, author, reader, settings, django_assert_num_queries):
    settings.FICHIVE_RECOMMENDATIONS = False
    first, _ = _pair(author)
    chapter = first.chapters.get(position=2)
    _gather(first, chapter, reader, 3)
    client.force_login(reader)
    with django_assert_num_queries(READER_CHAPTER_PAGE):
        client.get(f"/works/{first.pk}/chapters/{chapter.pk}")


@pytest.fixture
def reuse_on(settings):
    settings.FICHIVE_FRAGMENT_CACHE_MB = 16
    fragments_clear()
    yield
    fragments_clear()


def test_a_kept_list_reads_no_query_and_a_mute_is_not_shared(reuse_on, client, author,
                                                            reader, stranger):
    first, _ = _pair(author)
    client.force_login(reader)
    url = f"/works/{first.pk}"
    _queries(client, url)  # gives the work a version to keep things under
    with_list, page = _queries(client, url)
    assert "Second" in page
    again, page = _queries(client, url)
    assert "Second" in page
    assert again == with_list
    # The same page for a work with no list reads as many queries: the list cost none.
    fragments_clear()
    alone = WorkFactory(author=UserFactory(), title="Alone", fandoms=["Original Work"])
    _queries(client, f"/works/{alone.pk}")
    _queries(client, f"/works/{alone.pk}")
    assert _queries(client, f"/works/{alone.pk}")[0] == again
    # A reader who mutes the creator gets their own list, not the one kept for others.
    user_mute(user=stranger, muted=author)
    client.force_login(type(stranger).objects.get(pk=stranger.pk))
    assert "Second" not in _queries(client, url)[1]
