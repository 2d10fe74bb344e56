"""HTML import: a story saved as one HTML file read into one work, chapters split on headings.

Also the safe HTML plumbing the AO3 and EPUB importers share: decoding, parsing (lxml through
BeautifulSoup, or lxml's own tree where speed matters; no entities, no network), dropping
active content, serializing.
"""

from __future__ import annotations

import codecs
import itertools
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    NavigableString,
    PageElement,
    ParserRejectedMarkup,
    Script,
    Stylesheet,
    Tag,
    TemplateString,
    XMLParsedAsHTMLWarning,
)
from bs4.element import PreformattedString
from lxml import etree

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedChapter, ParsedWork
from fichive.formats.importers.text import (
    MAX_TEXT_BYTES,
    byline_author,
    chapter_heading_title,
    decode_text,
    notes_html,
    take_end_notes,
    take_start_notes,
    title_from_filename,
)
from fichive.lib.plaintext import AN_LABEL, PAREN_NOTE, SPACE, Para, is_separator, render_items
from fichive.lib.sanitize import DROPPED_WITH_CONTENT

__all__ = [
    "MAX_CHAPTERS",
    "MAX_ELEMENTS",
    "MAX_HTML_BYTES",
    "UNSAFE_ELEMENTS",
    "decode_html",
    "html_soup",
    "html_tree",
    "inner_html",
    "parse_html",
    "remove_unsafe",
    "safe_attributes",
    "serialize_html",
    "serialize_tree",
    "squash",
    "tree_contents",
    "tree_inner_html",
    "tree_siblings_after",
]

MAX_HTML_BYTES = MAX_TEXT_BYTES
MAX_CHAPTERS = 500
# Building a BeautifulSoup tree costs tens of microseconds per node: a 10 MB file of nothing
# but tiny tags would take minutes. A million-word story has well under this many elements.
MAX_ELEMENTS = 300_000
# Wrapper elements (div, section, font…) are looked into this deep for paragraphs; anything
# nested deeper is kept as one block. Keeps the walk linear on hostile nesting.
MAX_DEPTH = 64
_TITLE_MAX_CHARS = 255


def _names(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_NOT_TEXT = "not UTF-8 or Windows-1252 text"
_NOT_HTML = "not readable as HTML"
_NO_STORY = "no story text found"

# --------------------------------------------------------------------------------------------
# Decoding

# Encodings a page may declare that are worth honouring (the WHATWG legacy encodings). UTF-8,
# ASCII and the Latin-1 family are left to decode_text, which tries UTF-8 and Windows-1252.
_LEGACY_CODECS = frozenset(
    codecs.lookup(name).name
    for name in _names(
        "cp866 iso8859-2 iso8859-3 iso8859-4 iso8859-5 iso8859-6 iso8859-7 iso8859-8 "
        "iso8859-10 iso8859-13 iso8859-14 iso8859-15 iso8859-16 koi8-r koi8-u mac-roman "
        "cp874 cp1250 cp1251 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 mac-cyrillic gbk "
        "gb2312 gb18030 big5 big5hkscs euc-jp iso2022-jp shift-jis cp932 euc-kr cp949"
    )
)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_CHARSET_SCAN_BYTES = 4096


def _declared_codec(data: bytes) -> str | None:
    """The legacy encoding a <meta> near the top declares, if it is one we decode ourselves."""
    match = _META_CHARSET.search(data[:_CHARSET_SCAN_BYTES])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return name if name in _LEGACY_CODECS else None


def decode_html(data: bytes) -> str:
    """Decode an HTML file: UTF-16 by its byte order mark, a legacy encoding its <meta charset>
    declares (when the bytes are not UTF-8 anyway), else UTF-8 or Windows-1252 as
    text.decode_text does, with the same limits and newline handling.

    Raises ImportFailed for files over 10 MB, binary data and undecodable bytes.
    """
    if len(data) > MAX_HTML_BYTES:
        raise ImportFailed("file is larger than 10 MB")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return decode_text(data.decode("utf-16").encode("utf-8"))
        except UnicodeError:
            raise ImportFailed(_NOT_TEXT) from None
    codec = _declared_codec(data)
    if codec is not None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                return decode_text(data.decode(codec).encode("utf-8"))
            except UnicodeError:
                pass  # the declaration is wrong: fall back to UTF-8 / Windows-1252
    return decode_text(data)


# --------------------------------------------------------------------------------------------
# Parsing and cleaning

# <!DOCTYPE x [ <!ENTITY …> ]>: neither parser expands these, but the declarations would
# otherwise show up as stray text ("]>") at the top of the story.
_DOCTYPE_SUBSET = re.compile(r"<!doctype\b[^\[>]*\[", re.IGNORECASE)
_SUBSET_END = re.compile(r"\]\s*>")
_HEAD_SCAN_CHARS = 4096


def _drop_internal_subset(text: str) -> str:
    match = _DOCTYPE_SUBSET.search(text, 0, _HEAD_SCAN_CHARS)
    if not match:
        return text
    end = _SUBSET_END.search(text, match.end())
    return text[: match.start()] + (text[end.end() :] if end else "")


_MARKUP = re.compile(r"<[A-Za-z!]")


def html_soup(text: str) -> BeautifulSoup:
    """Parse HTML (or XHTML) text with lxml's HTML parser: recovering from broken markup,
    never expanding entity declarations, never fetching anything.

    Raises ImportFailed for more than MAX_ELEMENTS tags and comments.
    """
    _count_markup(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        try:
            return BeautifulSoup(_drop_internal_subset(text), "lxml")
        except (ParserRejectedMarkup, RecursionError):
            raise ImportFailed(_NOT_HTML) from None


def _count_markup(text: str) -> None:
    elements = sum(1 for _ in itertools.islice(_MARKUP.finditer(text), MAX_ELEMENTS + 1))
    if elements > MAX_ELEMENTS:
        raise ImportFailed(f"too much markup: more than {MAX_ELEMENTS:,} HTML elements")


# The name of html_tree's outermost element, which holds the document's (its <html>).
DOCUMENT = "fichive-document"


def html_tree(text: str) -> etree._Element:
    """html_soup's document as lxml's own tree (the same parser, without BeautifulSoup's
    Python object per node, several times faster): one DOCUMENT element holding the
    document's <html> (and whatever broken markup left beside it), comments kept.

    Raises ImportFailed for more than MAX_ELEMENTS tags and comments, or no document at all.
    """
    _count_markup(text)
    parser = etree.HTMLParser(recover=True, no_network=True, encoding="utf-8")
    try:
        root = etree.fromstring(
            _drop_internal_subset(text).encode("utf-8", "surrogatepass"), parser
        )
    except (etree.LxmlError, ValueError, RecursionError):
        raise ImportFailed(_NOT_HTML) from None
    if root is None:
        root = etree.fromstring(b"<html><body></body></html>", parser)
    # Broken markup can leave elements beside <html> at the top; one element holds them
    # all, as BeautifulSoup's document does.
    document = etree.Element(DOCUMENT)
    top = [*root.itersiblings(preceding=True)]
    top.reverse()
    for node in [*top, root, *root.itersiblings()]:
        document.append(node)
    return document


# --------------------------------------------------------------------------------------------
# Reading and writing trees without changing them
#
# Moving or removing nodes in BeautifulSoup costs time in proportion to the parent's size, so
# a page of 100,000 sibling paragraphs would take quadratic time to clean in place. Instead
# the tree is left alone and these walks skip what must not come out of it.

# Elements dropped with everything inside them: active content, embedded documents, forms.
UNSAFE_ELEMENTS = DROPPED_WITH_CONTENT | _names(
    "applet audio base basefont bgsound button canvas embed frame frameset input keygen link "
    "meta object param select source template textarea track video"
)
# Not story content either, but a tree's own business: left in place by remove_unsafe.
_SKIPPED = UNSAFE_ELEMENTS | _names("head title")
_VOID = _names("area base br col embed hr img input keygen link meta param source track wbr")
_PREFORMATTED = _names("pre listing plaintext xmp")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9:_.-]*")
_TEXT_ALIGN = re.compile(r"text-align\s*:\s*(left|right|center|justify)", re.IGNORECASE)
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_ESCAPE_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ESCAPE_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _is_text(node: PageElement) -> bool:
    """Readable text: not a comment, declaration, CDATA, or script/style/template content."""
    return isinstance(node, NavigableString) and not isinstance(node, _NOT_TEXT_TYPES)


_NOT_TEXT_TYPES = (PreformattedString, Script, Stylesheet, TemplateString)


def _dropped_attribute(name: str, lower: str, *, keep_classes: bool) -> bool:
    """Event handlers, styles, namespaces, odd names, and class and id unless kept."""
    return (lower.startswith(("on", "xmlns", "xml:")) or lower == "style"
            or (not keep_classes and lower in ("class", "id")) or not _NAME.fullmatch(name))


def safe_attributes(tag: Tag, *, keep_classes: bool = True) -> dict[str, str]:
    """The attributes of ``tag`` worth passing on: no event handlers, styles or namespaces;
    a CSS text-align becomes `align`; class and id only with ``keep_classes``."""
    out: dict[str, str] = {}
    for name in tag.attrs:
        lower = name.lower()
        if _dropped_attribute(name, lower, keep_classes=keep_classes):
            continue
        out[lower] = _attr(tag, name)
    if "align" not in out:
        align = _TEXT_ALIGN.search(_attr(tag, "style"))
        if align:
            out["align"] = align.group(1).lower()
    return out


def _open_tag(name: str, attrs: dict[str, str]) -> str:
    rendered = "".join(
        f' {key}="{value.translate(_ESCAPE_ATTRIBUTE)}"' for key, value in attrs.items()
    )
    return f"<{name}{rendered}{' /' if name in _VOID else ''}>"


class _Close:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def serialize_html(
    nodes: Iterable[PageElement], *, keep_classes: bool = True, collapse: bool = False
) -> str:
    """HTML for ``nodes`` without unsafe elements (UNSAFE_ELEMENTS, <head> and <title>, with
    their content), comments, declarations or unsafe attributes (see safe_attributes).
    With ``collapse``, runs of whitespace outside <pre> become one space. Never recursive,
    never changes the tree."""
    out: list[str] = []
    stack: list[PageElement | _Close] = list(nodes)
    stack.reverse()
    preformatted = 0
    while stack:
        node = stack.pop()
        if isinstance(node, _Close):
            out.append(f"</{node.name}>")
            if node.name in _PREFORMATTED:
                preformatted -= 1
        elif isinstance(node, NavigableString):
            if _is_text(node):
                text = str(node)
                if collapse and not preformatted:
                    text = _WHITESPACE.sub(" ", text)
                out.append(text.translate(_ESCAPE_TEXT))
        elif isinstance(node, Tag) and node.name not in _SKIPPED:
            name = node.name.lower()
            children = list(node.contents)
            children.reverse()
            if not _NAME.fullmatch(name):
                stack.extend(children)  # a name we can't write back: keep what is inside
                continue
            out.append(_open_tag(name, safe_attributes(node, keep_classes=keep_classes)))
            if name in _VOID:
                continue
            if name in _PREFORMATTED:
                preformatted += 1
            stack.append(_Close(name))
            stack.extend(children)
    return "".join(out)


def _detach(nodes: list[PageElement]) -> None:
    """Take ``nodes`` (none inside another) out of their tree.

    What PageElement.extract does, but each parent's child list is rebuilt once rather than
    searched and shifted per node: extract() is linear in the parent's size, so removing the
    scripts of a page of 100,000 scripts one by one would take hours.
    """
    parents: dict[int, Tag] = {}
    gone: set[int] = set()
    for node in nodes:
        parent = node.parent
        if parent is None:
            continue
        last = node
        while isinstance(last, Tag) and last.contents:
            last = last.contents[-1]
        before, after = node.previous_element, last.next_element
        if before is not None:
            before.next_element = after
        if after is not None:
            after.previous_element = before
        node.previous_element = last.next_element = None
        previous, following = node.previous_sibling, node.next_sibling
        if previous is not None:
            previous.next_sibling = following
        if following is not None:
            following.previous_sibling = previous
        node.previous_sibling = node.next_sibling = node.parent = None
        parents[id(parent)] = parent
        gone.add(id(node))
    for parent in parents.values():
        parent.contents = [child for child in parent.contents if id(child) not in gone]


def remove_unsafe(root: Tag, *, keep_classes: bool = True) -> None:
    """Clean a tree in place: drop UNSAFE_ELEMENTS (with their content), comments and
    declarations, and unsafe attributes (see safe_attributes). Linear time.

    serialize_html and inner_html skip all of these anyway; this is for code that reads the
    tree itself (its text, say) and wants it clean.
    """
    dropped: list[PageElement] = []
    stack: list[PageElement] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, NavigableString):
            if isinstance(node, PreformattedString):
                dropped.append(node)
        elif isinstance(node, Tag):
            if node is not root and node.name in UNSAFE_ELEMENTS:
                dropped.append(node)
                continue
            if node.attrs:
                safe = safe_attributes(node, keep_classes=keep_classes)
                node.attrs.clear()
                node.attrs.update(safe)
            stack.extend(node.contents)
    _detach(dropped)


# The same for lxml's trees (html_tree): a node's text is its `text`, and the text after it
# its `tail`, so serializing walks (text | element) sequences.


def tree_contents(element: etree._Element) -> list[str | etree._Element]:
    """An element's children with the text between them, in order (BeautifulSoup's
    `contents`)."""
    out: list[str | etree._Element] = [element.text] if element.text else []
    for child in element:
        out.append(child)
        if child.tail:
            out.append(child.tail)
    return out


def tree_siblings_after(element: etree._Element) -> list[str | etree._Element]:
    """What follows an element inside its parent, with the text between (`next_siblings`)."""
    out: list[str | etree._Element] = [element.tail] if element.tail else []
    for sibling in element.itersiblings():
        out.append(sibling)
        if sibling.tail:
            out.append(sibling.tail)
    return out


# BeautifulSoup reads these attributes as lists of words and writes them back joined by one
# space; done the same here so both trees give the same markup.
_WORD_LIST_ATTRIBUTES = frozenset({"class", "accesskey", "dropzone", "rel", "rev", "headers"})


def _tree_safe_attributes(element: etree._Element, *, keep_classes: bool) -> dict[str, str]:
    """safe_attributes for an lxml element."""
    out: dict[str, str] = {}
    style = ""
    for name, value in element.attrib.items():
        name = str(name)
        lower = name.lower()
        if lower == "style":
            style = str(value)
        if _dropped_attribute(name, lower, keep_classes=keep_classes):
            continue
        out[lower] = " ".join(value.split()) if lower in _WORD_LIST_ATTRIBUTES else str(value)
    if "align" not in out and style:
        align = _TEXT_ALIGN.search(style)
        if align:
            out["align"] = align.group(1).lower()
    return out


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ASCII_SPACE = " \n\t\f\r"
_KEEPS_SPACE = frozenset({"pre", "textarea"})


def _in_preformatted(element: etree._Element | None) -> bool:
    """Whether text inside `element` keeps its whitespace (it is in a <pre>)."""
    while element is not None:
        if element.tag in _KEEPS_SPACE:
            return True
        element = element.getparent()
    return False


def _tree_text(text: str, keeping: int) -> str:
    if not keeping and not text.strip(_ASCII_SPACE):
        return "\n" if "\n" in text else " "
    return _escape_text(text)


_NAME_OK: dict[str, bool] = {}  # _NAME.fullmatch by tag name, for names seen so far


def _name_ok(name: str) -> bool:
    known = _NAME_OK.get(name)
    if known is None:
        known = _NAME.fullmatch(name) is not None
        if len(_NAME_OK) < 1000:
            _NAME_OK[name] = known
    return known


def serialize_tree(nodes: Iterable[str | etree._Element], *, keep_classes: bool = True,
                   inside: etree._Element | None = None) -> str:
    """serialize_html for lxml nodes (elements and the strings between them, children of
    `inside`): the same safe HTML, without unsafe elements, comments, processing instructions
    or unsafe attributes. Text of nothing but spaces becomes one newline or space outside
    <pre>, as BeautifulSoup reads it. Never recursive, never changes the tree."""
    out: list[str] = []
    stack: list[str | etree._Element | _Close] = list(nodes)
    stack.reverse()
    keeping = 1 if _in_preformatted(inside) else 0  # open <pre> elements
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(_tree_text(node, keeping))
            continue
        if isinstance(node, _Close):
            out.append(f"</{node.name}>")
            if node.name in _KEEPS_SPACE:
                keeping -= 1
            continue
        tag = node.tag
        if not isinstance(tag, str) or tag in _SKIPPED:  # comments, PIs, unsafe
            continue
        name = tag.lower()
        if not _name_ok(name):  # a name we can't write back: keep what is inside
            children = tree_contents(node)
            children.reverse()
            stack.extend(children)
            continue
        if node.attrib:
            out.append(_open_tag(name, _tree_safe_attributes(node, keep_classes=keep_classes)))
        else:
            out.append(f"<{name} />" if name in _VOID else f"<{name}>")
        if name in _VOID:
            continue
        if name in _KEEPS_SPACE:
            keeping += 1
        if not len(node):  # text only (most paragraphs): no need to go through the stack
            if node.text:
                out.append(_tree_text(node.text, keeping))
            out.append(f"</{name}>")
            if name in _KEEPS_SPACE:
                keeping -= 1
            continue
        stack.append(_Close(name))
        children = tree_contents(node)
        children.reverse()
        stack.extend(children)
    return "".join(out)


def tree_inner_html(element: etree._Element, *, keep_classes: bool = True) -> str:
    """inner_html for an lxml element."""
    return serialize_tree(tree_contents(element), keep_classes=keep_classes,
                          inside=element).strip(SPACE)


def inner_html(tag: Tag, *, keep_classes: bool = True) -> str:
    """The safe markup inside ``tag`` (see serialize_html), trimmed."""
    return serialize_html(tag.contents, keep_classes=keep_classes).strip(SPACE)


def squash(text: str) -> str:
    """Text with runs of whitespace made one space, trimmed."""
    return " ".join(text.split())


def _read(nodes: Iterable[PageElement]) -> tuple[str, bool]:
    """The text of ``nodes`` with a newline per <br>, and whether they hold an image."""
    parts: list[str] = []
    image = False
    stack: list[PageElement] = list(nodes)
    stack.reverse()
    while stack:
        node = stack.pop()
        if isinstance(node, NavigableString):
            if _is_text(node):
                parts.append(str(node))
        elif isinstance(node, Tag) and node.name not in _SKIPPED:
            if node.name == "br":
                parts.append("\n")
            elif node.name in _EMBEDDED:
                image = True
            children = list(node.contents)
            children.reverse()
            stack.extend(children)
    return "".join(parts), image


def _lines(text: str) -> list[str]:
    return [squash(line) for line in text.split("\n") if line.strip(SPACE)]


# --------------------------------------------------------------------------------------------
# Blocks: the story as a flat list of paragraphs, headings, other blocks and scene breaks

_HEADINGS = _names("h1 h2 h3 h4 h5 h6")
_PARAGRAPHS = _names("p")
_OTHER_BLOCKS = _names("blockquote ul ol dl table pre figure address details menu li dd dt hr")
_CONTAINERS = _names(
    "html body div section article main center header footer aside nav form fieldset hgroup"
)
_STRUCTURE = _HEADINGS | _PARAGRAPHS | _OTHER_BLOCKS | _CONTAINERS
_EMBEDDED = _names("img")
_PLACEHOLDER = "\ufffc"  # the text of a block with no text (an image): never a note or break


@dataclass(slots=True)
class _Block:
    html: str  # "" for a scene break
    name: str = "hr"  # element name: "p", "h2", "ul", … ("hr" for a break)
    text: str = ""  # its text, a newline per <br>
    unlabelled: bool = False  # a note whose "A/N:" label is already gone

    @property
    def is_break(self) -> bool:
        return not self.html

    def lines(self) -> list[str]:
        return _lines(self.text) or [_PLACEHOLDER]

    def render(self) -> str:
        return self.html or "<hr />"


_BREAK = _Block("")


def _is_br(node: PageElement) -> bool:
    return isinstance(node, Tag) and node.name == "br"


def _is_blank(node: PageElement) -> bool:
    return isinstance(node, NavigableString) and not node.strip(SPACE)


def _split_on_double_breaks(nodes: list[PageElement]) -> list[list[PageElement]]:
    """Runs of inline content, cut where two <br>s in a row mark a paragraph break."""
    segments: list[list[PageElement]] = [[]]
    pending: list[PageElement] = []  # a <br> and the whitespace after it, not yet placed
    for node in nodes:
        if _is_br(node):
            if pending:
                pending = []
                if segments[-1]:
                    segments.append([])
            else:
                pending = [node]
        elif pending and _is_blank(node):
            pending.append(node)
        else:
            if segments[-1]:
                segments[-1].extend(pending)
            pending = []
            segments[-1].append(node)
    return [segment for segment in segments if segment]


_SPACE_AT_BREAK = re.compile(r" ?<br /> ?")


def _block(name: str, attrs: dict[str, str], nodes: list[PageElement]) -> _Block | None:
    """A block element around ``nodes``: a scene break if it holds only a separator line,
    None if it holds nothing at all (spacing such as <p>&nbsp;</p>)."""
    text, image = _read(nodes)
    if not image and name != "hr" and not text.strip(SPACE):
        return None
    if name == "hr":
        return _BREAK
    if (
        name in _PARAGRAPHS | _HEADINGS
        and not image
        and "\n" not in text.strip(SPACE)
        and is_separator(squash(text))
    ):
        return _BREAK
    collapse = name not in _PREFORMATTED
    inner = serialize_html(nodes, keep_classes=False, collapse=collapse)
    if collapse:
        inner = _SPACE_AT_BREAK.sub("<br />", inner).strip(SPACE)
    return _Block(_open_tag(name, attrs) + inner + f"</{name}>", name, text)


class _Flattener:
    """Walks a body into blocks: wrappers are looked into, loose inline content becomes <p>s."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []

    def add(self, block: _Block | None) -> None:
        if block is not None:
            self.blocks.append(block)

    def paragraphs(self, nodes: list[PageElement], attrs: dict[str, str]) -> None:
        for segment in _split_on_double_breaks(nodes):
            self.add(_block("p", attrs, segment))

    def walk(self, container: Tag, align: str, depth: int) -> None:
        """Blocks from ``container``'s children; ``align`` is inherited from wrappers."""
        run: list[PageElement] = []
        inherited = {"align": align} if align else {}
        for child in container.contents:
            if isinstance(child, NavigableString):
                run.append(child)
                continue
            if not isinstance(child, Tag) or child.name in _SKIPPED:
                continue
            name = child.name
            structural = name in _STRUCTURE or _holds_structure(child)
            if not structural:
                run.append(child)
                continue
            self.paragraphs(run, inherited)
            run = []
            attrs = safe_attributes(child, keep_classes=False)
            if align and "align" not in attrs and name in _PARAGRAPHS | _HEADINGS:
                attrs["align"] = align
            if name in _PARAGRAPHS:
                self.paragraphs(list(child.contents), attrs)
            elif name in _HEADINGS or name in _OTHER_BLOCKS:
                self.add(_block(name, attrs, list(child.contents)))
            elif depth >= MAX_DEPTH:
                self.add(_block("div", attrs, list(child.contents)))
            else:
                own = attrs.get("align", "center" if name == "center" else "")
                self.walk(child, own or align, depth + 1)
        self.paragraphs(run, inherited)


def _holds_structure(tag: Tag) -> bool:
    """Whether an inline element wraps paragraphs or other blocks (<font><p>…</p></font>)."""
    return any(isinstance(node, Tag) and node.name in _STRUCTURE for node in tag.descendants)


def _tidy(blocks: list[_Block]) -> list[_Block]:
    """Collapse runs of scene breaks into one and drop breaks at either end."""
    out: list[_Block] = []
    for block in blocks:
        if block.is_break and (not out or out[-1].is_break):
            continue
        out.append(block)
    while out and out[-1].is_break:
        out.pop()
    return out


# --------------------------------------------------------------------------------------------
# Author's notes: the text importer's detection, applied to blocks. Labels are cut out of a
# note's own small tree, never the page's.


def _fragment(html: str) -> Tag | None:
    """The one element ``html`` (a block we wrote) parses to."""
    tag = BeautifulSoup(html, "html.parser").find(True)
    return tag if isinstance(tag, Tag) else None


def _strings(tag: Tag) -> list[NavigableString]:
    return [s for s in tag.find_all(string=True) if isinstance(s, NavigableString)]


def _lstrip_text(tag: Tag) -> None:
    """Remove whitespace from the start of the text of ``tag``."""
    for string in _strings(tag):
        text = str(string).lstrip(SPACE)
        if text:
            if text != string:
                string.replace_with(text)
            return
        string.extract()


def _trim_start(tag: Tag, count: int) -> None:
    """Remove leading whitespace, then ``count`` characters of text, then whitespace again."""
    _lstrip_text(tag)
    for string in _strings(tag):
        if count <= 0:
            break
        text = str(string)
        cut = min(count, len(text))
        count -= cut
        if text[cut:]:
            string.replace_with(text[cut:])
        else:
            string.extract()
    _lstrip_text(tag)
    _strip_leading_empties(tag)


def _trim_end(tag: Tag, count: int) -> None:
    """Remove trailing whitespace, then ``count`` characters of text, then whitespace again."""
    for string in reversed(_strings(tag)):
        text = str(string).rstrip(SPACE)
        cut = min(count, len(text))
        count -= cut
        text = text[: len(text) - cut]
        if count == 0:
            text = text.rstrip(SPACE)
        if text:
            string.replace_with(text)
            if count == 0:
                return
        else:
            string.extract()


def _strip_leading_empties(tag: Tag) -> None:
    """Drop <br>s, blank text and emptied inline elements from the start of ``tag``."""
    node: Tag = tag
    while True:
        first = next(iter(node.contents), None)
        if first is None:
            if node is tag or not isinstance(node.parent, Tag):
                return
            parent = node.parent
            node.extract()  # an inline element emptied by trimming
            node = parent
        elif _is_br(first) or _is_blank(first):
            first.extract()
        elif isinstance(first, Tag) and first.name not in _EMBEDDED:
            node = first
        else:
            return


def _squashed_length_in_source(text: str, length: int) -> int:
    """How many characters of ``text`` (after its leading whitespace) make ``length``
    characters once whitespace runs are squashed to one space."""
    source = text.lstrip(SPACE)
    seen = 0
    i = 0
    while i < len(source) and seen < length:
        if source[i].isspace():
            while i < len(source) and source[i].isspace():
                i += 1
        else:
            i += 1
        seen += 1
    return i


def _without_label(block: _Block, label: re.Pattern[str]) -> str | None:
    """The block's HTML with the text ``label`` matches at its start cut off (and the brackets
    of "(A/N: …)"); None if the label does not match, "" if nothing is left."""
    first = block.lines()[0]
    closer = ""
    if label is AN_LABEL and PAREN_NOTE.match(first):
        rest = first[1:].lstrip(SPACE)
        match = AN_LABEL.match(rest)
        prefix = len(first) - len(rest) + (match.end() if match else 0)
        opener = first[0]
        closer = ")" if opener == "(" else "]"
        whole = block.text.strip(SPACE)
        if not (whole.endswith(closer) and whole.count(opener) == whole.count(closer)):
            closer = ""
    elif match := label.match(first):
        prefix = match.end()
    else:
        return None
    tag = _fragment(block.html)
    if tag is None:
        return None
    _trim_start(tag, _squashed_length_in_source(block.text, prefix))
    if closer:
        _trim_end(tag, 1)
    text, image = _read([tag])
    return serialize_html([tag], keep_classes=False) if image or text.strip(SPACE) else ""


def _note_html(block: _Block) -> str:
    """A note block without its "A/N:" label."""
    if block.is_break or block.unlabelled:
        return block.render()
    stripped = _without_label(block, AN_LABEL)
    return block.html if stripped is None else stripped


def _items(blocks: list[_Block]) -> list[Para | None]:
    """The blocks as the text importer's paragraphs, for its note detection."""
    out: list[Para | None] = []
    for block in blocks:
        if block.is_break:
            out.append(None)
        else:
            lines = block.lines()
            out.append(Para(lines, ["<br />"] * (len(lines) - 1)))
    return out


@dataclass(slots=True)
class _Notes:
    notes: list[_Block]
    story: list[_Block]
    end_notes: list[_Block]


def _split_notes(blocks: list[_Block], *, end: bool = True) -> _Notes:
    """Author's notes off the start (and, with ``end``, the end) of a run of blocks."""
    blocks = _tidy(blocks)
    items = _items(blocks)
    notes, rest = take_start_notes(items)
    start = len(items) - len(rest)
    after = rest[0] if rest else None
    if after is not None and after is not items[start]:
        # "(A/N: …) and the story starts" inside one paragraph: both halves as plain text.
        note_html = notes_html(notes)
        note_blocks = [_Block(note_html, "p", unlabelled=True)] if note_html else []
        first = _Block(render_items([after]), "p", "\n".join(after.lines))
        story = [first, *blocks[start + 1 :]]
    else:
        note_blocks, story = blocks[:start], blocks[start:]
    story = _tidy(story)
    end_blocks: list[_Block] = []
    if end and story:
        kept, _ = take_end_notes(_items(story))
        story, end_blocks = _tidy(story[: len(kept)]), story[len(kept) :]
    return _Notes(note_blocks, story, end_blocks)


def _notes(blocks: list[_Block]) -> str:
    return "\n".join(html for html in map(_note_html, _tidy(blocks)) if html)


def _join(blocks: Iterable[_Block]) -> str:
    return "\n".join(block.render() for block in blocks)


# --------------------------------------------------------------------------------------------
# Putting it together

_SUMMARY_LABEL = re.compile(r"[*_~]{0,3}summary[*_~]{0,3}\s*:[*_~]{0,3}\s*", re.IGNORECASE)


def _same_text(a: str, b: str) -> bool:
    return squash(a).casefold() == squash(b).casefold()


def _one_line(block: _Block) -> bool:
    return not block.is_break and "\n" not in block.text.strip(SPACE)


def _heading_title(text: str) -> str:
    """A chapter's title from its heading: "Chapter 3: The Storm" → "The Storm"."""
    text = squash(text)
    chapter = chapter_heading_title(text)
    return chapter if chapter is not None else text


def _take_summary(notes: list[_Block]) -> tuple[str, list[_Block]]:
    """A "Summary: …" paragraph among the opening notes is the work's summary."""
    for i, block in enumerate(notes):
        if block.is_break or block.unlabelled:
            continue
        summary = _without_label(block, _SUMMARY_LABEL)
        if summary is not None:
            return summary, notes[:i] + notes[i + 1 :]
    return "", notes


def _take_title(
    blocks: list[_Block], title: str | None, page_title: str
) -> tuple[str, list[str], list[_Block]]:
    """The work's title and creators, and the blocks without the lines that gave them."""
    first = blocks[0]
    more = len(blocks) > 1
    if title is not None:
        work_title = squash(title)
        took = more and _one_line(first) and _same_text(first.text, title)
    elif (
        first.name == "h1"
        and more
        and _one_line(first)
        and chapter_heading_title(squash(first.text)) is None
        and len(squash(first.text)) <= _TITLE_MAX_CHARS
    ):
        work_title = squash(first.text)
        took = True
    else:
        work_title = page_title
        took = bool(page_title) and more and _one_line(first) and _same_text(first.text, page_title)
    creators: list[str] = []
    if took:
        blocks = blocks[1:]
        if len(blocks) > 1 and _one_line(blocks[0]):
            name = byline_author(squash(blocks[0].text))
            if name:
                creators = [name]
                blocks = blocks[1:]
    return work_title, creators, _tidy(blocks)


def _chapter(blocks: list[_Block], title: str) -> ParsedChapter | None:
    """A chapter from its blocks, with its own notes; None if it has no story text."""
    split = _split_notes(blocks)
    if not split.story:
        return None
    return ParsedChapter(
        html=_join(split.story),
        title=title,
        notes=_notes(split.notes),
        end_notes=_notes(split.end_notes),
    )


def _page_blocks(soup: BeautifulSoup) -> list[_Block]:
    flattener = _Flattener()
    flattener.walk(soup.body or soup, "", 0)
    return _tidy(flattener.blocks)


def parse_html(
    data: bytes, *, filename: str, title: str | None = None, split_chapters: bool = False
) -> ParsedWork:
    """Read a story saved as one HTML file.

    The title comes from ``title``, else a leading <h1>, else <title>, else the file name; a
    "by" line under it names the creator. Paragraphs and inline markup are kept; scene
    breaks (<hr>, separator lines such as "* * *") become one <hr /> each; author's notes at
    the start and end become notes, a "Summary:" note the summary. With ``split_chapters``
    every <h1> (or, if there is none, every <h2>) starts a chapter named by its heading, and
    what comes before the first one gives the work's notes. Raises ImportFailed with a
    one-line reason when the file can't be used.
    """
    if title is not None and not title.strip(SPACE):
        title = None
    soup = html_soup(decode_html(data))
    title_tag = soup.find("title")
    page_title = ""
    if isinstance(title_tag, Tag):
        page_title = squash(title_tag.get_text())[:_TITLE_MAX_CHARS]
    blocks = _page_blocks(soup)
    if not blocks:
        raise ImportFailed(_NO_STORY)
    work_title, creators, blocks = _take_title(blocks, title, page_title)

    level = "h1" if any(block.name == "h1" for block in blocks) else "h2"
    starts = [i for i, b in enumerate(blocks) if b.name == level] if split_chapters else []
    if len(starts) > MAX_CHAPTERS:
        raise ImportFailed(f"more than {MAX_CHAPTERS} chapters")
    chapters: list[ParsedChapter] = []
    if starts:
        front = _split_notes(blocks[: starts[0]], end=False)
        notes, end_notes = front.notes, []
        if front.story and (chapter := _chapter(front.story, "")) is not None:
            chapters.append(chapter)
        bounds = [*starts, len(blocks)]
        for start, stop in zip(bounds, bounds[1:], strict=False):
            chapter = _chapter(blocks[start + 1 : stop], _heading_title(blocks[start].text))
            if chapter is not None:
                chapters.append(chapter)
    else:
        chapter_title = ""
        if len(blocks) > 1 and _one_line(blocks[0]):
            found = chapter_heading_title(squash(blocks[0].text))
            if found is not None:
                chapter_title, blocks = found, blocks[1:]
        split = _split_notes(blocks)
        notes, end_notes, story = split.notes, split.end_notes, split.story
        if notes and not chapter_title and len(story) > 1 and _one_line(story[0]):
            found = chapter_heading_title(squash(story[0].text))  # "Chapter 1" after a disclaimer
            if found is not None:
                chapter_title, story = found, _tidy(story[1:])
        if story:
            chapters.append(ParsedChapter(html=_join(story), title=chapter_title))
    if not chapters:
        raise ImportFailed(_NO_STORY)
    summary, notes = _take_summary(notes)
    return ParsedWork(
        title=work_title or title_from_filename(filename),
        chapters=chapters,
        summary=summary,
        notes=_notes(notes),
        end_notes=_notes(end_notes),
        creators=creators,
        format="html",
    )
