"""The download layout, AO3's structure in our own words (REFERENCE.md, "AO3 download
files"): a preface (where the work was posted, its tags and stats, title, byline, summary,
notes), the chapters (headings, chapter summaries and notes, text, end notes) and an
afterword (end notes and a closing message). HTML fragments every format builds on."""

from __future__ import annotations

from django.template.loader import render_to_string

from fichive.formats.exporters.book import Book, BookChapter


def preface_html(book: Book, *, endnotes_href: str = "#endnotes") -> str:
    return render_to_string("formats/download/_preface.html",
                            {"book": book, "endnotes_href": endnotes_href})


def chapters_html(book: Book, chapters: list[BookChapter]) -> str:
    return render_to_string("formats/download/_chapters.html",
                            {"book": book, "chapters": chapters})


def afterword_html(book: Book) -> str:
    return render_to_string("formats/download/_afterword.html", {"book": book})


def stylesheet() -> str:
    return render_to_string("formats/download/book.css")


def html_page(book: Book, body: str, *, css: str | None = None) -> str:
    """A whole HTML document around `body` (HTML), with the stylesheet inline."""
    return render_to_string("formats/download/work.html",
                            {"book": book, "body": body,
                             "css": stylesheet() if css is None else css})
