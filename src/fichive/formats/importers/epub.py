"""EPUB import: FanFicFare's EPUBs, AO3's EPUB downloads and any other EPUB, read through
archive.SafeZip and an XML parser with entities, DTDs and the network turned off."""

from __future__ import annotations

import datetime
import html
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.entities import html5 as _HTML5_ENTITIES
from typing import Any
from urllib.parse import unquote

import lxml.html
from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.element import PreformattedString
from lxml import etree

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.ao3 import is_ao3_html, parse_ao3_document
from fichive.formats.importers.archive import ZIP_MAGIC, SafeZip, shown_name
from fichive.formats.importers.base import ParsedChapter, ParsedWork
from fichive.lib.sanitize import DROPPED_WITH_CONTENT
from fichive.tags.models import CATEGORIES, RATINGS, WARNINGS

MAX_CHAPTERS = 500
MAX_CHAPTER_BYTES = 2 * 1024 * 1024  # one chapter's HTML
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024  # one XHTML file of the book, before parsing
MAX_WORK_BYTES = 50 * 1024 * 1024  # all chapters' HTML together

EPUB_MIMETYPE = b"application/epub+zip"
_CONTAINER = "META-INF/container.xml"
_XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/html+xml"})
_NCX_TYPE = "application/x-dtbncx+xml"
_OPS_NS = "http://www.idpf.org/2007/ops"
_XML_NS = "http://www.w3.org/XML/1998/namespace"

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset({"p", "div", "blockquote", "table", "ul", "ol", "dl", "hr", "pre", *_HEADINGS})
# Dropped from chapter bodies with everything inside: active content, embedded documents,
# forms and head elements (the sanitizer runs again on everything later).
_DROPPED = DROPPED_WITH_CONTENT | frozenset(
    {
        "applet", "audio", "base", "button", "canvas", "embed", "form", "frame", "frameset",
        "input", "link", "meta", "object", "select", "template", "textarea", "title", "video",
    }
)  # fmt: skip
_FRONT_MATTER_MAX_WORDS = 300
_FRONT_MATTER_NAMES = re.compile(
    r"(?:cover(?:page)?|title(?:[-_ ]?page)?|toc|contents|table[-_ ]?of[-_ ]?contents|nav"
    r"|copyright(?:[-_ ]?page)?|front[-_ ]?matter|colophon|imprint)[-_]?\d*",
    re.IGNORECASE,
)
_FRONT_MATTER_GUIDE = frozenset({"cover", "title-page", "titlepage", "toc", "copyright-page"})
_FRONT_MATTER_TITLES = frozenset(
    {"cover", "title page", "titlepage", "table of contents", "contents", "copyright"}
)
_CALIBRE_SPLIT = re.compile(r"(.*)_split_(\d+)(\.[^.]*)$")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ENTITY_DECLARATION = re.compile(rb"<\s*!\s*ENTITY", re.IGNORECASE)
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ENTITY_REASON = "{} declares XML entities, which EPUB files never need: refused as unsafe"


# --------------------------------------------------------------------------------------------
# Detection


def is_epub(data: bytes) -> bool:
    """Whether the data is an EPUB by its content: a zip with the EPUB ``mimetype`` member or
    a META-INF/container.xml. Cheap (the first bytes, else the zip's directory); never raises."""
    if not data.startswith(ZIP_MAGIC):
        return False
    if data[30:38] == b"mimetype" and data[38:70].lstrip().startswith(EPUB_MIMETYPE):
        return True
    try:
        with SafeZip(data) as archive:
            return "META-INF/container.xml" in archive or (
                "mimetype" in archive and archive.read("mimetype").strip() == EPUB_MIMETYPE
            )
    except ImportFailed:
        return False


# --------------------------------------------------------------------------------------------
# Safe XML and XHTML


def _declares_entities(data: bytes) -> bool:
    if _ENTITY_DECLARATION.search(data[:1_000_000]):
        return True
    return "<!ENTITY".encode("utf-16-le") in data or "<!ENTITY".encode("utf-16-be") in data


def _xml_parser(*, keep_comments: bool = False) -> etree.XMLParser:
    # A parser per document: lxml parsers aren't safe to share between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=not keep_comments,
    )


def _parse_xml(data: bytes, name: str) -> etree._Element:
    """A package, container or NCX document; entity declarations are refused outright."""
    try:
        root = etree.fromstring(data, _xml_parser())
    except (etree.LxmlError, ValueError, LookupError):
        if _declares_entities(data):
            raise ImportFailed(_ENTITY_REASON.format(name)) from None
        raise ImportFailed(f"{name} in the EPUB is not well-formed XML") from None
    _refuse_entities(root, name)
    return root


def _refuse_entities(root: etree._Element, name: str) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ImportFailed(_ENTITY_REASON.format(name))


def _numeric_entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1).decode("ascii")
    if name in ("amp", "lt", "gt", "quot", "apos"):
        return match.group()
    chars = _HTML5_ENTITIES.get(name + ";")
    if chars is None:
        return match.group()
    return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")


def _decode_markup(data: bytes) -> str:
    """Bytes of an XHTML file as text: by byte-order mark, then XML declaration, else UTF-8."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _XML_ENCODING.match(data)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _strip_namespaces(root: etree._Element) -> None:
    """Make a parsed XHTML tree plain HTML: no namespaces on tags; epub:type becomes
    epub-type. (Trees read by the HTML parser have no namespaces to strip.)"""
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions, entity references
        if tag.startswith("{"):
            element.tag = tag.split("}", 1)[1]
        for key in [k for k in element.attrib if k.startswith("{")]:
            namespace, local = key[1:].split("}", 1)
            value = element.attrib.pop(key)
            if namespace == _OPS_NS:
                element.set(f"epub-{local}", value)
            elif namespace == _XML_NS and local == "lang" and "lang" not in element.attrib:
                element.set("lang", value)
    etree.cleanup_namespaces(root)


def _parse_xhtml(data: bytes, name: str) -> BeautifulSoup:
    """An XHTML content document as a BeautifulSoup of plain HTML.

    Read as XML first (HTML's named entities turned into numbers, so "&nbsp;" survives
    without a DTD; self-closed "<a/>" stays empty), and as HTML when it isn't well-formed,
    which many EPUBs aren't. Neither reader expands entities or fetches anything.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ImportFailed(
            f"{shown_name(name)} in the EPUB is larger than {MAX_DOCUMENT_BYTES // 2**20} MB"
        )
    if _declares_entities(data):
        raise ImportFailed(_ENTITY_REASON.format(shown_name(name)))
    root: etree._Element | None = None
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            root = etree.fromstring(
                _NAMED_ENTITY.sub(_numeric_entity, data), _xml_parser(keep_comments=True)
            )
        except (etree.LxmlError, ValueError, LookupError):
            root = None
        if root is not None:
            _refuse_entities(root, shown_name(name))
            _strip_namespaces(root)
    if root is None:
        text = _XML_DECLARATION.sub("", _decode_markup(data), count=1)
        if not text.strip():
            return BeautifulSoup("<html><body></body></html>", "lxml")
        try:
            parser = lxml.html.HTMLParser(no_network=True, remove_pis=True)
            root = lxml.html.document_fromstring(text, parser=parser)
        except (etree.LxmlError, ValueError, LookupError):
            raise ImportFailed(f"{shown_name(name)} in the EPUB can't be read as XHTML") from None
    markup = etree.tostring(root, method="html", encoding="unicode")
    soup = BeautifulSoup(markup, "lxml")
    if soup.body is None:
        body = soup.new_tag("body")
        (soup.html or soup).append(body)
    return soup


# --------------------------------------------------------------------------------------------
# Small helpers


def _text(node: Tag | NavigableString | None) -> str:
    if node is None:
        return ""
    return " ".join(node.get_text(" ").split())


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _attr(element: etree._Element, name: str) -> str:
    """An attribute by local name, whatever its namespace ("opf:role", "role")."""
    value = element.get(name)
    if value is None:
        for key, candidate in element.attrib.items():
            if str(key).rsplit("}", 1)[-1] == name:
                value = candidate
                break
    return (str(value) if value is not None else "").strip()


def _element_text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in element if _local(child) == name)


def _descendants(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in element.iter() if _local(child) == name)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        value = " ".join(value.split())
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out


def _split_tags(text: str) -> list[str]:
    """Comma-separated tags ("Angst, Romance"); tags never contain commas on AO3."""
    return _unique(text.split(","))


def _resolve(base: str, href: str) -> str | None:
    """The zip path an href in the file ``base`` points to (fragment dropped), or None for
    links out of the book."""
    href = href.strip().split("#", 1)[0]
    if not href:
        return base
    if _SCHEME.match(href):
        return None
    href = unquote(href)
    if href.startswith("/"):
        path = posixpath.normpath(href.lstrip("/"))
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(base), href))
    if path == ".." or path.startswith("../") or path == ".":
        return None
    return path


def _inner_html(tag: Tag) -> str:
    return tag.decode_contents().strip()


def _is_blank(nodes: Iterable[Any]) -> bool:
    return all(isinstance(n, NavigableString) and not n.strip() for n in nodes)


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b, %Y",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%d.%m.%Y",
    "%Y%m%d",
)


def parse_date(text: str) -> datetime.date | None:
    """A date in the formats EPUBs and FanFicFare write ("2015-03-02", "2015-03-02T10:00:00Z",
    "2015-03-02 10:00:00", "2 Mar 2015", "March 2, 2015", "03/02/2015"…), or None."""
    text = " ".join(text.split())
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])", text)
    candidates: list[datetime.date] = []
    if match:
        try:
            candidates.append(datetime.date(*(int(g) for g in match.groups())))
        except ValueError:
            return None
    else:
        # Drop a time of day and anything after it ("2015-03-02 10:00", "Mar 2, 2015 10:00 AM").
        text = re.split(r"\s+\d{1,2}:\d{2}", text, maxsplit=1)[0].strip(" ,")
        for fmt in _DATE_FORMATS:
            try:
                candidates.append(
                    datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date only)
                )
                break
            except ValueError:
                continue
    for date in candidates:
        if 1970 <= date.year <= 2200:
            return date
    return None


_RATING_WORDS = {
    "not rated": "Not Rated",
    "unrated": "Not Rated",
    "g": "General Audiences",
    "general": "General Audiences",
    "general audiences": "General Audiences",
    "k": "General Audiences",
    "k+": "General Audiences",
    "everyone": "General Audiences",
    "all ages": "General Audiences",
    "pg": "General Audiences",
    "t": "Teen And Up Audiences",
    "teen": "Teen And Up Audiences",
    "teen and up": "Teen And Up Audiences",
    "teen and up audiences": "Teen And Up Audiences",
    "pg-13": "Teen And Up Audiences",
    "pg13": "Teen And Up Audiences",
    "m": "Mature",
    "mature": "Mature",
    "r": "Mature",
    "ma": "Explicit",
    "e": "Explicit",
    "explicit": "Explicit",
    "nc-17": "Explicit",
    "nc17": "Explicit",
    "x": "Explicit",
    "adult": "Explicit",
    "adults only": "Explicit",
}


def rating_from(text: str) -> str:
    """AO3's rating for a site's rating ("T", "Fiction K+", "PG-13", "Mature"), "" if unknown."""
    word = _fold(text)
    word = re.sub(r"^(?:fiction|rated)\s*:?\s*", "", word)
    for rating in RATINGS:
        if word == rating.casefold():
            return rating
    return _RATING_WORDS.get(word, "")


def _sort_warnings(values: list[str]) -> tuple[list[str], list[str]]:
    """Split values into AO3 archive warnings and everything else."""
    known = {w.casefold(): w for w in WARNINGS}
    known["choose not to use archive warnings"] = WARNINGS[0]
    warnings, others = [], []
    for value in values:
        if value.casefold() in known:
            warnings.append(known[value.casefold()])
        else:
            others.append(value)
    return _unique(warnings), others


def _sort_categories(values: list[str]) -> tuple[list[str], list[str]]:
    """Split values into AO3 categories (F/M, Gen…) and everything else."""
    known = {c.casefold(): c for c in CATEGORIES}
    categories = [known[v.casefold()] for v in values if v.casefold() in known]
    return _unique(categories), [v for v in values if v.casefold() not in known]


_TEXT_ALIGN = re.compile(r"text-align\s*:\s*(left|right|center|justify)", re.IGNORECASE)
_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")


def _fragment_html(markup: str) -> str:
    """Well-formed HTML from an HTML fragment; text outside any block goes into a <p>."""
    soup = BeautifulSoup(f"<html><body>{markup}</body></html>", "lxml")
    body = soup.body
    if body is None or not _text(body):
        return ""
    for tag in body.find_all(_DROPPED):
        tag.decompose()
    if not any(isinstance(n, Tag) and n.name in _BLOCKS for n in body.contents):
        return f"<p>{_inner_html(body)}</p>"
    return _inner_html(body)


def _summary_html(text: str) -> str:
    """A summary as HTML, from metadata that may hold HTML or plain text."""
    text = text.strip()
    if not text:
        return ""
    if _HTML_TAG.search(text):
        return _fragment_html(text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "\n".join(
        "<p>" + "<br />".join(html.escape(line.strip()) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def _title_from_filename(filename: str) -> str:
    name = re.split(r"[\\/]", filename)[-1]
    stem, dot, _ = name.rpartition(".")
    name = stem if dot and stem else name
    return " ".join(name.replace("_", " ").replace("-", " ").split()) or "Untitled"


# --------------------------------------------------------------------------------------------
# The package: container.xml, the OPF and the table of contents


@dataclass
class _Item:
    id: str
    path: str
    media_type: str
    properties: frozenset[str]

    @property
    def is_xhtml(self) -> bool:
        return self.media_type in _XHTML_TYPES or (
            not self.media_type and self.path.lower().endswith((".xhtml", ".html", ".htm"))
        )


@dataclass
class _Metadata:
    titles: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    description: str = ""
    subjects: list[str] = field(default_factory=list)
    language: str = ""
    dates: list[tuple[str, str]] = field(default_factory=list)  # (event, value)
    identifiers: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    series: list[tuple[str, int]] = field(default_factory=list)

    def date(self, *events: str) -> datetime.date | None:
        for event, value in self.dates:
            if event in events:
                date = parse_date(value)
                if date:
                    return date
        return None

    @property
    def source_url(self) -> str:
        for value in [*self.sources, *self.identifiers]:
            match = _URL.search(value)
            if match:
                return match.group()
        return ""


def _read_metadata(package: etree._Element) -> _Metadata:
    meta = _Metadata()
    metadata = next(_descendants(package, "metadata"), None)
    if metadata is None:
        return meta
    # EPUB 3 refinements: <meta refines="#id" property="role">aut</meta>
    refines: dict[tuple[str, str], str] = {}
    for element in _descendants(metadata, "meta"):
        target = _attr(element, "refines").lstrip("#")
        prop = _attr(element, "property")
        if target and prop:
            refines.setdefault((target, prop), _element_text(element))
    main_titles: list[str] = []
    authors: list[str] = []
    others: list[str] = []
    collections: dict[str, str] = {}
    calibre: dict[str, str] = {}
    for element in metadata.iter():
        name = _local(element)
        value = _element_text(element)
        element_id = _attr(element, "id")
        if name == "title" and value:
            meta.titles.append(value)
            if refines.get((element_id, "title-type")) == "main":
                main_titles.append(value)
        elif name == "creator" and value:
            role = _attr(element, "role") or refines.get((element_id, "role"), "")
            (authors if role in ("", "aut") else others).append(value)
        elif name == "contributor" and value:
            meta.contributors.append(value)
        elif name == "description" and value and not meta.description:
            meta.description = "".join(element.itertext())
        elif name == "subject" and value:
            meta.subjects.append(value)
        elif name == "language" and value and not meta.language:
            meta.language = value
        elif name == "date" and value:
            meta.dates.append((_attr(element, "event").lower(), value))
        elif name == "identifier" and value:
            meta.identifiers.append(value)
        elif name == "publisher" and value:
            meta.publishers.append(value)
        elif name == "source" and value:
            meta.sources.append(value)
        elif name == "meta":
            prop = _attr(element, "property")
            if prop == "dcterms:modified" and value:
                meta.dates.append(("dcterms:modified", value))
            elif prop == "belongs-to-collection" and value and not _attr(element, "refines"):
                collections[element_id] = value
            elif _attr(element, "name").startswith("calibre:series"):
                calibre[_attr(element, "name")] = _attr(element, "content")
    if main_titles:
        meta.titles = main_titles + [t for t in meta.titles if t not in main_titles]
    meta.creators = _unique(authors or others)
    if calibre.get("calibre:series"):
        meta.series.append((calibre["calibre:series"], _part(calibre.get("calibre:series_index"))))
    for collection_id, name in collections.items():
        if refines.get((collection_id, "collection-type"), "series") == "series":
            meta.series.append((name, _part(refines.get((collection_id, "group-position")))))
    meta.series = list(dict.fromkeys(meta.series))
    return meta


def _part(value: str | None) -> int:
    try:
        return max(1, int(float(value or "1")))
    except (ValueError, OverflowError):
        return 1


class _Book:
    """An opened EPUB: the zip, the package document and the table of contents."""

    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        container_name = archive.find(_CONTAINER)
        if container_name is None:
            raise ImportFailed("not an EPUB: META-INF/container.xml is missing")
        container = _parse_xml(archive.read(container_name), _CONTAINER)
        rootfiles = [
            _attr(rootfile, "full-path")
            for rootfile in _descendants(container, "rootfile")
            if _attr(rootfile, "media-type") in ("", "application/oebps-package+xml")
        ]
        rootfiles = [r for r in rootfiles if r]
        if not rootfiles:
            raise ImportFailed("the EPUB's container.xml names no package (.opf) file")
        opf_path = _resolve("", rootfiles[0])
        found = archive.find(opf_path) if opf_path else None
        if found is None:
            raise ImportFailed(f"the EPUB's package file {shown_name(rootfiles[0])} is missing")
        self.opf_path = found
        package = _parse_xml(archive.read(found), shown_name(found))
        if _local(package) != "package":
            raise ImportFailed(f"{shown_name(found)} in the EPUB is not an EPUB package file")
        self.metadata = _read_metadata(package)
        self.manifest: dict[str, _Item] = {}
        for element in _descendants(package, "item"):
            item_id, href = _attr(element, "id"), _attr(element, "href")
            path = _resolve(found, href) if href else None
            if item_id and path and item_id not in self.manifest:
                self.manifest[item_id] = _Item(
                    item_id,
                    path,
                    _attr(element, "media-type").lower(),
                    frozenset(_attr(element, "properties").split()),
                )
        spine = next(_descendants(package, "spine"), None)
        if spine is None:
            raise ImportFailed("the EPUB's package file has no reading order (spine)")
        self.toc_id = _attr(spine, "toc")
        self.spine: list[tuple[_Item, bool]] = []
        for itemref in _children(spine, "itemref"):
            idref = _attr(itemref, "idref")
            item = self.manifest.get(idref)
            if item is None:
                raise ImportFailed(
                    f"the EPUB's reading order names {shown_name(idref)}, which its manifest "
                    "doesn't list"
                )
            path = archive.find(item.path)
            if path is None:
                raise ImportFailed(
                    f"the EPUB's reading order names {shown_name(item.path)}, which is missing "
                    "from the file"
                )
            item.path = path
            self.spine.append((item, _attr(itemref, "linear").lower() != "no"))
        if not self.spine:
            raise ImportFailed("the EPUB's reading order (spine) is empty")
        self.guide: dict[str, str] = {}
        for reference in _descendants(package, "reference"):
            path = _resolve(found, _attr(reference, "href"))
            if path:
                self.guide.setdefault(path, _attr(reference, "type").lower())
        self._toc: dict[str, str] | None = None
        self._landmarks: dict[str, set[str]] = {}

    def read(self, path: str) -> bytes:
        return self.archive.read(path)

    def document(self, item: _Item) -> BeautifulSoup:
        return _parse_xhtml(self.read(item.path), item.path)

    def xhtml_spine(self, *, linear_only: bool = True) -> list[_Item]:
        """The spine's XHTML documents in reading order, without the EPUB 3 navigation."""
        return [
            item
            for item, linear in self.spine
            if item.is_xhtml and "nav" not in item.properties and (linear or not linear_only)
        ]

    @property
    def toc(self) -> dict[str, str]:
        """The first table-of-contents label of each file: EPUB 3 nav, else EPUB 2 NCX."""
        if self._toc is None:
            self._toc = self._read_nav() or self._read_ncx()
        return self._toc

    @property
    def landmarks(self) -> dict[str, set[str]]:
        """The EPUB 3 nav's landmarks: file → epub:types ("cover", "titlepage", "bodymatter")."""
        _ = self.toc
        return self._landmarks

    def _read_nav(self) -> dict[str, str]:
        titles: dict[str, str] = {}
        item = next((i for i in self.manifest.values() if "nav" in i.properties), None)
        path = self.archive.find(item.path) if item else None
        if path is None:
            return titles
        soup = _parse_xhtml(self.read(path), path)
        navs = soup.find_all("nav")
        nav = next((n for n in navs if "toc" in _epub_types(n)), navs[0] if navs else None)
        if nav is None:
            return titles
        self._landmarks = {
            target: _epub_types(a)
            for n in navs
            if "landmarks" in _epub_types(n)
            for a in n.find_all("a", href=True)
            if (target := _resolve(path, str(a["href"])))
        }
        for link in nav.find_all("a", href=True):
            target = _resolve(path, str(link["href"]))
            label = _text(link)
            if target and label:
                titles.setdefault(target, label)
        return titles

    def _read_ncx(self) -> dict[str, str]:
        titles: dict[str, str] = {}
        item = self.manifest.get(self.toc_id) or next(
            (i for i in self.manifest.values() if i.media_type == _NCX_TYPE), None
        )
        path = self.archive.find(item.path) if item else None
        if path is None:
            return titles
        ncx = _parse_xml(self.read(path), shown_name(path))
        for point in _descendants(ncx, "navPoint"):
            label_element = next(_children(point, "navLabel"), None)
            content = next(_children(point, "content"), None)
            if label_element is None or content is None:
                continue
            target = _resolve(path, _attr(content, "src"))
            label = _element_text(label_element)
            if target and label:
                titles.setdefault(target, label)
        return titles


def _epub_types(tag: Tag) -> set[str]:
    value = tag.get("epub-type") or tag.get("epub:type") or ""
    return set(str(value).split())


def _classes(tag: Tag | None) -> set[str]:
    if tag is None:
        return set()
    value = tag.get("class")
    if value is None:
        return set()
    return set(value.split() if isinstance(value, str) else value)


# --------------------------------------------------------------------------------------------
# Chapters


def _clean_body(soup: BeautifulSoup, *, keep_comments: bool = False) -> Tag:
    """The document's body without scripts, styles, objects, forms, event-handler and style
    attributes and (unless kept, for the AO3 parser's "chapter content" marks) comments."""
    body = soup.body
    assert body is not None
    dropped: list[PageElement] = []
    for node in body.descendants:
        if isinstance(node, Tag):
            if node.name in _DROPPED:
                dropped.append(node)
                continue
            if not node.attrs:
                continue
            style = node.attrs.get("style")
            if isinstance(style, str) and "align" not in node.attrs:
                align = _TEXT_ALIGN.search(style)
                if align:
                    node["align"] = align.group(1).lower()
            for name in [n for n in node.attrs if n.lower().startswith("on") or n == "style"]:
                del node[name]
        elif isinstance(node, PreformattedString) and not keep_comments:
            dropped.append(node)
    for node in dropped:
        if not (isinstance(node, Tag) and node.decomposed):
            node.extract()
    return body


def _leading_heading(body: Tag) -> Tag | None:
    """The first heading, if no text comes before it."""
    for node in body.descendants:
        if isinstance(node, Tag):
            if node.name in _HEADINGS:
                return node if _text(node) else None
            if node.name in ("img", "hr"):
                return None
        elif isinstance(node, NavigableString) and node.strip():
            return None
    return None


def _has_content(body: Tag) -> bool:
    return bool(_text(body)) or body.find("img") is not None


def _checked_size(markup: str, number: int) -> str:
    if len(markup.encode("utf-8")) > MAX_CHAPTER_BYTES:
        raise ImportFailed(
            f"chapter {number} is larger than {MAX_CHAPTER_BYTES // 2**20} MB; split it into "
            "smaller chapters"
        )
    return markup


def _chapter_html(body: Tag, number: int) -> str:
    return _checked_size(_inner_html(body), number)


def _check_work(chapters: list[ParsedChapter]) -> None:
    if not chapters:
        raise ImportFailed("the EPUB has no story text")
    total = sum(len(c.html) for c in chapters)
    if total > MAX_WORK_BYTES:
        raise ImportFailed(f"the story is larger than {MAX_WORK_BYTES // 2**20} MB of text")


def _count_chapter(chapters: list[ParsedChapter]) -> int:
    if len(chapters) >= MAX_CHAPTERS:
        raise ImportFailed(f"the EPUB has more than {MAX_CHAPTERS} chapters")
    return len(chapters) + 1


def _is_front_matter(book: _Book, item: _Item, body: Tag) -> bool:
    """A cover, title page, table of contents or copyright page, when recognisable."""
    words = len(_text(body).split())
    if words > _FRONT_MATTER_MAX_WORDS:
        return False
    if not words:
        return True  # a cover picture, a blank page
    stem = posixpath.splitext(posixpath.basename(item.path))[0]
    if _FRONT_MATTER_NAMES.fullmatch(stem) or "cover" in item.id.lower():
        return True
    if book.guide.get(item.path) in _FRONT_MATTER_GUIDE:
        return True
    landmarks = book.landmarks.get(item.path, set())
    if landmarks & {"cover", "titlepage", "toc", "copyright-page", "frontmatter"}:
        return True
    return _fold(book.toc.get(item.path, "")) in _FRONT_MATTER_TITLES


def _is_continuation(previous: str | None, path: str) -> bool:
    """Calibre splits long files into name_split_000.xhtml, name_split_001.xhtml…"""
    match = _CALIBRE_SPLIT.fullmatch(path)
    if not match or previous is None or int(match.group(2)) == 0:
        return False
    before = _CALIBRE_SPLIT.fullmatch(previous)
    return before is not None and before.group(1) == match.group(1)


def _generic_chapters(book: _Book) -> list[ParsedChapter]:
    chapters: list[ParsedChapter] = []
    previous_path: str | None = None
    toc = book.toc
    for item in book.xhtml_spine():
        body = _clean_body(book.document(item))
        if not _has_content(body) or (not chapters and _is_front_matter(book, item, body)):
            continue
        title = toc.get(item.path, "")
        if chapters and not title and _is_continuation(previous_path, item.path):
            last = chapters[-1]
            last.html = _checked_size(last.html + "\n" + _inner_html(body), len(chapters))
            previous_path = item.path
            continue
        number = _count_chapter(chapters)
        heading = _leading_heading(body)
        if heading is not None:
            heading_text = _text(heading)
            if not title and len(heading_text) <= 200:
                title = heading_text
            if _fold(heading_text) == _fold(title):
                heading.decompose()
        chapters.append(ParsedChapter(html=_chapter_html(body, number), title=title))
        previous_path = item.path
    return chapters


def _generic_work(book: _Book, *, filename: str) -> ParsedWork:
    meta = book.metadata
    chapters = _generic_chapters(book)
    _check_work(chapters)
    freeforms = _unique(t for subject in meta.subjects for t in subject.split(","))
    return ParsedWork(
        title=meta.titles[0] if meta.titles else _title_from_filename(filename),
        chapters=chapters,
        summary=_summary_html(meta.description),
        creators=list(meta.creators),
        freeforms=freeforms,
        language=meta.language,
        published=meta.date("publication", "original-publication", "issued", ""),
        updated=meta.date("modification"),
        source_url=meta.source_url,
        series=list(meta.series),
        format="epub",
    )


# --------------------------------------------------------------------------------------------
# FanFicFare

_FFF_SKIPPED_PAGES = frozenset({"title_page", "toc_page", "log_page", "cover"})
_FFF_SKIPPED_CLASSES = frozenset({"fff_titlepage", "fff_tocpage", "fff_logpage"})

# FanFicFare's default title-page labels (defaults.ini "*_label"), folded to letters and
# digits, and the field each fills.
_FFF_LABELS = {
    "category": "category",
    "categories": "category",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "genre": "genre",
    "genres": "genre",
    "freeformtags": "freeforms",
    "freefromtags": "freeforms",
    "additionaltags": "freeforms",
    "extratags": "freeforms",
    "ao3categories": "categories",
    "language": "language",
    "characters": "characters",
    "relationships": "ships",
    "pairings": "ships",
    "pairing": "ships",
    "ships": "ships",
    "status": "status",
    "published": "published",
    "updated": "updated",
    "packaged": "packaged",
    "rating": "rating",
    "warnings": "warnings",
    "warning": "warnings",
    "archivewarnings": "warnings",
    "chapters": "chapters",
    "words": "words",
    "publisher": "publisher",
    "summary": "summary",
    "series": "series",
}
_FFF_OTHER_LABELS = frozenset(
    {
        "kudos", "hits", "bookmarks", "comments", "collections", "storyurl", "authorurl",
        "author", "authors", "title", "storyid", "authorid", "site", "completed", "created",
        "datepublished", "dateupdated", "numwords", "numchapters", "byline",
    }
)  # fmt: skip
_FFF_COMPLETE = frozenset({"completed", "complete", "finished"})
_FFF_IN_PROGRESS = frozenset(
    {
        "in-progress",
        "in progress",
        "inprogress",
        "wip",
        "ongoing",
        "incomplete",
        "abandoned",
        "hiatus",
        "on hiatus",
    }
)


def _label_key(label: str) -> str:
    return re.sub(r"[^0-9a-z]", "", label.casefold())


def is_fanficfare(book: _Book) -> bool:
    meta = book.metadata
    if any(i.lower().startswith("fanficfare-uid:") for i in meta.identifiers):
        return True
    if any("fanficfare" in c.lower() for c in meta.contributors):
        return True
    return any(
        posixpath.basename(item.path) == "title_page.xhtml"
        and b"fff_titlepage" in book.read(item.path)
        for item in book.xhtml_spine(linear_only=False)
    )


@dataclass
class _TitlePage:
    title: str = ""
    url: str = ""
    creators: list[str] = field(default_factory=list)
    entries: dict[str, tuple[str, str]] = field(default_factory=dict)  # field → (text, html)


def _entries_from_lines(container: Tag) -> list[tuple[str, list[Any]]]:
    """``<b>Label:</b> value<br />`` lines; a value may hold HTML, a summary's paragraphs."""
    entries: list[tuple[str, list[Any]]] = []
    current: list[Any] | None = None
    current_field = ""
    line_start = True
    for node in list(container.children):
        if isinstance(node, Tag) and node.name in ("b", "strong") and line_start:
            label = _text(node)
            key = _label_key(label)
            known = key in _FFF_LABELS or key in _FFF_OTHER_LABELS
            if label.endswith(":") and (known or current_field != "summary"):
                current = []
                current_field = _FFF_LABELS.get(key, key)
                entries.append((label[:-1], current))
                line_start = False
                continue
        if isinstance(node, NavigableString) and not node.strip():
            if current is not None:
                current.append(node)
            continue
        if isinstance(node, Tag) and node.name == "br":
            line_start = True
            if current is not None:
                current.append(node)
            continue
        line_start = isinstance(node, Tag) and node.name in _BLOCKS
        if current is not None:
            current.append(node)
    return entries


def _entries_from_table(table: Tag) -> list[tuple[str, list[Any]]]:
    entries: list[tuple[str, list[Any]]] = []
    for row in table.find_all("tr"):
        cells = row.find_all(["td", "th"], recursive=False)
        if len(cells) >= 2:
            label = _text(cells[0])
            if label.endswith(":"):
                entries.append((label[:-1], list(cells[1].contents)))
        elif len(cells) == 1:
            bold = cells[0].find(["b", "strong"])
            if bold is not None and _text(bold).endswith(":"):
                nodes = list(bold.next_siblings)
                entries.append((_text(bold)[:-1], nodes))
    return entries


def _read_title_page(soup: BeautifulSoup) -> _TitlePage:
    page = _TitlePage()
    body = _clean_body(soup)
    heading = body.find(["h3", "h2", "h1"])
    if heading is not None:
        links = heading.find_all("a")
        if links:
            page.title = _text(links[0])
            page.url = str(links[0].get("href") or "")
            page.creators = _unique(_text(a) for a in links[1:])
        heading_text = _text(heading)
        if not page.title:
            page.title = re.split(r"\s+by\s+", heading_text, maxsplit=1)[0]
        if not page.creators and re.search(r"\sby\s", heading_text):
            byline = re.split(r"\s+by\s+", heading_text, maxsplit=1)[1]
            page.creators = _unique(re.split(r",|&|\band\b", byline))
    table = body.find("table")
    if table is not None:
        raw = _entries_from_table(table)
    else:
        container = heading.find_next_sibling("div") if heading is not None else None
        raw = _entries_from_lines(container if isinstance(container, Tag) else body)
    for label, nodes in raw:
        while nodes and (
            (isinstance(nodes[-1], Tag) and nodes[-1].name == "br") or _is_blank(nodes[-1:])
        ):
            nodes = nodes[:-1]
        markup = "".join(
            str(n) if isinstance(n, Tag) else html.escape(str(n), quote=False) for n in nodes
        ).strip()
        text = " ".join(" ".join(n.get_text(" ") for n in nodes).split())
        key = _label_key(label)
        page.entries.setdefault(_FFF_LABELS.get(key, key), (text, markup))
    return page


def _fff_chapter(soup: BeautifulSoup, *, number: int, toc_title: str) -> ParsedChapter:
    meta_titles = {
        str(m.get("name")): str(m.get("content") or "").strip()
        for m in soup.find_all("meta", attrs={"name": True})
    }
    body = _clean_body(soup)
    heading = body.find(class_="fff_chapter_title")
    title = _text(heading) if heading is not None else ""
    if heading is not None:
        heading.decompose()
    title = (
        title or meta_titles.get("chaptertitle") or meta_titles.get("chapterorigtitle") or toc_title
    )
    title = re.sub(rf"^{number}\.\s+", "", title)  # "3. The Storm": FanFicFare's numbering
    parts = {"summary": "", "notes": "", "end_notes": ""}
    for css, part in (
        ("fff_head_summary", "summary"),
        ("fff_head_notes", "notes"),
        ("fff_foot_notes", "end_notes"),
    ):
        for div in body.find_all(class_=css):
            label = div.find(["b", "strong"])
            if label is not None and _text(label).endswith(":"):
                label.decompose()
            quote = div.find("blockquote")
            parts[part] += _inner_html(quote if quote is not None else div)
            div.decompose()
    return ParsedChapter(
        html=_chapter_html(body, number),
        title=title,
        summary=parts["summary"],
        notes=parts["notes"],
        end_notes=parts["end_notes"],
    )


def _fff_work(book: _Book, *, filename: str) -> ParsedWork:
    meta = book.metadata
    page = _TitlePage()
    chapters: list[ParsedChapter] = []
    toc = book.toc
    for item in book.xhtml_spine(linear_only=False):
        stem = posixpath.splitext(posixpath.basename(item.path))[0]
        if stem in _FFF_SKIPPED_PAGES:
            if stem == "title_page" and not page.entries:
                page = _read_title_page(book.document(item))
            continue
        soup = book.document(item)
        if _classes(soup.body) & _FFF_SKIPPED_CLASSES:
            if "fff_titlepage" in _classes(soup.body) and not page.entries:
                page = _read_title_page(soup)
            continue
        number = _count_chapter(chapters)
        chapter = _fff_chapter(soup, number=number, toc_title=toc.get(item.path, ""))
        if not chapter.html and not chapter.title:
            continue
        chapters.append(chapter)
    _check_work(chapters)

    def entry(name: str) -> str:
        return page.entries.get(name, ("", ""))[0]

    fandoms = _split_tags(entry("fandoms")) or _split_tags(entry("category"))
    genre = _split_tags(entry("genre"))
    freeforms = _split_tags(entry("freeforms"))
    categories, genre = _sort_categories(genre)
    more_categories, _ = _sort_categories(_split_tags(entry("categories")))
    warnings, other_warnings = _sort_warnings(_split_tags(entry("warnings")))
    characters = _split_tags(entry("characters"))
    relationships = _split_tags(entry("ships"))
    freeforms = _unique([*freeforms, *genre, *other_warnings])
    if not (fandoms or freeforms or characters or relationships or categories):
        # No tags under labels we know (renamed, or no title page at all): the OPF's subjects,
        # where FanFicFare puts the same tags.
        subjects = [s for s in meta.subjects if _fold(s) not in _FFF_COMPLETE | _FFF_IN_PROGRESS]
        categories, freeforms = _sort_categories(_unique(subjects))
    status = _fold(entry("status")) or next(
        (_fold(s) for s in meta.subjects if _fold(s) in _FFF_COMPLETE | _FFF_IN_PROGRESS), ""
    )
    complete = True if status in _FFF_COMPLETE else False if status in _FFF_IN_PROGRESS else None
    expected = _expected_chapters(entry("chapters"), complete, len(chapters))
    summary = page.entries.get("summary", ("", ""))[1]
    source_url = page.url if _URL.fullmatch(page.url) else meta.source_url
    series = list(meta.series) or _series_entry(entry("series"))
    return ParsedWork(
        title=page.title or (meta.titles[0] if meta.titles else _title_from_filename(filename)),
        chapters=chapters,
        summary=_fragment_html(summary) if summary else _summary_html(meta.description),
        creators=page.creators or list(meta.creators),
        rating=rating_from(entry("rating")),
        warnings=warnings,
        categories=_unique([*categories, *more_categories]),
        fandoms=fandoms,
        relationships=relationships,
        characters=characters,
        freeforms=freeforms,
        language=entry("language") or meta.language,
        published=parse_date(entry("published")) or meta.date("publication"),
        updated=parse_date(entry("updated")) or meta.date("modification"),
        expected_chapters=expected,
        complete=complete,
        source_url=source_url,
        series=series,
        format="fanficfare",
    )


def _expected_chapters(text: str, complete: bool | None, count: int) -> int | None:
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+|\?)", text.replace(",", ""))
    if match and match.group(2) != "?":
        return int(match.group(2))
    return count if complete else None


def _series_entry(text: str) -> list[tuple[str, int]]:
    """FanFicFare's "Series" line: "The Lantern Cycle [2]"."""
    match = re.fullmatch(r"(.+?)\s*\[(\d+)\]", text)
    if match:
        return [(match.group(1), int(match.group(2)))]
    return [(text, 1)] if text else []


# --------------------------------------------------------------------------------------------
# AO3's EPUB downloads: the AO3 HTML download, converted by Calibre


def is_ao3(book: _Book) -> bool:
    """AO3's EPUB: published by the Archive of Our Own, or AO3's preface in the first files."""
    if any("archive of our own" in p.lower() for p in book.metadata.publishers):
        return True
    return any(is_ao3_html(book.read(item.path)) for item in book.xhtml_spine()[:2])


def _same_wrapper(a: Tag, b: Tag) -> bool:
    """Whether b continues a: Calibre's splitting copies the open elements into the next file."""
    return (
        a.name == b.name
        and a.name in ("div", "section", "article", "main")
        and _classes(a) == _classes(b)
        and a.get("id") == b.get("id")
    )


def _last_element(tag: Tag) -> Tag | None:
    for node in reversed(tag.contents):
        if isinstance(node, Tag):
            return node
        if str(node).strip():
            return None
    return None


def _append_continuing(dest: Tag, nodes: list[Any]) -> None:
    """Append nodes to dest; if the first continues dest's last element, merge it in."""
    lead = 0
    while lead < len(nodes) and _is_blank(nodes[lead : lead + 1]):
        lead += 1
    first = nodes[lead] if lead < len(nodes) else None
    last = _last_element(dest)
    if isinstance(first, Tag) and last is not None and _same_wrapper(last, first):
        _append_continuing(last, list(first.contents))
        first.decompose()
        nodes = nodes[lead + 1 :]
    for node in nodes:
        dest.append(node.extract())


def _join_bodies(bodies: list[Tag]) -> BeautifulSoup:
    """One document from the spine's bodies, with the elements that Calibre cut in two at a
    file boundary joined again (div#chapters in both files becomes one div#chapters)."""
    soup = BeautifulSoup("<html><head></head><body></body></html>", "lxml")
    assert soup.body is not None
    for body in bodies:
        _append_continuing(soup.body, list(body.contents))
    return soup


def _ao3_work(book: _Book, *, filename: str) -> ParsedWork | None:
    """AO3's EPUB through the AO3 download parser; None when it isn't AO3's markup after all.

    The spine's bodies are joined into one document (undoing Calibre's file splits) and read
    exactly as an AO3 HTML download is; the OPF fills what the preface lacks.
    """
    bodies: list[Tag] = []
    size = 0
    for item in book.xhtml_spine():
        data = book.read(item.path)
        size += len(data)
        if size > MAX_WORK_BYTES:
            raise ImportFailed(f"the story is larger than {MAX_WORK_BYTES // 2**20} MB of text")
        bodies.append(_clean_body(_parse_xhtml(data, item.path), keep_comments=True))
    soup = _join_bodies(bodies)
    if not is_ao3_html(soup) and soup.find(id="chapters") is None:
        return None
    work = parse_ao3_document(soup, filename=filename)
    if len(work.chapters) > MAX_CHAPTERS:
        raise ImportFailed(f"the EPUB has more than {MAX_CHAPTERS} chapters")
    for number, chapter in enumerate(work.chapters, start=1):
        _checked_size(chapter.html, number)
    _check_work(work.chapters)
    meta = book.metadata
    work.title = work.title or (meta.titles[0] if meta.titles else _title_from_filename(filename))
    work.creators = work.creators or list(meta.creators)
    work.summary = work.summary or _summary_html(meta.description)
    work.language = work.language or meta.language
    work.source_url = work.source_url or meta.source_url
    work.published = work.published or meta.date("publication", "")
    work.series = work.series or list(meta.series)
    work.format = "ao3"
    return work


# --------------------------------------------------------------------------------------------
# Entry point


def parse_epub(data: bytes, *, filename: str) -> ParsedWork:
    """Read an EPUB as one work: FanFicFare's, AO3's or any other, told apart by content.

    Raises ImportFailed with a one-line reason for anything unreadable, unsafe or too big.
    """
    with SafeZip(data) as archive:
        book = _Book(archive)
        if is_fanficfare(book):
            return _fff_work(book, filename=filename)
        if is_ao3(book):
            work = _ao3_work(book, filename=filename)
            if work is not None:
                return work
        return _generic_work(book, filename=filename)
