"""Series pages: the series page (details, stats and its parts as blurbs), who sees which
parts (restricted works, drafts), a user's series, and for creators editing, ordering,
removing a part and deleting the series."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.bookmarks.models import Bookmark
from fichive.series.models import Series, SeriesPart
from fichive.series.services import series_add_work, series_create
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def guest() -> Client:
    return Client()


@pytest.fixture
def mixed(author):
    """A series of four: a restricted work, a public one, a draft and another public one."""
    series = series_create(user=author, title="Team Seven Chronicles",
                           summary="<p>Missions, in order.</p>", notes="<p>Series notes.</p>")
    works = [
        WorkFactory(author=author, title="Hidden Beginning", restricted=True,
                    chapters=["<p>one two three</p>"]),
        WorkFactory(author=author, title="Open Middle", chapters=["<p>four five</p>"]),
        WorkFactory(author=author, title="Unposted Draft", post=False,
                    chapters=["<p>six seven eight nine</p>"]),
        WorkFactory(author=author, title="Open End", chapters=["<p>ten</p>"]),
    ]
    for work in works:
        series_add_work(user=author, series=series, work=work)
    return series, works


def test_the_series_page_shows_details_stats_and_parts_in_order(client, reader, mixed):
    series, works = mixed
    client.force_login(reader)
    page = _text(client.get(f"/series/{series.pk}"))
    assert "<h1 class=\"heading\">Team Seven Chronicles</h1>" in page
    assert "Missions, in order." in page and "Series notes." in page
    assert "Complete:</dt><dd class=\"complete\">No" in page
    assert "Series Begun:" in page and "Series Updated:" in page
    # The reader sees the restricted part; nobody but the creator knows of the draft.
    assert page.index("Part 1") < page.index("Hidden Beginning") < page.index("Part 2") \
        < page.index("Open Middle") < page.index("Part 3") < page.index("Open End")
    assert "Unposted Draft" not in page
    assert '<dd class="works">3</dd>' in page
    assert '<dd class="words">6</dd>' in page
    pseud = works[0].pseuds()[0]
    assert f'href="/users/{pseud.user.username}/pseuds/{pseud.name}"' in page


def test_guests_see_neither_restricted_nor_draft_parts_and_counts_leave_them_out(guest, mixed):
    series, _ = mixed
    page = _text(guest.get(f"/series/{series.pk}"))
    assert "Open Middle" in page and "Open End" in page
    assert "Hidden Beginning" not in page and "Unposted Draft" not in page
    assert '<dd class="works">2</dd>' in page
    assert '<dd class="words">3</dd>' in page
    # Parts keep the numbers AO3 gives them (the same for everyone): the draft isn't counted.
    assert "Part 2" in page and "Part 3" in page and "Part 1" not in page


def test_a_series_whose_parts_a_guest_may_not_see_is_404_for_them(guest, client, author, reader):
    series = series_create(user=author, title="Members Only")
    series_add_work(user=author, series=series,
                    work=WorkFactory(author=author, restricted=True, title="Locked"))
    assert guest.get(f"/series/{series.pk}").status_code == 404
    client.force_login(reader)
    assert "Locked" in _text(client.get(f"/series/{series.pk}"))


def test_an_empty_series_is_404_except_for_its_creators(guest, client, author, stranger):
    series = series_create(user=author, title="Not Yet")
    series_add_work(user=author, series=series, work=WorkFactory(author=author, post=False))
    assert guest.get(f"/series/{series.pk}").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/series/{series.pk}").status_code == 404
    client.force_login(author)
    page = _text(client.get(f"/series/{series.pk}"))
    assert "Not Yet" in page and "There are no works in this series" in page
    assert '<dd class="works">0</dd>' in page
    assert client.get("/series/999999").status_code == 404


def test_only_public_bookmarks_of_the_series_are_counted(client, author, reader, stranger,
                                                         mixed):
    series, _ = mixed
    Bookmark.objects.create(user=reader, pseud=reader.default_pseud, series=series)
    Bookmark.objects.create(user=stranger, pseud=stranger.default_pseud, series=series,
                            private=True)
    page = _text(client.get(f"/series/{series.pk}"))
    assert '<dd class="bookmarks">1</dd>' in page


def test_the_series_page_runs_the_same_queries_for_2_or_10_parts(
        client, author, django_assert_num_queries, settings):
    settings.FICHIVE_FRAGMENT_CACHE_MB = 16  # blurbs kept, as with the default disk cache
    counts = []
    for n in (2, 10):
        series = series_create(user=author, title=f"Run of {n}")
        for i in range(n):
            work = WorkFactory(author=author, title=f"Part work {n}-{i}",
                               freeforms=[f"Tag {i}"], characters=[f"Person {i}"])
            series_add_work(user=author, series=series, work=work)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/series/{series.pk}")
        assert response.status_code == 200
        assert f"Part work {n}-{n - 1}" in _text(response)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    # the series with its bookmarks count, its creators, its parts with the guest's
    # visibility, the parts' works (their tags, creators, gifts and series were kept by the
    # first visit, works/blurbs.py). (Another query string: the page itself is now in the
    # guests' cache, served with no query at all.)
    with django_assert_num_queries(0):
        client.get(f"/series/{series.pk}")
    with django_assert_num_queries(4):
        client.get(f"/series/{series.pk}?again")


def test_creators_edit_the_series_and_errors_name_the_field(client, author, mixed):
    series, _ = mixed
    client.force_login(author)
    assert "Edit Series" in _text(client.get(f"/series/{series.pk}"))
    response = client.post(f"/series/{series.pk}/edit", {"title": "  ", "summary": "x"})
    assert response.status_code == 200
    assert "Give the series a title." in _text(response)
    response = client.post(f"/series/{series.pk}/edit", {"title": "t" * 256})
    assert "The series title can be at most 255 characters long." in _text(response)
    response = client.post(f"/series/{series.pk}/edit", {
        "title": "Renamed Run", "summary": "<p>New <script>alert(1)</script>summary</p>",
        "notes": "", "complete": "on"})
    assert response.status_code == 302
    page = _text(client.get(f"/series/{series.pk}"))
    assert "Renamed Run" in page and "New summary" in page and "<script>" not in page
    assert "Complete:</dt><dd class=\"complete\">Yes" in page


def test_others_may_not_change_a_series(client, reader, guest, mixed):
    series, _ = mixed
    for url in (f"/series/{series.pk}/edit", f"/series/{series.pk}/manage",
                f"/series/{series.pk}/delete"):
        assert guest.get(url).status_code == 302  # to the log-in page
        client.force_login(reader)
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "Mine now"}).status_code == 403
    assert Series.objects.get(pk=series.pk).title == "Team Seven Chronicles"
    stranger_client = Client()
    stranger_client.force_login(UserFactory())
    private = series_create(user=series.creators.first().user, title="Unseen")
    assert stranger_client.get(f"/series/{private.pk}/edit").status_code == 404


def test_creators_reorder_parts_with_positions(client, author, mixed):
    series, works = mixed
    client.force_login(author)
    manage = _text(client.get(f"/series/{series.pk}/manage"))
    assert "Unposted Draft" in manage  # the creator's own draft, to place it too
    positions = {f"position-{w.pk}": str(4 - i) for i, w in enumerate(works)}
    response = client.post(f"/series/{series.pk}/manage", positions)
    assert response.status_code == 302
    assert list(series.parts.values_list("work_id", flat=True)) == [w.pk for w in works[::-1]]
    page = _text(client.get(f"/series/{series.pk}"))
    assert page.index("Open End") < page.index("Open Middle") < page.index("Hidden Beginning")
    bad = client.post(f"/series/{series.pk}/manage", {**positions,
                                                      f"position-{works[0].pk}": "first"})
    assert bad.status_code == 400
    assert "Position: give every part a whole-number position." in _text(bad)


def test_creators_remove_a_work_from_the_series(client, author, mixed):
    series, works = mixed
    client.force_login(author)
    url = f"/series/{series.pk}/works/{works[1].pk}/remove"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not SeriesPart.objects.filter(series=series, work=works[1]).exists()
    assert Work.objects.filter(pk=works[1].pk).exists()
    assert client.post(url).status_code == 404  # no longer a part


def test_deleting_a_series_asks_first_and_keeps_its_works(client, author, mixed):
    series, works = mixed
    client.force_login(author)
    confirm = client.get(f"/series/{series.pk}/delete")
    assert "Are you sure?" in _text(confirm) and "Team Seven Chronicles" in _text(confirm)
    assert Series.objects.filter(pk=series.pk).exists()
    response = client.post(f"/series/{series.pk}/delete")
    assert response.status_code == 302
    assert response["Location"] == f"/users/{author.username}/series"
    assert not Series.objects.filter(pk=series.pk).exists()
    assert Work.objects.filter(pk__in=[w.pk for w in works]).count() == 4


def test_a_users_series_page_lists_what_the_visitor_may_see(client, guest, author, reader,
                                                           mixed):
    series, _ = mixed
    locked = series_create(user=author, title="Locked Away")
    series_add_work(user=author, series=locked, work=WorkFactory(author=author, restricted=True))
    empty = series_create(user=author, title="Empty For Now")

    page = _text(guest.get(f"/users/{author.username}/series"))
    assert "Team Seven Chronicles" in page
    assert "Locked Away" not in page and "Empty For Now" not in page
    assert "1 Series by" in page
    assert '<dd class="works">2</dd>' in page and '<dd class="words">3</dd>' in page

    client.force_login(reader)
    page = _text(client.get(f"/users/{author.username}/series"))
    assert "Locked Away" in page and "Empty For Now" not in page
    assert '<dd class="works">3</dd>' in page

    client.force_login(author)
    page = _text(client.get(f"/users/{author.username}/series"))
    assert "Empty For Now" in page and f"/series/{empty.pk}" in page
    assert client.get("/users/nobody-here/series").status_code == 404


def test_a_users_series_page_runs_the_same_queries_for_1_or_8_series(client, author):
    counts = []
    for n in (1, 8):
        for i in range(n):
            series = series_create(user=author, title=f"Series {n}-{i}")
            series_add_work(user=author, series=series, work=WorkFactory(author=author))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/users/{author.username}/series")
        assert f"Series {n}-{n - 1}" in _text(response)
        counts.append(len(captured))
    assert counts[0] == counts[1]
