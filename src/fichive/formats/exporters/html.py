"""HTML downloads: one self-contained page in AO3's download layout, the stylesheet inline.
It keeps the chapter text exactly as stored (pictures included: the reader's browser shows
them, as on the work's page), and our importer reads it back (importers/ao3.py). A work
skin comes along, as on the work's page: the work inside div#workskin, its CSS after ours."""

from __future__ import annotations

from fichive.formats.exporters import layout
from fichive.formats.exporters.book import Book


def build_html(book: Book) -> bytes:
    body = (layout.preface_html(book) + layout.chapters_html(book, book.chapters)
            + layout.afterword_html(book))
    if not book.work_skin:
        return layout.html_page(book, body).encode("utf-8")
    css = f"{layout.stylesheet()}\n{book.work_skin}"
    return layout.html_page(book, f'<div id="workskin">\n{body}</div>', css=css).encode("utf-8")
