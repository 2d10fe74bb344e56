"""Imports with series: an AO3 download's "Part N of <title>" puts the work in the importer's
own series of that title, ordered by N however the parts arrive."""

from __future__ import annotations

from django.test import Client

from fichive.formats.services import ImportOptions, works_import, works_import_files
from fichive.series.models import Series, SeriesCreatorship
from tests.formats import epub_builders as build
from tests.formats.builders import ao3_html, ao3_work


def _html(work_id: int, title: str, series: list[tuple[str, int]]) -> bytes:
    return ao3_html(ao3_work(work_id=work_id, title=title, series=series)).encode()


def _import(user, data: bytes, name: str, **options) -> list:
    return list(works_import(data=data, filename=name, user=user,
                             options=ImportOptions(**options)))


def _parts(series: Series) -> list[str]:
    return list(series.parts.values_list("work__title", flat=True))


def test_ao3_html_parts_imported_in_any_order_stand_in_part_order(author, co_author):
    for number, work_id in [(3, 103), (1, 101), (2, 102)]:
        [result] = _import(author, _html(work_id, f"Chapter of Bells {number}",
                                         [("Team Seven", number)]), f"{work_id}.html")
        assert result.status == "created"
    series = Series.objects.get()
    assert series.title == "Team Seven"
    assert _parts(series) == ["Chapter of Bells 1", "Chapter of Bells 2", "Chapter of Bells 3"]
    assert list(SeriesCreatorship.objects.values_list("pseud", flat=True)) == [
        author.default_pseud.pk]
    # Another importer's file of the same series makes their own series.
    _import(co_author, _html(201, "Bob's Copy", [("team seven", 4)]), "b.html")
    assert Series.objects.count() == 2
    # The importer's own series is found whatever the letter case.
    _import(author, _html(104, "Chapter of Bells 4", [("TEAM SEVEN", 4)]), "104.html")
    assert _parts(Series.objects.get(creators__user=author)) == [
        f"Chapter of Bells {n}" for n in range(1, 5)]


def test_a_work_in_two_series_joins_both_and_reimports_add_no_part(author):
    data = _html(300, "Crossroads", [("Lights, Along the Coast", 2), ("Tidewater", 11)])
    _import(author, data, "x.html")
    assert sorted(Series.objects.values_list("title", flat=True)) == [
        "Lights, Along the Coast", "Tidewater"]
    [skipped] = _import(author, data, "x.html")
    [updated] = _import(author, data, "x.html", on_duplicate="update")
    assert (skipped.status, updated.status) == ("skipped", "updated")
    assert Series.objects.count() == 2
    assert all(_parts(s) == ["Crossroads"] for s in Series.objects.all())


def test_ao3_epubs_in_one_batch_are_ordered_by_part(author, client: Client):
    files = [(f"{n}.epub", build.ao3_epub(ao3_work(work_id=400 + n, title=f"Harbour {n}",
                                                   series=[("Harbour Letters", n)])))
             for n in (2, 3, 1)]
    results = works_import_files(files=files, user=author, options=ImportOptions())
    assert [r.status for [r] in results] == ["created"] * 3
    series = Series.objects.get(title="Harbour Letters")
    assert _parts(series) == ["Harbour 1", "Harbour 2", "Harbour 3"]
    # The imported series shows in the listings as any other would: bookmarkable by readers.
    response = client.get(f"/series/{series.pk}/bookmarks")
    assert response.status_code == 200
    assert "Harbour Letters" in response.content.decode()


def test_a_draft_import_is_a_part_hidden_until_posted(author, client: Client):
    _import(author, _html(500, "Not Yet", [("Quiet Ones", 1)]), "d.html", draft=True)
    series = Series.objects.get()
    assert _parts(series) == ["Not Yet"]
    assert client.get(f"/series/{series.pk}/bookmarks").status_code == 404
