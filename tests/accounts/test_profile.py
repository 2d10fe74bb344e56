"""The profile (/users/<name>/profile): about me (sanitized HTML, edited only by the user),
join date, pseuds, and the tabs on a user's pages counting what the visitor may see."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from fichive.accounts.services import profile_update, pseud_create
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.gifts.models import Gift
from fichive.gifts.services import gift_refuse, gifts_set
from fichive.series.services import series_add_work, series_create
from tests.factories import UserFactory, WorkFactory


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _tabs(page: str) -> dict[str, int]:
    """The counts on the tabs: {"Works": 2, "Series": 1, …}."""
    block = re.search(r'<ul class="navigation actions user-tabs".*?</ul>', page, re.S)
    assert block, "no tabs on the page"
    return {name: int(n) for name, n in re.findall(r">(\w+) \((\d+)\)<", block.group(0))}


def test_profile_shows_about_me_join_date_and_pseuds(client, author):
    pseud_create(user=author, name="Night Owl")
    profile_update(user=author, about_me="I write <em>quiet</em> stories.")

    page = _page(client.get("/users/alice/profile"))

    assert "I write <em>quiet</em> stories." in page
    assert f"I joined on:</dt><dd>{author.date_joined:%Y-%m-%d}</dd>" in page
    assert '<a href="/users/alice/pseuds/Night%20Owl">Night Owl</a>' in page
    assert "Edit my profile" not in page


def test_editing_the_profile_sanitizes_about_me(author_client, author):
    assert "About me" in _page(author_client.get("/users/alice/profile/edit"))

    response = author_client.post("/users/alice/profile/edit", {
        "about_me": 'Hi! <a href="javascript:alert(1)" onclick="x()">me</a>'
                    '<script>alert(2)</script><strong>bold</strong>'})

    assert response["Location"] == "/users/alice/profile"
    page = _page(author_client.get(response["Location"]))
    assert "Your profile was updated." in page
    assert "<strong>bold</strong>" in page
    for bad in ("javascript:", "onclick", "<script>", "alert(2)"):
        assert bad not in page
    author.refresh_from_db()
    assert "<script>" not in author.about_me and "javascript:" not in author.about_me


def test_about_me_has_a_limit_that_names_the_field(author_client, author):
    response = author_client.post("/users/alice/profile/edit", {"about_me": "x" * 2001})

    assert response.status_code == 400
    assert "About me is 2,001 characters long; the most is 2,000." in response.content.decode()
    author.refresh_from_db()
    assert author.about_me == ""


def test_others_cannot_edit_your_profile(reader_client, author):
    assert reader_client.get("/users/alice/profile/edit").status_code == 403
    assert reader_client.post("/users/alice/profile/edit",
                              {"about_me": "Hacked"}).status_code == 403
    author.refresh_from_db()
    assert author.about_me == ""


def test_guests_are_sent_to_log_in_to_edit_a_profile(client, author):
    assert client.get("/users/alice/profile/edit")["Location"].startswith("/login")


def test_unknown_users_have_no_profile(client, db):
    assert client.get("/users/nobody/profile").status_code == 404


@pytest.fixture
def alices_things(author, co_author, reader):
    """alice: a public work, a restricted one and a draft; a series with only the restricted
    work and one with the public work; a public and a private bookmark; gifts to her on a
    public work, a restricted work and a refused one."""
    public = WorkFactory(author=author, title="Public")
    members = WorkFactory(author=author, title="Members", restricted=True)
    WorkFactory(author=author, title="Draft", post=False)
    open_series = series_create(user=author, title="Open Series")
    series_add_work(user=author, series=open_series, work=public)
    closed_series = series_create(user=author, title="Members Series")
    series_add_work(user=author, series=closed_series, work=members)
    series_create(user=author, title="Empty Series")
    other = WorkFactory(author=co_author, title="Bob's")
    kept = WorkFactory(author=co_author, title="Kept")
    bookmark_create(user=author, work=other, pseud=author.default_pseud, data=BookmarkData())
    bookmark_create(user=author, work=kept, pseud=author.default_pseud,
                    data=BookmarkData(private=True))
    gifts_set(work=other, names="alice")
    gifts_set(work=WorkFactory(author=co_author, title="Members Gift", restricted=True),
              names="alice")
    gifts_set(work=WorkFactory(author=co_author, title="Refused Gift"), names="alice")
    gift_refuse(user=author, gift=Gift.objects.get(work__title="Refused Gift"))


@pytest.mark.parametrize(("viewer", "expected"), [
    (None, {"Works": 1, "Series": 1, "Bookmarks": 1, "Gifts": 1}),
    ("carol", {"Works": 2, "Series": 2, "Bookmarks": 1, "Gifts": 2}),
    # alice's own series list shows her an empty series too (to add works to), so her tab does.
    ("alice", {"Works": 2, "Series": 3, "Bookmarks": 2, "Gifts": 2}),
])
@pytest.mark.parametrize("url", ["/users/alice/profile", "/users/alice", "/users/alice/works",
                                 "/users/alice/bookmarks", "/users/alice/gifts",
                                 "/users/alice/pseuds", "/users/alice/pseuds/alice"])
def test_tabs_count_what_the_viewer_may_see(client, author, reader, alices_things, viewer,
                                            expected, url):
    if viewer:
        client.force_login(author if viewer == "alice" else reader)

    assert _tabs(_page(client.get(url))) == expected


def test_tabs_link_to_the_users_pages(client, author):
    page = _page(client.get("/users/alice/profile"))

    for href in ("/users/alice/works", "/users/alice/series", "/users/alice/bookmarks",
                 "/users/alice/gifts"):
        assert f'href="{href}"' in page


def test_the_profile_runs_a_fixed_number_of_queries(client, author, django_assert_num_queries):
    for i in range(3):
        pseud_create(user=author, name=f"Pen {i}")
        WorkFactory(author=author)
    other = UserFactory(username="erin")
    gifts_set(work=WorkFactory(author=other), names="alice")

    # user, pseuds, and the four counts
    with django_assert_num_queries(6):
        page = _page(client.get("/users/alice/profile"))
    assert escape("Pen 2") in page
