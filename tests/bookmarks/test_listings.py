"""Bookmark listings (/bookmarks, /users/<name>/bookmarks, /works/<id>/bookmarks): what each
visitor sees and counts, the works' filters on bookmarked works, the bookmarker's tags, recs
and notes, the sorts, and a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from fichive.bookmarks.services import BookmarkData, ExternalWorkData, external_work_bookmark_create
from fichive.tags.models import Tag
from fichive.tags.services import tag_make_canonical, tag_make_synonym
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory


def _titles(response) -> list[str]:
    """Titles of the bookmarked things on a listing page, in order."""
    html = response.content.decode()
    return re.findall(r'<h4 class="heading"><a href="[^"]*"(?: rel="[^"]*")?>([^<]+)</a>', html)


def _total(response) -> int:
    match = re.search(r"of ([\d,]+) Bookmarks?\b",
                      response.content.decode())
    return int(match.group(1).replace(",", "")) if match else 0


@pytest.fixture
def shelf(author, reader, stranger, make_bookmark):
    """carol's bookmarks of alice's works: public, private, of a restricted work and of a
    work that became a draft; dave's public bookmark of the public work."""
    public = WorkFactory(author=author, title="Open Book")
    restricted = WorkFactory(author=author, title="Members Only", restricted=True)
    hidden = WorkFactory(author=author, title="Gone Quiet")
    secret = WorkFactory(author=author, title="Secret Shelf")
    make_bookmark(reader, public, notes="so good", rec=True, tags=["Comfort"])
    make_bookmark(reader, restricted)
    make_bookmark(reader, hidden)
    make_bookmark(reader, secret, private=True)
    make_bookmark(stranger, public, tags=["Later"])
    Work.objects.filter(pk=hidden.pk).update(state=Work.State.DRAFT)
    return {"public": public, "restricted": restricted, "hidden": hidden, "secret": secret}


# Viewer → titles on /users/carol/bookmarks (newest bookmark first).
USER_LISTING = {
    "guest": ["Open Book"],
    "carol": ["Secret Shelf", "Members Only", "Open Book"],
    "dave": ["Members Only", "Open Book"],
    "alice": ["Members Only", "Open Book"],
}


@pytest.mark.parametrize("viewer", list(USER_LISTING))
def test_a_users_bookmarks_show_each_visitor_only_what_they_may_see(
    client, shelf, author, reader, stranger, viewer
):
    users = {"carol": reader, "dave": stranger, "alice": author}
    if viewer in users:
        client.force_login(users[viewer])
    response = client.get("/users/carol/bookmarks")
    assert response.status_code == 200
    assert _titles(response) == USER_LISTING[viewer]
    assert _total(response) == len(USER_LISTING[viewer])
    assert "Gone Quiet" not in response.content.decode()


@pytest.mark.parametrize("viewer", ["guest", "carol", "dave"])
def test_every_bookmark_listing_counts_only_what_the_visitor_sees(
    client, shelf, reader, stranger, viewer
):
    users = {"carol": reader, "dave": stranger}
    if viewer in users:
        client.force_login(users[viewer])
    response = client.get("/bookmarks")
    expected = {"guest": 2, "carol": 4, "dave": 3}[viewer]
    assert _total(response) == expected
    assert ("Secret Shelf" in response.content.decode()) == (viewer == "carol")
    assert ("Members Only" in response.content.decode()) == (viewer != "guest")


def test_a_works_bookmarks_list_its_public_bookmarks(client, shelf, reader):
    work = shelf["public"]
    response = client.get(f"/works/{work.pk}/bookmarks")
    page = response.content.decode()
    assert _total(response) == 2
    assert "Bookmarked by <a href=\"/users/carol/bookmarks\">carol</a>" in page
    assert "Bookmarked by <a href=\"/users/dave/bookmarks\">dave</a>" in page
    assert f"Bookmarks of {work.title}" in page


@pytest.mark.parametrize(("which", "viewer", "status"), [
    ("restricted", "guest", 404), ("restricted", "dave", 200), ("hidden", "dave", 404),
    ("hidden", "alice", 404), ("secret", "dave", 200),
])
def test_a_works_bookmarks_page_follows_the_works_visibility(
    client, shelf, author, stranger, which, viewer, status
):
    if viewer != "guest":
        client.force_login({"dave": stranger, "alice": author}[viewer])
    response = client.get(f"/works/{shelf[which].pk}/bookmarks")
    assert response.status_code == status
    if which == "secret":  # only a private bookmark: nothing to show dave
        assert _total(response) == 0
        assert "No bookmarks here yet." in response.content.decode()


def test_the_work_blurb_counts_public_bookmarks_only(client, shelf):
    response = client.get(f"/works/{shelf['public'].pk}/bookmarks")
    assert '<dt class="bookmarks">Bookmarks:</dt><dd>2</dd>' in response.content.decode()
    secret = client.get(f"/works/{shelf['secret'].pk}")
    assert '<dt class="bookmarks">' not in secret.content.decode()


def test_unknown_users_and_works_are_404(client, db):
    assert client.get("/users/nobody/bookmarks").status_code == 404
    assert client.get("/works/999999/bookmarks").status_code == 404


def test_recs_only_and_with_notes(client, shelf):
    assert _titles(client.get("/users/carol/bookmarks?rec=true")) == ["Open Book"]
    assert _titles(client.get("/users/carol/bookmarks?with_notes=true")) == ["Open Book"]
    everyone = client.get("/bookmarks?rec=true")
    assert _total(everyone) == 1


def test_the_bookmarkers_tags_include_and_exclude(client, shelf):
    page = client.get("/bookmarks?bookmark_include=comfort")
    assert _total(page) == 1 and "Bookmarked by <a href=\"/users/carol" in page.content.decode()
    assert _total(client.get("/bookmarks?bookmark_exclude=Comfort")) == 1
    assert _total(client.get("/bookmarks?bookmark_include=Comfort,Later")) == 0


def test_a_bookmarker_tag_is_found_under_its_canonical_name(client, shelf):
    comfort = Tag.objects.get(name="Comfort")
    canonical = Tag.objects.create(type=Tag.Type.FREEFORM, name="Comfort Reading")
    tag_make_canonical(actor=None, tag=canonical)
    tag_make_synonym(actor=None, tag=comfort, of=canonical)
    assert _total(client.get("/bookmarks?bookmark_include=Comfort Reading")) == 1
    assert _total(client.get("/bookmarks?bookmark_include=Comfort")) == 1


def test_unknown_bookmarker_tags_are_said_not_errors(client, shelf):
    response = client.get("/bookmarks?bookmark_include=Nope&bookmark_exclude=Neither")
    page = response.content.decode()
    assert response.status_code == 200
    assert "No bookmark is tagged “Nope”" in page
    assert "No bookmark is tagged “Neither”, so nothing was excluded" in page
    assert _total(response) == 0


def test_the_works_filters_apply_to_the_bookmarked_works(client, author, reader, make_bookmark):
    naruto = WorkFactory(author=author, title="Ninja Way", fandoms=["Naruto"],
                         chapters=["<p>" + "word " * 300 + "</p>"], expected_chapters=1)
    WorkFactory(author=author, title="Plain", fandoms=["Original Work"])
    for work in Work.objects.all():
        make_bookmark(reader, work)
    Tag.objects.update(canonical=True)
    assert _titles(client.get("/bookmarks?include=Naruto")) == ["Ninja Way"]
    assert _titles(client.get("/bookmarks?exclude=Naruto")) == ["Plain"]
    assert _titles(client.get("/bookmarks?words_from=100")) == ["Ninja Way"]
    assert _titles(client.get("/bookmarks?complete=yes")) == ["Ninja Way"]
    page = client.get("/bookmarks").content.decode()
    assert "Sort and Filter" in page and 'value="Naruto"' in page  # the sidebar's facets
    assert naruto.title in page


def test_external_works_are_listed_and_left_out_by_work_filters(client, reader, shelf):
    external_work_bookmark_create(
        user=reader, pseud=reader.default_pseud, data=BookmarkData(),
        external=ExternalWorkData(title="Far Story", creator="Someone",
                                  url="https://far.example/1"))
    assert "Far Story" in _titles(client.get("/bookmarks"))
    Tag.objects.update(canonical=True)
    assert "Far Story" not in _titles(client.get("/bookmarks?include=Original Work"))


def test_bookmark_sorts(client, author, reader, make_bookmark, stranger):
    first = WorkFactory(author=author, title="Apple")
    second = WorkFactory(author=author, title="Banana")
    make_bookmark(reader, second)
    make_bookmark(reader, first)
    make_bookmark(stranger, second)
    url = "/users/carol/bookmarks"
    assert _titles(client.get(url)) == ["Apple", "Banana"]  # newest bookmark first
    assert _titles(client.get(url + "?order=asc")) == ["Banana", "Apple"]
    assert _titles(client.get(url + "?sort=title")) == ["Apple", "Banana"]
    assert _titles(client.get(url + "?sort=bookmarks")) == ["Banana", "Apple"]
    assert _titles(client.get(url + "?sort=bookmarks&order=asc")) == ["Apple", "Banana"]


@pytest.mark.parametrize("query", [
    "sort=sideways", "order=up", "words_from=many", "updated_from=yesterday", "page=0",
    "rating=Spicy", "language=xx", "bookmark_include=" + "x" * 200, "words_from=5&words_to=1",
    "complete=maybe",
])
def test_bad_filters_are_explained_with_a_400(client, shelf, query):
    response = client.get(f"/bookmarks?{query}")
    assert response.status_code == 400
    assert "Some filters need fixing" in response.content.decode()


def test_paging_past_the_end_says_there_are_no_bookmarks_there(client, shelf):
    response = client.get("/bookmarks?page=99")
    assert response.status_code == 200
    assert "There are no bookmarks on page 99." in response.content.decode()


def test_the_works_listing_sorts_by_bookmarks_and_shows_the_counts(
    client, author, make_bookmark
):
    quiet = WorkFactory(author=author, title="Quiet One")
    loved = WorkFactory(author=author, title="Loved One")
    for _ in range(3):
        make_bookmark(UserFactory(), loved)
    make_bookmark(UserFactory(), quiet)
    make_bookmark(UserFactory(), quiet, private=True)
    response = client.get("/works?sort=bookmarks")
    titles = re.findall(r'<h4 class="heading"><a href="/works/\d+">([^<]+)</a>',
                        response.content.decode())
    assert titles == ["Loved One", "Quiet One"]
    page = response.content.decode()
    assert '<dt class="bookmarks">Bookmarks:</dt><dd>3</dd>' in page
    assert '<dt class="bookmarks">Bookmarks:</dt><dd>1</dd>' in page
    cache.clear()
    asc = client.get("/works?sort=bookmarks&order=asc").content.decode()
    assert asc.index("Quiet One") < asc.index("Loved One")


# Queries of a listing page for a guest: count, page, the page's bookmark tags, its works'
# blurbs (two), the sidebar counts; plus the listing's user or work, one per kind of tag
# names given, and for a logged-in visitor the session and the user.
URLS = {
    "/bookmarks": 6,
    "/bookmarks?include=Naruto&bookmark_include=Mine&rec=true&sort=kudos": 8,
    # (+4 on a user's page: the tabs count their works, series, bookmarks and gifts)
    "/users/alice/bookmarks": 7 + 4,
    "/users/alice/bookmarks?exclude=Angst&bookmark_exclude=Other&with_notes=true": 9 + 4,
    "/works/{work}/bookmarks": 7,
}


def _bookmarks(author, work, n: int, first: int = 0) -> None:
    from fichive.bookmarks.services import bookmark_create

    for i in range(first, first + n):
        user = UserFactory()
        target = WorkFactory(author=user, title=f"A Story {i}", fandoms=["Naruto"],
                             freeforms=["Fluff", f"Tag {i}"])
        bookmark_create(user=author, work=target, pseud=author.default_pseud,
                        data=BookmarkData(notes="n", rec=True, tags=["Mine", f"Own {i}"]))
        bookmark_create(user=user, work=work, pseud=user.default_pseud,
                        data=BookmarkData(notes="n", tags=["Mine"]))
    Tag.objects.update(canonical=True)


@pytest.mark.parametrize("url", list(URLS))
@pytest.mark.parametrize("logged_in", [False, True], ids=["guest", "reader"])
def test_listing_queries_are_the_same_for_3_and_30_bookmarks(
    client, author, reader, work, django_assert_num_queries, url, logged_in
):
    if logged_in:
        client.force_login(reader)
    expected = URLS[url] + (3 if logged_in else 0)  # session, user, header's inbox count
    url = url.replace("{work}", str(work.pk))
    _bookmarks(author, work, 3)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert _total(response) >= 3
    _bookmarks(author, work, 27, first=3)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert _total(response) >= 20


def test_the_work_pages_bookmark_action_costs_one_query(
    client, reader, work, make_bookmark, django_assert_num_queries
):
    client.force_login(reader)
    client.get(f"/works/{work.pk}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        client.get(f"/works/{work.pk}")
    make_bookmark(reader, work)
    with django_assert_num_queries(len(without)):
        page = client.get(f"/works/{work.pk}")
    assert "Edit Bookmark" in page.content.decode()
    assert sum("bookmarks_bookmark" in q["sql"] for q in without.captured_queries) == 1


def test_a_guests_kept_page_of_a_works_bookmarks_follows_every_change(
    client, work, reader, stranger, make_bookmark, django_assert_num_queries
):
    from fichive.bookmarks.models import Bookmark
    from fichive.bookmarks.services import bookmark_delete, bookmark_update

    url = f"/works/{work.pk}/bookmarks"
    assert "No bookmarks here yet." in client.get(url).content.decode()
    with django_assert_num_queries(0):  # kept
        assert "No bookmarks here yet." in client.get(url).content.decode()
    bookmark = make_bookmark(reader, work, notes="first words")
    assert "first words" in client.get(url).content.decode()
    bookmark_update(user=reader, bookmark=bookmark, pseud=reader.default_pseud,
                    data=BookmarkData(notes="second words", tags=["Retold"]))
    page = client.get(url).content.decode()
    assert "second words" in page and "Retold" in page
    make_bookmark(stranger, work, private=True, notes="dave's secret")
    assert "dave's secret" not in client.get(url).content.decode()
    bookmark_delete(user=reader, bookmark=Bookmark.objects.get(user=reader))
    assert "second words" not in client.get(url).content.decode()
