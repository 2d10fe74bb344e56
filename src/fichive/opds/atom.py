"""OPDS 1.2: the catalog's feeds (catalog.py) written as Atom with lxml, and the OpenSearch
description that points apps at the search feed."""

from __future__ import annotations

import datetime

from lxml import etree

from fichive.opds.catalog import ACQUISITION, Entry, Feed, Link, kind_type

ATOM = "http://www.w3.org/2005/Atom"
OPDS = "http://opds-spec.org/2010/catalog"
DC = "http://purl.org/dc/terms/"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NSMAP = {None: ATOM, "opds": OPDS, "dc": DC, "opensearch": OPENSEARCH}


def _a(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = _xml_safe(text)
    return element


def _xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (control characters other than tab, LF, CR)."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def _when(value: datetime.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _link(parent: etree._Element, link: Link) -> None:
    element = _sub(parent, _a("link"), rel=link.rel, href=link.href, type=link.type,
                   title=_xml_safe(link.title))
    if link.facet_group:
        element.set(f"{{{OPDS}}}facetGroup", link.facet_group)
        if link.active:
            element.set(f"{{{OPDS}}}activeFacet", "true")


def _entry(parent: etree._Element, entry: Entry) -> None:
    element = _sub(parent, _a("entry"))
    _sub(element, _a("id"), entry.id)
    _sub(element, _a("title"), entry.title)
    _sub(element, _a("updated"), _when(entry.updated))
    for author in entry.authors:
        person = _sub(element, _a("author"))
        _sub(person, _a("name"), author.name)
        if author.uri:
            _sub(person, _a("uri"), author.uri)
    if entry.published is not None:
        _sub(element, _a("published"), _when(entry.published))
    if entry.language:
        _sub(element, f"{{{DC}}}language", entry.language)
    if entry.issued is not None:
        _sub(element, f"{{{DC}}}issued", entry.issued.isoformat())
    for category in entry.categories:
        _sub(element, _a("category"), scheme=category.scheme, term=_xml_safe(category.term),
             label=_xml_safe(category.label))
    if entry.text:
        _sub(element, _a("content"), entry.text, type="text")
    if entry.summary:
        _sub(element, _a("summary"), entry.summary, type="text")
    if entry.content_html:
        _sub(element, _a("content"), entry.content_html, type="html")
    for link in (*entry.links, *entry.images):
        _link(element, link)


def feed_atom(feed: Feed) -> bytes:
    """The feed as an OPDS 1.2 Atom document."""
    root = etree.Element(_a("feed"), nsmap=NSMAP)
    _sub(root, _a("id"), feed.id)
    _sub(root, _a("title"), feed.title)
    _sub(root, _a("updated"), _when(feed.updated))
    author = _sub(root, _a("author"))
    _sub(author, _a("name"), "Fichive")
    if feed.pagination is not None:
        _sub(root, f"{{{OPENSEARCH}}}totalResults", str(feed.pagination.total))
        _sub(root, f"{{{OPENSEARCH}}}itemsPerPage", str(feed.pagination.per_page))
        _sub(root, f"{{{OPENSEARCH}}}startIndex",
             str((feed.pagination.number - 1) * feed.pagination.per_page + 1))
    for link in (*feed.links, *feed.facets):
        _link(root, link)
    for message in feed.messages:
        _sub(root, _a("subtitle"), message)
        break
    for entry in feed.entries:
        _entry(root, entry)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def opensearch_description(search_url: str) -> bytes:
    """The OpenSearch description: the search feed's template, in the archive's full query
    language."""
    root = etree.Element(f"{{{OPENSEARCH}}}OpenSearchDescription",
                         nsmap={None: OPENSEARCH})
    for name, text in (("ShortName", "Fichive"),
                       ("Description", "Search Fichive's works: words, phrases in quotes, "
                        "fields like fandom:, character:, words>1000, OR and -exclusions."),
                       ("InputEncoding", "UTF-8"), ("OutputEncoding", "UTF-8")):
        _sub(root, f"{{{OPENSEARCH}}}{name}", text)
    _sub(root, f"{{{OPENSEARCH}}}Url", type=kind_type(ACQUISITION),
         template=f"{search_url}?q={{searchTerms}}")
    _sub(root, f"{{{OPENSEARCH}}}Url", type="application/atom+xml",
         template=f"{search_url}?q={{searchTerms}}")
    _sub(root, f"{{{OPENSEARCH}}}Query", role="example", searchTerms="dragons")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
