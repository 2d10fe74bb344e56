"""Listings: the home page, /works, a user's works and dashboard, and their query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import blurb_count, html


def _dated(work: Work, day: int) -> Work:
    """Give a work an updated date, so listing order is predictable."""
    Work.objects.filter(pk=work.pk).update(updated=datetime.date(2024, 1, day))
    return work


def test_home_page_shows_recent_posted_works_newest_first(author, client):
    _dated(WorkFactory(author=author, title="Older Story"), 1)
    _dated(WorkFactory(author=author, title="Newer Story"), 2)

    page = html(client.get("/"))

    assert page.index("Newer Story") < page.index("Older Story")
    assert "Recently updated" in page


def test_home_page_of_an_empty_archive_says_so(client, db):
    assert "No works yet." in html(client.get("/"))


def test_home_page_shows_at_most_20_works(author, client):
    for _ in range(21):
        WorkFactory(author=author)

    assert blurb_count(client.get("/")) == 20


def test_blurb_shows_title_byline_fandom_tags_and_stats(author, client):
    WorkFactory(author=author, title="Blurb Story", fandoms=["Naruto"], rating="Mature",
                relationships=["Hatake Kakashi/Umino Iruka"], freeforms=["Fluff"],
                summary="<p>A summary for the blurb.</p>", chapters=["<p>one two</p>"])

    page = html(client.get("/works"))

    for shown in ("Blurb Story", 'href="/users/alice/pseuds/alice"', "Naruto",
                  "Hatake Kakashi/Umino Iruka",
                  "Fluff", "A summary for the blurb.", "Mature"):
        assert shown in page
    assert "<dd>2</dd>" in page
    assert "<dd>1/?</dd>" in page


def test_works_index_pages_20_works_at_a_time(author, client):
    for _ in range(25):
        WorkFactory(author=author)

    first = client.get("/works")
    second = client.get("/works?page=2")

    assert blurb_count(first) == 20
    assert "1 - 20 of 25 Works" in html(first)
    assert 'rel="next" href="?page=2"' in html(first)
    assert "Page 1 of 2" in html(first)
    assert blurb_count(second) == 5
    assert "21 - 25 of 25 Works" in html(second)
    assert 'rel="prev" href="?page=1"' in html(second)


def test_works_index_out_of_range_page_says_there_are_no_works_there(author, client):
    WorkFactory(author=author)

    response = client.get("/works?page=99")

    assert response.status_code == 200
    assert blurb_count(response) == 0
    assert "There are no works on page 99." in html(response)


def test_user_works_lists_only_that_users_works(author, co_author, client):
    WorkFactory(author=author, title="Alice Wrote This")
    WorkFactory(author=co_author, title="Bob Wrote This")

    page = html(client.get("/users/alice/works"))

    assert "Alice Wrote This" in page
    assert "Bob Wrote This" not in page
    assert "Works by alice" in page


def test_user_works_include_works_under_other_pseuds_and_co_created(author, co_author, client):
    from fichive.accounts.services import pseud_create

    pseud = pseud_create(user=author, name="Night Owl")
    WorkFactory(author=author, title="Under A Pseud", creators=[pseud])
    WorkFactory(author=co_author, title="Written With Bob",
                creators=[co_author.default_pseud, author.default_pseud])

    page = html(client.get("/users/alice/works"))

    assert "Under A Pseud" in page
    assert "Written With Bob" in page


def test_user_names_in_urls_are_case_insensitive(author, client):
    WorkFactory(author=author, title="Case Story")

    assert "Case Story" in html(client.get("/users/ALICE/works"))


def test_unknown_user_is_404(client, db):
    assert client.get("/users/nobody/works").status_code == 404
    assert client.get("/users/nobody").status_code == 404


def test_dashboard_shows_drafts_only_to_the_owner(author, reader, client):
    WorkFactory(author=author, title="Posted Piece")
    WorkFactory(author=author, title="Unfinished Draft", post=False)

    guest_page = html(client.get("/users/alice"))
    client.force_login(reader)
    reader_page = html(client.get("/users/alice"))
    client.force_login(author)
    owner_page = html(client.get("/users/alice"))

    for page in (guest_page, reader_page):
        assert "Posted Piece" in page
        assert "Unfinished Draft" not in page
        assert "Drafts" not in page
    assert "Posted Piece" in owner_page
    assert "Unfinished Draft" in owner_page
    assert "Change password" in owner_page


def test_my_dashboard_link_goes_to_my_user_page(author_client):
    response = author_client.get("/dashboard")

    assert response["Location"] == "/users/alice"


# --- Query counts --------------------------------------------------------------------------

LISTING_URLS = ["/works", "/", "/users/alice/works", "/users/alice",
                "/tags/Original%20Work/works"]


def _fill(author, co_author, n: int) -> None:
    """n works, each with two creators, a relationship, characters and freeforms."""
    for i in range(n):
        WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud],
                    relationships=[f"A{i}/B{i}"], characters=[f"A{i}", f"B{i}"],
                    freeforms=["Fluff", f"Tag {i}"], categories=["Gen"],
                    chapters=["<p>one</p>", "<p>two</p>"])


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", LISTING_URLS)
@pytest.mark.parametrize("logged_in", [False, True], ids=["guest", "reader"])
def test_listing_queries_do_not_grow_with_the_number_of_works(
    author, co_author, reader, client, django_assert_num_queries, url, logged_in
):
    if logged_in:
        client.force_login(reader)
    _fill(author, co_author, 5)
    with_five = _queries(client, url)

    _fill(author, co_author, 20)  # 25 in all: a full page of 20

    with django_assert_num_queries(with_five):
        assert client.get(url).status_code == 200


def test_works_index_takes_a_handful_of_queries(author, co_author, client,
                                                django_assert_max_num_queries):
    _fill(author, co_author, 25)

    with django_assert_max_num_queries(6):
        client.get("/works")


def test_listing_of_many_users_works_is_not_one_query_per_creator(
    client, db, django_assert_num_queries
):
    for _ in range(3):
        WorkFactory(author=UserFactory())
    with_three = _queries(client, "/works")
    for _ in range(12):
        WorkFactory(author=UserFactory())

    with django_assert_num_queries(with_three):
        client.get("/works")
