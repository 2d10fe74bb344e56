"""Stored chapter HTML made fit for e-books: valid XHTML for EPUB 3 (what epubcheck accepts)
and self-contained HTML for PDF, without fetching anything.

Stored HTML is AO3's allowlist (lib/sanitize.py), which keeps some HTML 4 that EPUB's HTML5
rejects: <center>, <big>, <tt>, align=, <a name>, table widths; and browsers' parsers keep
nestings the HTML5 content model forbids (<em><p>…</p></em>, a stray <li>). Those are
rewritten to the nearest valid markup with a class the stylesheet knows. Images are never
fetched: each becomes a link to where it lives ("[Image: alt]"), since EPUB readers would not
load a remote picture either. Relative links become absolute against the work's address.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin

import lxml.html
from lxml import etree


def _names(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_PHRASING_ONLY = _names(
    """abbr acronym b big cite code dfn em i kbd q rp rt s samp small span strike strong sub
    sup tt u var p h1 h2 h3 h4 h5 h6 pre dt summary caption figcaption"""
)
# Elements that are never phrasing content (what must not sit inside the ones above).
_BLOCKS = _names(
    """address blockquote center details div dl dd dt figure figcaption h1 h2 h3 h4 h5 h6 hr li
    ol p pre table ul summary caption colgroup col tbody thead tfoot tr td th"""
)
_RENAMED = {"center": ("div", "center"), "big": ("span", "big"), "strike": ("s", ""),
            "tt": ("span", "tt"), "acronym": ("abbr", "")}
_CONTAINERS = {"ul": {"li"}, "ol": {"li"}, "dl": {"dt", "dd", "div"}}
_NEEDS_PARENT = {"li": {"ul", "ol"}, "dt": {"dl", "div"}, "dd": {"dl", "div"},
                 "figcaption": {"figure"}, "summary": {"details"}, "rt": {"ruby"},
                 "rp": {"ruby"}, "caption": {"table"}}
_ALIGNS = frozenset({"left", "right", "center", "justify"})
_LANG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")
# The download layout's own ids, which a writer's anchor (<a name>) never takes.
_RESERVED_ID = re.compile(r"preface|chapters|afterword|endnotes\d*|chapter-\d+", re.IGNORECASE)
_POSITIVE = re.compile(r"[1-9][0-9]{0,3}")
_NUMBER = re.compile(r"[0-9]{1,5}")
_URL_SAFE = "%/:=&?~#+!$,;'@()*[]"
# Attributes that are valid HTML5 where they are; anything else from the allowlist is HTML 4.
_KEPT = {
    "*": {"class", "dir", "lang", "title", "id"},
    "a": {"href", "rel"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "img": {"src", "alt", "width", "height"},
}


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """The HTML of a page's body (or a part of it) as a tree under one <div>."""
    return lxml.html.fragment_fromstring(html or "", create_parent="div")


def _add_class(element: etree._Element, name: str) -> None:
    if name:
        classes = (element.get("class") or "").split()
        if name not in classes:
            element.set("class", " ".join([*classes, name]))


def _clean_url(url: str, base_url: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    if not url.startswith("#"):
        url = urljoin(base_url, url)
    return quote(url, safe=_URL_SAFE)


def _image_link(img: etree._Element) -> etree._Element:
    """What stands in for a picture: a link to it, its alt text as the words."""
    alt = " ".join((img.get("alt") or "").split())
    src = img.get("src") or ""
    inside_link = any(a.tag == "a" for a in img.iterancestors())
    stand_in = etree.Element("span" if inside_link or not src else "a")
    if not inside_link and src:
        stand_in.set("href", src)
    stand_in.set("class", "image-link")
    stand_in.text = f"[Image: {alt}]" if alt else "[Image]"
    stand_in.tail = img.tail
    return stand_in


def _valid(key: str, value: str) -> bool:
    """Whether an attribute's value is one HTML5 accepts (ids and URLs aside)."""
    value = value.strip()
    if key == "dir":
        return value.lower() in ("ltr", "rtl", "auto")
    if key == "lang":
        return bool(_LANG.fullmatch(value))
    if key in ("colspan", "rowspan", "span"):
        return bool(_POSITIVE.fullmatch(value))
    if key in ("width", "height", "start"):
        return bool(_NUMBER.fullmatch(value))
    if key == "type":
        return value in ("1", "a", "A", "i", "I")
    if key == "scope":
        return value in ("row", "col", "rowgroup", "colgroup")
    return True


def _attributes(element: etree._Element, *, base_url: str, ids: set[str],
                fragments: list[etree._Element]) -> None:
    tag = element.tag
    kept = _KEPT["*"] | _KEPT.get(tag, set())
    attrib = element.attrib
    align = (attrib.get("align") or "").strip().lower()
    if align in _ALIGNS:
        _add_class(element, f"align-{align}")
    if tag == "table" and (attrib.get("border") or "0").strip() not in ("", "0"):
        _add_class(element, "bordered")
    name = attrib.get("name")
    if tag == "a" and name and "id" not in attrib and _ID.fullmatch(name) and name not in ids \
            and not _RESERVED_ID.fullmatch(name):
        attrib["id"] = name
    for key in list(attrib):
        value = attrib[key]
        if key not in kept:
            del attrib[key]
        elif key == "id":
            if not _ID.fullmatch(value) or value in ids:
                del attrib[key]
            else:
                ids.add(value)
        elif not _valid(key, value):
            del attrib[key]
        elif key in ("href", "cite"):
            url = _clean_url(value, base_url)
            if url is None:
                del attrib[key]
            else:
                attrib[key] = url
                if key == "href" and url.startswith("#"):
                    fragments.append(element)


def _fix_nesting(root: etree._Element) -> None:
    # Top down: lists and definition lists holding other things become plain blocks, then
    # items left without their list (or captions without their table…) do too.
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        allowed = _CONTAINERS.get(tag)
        if allowed is not None and any(isinstance(c.tag, str) and c.tag not in allowed
                                       for c in element):
            element.tag = "div"
            _add_class(element, f"list-{tag}")
            continue
        parents = _NEEDS_PARENT.get(tag)
        if parents is not None:
            parent = element.getparent()
            if parent is None or parent.tag not in parents:
                element.tag = "span" if tag in ("rt", "rp") else "div"
                _add_class(element, f"was-{tag}")
    # Bottom up: an element that may hold only phrasing content but holds a block becomes a
    # block itself (<em><p>…</p></em> → <div class="inline-em">), which may in turn make its
    # parent hold a block.
    for element in reversed(list(root.iter())):
        tag = element.tag
        if tag in _PHRASING_ONLY and any(c.tag in _BLOCKS for c in element):
            element.tag = "div"
            _add_class(element, f"inline-{tag}")


def make_portable(root: etree._Element, *, base_url: str,
                  ids: set[str] | None = None) -> etree._Element:
    """Rewrite the tree in place for an e-book (see the module's docstring) and return it.
    `ids` are the ids already used in the document; the tree's own are added to it."""
    ids = set() if ids is None else ids
    for img in list(root.iter("img")):
        parent = img.getparent()
        if parent is not None:
            parent.replace(img, _image_link(img))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        renamed = _RENAMED.get(element.tag)
        if renamed:
            element.tag = renamed[0]
            _add_class(element, renamed[1])
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in _RENAMED:
            element.attrib.pop("xmlns", None)
    fragments: list[etree._Element] = []
    for element in root.iter():
        if isinstance(element.tag, str) and element.attrib:
            _attributes(element, base_url=base_url, ids=ids, fragments=fragments)
    for link in fragments:  # a link to a place that isn't in this document goes nowhere
        if link.get("href", "")[1:] not in ids:
            del link.attrib["href"]
    for link in root.iter("a"):  # EPUB's schema wants every <a> to link somewhere
        if "href" not in link.attrib:
            link.tag = "span"
            link.attrib.pop("rel", None)
    _fix_nesting(root)
    # Comments and processing instructions have no place in a book.
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        parent = node.getparent()
        if parent is not None:
            if node.tail:
                previous = node.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + node.tail
                else:
                    parent.text = (parent.text or "") + node.tail
            parent.remove(node)
    return root


def inner_xhtml(root: etree._Element) -> str:
    """The tree's content as XHTML (well-formed XML; namespace from the enclosing page)."""
    text = _escape(root.text or "")
    return text + "".join(etree.tostring(child, encoding="unicode", method="xml")
                          for child in root)


def inner_html(root: etree._Element) -> str:
    text = _escape(root.text or "")
    return text + "".join(etree.tostring(child, encoding="unicode", method="html")
                          for child in root)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
