"""OPDS 2.0: the same catalog feeds (catalog.py) written as JSON (`application/opds+json`)."""

from __future__ import annotations

import datetime
from typing import Any

from fichive.opds.catalog import NAVIGATION, Entry, Feed, Link

OPDS2_TYPE = "application/opds+json"
PUBLICATION_TYPE = "application/opds-publication+json"


def _when(value: datetime.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _link(link: Link) -> dict[str, Any]:
    data: dict[str, Any] = {"href": link.href}
    if link.rel:
        data["rel"] = link.rel
    if link.type:
        data["type"] = link.type
    if link.title:
        data["title"] = link.title
    if link.templated:
        data["templated"] = True
    if link.active:
        data["properties"] = {"active": True}
    return data


def _navigation(entry: Entry) -> dict[str, Any]:
    link = entry.links[0]
    data = {"href": link.href, "title": entry.title, "type": link.type,
            "rel": link.rel}
    if entry.text:
        data["properties"] = {"description": entry.text}  # type: ignore[assignment]
    return data


def _publication(entry: Entry) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "@type": "http://schema.org/Book",
        "identifier": entry.id,
        "title": entry.title,
        "author": [{"name": a.name, **({"links": [{"href": a.uri, "type": "text/html"}]}
                                        if a.uri else {})} for a in entry.authors],
        "modified": _when(entry.updated),
        "language": entry.language,
        "description": entry.content_html,
        "subject": [{"name": c.label, "code": c.term, "scheme": c.scheme}
                    for c in entry.categories],
    }
    if entry.published is not None:
        metadata["published"] = _when(entry.published)
    if entry.words is not None:
        metadata["numberOfPages"] = max(1, entry.words // 300)
    if entry.series:
        metadata["belongsTo"] = {"series": [{"name": s} for s in entry.series]}
    return {"metadata": metadata, "links": [_link(link) for link in entry.links],
            "images": [{"href": image.href, "type": image.type, "width": 180, "height": 180}
                       for image in entry.images]}


def feed_json(feed: Feed) -> dict[str, Any]:
    """The feed as an OPDS 2.0 document."""
    metadata: dict[str, Any] = {"title": feed.title, "modified": _when(feed.updated)}
    if feed.pagination is not None:
        metadata.update(numberOfItems=feed.pagination.total,
                        itemsPerPage=feed.pagination.per_page,
                        currentPage=feed.pagination.number)
    data: dict[str, Any] = {"metadata": metadata, "links": [_link(link) for link in feed.links]}
    if feed.kind == NAVIGATION:
        data["navigation"] = [_navigation(entry) for entry in feed.entries]
    else:
        data["publications"] = [_publication(entry) for entry in feed.entries]
    groups: dict[str, list[dict[str, Any]]] = {}
    for facet in feed.facets:
        groups.setdefault(facet.facet_group, []).append(_link(Link(
            facet.href, "", facet.type, facet.title, active=facet.active)))
    if groups:
        data["facets"] = [{"metadata": {"title": title}, "links": links}
                          for title, links in groups.items()]
    return data
