"""EPUB 3 downloads (with an EPUB 2 NCX for older readers), built with ebooklib: a preface
page, one XHTML page per chapter, an afterword, navigation and a stylesheet; the OPF says
title, creators, summary, language, dates, tags as subjects, the archive as publisher and
the work's address as identifier, its first series (Calibre's calibre:series and
EPUB 3's belongs-to-collection). Valid for epubcheck."""

from __future__ import annotations

import io
from html import escape

from ebooklib import epub

from fichive.formats.exporters import layout
from fichive.formats.exporters.book import Book
from fichive.formats.exporters.markup import inner_xhtml, make_portable, parse_fragment
from fichive.formats.exporters.txt import html_to_plain

_PAGE = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
    ' lang="{lang}" xml:lang="{lang}" dir="{dir}">\n<head>\n<meta charset="utf-8" />\n'
    "<title>{title}</title>\n"
    '<link rel="stylesheet" type="text/css" href="style/book.css" />\n'
    '</head>\n<body class="{css}">\n{body}\n</body>\n</html>\n'
)


def _page(book: Book, *, uid: str, file_name: str, title: str, html: str,
          css: str) -> epub.EpubItem:
    """One XHTML content document, written by us rather than re-parsed by ebooklib."""
    body = inner_xhtml(make_portable(parse_fragment(html), base_url=book.url))
    content = _PAGE.format(lang=escape(book.language), dir=book.direction, title=escape(title),
                           css=css, body=body)
    return epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                         content=content.encode("utf-8"))


def build_epub(book: Book) -> bytes:
    ebook = epub.EpubBook()
    ebook.set_identifier(book.url)
    ebook.set_title(book.title)
    ebook.set_language(book.language)
    if book.direction == "rtl":
        ebook.set_direction("rtl")
    for number, name in enumerate(book.creator_names, start=1):
        ebook.add_author(name, uid=f"creator{number}", role="aut")
    summary = html_to_plain(book.summary)
    if summary:
        ebook.add_metadata("DC", "description", summary)
    ebook.add_metadata("DC", "publisher", book.site_name)
    ebook.add_metadata("DC", "source", book.url)
    # Our own download, recognised if it is imported here again (formats/own.py).
    ebook.add_metadata(None, "meta", "", {"name": "generator", "content": "Fichive"})
    ebook.add_metadata(None, "meta", "", {"name": "fichive-work", "content": book.urn})
    if book.published:
        ebook.add_metadata("DC", "date", book.published.isoformat())
    for subject in book.subjects:
        ebook.add_metadata("DC", "subject", subject)
    if book.series:
        # Calibre's series fields (what most e-reader apps read) and EPUB 3's collection.
        first = book.series[0]
        ebook.add_metadata(None, "meta", "", {"name": "calibre:series", "content": first.title})
        ebook.add_metadata(None, "meta", "", {"name": "calibre:series_index",
                                              "content": str(first.number)})
        ebook.add_metadata(None, "meta", first.title,
                           {"property": "belongs-to-collection", "id": "series-1"})
        ebook.add_metadata(None, "meta", "series",
                           {"refines": "#series-1", "property": "collection-type"})
        ebook.add_metadata(None, "meta", str(first.number),
                           {"refines": "#series-1", "property": "group-position"})

    ebook.add_item(epub.EpubItem(uid="style", file_name="style/book.css",
                                 media_type="text/css",
                                 content=layout.stylesheet().encode("utf-8")))
    endnotes_href = "afterword.xhtml#endnotes"
    preface = _page(book, uid="preface", file_name="preface.xhtml", title=book.title,
                    html=layout.preface_html(book, endnotes_href=endnotes_href), css="preface")
    pages = [preface]
    toc: list[epub.Link] = [epub.Link("preface.xhtml", "Preface", "toc-preface")]
    for chapter in book.chapters:
        name = f"chapter-{chapter.position:03d}.xhtml"
        title = book.title if book.one_shot else chapter.heading
        pages.append(_page(book, uid=f"chapter-{chapter.position}", file_name=name,
                           title=title, html=layout.chapters_html(book, [chapter]),
                           css="chapter"))
        toc.append(epub.Link(name, title, f"toc-chapter-{chapter.position}"))
    pages.append(_page(book, uid="afterword", file_name="afterword.xhtml", title="Afterword",
                       html=layout.afterword_html(book), css="afterword"))
    toc.append(epub.Link("afterword.xhtml", "Afterword", "toc-afterword"))
    for page in pages:
        ebook.add_item(page)
    ebook.toc = toc
    ebook.guide = [{"type": "text", "href": pages[1].file_name, "title": "Beginning"}]
    ebook.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title="Contents", direction=book.direction if book.direction == "rtl"
                       else None)
    ebook.add_item(nav)
    ebook.spine = [*pages]

    out = io.BytesIO()
    writer = epub.EpubWriter(out, ebook, {"mtime": book.modified, "epub3_pages": False,
                                          "raise_exceptions": True})
    writer.process()
    writer.write()
    return out.getvalue()
