"""PDF and plain-text downloads: the title, byline, tags and every chapter's text are there;
nothing is fetched for a picture."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from fichive.formats import exporters
from fichive.formats.exporters import pdf as pdf_exporter
from tests.formats.exporters.conftest import book_of


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_pdf_has_title_byline_tags_and_every_chapter(full_work, db):
    data = exporters.export(book_of(full_work), "pdf")

    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == "The Lighthouse Ledger"
    text = _pdf_text(data)
    assert "The Lighthouse Ledger" in text
    assert "alice" in text and "Harbourmaster (bob)" in text
    assert "Teen And Up Audiences" in text and "Found Family" in text
    assert "Chapter 1: Counting" in text and "Chapter 2: Morning: Grey" in text
    for words in ("counted the ships twice", "over the harbour", "came home on the third night",
                  "Chapter one end notes", "Thanks for reading!"):
        assert words in text, words
    assert len(reader.pages) >= 4  # preface, a page per chapter, afterword


def test_pdf_of_every_allowed_tag_never_fetches_a_picture(html_work, db, monkeypatch):
    asked: list[str] = []
    original = pdf_exporter._no_fetching

    def spy(url, *args, **kwargs):
        asked.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(pdf_exporter, "_no_fetching", spy)
    text = _pdf_text(exporters.export(book_of(html_work), "pdf"))

    assert "[Image: A gull]" in text and "Emphasis around paragraphs." in text
    assert not [url for url in asked if "images.example.org" in url]


def test_plain_text_download_reads_like_the_work(full_work, db):
    text = exporters.export(book_of(full_work), "txt").decode("utf-8")

    assert text.startswith("The Lighthouse Ledger\n\nby alice, Harbourmaster (bob)\n")
    assert "Fandoms: Original Work, Lighthouses (Anthology)" in text  # as typed
    assert "Stats: Published: 2024-03-02 Updated: 2024-05-06 Words: " in text
    assert "Chapters: 3/4" in text
    assert ("Chapter 1: Counting\n\nChapter Summary:\n\nShe counts.\n\nChapter Notes:\n\n"
            "Chapter one notes.\n\nThe lighthouse keeper counted the ships twice.\n\n"
            "Once for the sea, and once for herself.") in text
    assert "Morning came grey and slow over the harbour.\n\n* * *\n\nLater." in text
    assert "End Notes:\n\nThanks for reading!" in text


@pytest.mark.parametrize(
    ("title", "slug"),
    [("The Lighthouse Ledger", "The_Lighthouse_Ledger"),
     ("Café & Crème: a “love” story?!", "Cafe_Creme_a_love_story"),
     ("The Keeper's Very Long Title Goes On And On", "The_Keepers_Very_Long"),
     ("灯台の夜", "Work_7"), ("Supercalifragilisticexpialidocious", "Supercalifragilisticexpi"),
     ("../../etc/passwd", "etc_passwd")],
)
def test_file_names_are_safe_ascii(title, slug):
    assert exporters.title_slug(title, work_id=7) == slug
