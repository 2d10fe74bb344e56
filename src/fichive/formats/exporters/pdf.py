"""PDF downloads, typeset by WeasyPrint from the download HTML with a print stylesheet (page
size A5-ish for reading, chapters on new pages, page numbers). Nothing is fetched: pictures
become links first, and WeasyPrint's fetcher refuses every URL."""

from __future__ import annotations

from typing import Any, NoReturn

from fichive.formats.exporters import layout
from fichive.formats.exporters.book import Book
from fichive.formats.exporters.markup import inner_html, make_portable, parse_fragment

_PRINT_CSS = """
@page { size: 148mm 210mm; margin: 16mm 14mm 18mm;
        @bottom-center { content: counter(page); font-size: 9pt; } }
@page :first { @bottom-center { content: none; } }
body { margin: 0; font-size: 10.5pt; }
#chapters, #chapters .meta { break-before: page; }
#afterword { break-before: page; }
a { color: inherit; }
"""


class FetchRefused(ValueError):
    pass


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise FetchRefused(f"downloads never fetch anything ({url[:80]})")


def build_pdf(book: Book) -> bytes:
    import weasyprint  # heavy: loaded on the first PDF, not with every page

    body = (layout.preface_html(book) + layout.chapters_html(book, book.chapters)
            + layout.afterword_html(book))
    portable = inner_html(make_portable(parse_fragment(body), base_url=book.url))
    document = layout.html_page(book, portable, css=layout.stylesheet() + _PRINT_CSS)
    html = weasyprint.HTML(string=document, base_url=book.url, url_fetcher=_no_fetching)
    pdf = html.write_pdf()
    assert pdf is not None
    return bytes(pdf)
