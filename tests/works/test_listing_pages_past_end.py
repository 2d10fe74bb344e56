"""A page number past a listing's last page says there is nothing there (and links to the
last page) instead of showing page 1's or the last page's works under the wrong number; on
every listing built by the shared listing code (works, tag works, a user's works, search,
bookmarks) and the drafts page. Listing headings count in English ("1 - 1 of 1 Work")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.tags.models import Tag
from fichive.works import listing
from tests.factories import UserFactory, WorkFactory
from tests.works.listing_pages import heading, page_html, titles


@pytest.fixture(autouse=True)
def two_per_page(monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 2)


@pytest.fixture
def three_works(author):
    works = [WorkFactory(author=author, title=f"Harbour {n}", fandoms=["Harbour Town"])
             for n in range(3)]
    Tag.objects.filter(name="Harbour Town").update(canonical=True)
    return works


def _says_past_end(response, page: int, things: str = "works", last: int = 2) -> None:
    text = page_html(response)
    assert response.status_code == 200
    assert f"There are no {things} on page {page}." in text
    assert f'page={last}">Go to the last page (page {last})</a>' in text
    assert titles(response) == []


@pytest.mark.parametrize("url", [
    "/works?page=3",
    "/works?page=99",
    "/tags/Harbour Town/works?page=5",
    "/users/alice/works?page=3",
    "/works/search?q=Harbour&page=3",
])
def test_a_page_past_the_end_says_so(client, three_works, url):
    response = client.get(url)

    page = int(url.rsplit("page=", 1)[1])
    _says_past_end(response, page)
    assert " of " not in heading(response)  # no "5 - 6 of 3 Works"


def test_the_last_page_still_lists_its_works(client, three_works):
    response = client.get("/works?page=2")

    assert len(titles(response)) == 1
    assert "There are no works" not in page_html(response)
    assert heading(response) == "3 - 3 of 3 Works"


def test_the_link_keeps_the_filters(client, three_works):
    response = client.get("/works?sort=title&page=4")

    assert 'href="?sort=title&amp;page=2"' in page_html(response)


def test_page_two_of_an_empty_listing_links_to_the_first_page(client, db):
    response = client.get("/works?page=2")

    assert "There are no works on page 2." in page_html(response)
    assert "Go to the first page" in page_html(response)


def test_page_one_of_an_empty_listing_is_the_usual_empty_listing(client, db):
    response = client.get("/works")

    assert "No works here yet." in page_html(response)
    assert "There are no works on page" not in page_html(response)


def test_bookmarks_past_the_end(client, author, three_works):
    for work in three_works:
        bookmark_create(user=author, work=work, pseud=author.default_pseud, data=BookmarkData())

    _says_past_end(client.get("/bookmarks?page=3"), 3, "bookmarks")
    assert len(titles(client.get("/bookmarks?page=2"))) == 1


def test_drafts_past_the_end(author_client, author):
    for n in range(3):
        WorkFactory(author=author, title=f"Draft {n}", post=False)

    response = author_client.get("/users/alice/works/drafts?page=3")

    _says_past_end(response, 3, "drafts")


def test_a_page_past_the_end_costs_no_more_queries_than_the_last_page(
        client, three_works, django_assert_max_num_queries):
    client.get("/works?page=2&sort=title")  # warm what is kept between requests
    with CaptureQueriesContext(connection) as last_page:
        client.get("/works?page=2&sort=words")
    with django_assert_max_num_queries(len(last_page.captured_queries)):
        client.get("/works?page=9&sort=words")


@pytest.mark.parametrize(("count", "expected"), [
    (1, "1 - 1 of 1 Work in Harbour Town"),
    (2, "1 - 2 of 2 Works in Harbour Town"),
])
def test_tag_works_heading_counts_in_english(client, author, count, expected):
    for n in range(count):
        WorkFactory(author=author, title=f"Quay {n}", fandoms=["Harbour Town"])
    Tag.objects.filter(name="Harbour Town").update(canonical=True)

    assert heading(client.get("/tags/Harbour Town/works")) == expected


def test_one_work_one_bookmark_one_draft(client, author):
    work = WorkFactory(author=author, title="Lone Quay")
    WorkFactory(author=author, title="Lone Draft", post=False)
    reader = UserFactory()
    bookmark_create(user=reader, work=work, pseud=reader.default_pseud, data=BookmarkData())

    assert heading(client.get("/works")) == "1 - 1 of 1 Work"
    assert heading(client.get("/users/alice/works")) == "1 - 1 of 1 Work by alice"
    assert heading(client.get("/bookmarks")) == "1 - 1 of 1 Bookmark"
    client.force_login(author)
    assert heading(client.get("/users/alice/works/drafts")) == "1 - 1 of 1 Draft"
