"""Downloads say which series a work is part of, as AO3's do: "Series: Part N of <title>" in
the preface of every format, Calibre's series fields in the EPUB's OPF (still valid for
epubcheck), and our own HTML and EPUB downloads import back with their series."""

from __future__ import annotations

import io
import zipfile

import pytest

from fichive.formats import exporters
from fichive.formats.services import ImportOptions, parse_file
from fichive.series.services import series_add_work, series_create
from fichive.works.services import ChapterText
from tests.factories import WorkFactory
from tests.formats.exporters.conftest import book_of, epubcheck, make_work


@pytest.fixture
def full_work(author):
    """Two chapters, with a summary and notes, and an ampersand in nothing but its series."""
    return make_work(author, title="The Lighthouse Ledger", summary="<p>A keeper.</p>",
                     notes="<p>Notes.</p>", end_notes="<p>Thanks!</p>",
                     chapters=[ChapterText(content="<p>One night.</p>", title="Counting"),
                               ChapterText(content="<p>Two nights.</p>")])


def _in_series(author, full_work):
    first = WorkFactory(author=author, title="Before the Ledger")
    series = series_create(user=author, title="Lights & Harbours")
    series_add_work(user=author, series=series, work=first)
    series_add_work(user=author, series=series, work=full_work)
    later = series_create(user=author, title="Second Run")
    series_add_work(user=author, series=later, work=full_work)
    return series


def test_epub_names_its_first_series_for_calibre_and_passes_epubcheck(
        author, full_work, tmp_path, db):
    series = _in_series(author, full_work)
    data = exporters.export(book_of(full_work), "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        opf = book.read("EPUB/content.opf").decode()
        preface = book.read("EPUB/preface.xhtml").decode()
    assert '<meta name="calibre:series" content="Lights &amp; Harbours"' in opf
    assert '<meta name="calibre:series_index" content="2"' in opf
    assert "Part 2 of" in preface and f"/series/{series.pk}" in preface
    assert "Part 1 of" in preface and "Second Run" in preface
    path = tmp_path / "series.epub"
    path.write_bytes(data)
    epubcheck(path)


def test_html_pdf_and_txt_prefaces_show_the_series(author, full_work, db):
    _in_series(author, full_work)
    book = book_of(full_work)
    html = exporters.export(book, "html").decode()
    assert '<dt class="series">Series:</dt>' in html
    assert "Part 2 of <a href=\"https://fics.example.org/series/" in html
    txt = exporters.export(book, "txt").decode()
    assert "Series: Part 2 of Lights & Harbours, Part 1 of Second Run" in txt
    assert exporters.export(book, "pdf").startswith(b"%PDF")


def test_our_html_and_epub_downloads_import_back_with_their_series(author, full_work, db):
    _in_series(author, full_work)
    for extension in ("html", "epub"):
        data = exporters.export(book_of(full_work), extension)
        parsed = parse_file(data, filename=f"work.{extension}", options=ImportOptions())
        assert parsed.format == "ao3"
        assert parsed.title == "The Lighthouse Ledger"
        assert ("Lights & Harbours", 2) in parsed.series


def test_a_work_in_no_series_has_no_series_line(full_work, db):
    book = book_of(full_work)
    assert "Series:" not in exporters.export(book, "txt").decode()
    with zipfile.ZipFile(io.BytesIO(exporters.export(book, "epub"))) as epub:
        assert "calibre:series" not in epub.read("EPUB/content.opf").decode()
