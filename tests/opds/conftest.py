"""Fixtures and checks of the OPDS tests: feeds parsed with lxml and held to the OPDS 1.2 rules
(namespaces, required elements, links, content types), and the roles the visibility tests
walk."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from lxml import etree

from fichive.tags.models import Tag

ATOM = "http://www.w3.org/2005/Atom"
OPDS = "http://opds-spec.org/2010/catalog"
DC = "http://purl.org/dc/terms/"
NS = {"a": ATOM, "opds": OPDS, "dc": DC, "os": "http://a9.com/-/spec/opensearch/1.1/"}
CATALOG = "application/atom+xml;profile=opds-catalog"
NAVIGATION = f"{CATALOG};kind=navigation"
ACQUISITION = f"{CATALOG};kind=acquisition"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"


def local(url: str) -> str:
    """A catalog link as the test client requests it (path and query)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def feed_of(response, kind: str) -> etree._Element:
    """The response's feed, checked against the OPDS 1.2 rules for a feed of `kind`."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].split(";charset")[0] == f"{CATALOG};kind={kind}"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.nsmap.get(None) == ATOM and root.nsmap.get("opds") == OPDS
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"a:{name}", NS)) == 1, name
        assert root.findtext(f"a:{name}", namespaces=NS).strip(), name
    rels = {link.get("rel") for link in root.findall("a:link", NS)}
    assert {"self", "start", "search"} <= rels
    start = root.find("a:link[@rel='start']", NS)
    assert start.get("type") == NAVIGATION
    search = root.find("a:link[@rel='search']", NS)
    assert search.get("type") == "application/opensearchdescription+xml"
    for link in root.iter(f"{{{ATOM}}}link"):
        assert link.get("href", "").startswith("http://testserver/"), link.get("href")
    for entry in root.findall("a:entry", NS):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"a:{name}", NS)) == 1, name
        assert len(entry.findall("a:content", NS)) <= 1
        links = entry.findall("a:link", NS)
        assert links
        if kind == "acquisition":
            assert entry.findall("a:author", NS)
            epub = [link for link in links if link.get("type") == "application/epub+zip"]
            assert len(epub) == 1 and epub[0].get("rel") == OPEN_ACCESS
        else:
            assert all(link.get("type", "").startswith(CATALOG) for link in links)
    return root


def entry_titles(root: etree._Element) -> list[str]:
    return [entry.findtext("a:title", namespaces=NS) for entry in root.findall("a:entry", NS)]


def link_of(element: etree._Element, rel: str) -> str:
    found = element.find(f"a:link[@rel='{rel}']", NS)
    assert found is not None, rel
    return found.get("href")


def entry_link(root: etree._Element, title: str, rel: str = "subsection") -> str:
    for entry in root.findall("a:entry", NS):
        if entry.findtext("a:title", namespaces=NS) == title:
            return link_of(entry, rel)
    raise AssertionError(f"no entry “{title}” in {entry_titles(root)}")




@pytest.fixture
def guest() -> Client:
    return Client()


def tag(name: str) -> Tag:
    return Tag.objects.get(name=name)
