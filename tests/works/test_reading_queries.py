"""A logged-in reader's work and chapter pages run a fixed number of queries, however much
the work has gathered (kudos, comments, bookmarks, subscribers, inbox items, readers): the
page shows the reader's own kudos, bookmark, subscription and Marked for Later state and the
header's unread inbox count, each in one query; nothing grows with the rows behind them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.kudos.services import kudos_leave
from fichive.subscriptions.services import subscription_create
from tests.factories import UserFactory, WorkFactory


def _gather(work, chapter, reader, n: int) -> None:
    """n other readers leave kudos, comment, bookmark and subscribe; the reader gets inbox
    items by commenting on a work of their own that others reply to."""
    for i in range(n):
        other = UserFactory(username=f"fan{work.pk}x{i}")
        kudos_leave(work=work, user=other)
        comment_post(work=work, chapter=chapter, user=other, pseud=other.default_pseud,
                     content=f"<p>Lovely chapter, number {i}.</p>")
        bookmark_create(user=other, work=work, pseud=other.default_pseud,
                        data=BookmarkData(notes="<p>A keeper.</p>", tags=["Comfort Read"]))
        subscription_create(user=other, work=work)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["work", "chapter", "full"])
def test_a_logged_in_readers_page_runs_the_same_queries_with_1_or_12_of_everything(
    client, author, reader, page
):
    counts = []
    for n in (1, 12):
        work = WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>"])
        chapter = work.chapters.get(position=2)
        _gather(work, chapter, reader, n)
        client.force_login(reader)
        # The reader's own state is set too: kudos, a bookmark, a subscription.
        kudos_leave(work=work, user=reader)
        bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                        data=BookmarkData())
        subscription_create(user=reader, work=work)
        url = {"work": f"/works/{work.pk}", "chapter": f"/works/{work.pk}/chapters/{chapter.pk}",
               "full": f"/works/{work.pk}?view_full_work=true"}[page]
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]


# session, user; the work, its tags, its creators, its gift recipients; the chapter; the
# chapter list; the series it is part of with their parts (one query, for "Part N of"); the unread
# inbox count; the reader's kudos, bookmark, subscription and reading (one query,
# works.selectors.reader_state); the kudos givers' count and names; the chapter's comment
# count. (Whether history is paused comes with the user: accounts.backends reads their
# preferences in the same query.) Without kept fragments (FICHIVE_FRAGMENT_CACHE_MB 0, as in
# the tests); with them a repeat view reads fewer (tests/works/test_reading_reuse.py).
READER_CHAPTER_PAGE = 14


def test_a_logged_in_readers_chapter_page_runs_a_known_number_of_queries(
    client, author, reader, django_assert_num_queries
):
    work = WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>"])
    chapter = work.chapters.get(position=2)
    _gather(work, chapter, reader, 3)
    client.force_login(reader)
    with django_assert_num_queries(READER_CHAPTER_PAGE):
        response = client.get(f"/works/{work.pk}/chapters/{chapter.pk}")
    assert response.status_code == 200
