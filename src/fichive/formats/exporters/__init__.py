"""Exporters: a work as EPUB, PDF, HTML or plain text, laid out like AO3's downloads
(REFERENCE.md, "AO3 download files"), for readers to take to their e-readers.

AO3 also offers AZW3 and MOBI; those need Calibre's converters, so Fichive leaves them out
(any e-reader app, and Calibre itself, reads the EPUB).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from fichive.formats.exporters.book import Book, book_from_work, title_slug
from fichive.works.models import Work

__all__ = ["FORMATS", "Book", "DownloadFormat", "book_from_work", "download_links",
           "download_path", "export", "title_slug"]


def _epub(book: Book) -> bytes:
    from fichive.formats.exporters.epub import build_epub

    return build_epub(book)


def _pdf(book: Book) -> bytes:
    from fichive.formats.exporters.pdf import build_pdf

    return build_pdf(book)


def _html(book: Book) -> bytes:
    from fichive.formats.exporters.html import build_html

    return build_html(book)


def _txt(book: Book) -> bytes:
    from fichive.formats.exporters.txt import build_txt

    return build_txt(book)


@dataclass(frozen=True)
class DownloadFormat:
    extension: str
    label: str
    content_type: str
    build: Callable[[Book], bytes]


# In the order the Download menu lists them (AO3's, less AZW3 and MOBI, plus plain text).
FORMATS: dict[str, DownloadFormat] = {
    f.extension: f for f in [
        DownloadFormat("epub", "EPUB", "application/epub+zip", _epub),
        DownloadFormat("pdf", "PDF", "application/pdf", _pdf),
        DownloadFormat("html", "HTML", "text/html; charset=utf-8", _html),
        DownloadFormat("txt", "TXT", "text/plain; charset=utf-8", _txt),
    ]
}


def export(book: Book, extension: str) -> bytes:
    """The file of `book` in one of FORMATS (KeyError for another extension)."""
    return FORMATS[extension].build(book)


def download_path(work: Work, extension: str) -> str:
    """AO3's download address: /downloads/<id>/<Title_slug>.<ext>?updated_at=<unix time>
    (the time of the last change, so a changed work is never served from a stale cache)."""
    name = f"{title_slug(work.title, work_id=work.pk)}.{extension}"
    path = reverse("formats:download", args=[work.pk, name])
    return f"{path}?updated_at={int(work.modified_at.timestamp())}"


def download_links(work: Work) -> list[tuple[DownloadFormat, str]]:
    return [(f, download_path(work, f.extension)) for f in FORMATS.values()]
