"""EPUB downloads: valid EPUB 3 (epubcheck) for ordinary and unusual works, with the
metadata readers' libraries show, and pictures left where they are."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from fichive.formats import exporters
from tests.formats.exporters.conftest import book_of, epubcheck


@pytest.mark.parametrize("fixture", ["full_work", "one_shot", "unusual_work", "html_work"])
def test_epub_passes_epubcheck(fixture, request, tmp_path, db):
    work = request.getfixturevalue(fixture)
    path = tmp_path / f"{fixture}.epub"
    path.write_bytes(exporters.export(book_of(work), "epub"))
    epubcheck(path)


def _opf(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read("EPUB/content.opf").decode("utf-8")


def test_epub_metadata_names_the_work_creators_tags_and_archive(full_work, db):
    data = exporters.export(book_of(full_work), "epub")
    opf = _opf(data)

    assert data[30:38] == b"mimetype" and data[38:58] == b"application/epub+zip"
    url = f"https://fics.example.org/works/{full_work.pk}"
    assert f'<dc:identifier id="id">{url}</dc:identifier>' in opf
    assert "<dc:title>The Lighthouse Ledger</dc:title>" in opf
    assert ">alice</dc:creator>" in opf and ">Harbourmaster (bob)</dc:creator>" in opf
    assert "<dc:description>A keeper counts ships.\n\nA second summary paragraph." in opf
    assert "<dc:language>en</dc:language>" in opf
    assert "<dc:publisher>Lantern Archive</dc:publisher>" in opf
    assert "<dc:date>2024-03-02</dc:date>" in opf
    for tag in ("Teen And Up Audiences", "Slow Burn", "Keeper/Harbourmaster", "F/F"):
        assert f"<dc:subject>{tag}</dc:subject>" in opf
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = set(book.namelist())
        nav = book.read("EPUB/nav.xhtml").decode()
    assert {"EPUB/preface.xhtml", "EPUB/chapter-001.xhtml", "EPUB/chapter-003.xhtml",
            "EPUB/afterword.xhtml", "EPUB/toc.ncx", "EPUB/style/book.css"} <= names
    assert "Chapter 2: Morning: Grey" in nav


def test_right_to_left_work_turns_pages_right_to_left(unusual_work, db):
    data = exporters.export(book_of(unusual_work), "epub")

    assert 'page-progression-direction="rtl"' in _opf(data)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        chapter = book.read("EPUB/chapter-001.xhtml").decode()
    assert 'lang="he" xml:lang="he" dir="rtl"' in chapter
    assert "第一章 «Début»" in chapter and "灯台守は船を数えた。" in chapter


def test_epub_pictures_become_links_and_old_markup_valid_markup(html_work, db):
    data = exporters.export(book_of(html_work), "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        chapter = book.read("EPUB/chapter-001.xhtml").decode()
        assert not [n for n in book.namelist() if n.endswith((".png", ".jpg"))]

    assert "<img" not in chapter
    assert ('<a href="https://images.example.org/gull.png" class="image-link">'
            "[Image: A gull]</a>") in chapter
    assert '<span class="image-link">[Image: Linked]</span>' in chapter  # no link in a link
    assert ('<span id="top">anchor</span> <a href="#top" rel="nofollow">back to the top</a>'
            in chapter)
    assert "<span>dangling</span>" in chapter
    assert 'href="https://fics.example.org/works/1"' in chapter
    assert '<div class="center">An old centre tag</div>' in chapter
    assert re.search(r'<div class="inline-em">\s*<p>Emphasis around paragraphs.</p>', chapter)

