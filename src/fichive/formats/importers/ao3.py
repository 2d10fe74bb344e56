"""AO3 downloads: "Download as HTML" files, and the same preface and chapters inside AO3's
EPUBs, read into one work with its tags, stats, notes, chapters and original URL.

The layout (REFERENCE.md, "AO3 download files"): div#preface (p.message with the work's URL,
dl.tags of "Label:" / tags, h1 title, div.byline, Summary and Notes blockquotes), div#chapters
(one div.userstuff, or per chapter a div.meta.group with h2.heading, then div.userstuff, then
div#endnotesN), div#afterword (div#endnotes).

Files are read with lxml's own tree (html.html_tree): building a BeautifulSoup tree cost more
than everything else an import does with a 3,000-word download. Trees from BeautifulSoup
(AO3's EPUBs are read that way) are accepted too.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from typing import TypeAlias
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag
from lxml import etree

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedChapter, ParsedWork
from fichive.formats.importers.html import (
    MAX_CHAPTERS,
    decode_html,
    html_soup,
    html_tree,
    serialize_html,
    serialize_tree,
    squash,
    tree_contents,
    tree_inner_html,
    tree_siblings_after,
)
from fichive.formats.importers.text import title_from_filename

__all__ = [
    "MAX_CHAPTERS",
    "ao3_soup",
    "ao3_work_url",
    "is_ao3_html",
    "parse_ao3_document",
    "parse_ao3_html",
]

AO3_WORK_URL = "https://archiveofourown.org/works/{}"
_WORK_URL = re.compile(
    r"https?://(?:www\.)?(?:archiveofourown\.(?:org|com|net)|ao3\.org)"
    r"/(?:collections/[^/\s\"'<>]+/)?works/(\d{1,12})(?!\d)",
    re.IGNORECASE,
)
_AO3_MARK = re.compile(r"archive\s+of\s+our\s+own|archiveofourown\.org", re.IGNORECASE)
_PREFACE_ID = re.compile(r"""\bid\s*=\s*["']?preface\b""", re.IGNORECASE)
# Fichive's own downloads (formats/exporters) use AO3's layout under any archive's name and
# mark their preface with this class.
DOWNLOAD_MARK = "fichive-download"
_DOWNLOAD_MARK = re.compile(rf"\b{DOWNLOAD_MARK}\b")
_DETECT_CHARS = 64 * 1024

_NOT_AO3 = 'not an AO3 download: no "Posted originally on the Archive of Our Own" preface'
_NO_STORY = "no story text found"

# The preface's labels ("Archive Warnings:", "Fandom:", …), singular and plural.
_FIELDS = {
    "rating": "rating",
    "ratings": "rating",
    "archive warning": "warnings",
    "archive warnings": "warnings",
    "warning": "warnings",
    "warnings": "warnings",
    "category": "categories",
    "categories": "categories",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationship": "relationships",
    "relationships": "relationships",
    "character": "characters",
    "characters": "characters",
    "additional tag": "freeforms",
    "additional tags": "freeforms",
    "language": "language",
    "series": "series",
    "collection": "collections",
    "collections": "collections",
    "stats": "stats",
}
_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_PUBLISHED = re.compile(r"Published:\s*" + _DATE, re.IGNORECASE)
_REVISED = re.compile(r"(Updated|Completed):\s*" + _DATE, re.IGNORECASE)
_CHAPTER_COUNT = re.compile(r"Chapters:\s*(\d{1,9})\s*/\s*(\d{1,9}|\?)", re.IGNORECASE)
_SERIES_PART = r"Part\s+(\d{1,9})\s+of\s+"
_SERIES_TEXT = re.compile(_SERIES_PART + r"(.+?)(?=,\s*Part\s+\d+\s+of\s|$)", re.IGNORECASE)
_CHAPTER_HEADING = re.compile(r"Chapter\s+\d+\b\s*(?::\s*(?P<title>.*))?", re.IGNORECASE | re.S)
_PSEUD_LINK = re.compile(r"/users/([^/?#]+)(?:/pseuds/([^/?#]+))?/?(?:[?#]|$)")
_ENDNOTES_ID = re.compile(r"endnotes\d*")


# --------------------------------------------------------------------------------------------
# Small typed helpers over lxml's tree

Element: TypeAlias = etree._Element
_ANY = etree.Element  # as a filter of lxml's iterators: elements only, no comments
# Text that is not read: BeautifulSoup's get_text() leaves these elements' text out too.
_UNREAD = frozenset({"script", "style", "template"})


def _is_element(node: object) -> bool:
    """An element (not text, a comment or a processing instruction)."""
    return isinstance(getattr(node, "tag", None), str)


def _attr(element: Element, name: str) -> str:
    return str(element.get(name) or "")


def _has_class(element: Element, name: str) -> bool:
    return name in _attr(element, "class").split()


def _tags(root: Element, name: str | list[str]) -> list[Element]:
    """The elements named `name` (or any of the names) below `root`, in document order."""
    names = [name] if isinstance(name, str) else name
    return list(root.iterdescendants(*names))


def _first(root: Element, name: str | None = None, *, cls: str = "") -> Element | None:
    """The first element below `root` named `name` (any name if None) with class `cls`."""
    for element in root.iterdescendants(name) if name else root.iterdescendants(_ANY):
        if not cls or _has_class(element, cls):
            return element
    return None


def _by_id(root: Element, ident: str) -> Element | None:
    """The first element below `root` whose id is `ident`."""
    for element in root.iterdescendants(_ANY):
        if element.get("id") == ident:
            return element
    return None


def _has_ancestor(element: Element, *, name: str = "", ident: str = "") -> bool:
    for parent in element.iterancestors(_ANY):
        if (name and parent.tag == name) or (ident and parent.get("id") == ident):
            return True
    return False


def _strings(element: Element) -> list[str]:
    """The text pieces inside an element, in order (BeautifulSoup's strings): not comments,
    nor the text of scripts, styles and templates."""
    if next(element.iterdescendants(*_UNREAD), None) is None:
        return list(element.itertext())
    out: list[str] = []
    stack: list[str | Element] = [element]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
            continue
        if _is_element(node) and node.tag not in _UNREAD:
            pieces: list[str | Element] = [node.text] if node.text else []
            for child in node:
                pieces.append(child)
                if child.tail:
                    pieces.append(child.tail)
            stack.extend(reversed(pieces))
    return out


def _all_text(element: Element) -> str:
    """get_text(" "): the text pieces joined by spaces."""
    return " ".join(_strings(element))


def _text(element: Element | str) -> str:
    return squash(element) if isinstance(element, str) else squash(_all_text(element))


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _unique(values: Iterable[str]) -> list[str]:
    return [v for v in dict.fromkeys(values) if v]


def _tree(root: Element | Tag) -> Element:
    """lxml's tree of a document, from a BeautifulSoup tree if need be (read again from its
    markup, which the same parser wrote)."""
    if isinstance(root, Tag):
        return html_tree(str(root))
    return root


# --------------------------------------------------------------------------------------------
# Public entry points


def ao3_work_url(text: str) -> str:
    """The canonical https://archiveofourown.org/works/<id> for the first AO3 work link in
    ``text`` (any scheme, www., mirror domain, collection path, chapter path), else ""."""
    match = _WORK_URL.search(text)
    return AO3_WORK_URL.format(int(match.group(1))) if match else ""


def is_ao3_html(soup_or_text: Element | Tag | str | bytes) -> bool:
    """Whether this is an AO3 download: a "preface" block that names the Archive of Our Own,
    or one marked as a Fichive download (the same layout, from any archive).

    Takes a parsed tree (lxml's, or BeautifulSoup's: an AO3 XHTML file from an EPUB, say),
    or the raw text or bytes of a file, of which only the start is looked at.
    """
    if isinstance(soup_or_text, (str, bytes)):
        head = soup_or_text[:_DETECT_CHARS]
        if isinstance(head, bytes):
            head = head.decode("latin-1")
        mark = _PREFACE_ID.search(head)
        return mark is not None and (_AO3_MARK.search(head, mark.end()) is not None
                                     or _DOWNLOAD_MARK.search(head) is not None)
    preface = _by_id(_tree(soup_or_text), "preface")
    if preface is None:
        return False
    if _has_class(preface, DOWNLOAD_MARK):
        return True
    message = _first(preface, "p", cls="message")
    where = message if message is not None else preface
    if _AO3_MARK.search(_all_text(where)):
        return True
    return any(_WORK_URL.search(_attr(a, "href")) for a in _tags(where, "a"))


def parse_ao3_html(data: bytes, *, filename: str) -> ParsedWork:
    """Read an AO3 "Download as HTML" file. Raises ImportFailed with a one-line reason when
    the file isn't one or holds no story text."""
    root = html_tree(decode_html(data))
    if not is_ao3_html(root):
        raise ImportFailed(_NOT_AO3)
    return parse_ao3_document(root, filename=filename)


def ao3_soup(documents: Iterable[str]) -> BeautifulSoup:
    """One tree from several (X)HTML documents, their bodies in order: how the XHTML files of
    an AO3 EPUB (preface, chapters, afterword, in spine order) become one AO3 document for
    parse_ao3_document. Parsed like HTML downloads: no entities, no network."""
    bodies = []
    for document in documents:
        soup = html_soup(document)
        bodies.append(serialize_html((soup.body or soup).contents))
    return html_soup("<html><head></head><body>" + "\n".join(bodies) + "</body></html>")


def parse_ao3_document(root: Element | Tag, *, filename: str = "") -> ParsedWork:
    """Read a parsed AO3 download (from parse_ao3_html's file, or ao3_soup's EPUB XHTML).

    ``root`` holds the preface and the chapters, and optionally the afterword; it is not
    changed. The HTML taken from it leaves out scripts, styles, frames, comments and event
    attributes (html.serialize_tree). ``filename`` gives the title of last resort. Raises
    ImportFailed when there is no story text, or more than MAX_CHAPTERS chapters.
    """
    root = _tree(root)
    preface = _by_id(root, "preface")
    if preface is None:
        preface = root
    afterword = _by_id(root, "afterword")
    meta = _first(preface, "div", cls="meta")
    front = meta if meta is not None else preface
    fields = _fields(preface)

    work = ParsedWork(
        title=_title(root, preface, filename),
        chapters=_chapters(root),
        summary=_labelled_blockquote(front, "summary"),
        notes=_labelled_blockquote(front, "notes"),
        end_notes=_end_notes(root, afterword),
        creators=_creators(preface),
        rating=next(iter(_tag_names(fields.get("rating"))), ""),
        warnings=_tag_names(fields.get("warnings")),
        categories=_tag_names(fields.get("categories")),
        fandoms=_tag_names(fields.get("fandoms")),
        relationships=_tag_names(fields.get("relationships")),
        characters=_tag_names(fields.get("characters")),
        freeforms=_tag_names(fields.get("freeforms")),
        language=_text(fields["language"]) if "language" in fields else "",
        series=_series(fields.get("series")),
        source_url=_source_url(preface),
        format="ao3",
    )
    if "stats" in fields:
        _read_stats(work, _text(fields["stats"]))
    return work


# --------------------------------------------------------------------------------------------
# The preface


def _fields(preface: Element) -> dict[str, Element]:
    """The preface's <dt>Label:</dt><dd>…</dd> pairs, by field name."""
    tags = _first(preface, "dl", cls="tags")
    if tags is None:
        tags = next((dl for dl in _tags(preface, "dl") if _first(dl, "dt") is not None), None)
    if tags is None:
        return {}
    fields: dict[str, Element] = {}
    label: str | None = None
    for element in _tags(tags, ["dt", "dd"]):
        if element.tag == "dt":
            label = _FIELDS.get(_text(element).rstrip(":").strip().casefold())
        elif label is not None:
            fields.setdefault(label, element)
            label = None
    return fields


def _tag_names(dd: Element | None) -> list[str]:
    """Tag names from a <dd>: its links, or its comma-separated text without links."""
    if dd is None:
        return []
    links = [_text(a) for a in _tags(dd, "a")]
    if any(links):
        return _unique(links)
    return _unique(squash(part) for part in _all_text(dd).split(","))


def _series(dd: Element | None) -> list[tuple[str, int]]:
    """[(series title, part)] from "Part 2 of <a>Title</a>, Part 1 of <a>Other</a>"."""
    if dd is None:
        return []
    text = _text(dd)
    series: list[tuple[str, int]] = []
    position = 0
    links = _tags(dd, "a")
    for link in links:
        name = _text(link)
        if not name:
            continue
        match = re.compile(_SERIES_PART + re.escape(name), re.IGNORECASE).search(text, position)
        if match:
            series.append((name, _number(match.group(1))))
            position = match.end()
    if not series and not links:
        series = [(squash(m.group(2)), _number(m.group(1))) for m in _SERIES_TEXT.finditer(text)]
    return series


def _read_stats(work: ParsedWork, stats: str) -> None:
    """Dates, chapter count and completion from "Published: … Completed: … Chapters: 3/?"."""
    published = _PUBLISHED.search(stats)
    if published:
        work.published = _date(*published.groups())
    revised = _REVISED.search(stats)
    if revised:
        work.updated = _date(*revised.groups()[1:])
    count = _CHAPTER_COUNT.search(stats)
    if count:
        posted, expected = count.groups()
        work.expected_chapters = None if expected == "?" else _number(expected)
        work.complete = (
            work.expected_chapters is not None and _number(posted) >= work.expected_chapters
        )
    elif revised:
        work.complete = revised.group(1).casefold() == "completed"
    elif published and len(work.chapters) == 1:
        work.expected_chapters, work.complete = 1, True  # a one-shot shows no chapter count


def _title(root: Element, preface: Element, filename: str) -> str:
    message = _first(preface, "p", cls="message")
    candidates: list[Element | None] = [
        _first(preface, "h1"),
        _first(message, "b") if message is not None else None,
        _first(root, "title"),
    ]
    for candidate in candidates:
        if candidate is not None and (title := _text(candidate)):
            return title
    return title_from_filename(filename) if filename else "Untitled"


def _creators(preface: Element) -> list[str]:
    """Pseud names from the byline; "pseud (login)" links are read as the pseud."""
    byline = _first(preface, cls="byline")
    if byline is None:
        return []
    names: list[str] = []
    for link in _tags(byline, "a"):
        name = _text(link)
        pseud = _PSEUD_LINK.search(_attr(link, "href"))
        login = f" ({unquote(pseud.group(1))})" if pseud else ""
        if login and name.endswith(login) and len(name) > len(login):
            name = name[: -len(login)].strip()
        names.append(name)
    if not any(names):
        text = re.sub(r"^by\s+", "", _text(byline), flags=re.IGNORECASE)
        names = [squash(name) for name in text.split(",")]
    return _unique(names)


def _source_url(preface: Element) -> str:
    message = _first(preface, "p", cls="message")
    where = message if message is not None else preface
    for link in _tags(where, "a"):
        url = ao3_work_url(_attr(link, "href")) or ao3_work_url(_text(link))
        if url:
            return url
    return ao3_work_url(_all_text(where)) if where is message else ""


def _next_element(element: Element) -> Element | None:
    return next((s for s in element.itersiblings() if _is_element(s)), None)


def _labelled_blockquote(region: Element | None, label: str) -> str:
    """The HTML of the blockquote right after a <p>Label</p> in ``region``, or ""."""
    if region is None:
        return ""
    for para in _tags(region, "p"):
        if _text(para).casefold() != label or _has_ancestor(para, name="blockquote"):
            continue
        following = _next_element(para)
        if following is not None and following.tag == "blockquote":
            return tree_inner_html(following)
        return ""
    return ""


def _end_notes(root: Element, afterword: Element | None) -> str:
    endnotes = _by_id(root, "endnotes")
    if endnotes is not None:
        notes = _labelled_blockquote(endnotes, "end notes")
        if notes:
            return notes
        quote = _first(endnotes, "blockquote")
        return tree_inner_html(quote) if quote is not None else ""
    return _labelled_blockquote(afterword, "end notes")


# --------------------------------------------------------------------------------------------
# Chapters


def _chapter_headings(root: Element) -> list[Element]:
    """The h2 headings of chapters, in order: h2.heading, or (when a converter dropped the
    classes) h2s reading "Chapter N"; never in the preface, afterword, notes or story text."""
    classed: list[Element] = []
    worded: list[Element] = []
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:  # a walk in document order, without recursion
        node, hidden = stack.pop()
        if node.tag == "h2":
            if not hidden and _has_class(node, "heading"):
                classed.append(node)
            elif not hidden and _CHAPTER_HEADING.fullmatch(_text(node)):
                worded.append(node)
            continue
        ident = _attr(node, "id")
        hidden = hidden or (
            node.tag == "blockquote"
            or ident in ("preface", "afterword")
            or (_has_class(node, "userstuff") and ident != "chapters")
        )
        if hidden:  # nothing below is a chapter heading (the story text is most of the file)
            continue
        stack.extend((child, hidden) for child in reversed(node) if _is_element(child))
    return classed or worded


def _heading_title(heading: Element) -> str:
    """ "Chapter 3: The Storm" → "The Storm"; "Chapter 3" → ""."""
    text = _text(heading)
    match = _CHAPTER_HEADING.fullmatch(text)
    if not match:
        return text
    return squash(match.group("title") or "")


def _chapter_meta(heading: Element) -> Element:
    """The div.meta.group around a heading (the heading itself if there is none)."""
    parent = heading.getparent()
    if (
        parent is not None
        and parent.tag == "div"
        and _attr(parent, "id") != "chapters"
        and not _has_class(parent, "userstuff")
    ):
        return parent
    return heading


def _ancestors(element: Element) -> set[Element]:
    """The element and its ancestors (held here, so lxml keeps handing out the same objects)."""
    return {element, *element.iterancestors()}


def _is_userstuff(element: Element) -> bool:
    return element.tag == "div" and _has_class(element, "userstuff") and (
        _attr(element, "id") != "chapters")


def _following(element: Element) -> Iterator[Element]:
    """The elements after `element`'s start tag in document order (its own first)."""
    yield from element.iterdescendants(_ANY)
    node: Element | None = element
    while node is not None:
        for sibling in node.itersiblings(_ANY):
            yield sibling
            yield from sibling.iterdescendants(_ANY)
        node = node.getparent()


def _chapter(meta: Element, heading: Element, stop: set[Element]) -> ParsedChapter:
    """One chapter: its heading's meta block, then the text, then its end notes."""
    content: Element | None = None
    end_notes = ""
    loose: list[str | Element] = []
    for sibling in tree_siblings_after(meta):
        if isinstance(sibling, str):
            loose.append(sibling)
            continue
        if sibling in stop:
            break
        if _is_element(sibling):
            ident = _attr(sibling, "id")
            if ident in ("afterword", "preface", "endnotes"):
                break
            if _ENDNOTES_ID.fullmatch(ident) and not end_notes:
                end_notes = _labelled_blockquote(sibling, "chapter end notes")
                if not end_notes and (quote := _first(sibling, "blockquote")) is not None:
                    end_notes = tree_inner_html(quote)
                continue
            if content is None and _is_userstuff(sibling):
                content = sibling
                continue
        loose.append(sibling)
    loose_html = serialize_tree(loose, inside=meta.getparent()).strip()
    if content is None and not loose_html:
        # The text sits elsewhere (an EPUB split between files): the next story block.
        following = next((t for t in _following(meta) if _is_userstuff(t) or t in stop), None)
        if following is not None and following not in stop:
            content = following
    html = tree_inner_html(content) if content is not None else loose_html
    return ParsedChapter(
        html=html,
        title=_heading_title(heading),
        summary=_labelled_blockquote(meta, "chapter summary"),
        notes=_labelled_blockquote(meta, "chapter notes"),
        end_notes=end_notes,
    )


def _one_shot(root: Element) -> str:
    """The text of a work without chapter headings: div#chapters' div.userstuff."""
    parts: list[str] = []
    for container in _tags(root, "div"):
        if _attr(container, "id") != "chapters" or _has_ancestor(container, ident="chapters"):
            continue
        story = next((child for child in container.iterchildren("div")
                      if _has_class(child, "userstuff")), None)
        parts.append(tree_inner_html(story if story is not None else container))
    if not parts:
        # No div#chapters (a converter dropped it): what follows the preface.
        preface = _by_id(root, "preface")
        body = _first(root, "body")
        nodes: Iterable[str | Element]
        if preface is not None:
            nodes, context = tree_siblings_after(preface), preface.getparent()
        else:
            context = body if body is not None else root
            nodes = tree_contents(context)
        for node in nodes:
            if not isinstance(node, str) and _is_element(node) and (
                    _attr(node, "id") == "afterword"):
                break
            parts.append(serialize_tree([node], inside=context))
    return "\n".join(part for part in parts if part.strip())


def _chapters(root: Element) -> list[ParsedChapter]:
    headings = _chapter_headings(root)
    if len(headings) > MAX_CHAPTERS:
        raise ImportFailed(f"more than {MAX_CHAPTERS} chapters")
    if not headings:
        html = _one_shot(root)
        if not html:
            raise ImportFailed(_NO_STORY)
        return [ParsedChapter(html=html)]
    metas = [_chapter_meta(heading) for heading in headings]
    chapters = []
    for i, (meta, heading) in enumerate(zip(metas, headings, strict=True)):
        stop = _ancestors(metas[i + 1]) if i + 1 < len(metas) else set()
        chapter = _chapter(meta, heading, stop)
        if chapter.html:
            chapters.append(chapter)
    if not chapters:
        raise ImportFailed(_NO_STORY)
    return chapters
