"""Series where works show: "Part N of" on the work page (with the neighbouring parts the
visitor may see) and at its end, on blurbs, the posting and editing form's "Part of a
series", the works listing's series filter, the API, and guests' cached pages keeping up."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.series.models import Series, SeriesPart
from fichive.series.services import series_add_work, series_create, series_update
from fichive.works.services import work_post
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import edit_form, work_form


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def guest() -> Client:
    return Client()


@pytest.fixture
def trilogy(author):
    """Restricted part 1, public part 2, public part 3."""
    series = series_create(user=author, title="Leaf Trilogy")
    works = [WorkFactory(author=author, title="Leaf One", restricted=True),
             WorkFactory(author=author, title="Leaf Two"),
             WorkFactory(author=author, title="Leaf Three")]
    for work in works:
        series_add_work(user=author, series=series, work=work)
    return series, works


def _series_block(page: str) -> str:
    return page[page.index('<dd class="series">'):page.index("</dd>",
                                                               page.index('<dd class="series">'))]


def test_the_work_page_says_part_n_of_the_series_with_neighbours(client, reader, trilogy):
    series, works = trilogy
    client.force_login(reader)
    page = _text(client.get(f"/works/{works[1].pk}"))
    block = _series_block(page)
    assert f'Part 2 of <a href="/series/{series.pk}">Leaf Trilogy</a>' in block
    assert f'class="previous" href="/works/{works[0].pk}"' in block
    assert f'class="next" href="/works/{works[2].pk}"' in block
    assert "Series this work belongs to:" in page


def test_guests_get_no_link_to_a_restricted_neighbour(guest, trilogy):
    series, works = trilogy
    block = _series_block(_text(guest.get(f"/works/{works[1].pk}")))
    assert "Part 2 of" in block
    assert "previous" not in block
    assert f'href="/works/{works[2].pk}"' in block


def test_a_guests_cached_work_page_follows_its_neighbours(guest, author, trilogy):
    series, works = trilogy
    later = WorkFactory(author=author, title="Leaf Four", post=False)
    series_add_work(user=author, series=series, work=later)
    first = _series_block(_text(guest.get(f"/works/{works[2].pk}")))
    assert "next" not in first
    work_post(user=author, work=later)  # a sibling's change retires this page too
    block = _series_block(_text(guest.get(f"/works/{works[2].pk}")))
    assert f'class="next" href="/works/{later.pk}"' in block
    series_update(user=author, series=series, title="Leaf Saga")
    assert "Leaf Saga" in _series_block(_text(guest.get(f"/works/{works[2].pk}")))


def test_a_guests_cached_series_page_follows_its_parts(guest, author, trilogy):
    series, works = trilogy
    assert "Leaf Two" in _text(guest.get(f"/series/{series.pk}"))
    assert guest.get(f"/series/{series.pk}").get("X-Fichive-Cache") == "hit"
    new = WorkFactory(author=author, title="Leaf Four", post=False)
    series_add_work(user=author, series=series, work=new)
    assert "Leaf Four" not in _text(guest.get(f"/series/{series.pk}"))
    work_post(user=author, work=new)
    assert "Leaf Four" in _text(guest.get(f"/series/{series.pk}"))


def test_blurbs_show_the_series_line_without_more_queries(client, author, trilogy,
                                                          django_assert_num_queries):
    series, works = trilogy
    page = _text(client.get("/works"))
    blurb = page[page.index(f'id="work_{works[2].pk}"'):]
    blurb = blurb[:blurb.index("</li>\n</ol>") if "</li>\n</ol>" in blurb else None]
    assert re.search(rf'Part <strong>3</strong> of <a href="/series/{series.pk}">'
                     r"Leaf Trilogy</a>", blurb)
    cache.clear()  # nothing kept from the visit above (counts, blurbs' tags and series)
    with CaptureQueriesContext(connection) as captured:
        client.get("/works?sort=title")
    for i in range(5):
        series_add_work(user=author, series=series_create(user=author, title=f"More {i}"),
                        work=WorkFactory(author=author))
    cache.clear()
    with django_assert_num_queries(len(captured)):
        client.get("/works?sort=title&order=asc")


def test_the_works_listing_filters_by_series(client, author, trilogy):
    series, works = trilogy
    WorkFactory(author=author, title="Standalone")
    page = _text(client.get(f"/works?series={series.pk}"))
    assert "Leaf Two" in page and "Leaf Three" in page
    assert "Standalone" not in page and "Leaf One" not in page
    assert f'name="series" value="{series.pk}"' in page
    bad = client.get("/works?series=first")
    assert bad.status_code == 400
    assert "The series must be given by its number" in _text(bad)


def test_the_api_says_which_series_a_work_is_part_of(client, trilogy):
    series, works = trilogy
    data = client.get(f"/api/v1/works/{works[2].pk}").json()
    assert data["series"] == [{"id": series.pk, "title": "Leaf Trilogy", "part": 3}]
    listed = client.get(f"/api/v1/works?series={series.pk}").json()["works"]
    assert sorted(w["title"] for w in listed) == ["Leaf Three", "Leaf Two"]
    assert all(w["series"][0]["title"] == "Leaf Trilogy" for w in listed)


def test_posting_a_work_into_a_new_series(client, author):
    client.force_login(author)
    response = client.post("/works/new", work_form(author, title="First Light",
                                                   series_title="  Dawn   Cycle "))
    assert response.status_code == 302
    series = Series.objects.get(title="Dawn Cycle")
    assert [p.work.title for p in series.parts.select_related("work")] == ["First Light"]
    assert list(series.creators.all()) == [author.default_pseud]
    page = _text(client.get(response["Location"]))
    assert f'Part 1 of <a href="/series/{series.pk}">Dawn Cycle</a>' in page


def test_posting_a_work_into_an_existing_series(client, author):
    series = series_create(user=author, title="Existing Run")
    series_add_work(user=author, series=series, work=WorkFactory(author=author))
    client.force_login(author)
    form = _text(client.get("/works/new"))
    assert "Add to one of your series" in form and "Existing Run" in form
    response = client.post("/works/new", work_form(author, title="Second", series=series.pk))
    assert response.status_code == 302
    assert [p.work.title for p in series.parts.select_related("work")][-1] == "Second"


def test_series_choices_are_validated_by_field(client, author, stranger):
    theirs = series_create(user=stranger, title="Not Yours")
    mine = series_create(user=author, title="Mine")
    client.force_login(author)
    response = client.post("/works/new", work_form(author, series=theirs.pk))
    assert response.status_code == 200
    assert "Choose one of your own series for “Add to one of your series”." in _text(response)
    response = client.post("/works/new", work_form(author, series=mine.pk,
                                                   series_title="Another"))
    assert "Choose one of your series or type a new series title, not both." in _text(response)
    response = client.post("/works/new", work_form(author, series_title="x" * 256))
    assert "The new series title can be at most 255 characters long." in _text(response)
    assert not SeriesPart.objects.exists()
    assert Series.objects.count() == 2


def test_the_edit_form_lists_the_series_and_removes_the_work(client, author, trilogy):
    series, works = trilogy
    client.force_login(author)
    form = _text(client.get(f"/works/{works[1].pk}/edit"))
    assert "Remove from series" in form and "Leaf Trilogy" in form
    response = client.post(f"/works/{works[1].pk}/edit",
                           edit_form(works[1], author, leave_series=[series.pk]))
    assert response.status_code == 302
    assert not SeriesPart.objects.filter(series=series, work=works[1]).exists()
    assert "Part of" not in _series_or_empty(_text(client.get(f"/works/{works[1].pk}")))


def _series_or_empty(page: str) -> str:
    return _series_block(page) if '<dd class="series">' in page else ""


def test_co_creators_who_are_not_series_creators_cannot_add_to_it(client, author):
    other = UserFactory()
    series = series_create(user=other, title="Someone Else's")
    client.force_login(author)
    work = WorkFactory(author=author)
    response = client.post(f"/works/{work.pk}/edit", edit_form(work, author, series=series.pk))
    assert response.status_code == 200
    assert "Choose one of your own series" in _text(response)
    assert not SeriesPart.objects.filter(series=series).exists()
