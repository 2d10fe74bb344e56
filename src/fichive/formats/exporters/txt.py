"""Plain-text downloads: the same preface, chapters and afterword as the other formats, as
paragraphs separated by blank lines (UTF-8, Unix line ends)."""

from __future__ import annotations

import re

from lxml import etree

from fichive.formats.exporters.book import Book
from fichive.formats.exporters.markup import _names, parse_fragment

_BLOCKS = _names(
    """address article aside blockquote caption center dd details div dl dt figcaption figure
    h1 h2 h3 h4 h5 h6 li ol p pre section summary table tbody tfoot thead tr ul"""
)
_SPACE = re.compile(r"[ \t\r\n\f]+")
_BREAK = "\x00"  # a paragraph boundary while converting
_RULE = "=" * 40


def _walk(element: etree._Element, out: list[str], *, pre: bool = False) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    in_pre = pre or tag == "pre"

    def text(value: str | None) -> None:
        if value:
            out.append(value if in_pre else _SPACE.sub(" ", value))

    if tag == "br":
        out.append("\n")
    elif tag == "hr":
        out.append(f"{_BREAK}* * *{_BREAK}")
    elif tag == "img":
        alt = " ".join((element.get("alt") or "").split())
        out.append(f"[Image: {alt}]" if alt else "[Image]")
    elif tag:
        if tag in _BLOCKS:
            out.append(_BREAK)
        if tag == "li":
            out.append("- ")
        elif tag in ("td", "th") and element.getprevious() is not None:
            out.append(" | ")
        text(element.text)
        for child in element:
            _walk(child, out, pre=in_pre)
        if tag in _BLOCKS and tag not in ("td", "th"):
            out.append(_BREAK)
    text(element.tail if tag or not isinstance(element.tag, str) else None)


def html_to_plain(html: str) -> str:
    """Stored HTML as text: a blank line between paragraphs, line breaks kept, a scene
    break as "* * *", pictures as "[Image: alt]"."""
    if not html.strip():
        return ""
    root = parse_fragment(html)
    out: list[str] = []
    out.append(_SPACE.sub(" ", root.text or ""))
    for child in root:
        if isinstance(child.tag, str):
            _walk(child, out)
        else:  # a comment: only what follows it
            out.append(_SPACE.sub(" ", child.tail or ""))
    paragraphs = []
    for block in "".join(out).split(_BREAK):
        lines = [line.strip() for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _section(label: str, html: str) -> list[str]:
    text = html_to_plain(html)
    return [f"{label}:", text] if text else []


def build_txt(book: Book) -> bytes:
    byline = ", ".join(book.creator_names)
    if book.imported_creator:
        byline = f"{book.imported_creator}, posted to this archive by {byline}"
    parts: list[str] = [book.title, "by " + byline,
                        f"Posted originally on {book.site_name} at {book.url}"]
    if book.source_url:
        parts.append(f"Originally posted at {book.source_url}")
    tag_lines = [f"{field.label}: {', '.join(t.text for t in field.tags)}"
                 for field in book.tag_fields]
    tag_lines.append(f"Language: {book.language_name}")
    if book.series:
        tag_lines.append("Series: " + ", ".join(f"Part {entry.number} of {entry.title}"
                                                for entry in book.series))
    tag_lines.append(f"Stats: {book.stats}")
    parts.append("\n".join(tag_lines))
    parts += _section("Summary", book.summary)
    parts += _section("Notes", book.notes)
    if book.end_notes:
        parts.append("(See the end of the work for more notes.)")
    for chapter in book.chapters:
        parts.append(_RULE)
        if not book.one_shot:
            parts.append(chapter.heading)
            parts += _section("Chapter Summary", chapter.summary)
            parts += _section("Chapter Notes", chapter.notes)
        text = html_to_plain(chapter.content)
        if text:
            parts.append(text)
        parts += _section("Chapter End Notes", chapter.end_notes)
    parts.append(_RULE)
    parts += _section("End Notes", book.end_notes)
    parts.append(f"This work lives at {book.url} on {book.site_name}, where its creators "
                 "would be glad of a comment or kudos.")
    return ("\n\n".join(p for p in parts if p) + "\n").encode("utf-8")
