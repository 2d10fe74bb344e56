"""Bookmarks of series: the form at /series/<id>/bookmarks/new, the series blurb in the
listings and on the bookmark's page, and who sees them (a series is there for a visitor
while one of its works is)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from fichive.bookmarks.models import Bookmark
from fichive.bookmarks.services import BookmarkData, series_bookmark_create
from fichive.series.services import series_add_work, series_create
from tests.factories import UserFactory, WorkFactory


def _series(author, *works, title="Team Seven", summary="<p>Three kids and a bell.</p>"):
    series = series_create(user=author, title=title, summary=summary)
    for work in works:
        series_add_work(user=author, series=series, work=work)
    return series


@pytest.fixture
def series(author):
    one = WorkFactory(author=author, title="Bells", chapters=["<p>" + "word " * 100 + "</p>"])
    two = WorkFactory(author=author, title="Bridges",
                      chapters=["<p>" + "word " * 50 + "</p>"], restricted=True)
    return _series(author, one, two)


def _text(response) -> str:
    return response.content.decode()


def test_a_reader_bookmarks_a_series_from_its_form(reader_client, reader, series):
    response = reader_client.get(f"/series/{series.pk}/bookmarks/new")
    assert response.status_code == 200
    page = _text(response)
    assert "Bookmark this series" in page
    assert "Team Seven" in page and "Three kids and a bell." in page
    assert 'href="/series/' + str(series.pk) + '"' in page

    response = reader_client.post(f"/series/{series.pk}/bookmarks/new",
                                  {"pseud": reader.default_pseud.pk, "notes": "Read it all.",
                                   "tags": "Favourite, Team", "rec": "on"})
    assert response.status_code == 302
    bookmark = Bookmark.objects.get(user=reader)
    assert bookmark.series == series and bookmark.work is None and bookmark.rec
    page = _text(reader_client.get(response["Location"]))
    assert "Team Seven" in page and "Read it all." in page and "Favourite" in page
    assert "Every bookmark of this series" in page
    # A second visit to the form leads to the bookmark's edit form.
    again = reader_client.get(f"/series/{series.pk}/bookmarks/new")
    assert again.status_code == 302 and again["Location"] == f"/bookmarks/{bookmark.pk}/edit"
    edit = reader_client.get(again["Location"])
    assert edit.status_code == 200 and "Team Seven" in _text(edit)


def test_the_series_blurb_counts_only_the_works_the_visitor_may_see(
        client, reader, series):
    bookmark = series_bookmark_create(user=reader, series=series, pseud=reader.default_pseud,
                                      data=BookmarkData(notes="Mine."))
    guest = _text(client.get(f"/bookmarks/{bookmark.pk}"))
    assert re.search(r'<dd class="works">1</dd>', guest)  # the restricted work is left out
    assert re.search(r'<dd class="words">100</dd>', guest)
    client.force_login(reader)
    logged_in = _text(client.get(f"/bookmarks/{bookmark.pk}"))
    assert re.search(r'<dd class="works">2</dd>', logged_in)
    assert re.search(r'<dd class="words">150</dd>', logged_in)
    assert ">alice</a>" in logged_in  # the series' creator


def test_a_series_whose_works_the_visitor_may_not_see_hides_its_bookmarks(
        client, author, reader, stranger):
    hidden = WorkFactory(author=author, title="Members Only", restricted=True)
    draft = WorkFactory(author=author, title="Not Yet", post=False)
    series = _series(author, hidden, draft, title="Locked Away")
    series_bookmark_create(user=reader, series=series, pseud=reader.default_pseud,
                           data=BookmarkData(notes="Shh."))
    bookmark = Bookmark.objects.get(series=series)
    # Guests: no page, no listing entry, no count, no form.
    assert client.get(f"/bookmarks/{bookmark.pk}").status_code == 404
    listing = _text(client.get(f"/users/{reader.username}/bookmarks"))
    assert "Locked Away" not in listing
    assert "Shh." not in _text(client.get("/bookmarks"))
    assert client.get(f"/series/{series.pk}/bookmarks").status_code == 404
    # A logged-in visitor sees the restricted work, so the series and the bookmark.
    client.force_login(stranger)
    assert client.get(f"/bookmarks/{bookmark.pk}").status_code == 200
    assert "Locked Away" in _text(client.get(f"/users/{reader.username}/bookmarks"))
    # Once no work of it is left to see, not even for logged-in visitors.
    hidden.delete()
    assert client.get(f"/bookmarks/{bookmark.pk}").status_code == 404
    assert client.get(f"/series/{series.pk}/bookmarks/new").status_code == 404


def test_a_series_of_drafts_cannot_be_bookmarked(reader_client, author):
    series = _series(author, WorkFactory(author=author, post=False), title="Drafts")
    assert reader_client.get(f"/series/{series.pk}/bookmarks/new").status_code == 404
    assert reader_client.post(f"/series/{series.pk}/bookmarks/new",
                              {"notes": "x"}).status_code == 404
    assert not Bookmark.objects.exists()


def test_the_form_names_the_field_that_is_wrong(reader_client, reader, series):
    response = reader_client.post(f"/series/{series.pk}/bookmarks/new",
                                  {"pseud": reader.default_pseud.pk, "notes": "x" * 5001})
    assert response.status_code == 400
    assert "Notes are 5,001 characters long; the most is 5,000." in _text(response)
    response = reader_client.post(f"/series/{series.pk}/bookmarks/new", {"pseud": "999999"})
    assert response.status_code == 400
    assert "Choose one of your own pseuds." in _text(response)
    assert not Bookmark.objects.exists()


def test_a_series_is_bookmarked_once_per_user(reader, series):
    series_bookmark_create(user=reader, series=series, pseud=reader.default_pseud,
                           data=BookmarkData())
    with pytest.raises(ValidationError):
        series_bookmark_create(user=reader, series=series, pseud=reader.default_pseud,
                               data=BookmarkData())
    assert Bookmark.objects.count() == 1


def test_private_series_bookmarks_show_only_to_their_bookmarker(client, reader, stranger,
                                                                series):
    series_bookmark_create(user=reader, series=series, pseud=reader.default_pseud,
                           data=BookmarkData(notes="Secret notes.", private=True))
    client.force_login(stranger)
    assert "Secret notes." not in _text(client.get(f"/users/{reader.username}/bookmarks"))
    client.force_login(reader)
    page = _text(client.get(f"/users/{reader.username}/bookmarks"))
    assert "Secret notes." in page and "Team Seven" in page


def test_the_series_bookmarks_page_lists_them_with_the_series_blurb(
        client, reader, stranger, series):
    series_bookmark_create(user=reader, series=series, pseud=reader.default_pseud,
                           data=BookmarkData(notes="From carol."))
    series_bookmark_create(user=stranger, series=series, pseud=stranger.default_pseud,
                           data=BookmarkData(notes="From dave."))
    response = client.get(f"/series/{series.pk}/bookmarks")
    assert response.status_code == 200
    page = _text(response)
    assert "Bookmarks of Team Seven" in page
    assert "From carol." in page and "From dave." in page
    assert "Three kids and a bell." in page
    # A work filter leaves series bookmarks out (they have no work to filter), as it does
    # external works'.
    filtered = client.get(f"/series/{series.pk}/bookmarks?words_from=1")
    assert filtered.status_code == 200
    assert "From carol." not in _text(filtered)


def test_editing_and_deleting_a_series_bookmark(reader_client, reader, series):
    bookmark = series_bookmark_create(user=reader, series=series, pseud=reader.default_pseud,
                                      data=BookmarkData(notes="Before."))
    response = reader_client.post(f"/bookmarks/{bookmark.pk}/edit",
                                  {"pseud": reader.default_pseud.pk, "notes": "After."})
    assert response.status_code == 302
    bookmark.refresh_from_db()
    assert "After." in bookmark.notes
    confirm = _text(reader_client.get(f"/bookmarks/{bookmark.pk}/delete"))
    assert "“Team Seven”" in confirm
    assert reader_client.post(f"/bookmarks/{bookmark.pk}/delete").status_code == 302
    assert not Bookmark.objects.exists()


def _series_bookmarks(owner, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        creator = UserFactory()
        works = [WorkFactory(author=creator, title=f"Part {j} of {i}") for j in range(2)]
        series = _series(creator, *works, title=f"Series {i}")
        series_bookmark_create(user=owner, series=series, pseud=owner.default_pseud,
                               data=BookmarkData(notes="n", tags=["Mine"]))


@pytest.mark.parametrize("logged_in", [False, True], ids=["guest", "reader"])
def test_listing_queries_do_not_grow_with_series_bookmarks(
        client, author, reader, work, django_assert_num_queries, logged_in):
    """A page of series bookmarks costs the same for 3 and 30 of them: two queries more
    than a page of works' bookmarks (the series with their counts, their creators)."""
    if logged_in:
        client.force_login(reader)
    _series_bookmarks(author, 3)
    url = f"/users/{author.username}/bookmarks"
    client.get(url)  # (warm what every page reads once)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200 and "Series 2" in _text(response)
    _series_bookmarks(author, 27, first=3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "Series 29" in _text(response)
