"""Sorting listings: every sort puts works in the order a reader expects, in AO3's usual
direction, reversible with order=asc|desc, with ties in a stable order."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import UserFactory, WorkFactory
from tests.works.listing_pages import set_counts, titles


@pytest.fixture
def three(author):
    """Three works whose every sort key differs, in a different order for each key."""
    day = datetime.date
    specs = [
        # title, creator, posted, updated, words, hits, kudos, comments, bookmarks
        ("A Quiet Harbour", "mariner", day(2024, 3, 1), day(2024, 3, 2), 5000, 10, 300, 2, 9),
        ("Beacon", "zephyr", day(2024, 1, 1), day(2024, 6, 1), 100, 900, 20, 30, 1),
        ("The Compass Rose", "lark", day(2024, 2, 1), day(2024, 4, 1), 2000, 50, 100, 10, 5),
    ]
    for title, creator, posted, updated, words, hits, kudos, comments, bookmarks in specs:
        user = UserFactory(username=creator)
        work = WorkFactory(author=user, title=title, published=posted)
        set_counts(work, updated=updated, word_count=words, hits=hits, kudos_count=kudos,
                   comments_count=comments, bookmarks_count=bookmarks)


SORTED = {
    "updated": ["Beacon", "The Compass Rose", "A Quiet Harbour"],
    "posted": ["A Quiet Harbour", "The Compass Rose", "Beacon"],
    # "A" and "The" are ignored, as on AO3: Beacon, Compass Rose, Quiet Harbour.
    "title": ["Beacon", "The Compass Rose", "A Quiet Harbour"],
    "creator": ["The Compass Rose", "A Quiet Harbour", "Beacon"],
    "words": ["A Quiet Harbour", "The Compass Rose", "Beacon"],
    "hits": ["Beacon", "The Compass Rose", "A Quiet Harbour"],
    "kudos": ["A Quiet Harbour", "The Compass Rose", "Beacon"],
    "comments": ["Beacon", "The Compass Rose", "A Quiet Harbour"],
    "bookmarks": ["A Quiet Harbour", "The Compass Rose", "Beacon"],
}


@pytest.mark.parametrize("sort", list(SORTED))
def test_each_sort_orders_the_listing(client, three, sort):
    assert titles(client.get(f"/works?sort={sort}")) == SORTED[sort]


@pytest.mark.parametrize("sort", list(SORTED))
def test_order_reverses_each_sort(client, three, sort):
    usual = titles(client.get(f"/works?sort={sort}"))
    flipped = "asc" if sort not in ("title", "creator") else "desc"

    assert titles(client.get(f"/works?sort={sort}&order={flipped}")) == usual[::-1]


def test_the_default_sort_is_date_updated_newest_first(client, three):
    assert titles(client.get("/works")) == SORTED["updated"]


def test_ties_keep_a_stable_order_across_pages(client, author):
    for i in range(25):
        work = WorkFactory(author=author, title=f"Tied {i:02d}")
        set_counts(work, kudos_count=7, updated=datetime.date(2024, 1, 1))

    first = titles(client.get("/works?sort=kudos"))
    second = titles(client.get("/works?sort=kudos&page=2"))

    # Newest first among equals, and no work on both pages or on neither.
    assert first == [f"Tied {i:02d}" for i in range(24, 4, -1)]
    assert second == [f"Tied {i:02d}" for i in range(4, -1, -1)]


def test_sorts_apply_to_tag_and_user_listings(client, three):
    assert titles(client.get("/tags/Original Work/works?sort=words")) == SORTED["words"]
    assert titles(client.get("/users/lark/works?sort=words")) == ["The Compass Rose"]
