"""The OPDS 2.0 rules a feed must keep, written as a JSON Schema (draft 2020-12) of our own
from the specification's requirements (drafts.opds.io): the official schema files can't be
fetched at test time, and their text stays theirs. What it holds a feed to:

- a feed: `metadata` with a `title`, `links` with a `self` link, and at least one of
  `publications`, `navigation` or `groups`; every navigation link has a title;
- a link: an `href`, a `type` when given is a media type, `rel` a string or strings,
  `templated` a boolean;
- a publication: `metadata` with a `title` (and, for us, an `identifier`), `links` with at
  least one acquisition link (`preview` or `http://opds-spec.org/acquisition…`), and
  `images`, at least one of them JPEG, PNG or GIF;
- facets and groups: `metadata` with a title and their links.
"""

from __future__ import annotations

from typing import Any

ACQUISITIONS = ["preview", "http://opds-spec.org/acquisition",
                "http://opds-spec.org/acquisition/open-access",
                "http://opds-spec.org/acquisition/buy", "http://opds-spec.org/acquisition/borrow",
                "http://opds-spec.org/acquisition/sample",
                "http://opds-spec.org/acquisition/subscribe"]


def _rel_is(values: dict[str, Any]) -> dict[str, Any]:
    return {"properties": {"rel": {"anyOf": [values, {"type": "array", "contains": values}]}},
            "required": ["rel"]}


LINK: dict[str, Any] = {
    "type": "object",
    "required": ["href"],
    "properties": {
        "href": {"type": "string", "minLength": 1},
        "type": {"type": "string", "pattern": r"^[\w.+-]+/[\w.+-]+(\s*;.*)?$"},
        "rel": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "title": {"type": "string"},
        "templated": {"type": "boolean"},
        "properties": {"type": "object"},
    },
}
LINKS: dict[str, Any] = {"type": "array", "items": {"$ref": "#/$defs/link"}}
TITLED: dict[str, Any] = {"type": "object", "required": ["title"],
                          "properties": {"title": {"type": "string", "minLength": 1}}}
PUBLICATION: dict[str, Any] = {
    "type": "object",
    "required": ["metadata", "links", "images"],
    "properties": {
        "metadata": {"type": "object", "required": ["title", "identifier"],
                     "properties": {"title": {"type": "string", "minLength": 1},
                                    "identifier": {"type": "string",
                                                   "pattern": r"^[a-zA-Z][\w+.-]*:\S+$"},
                                    "modified": {"type": "string"},
                                    "published": {"type": "string"},
                                    "language": {"anyOf": [{"type": "string"},
                                                           {"type": "array"}]}}},
        "links": {**LINKS, "contains": _rel_is({"type": "string", "enum": ACQUISITIONS})},
        "images": {**LINKS, "minItems": 1, "contains": {
            "properties": {"type": {"enum": ["image/jpeg", "image/png", "image/gif"]}},
            "required": ["type"]}},
    },
}
FEED: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {"link": LINK, "publication": PUBLICATION},
    "type": "object",
    "required": ["metadata", "links"],
    "anyOf": [{"required": ["publications"]}, {"required": ["navigation"]},
              {"required": ["groups"]}],
    "properties": {
        "metadata": TITLED,
        "links": {**LINKS, "contains": _rel_is({"const": "self"})},
        "publications": {"type": "array", "items": {"$ref": "#/$defs/publication"}},
        "navigation": {"type": "array", "items": {"allOf": [{"$ref": "#/$defs/link"},
                                                            {"required": ["title"]}]}},
        "facets": {"type": "array", "items": {
            "type": "object", "required": ["metadata", "links"],
            "properties": {"metadata": TITLED, "links": LINKS}}},
        "groups": {"type": "array", "items": {
            "type": "object", "required": ["metadata"],
            "properties": {"metadata": TITLED, "links": LINKS,
                           "publications": {"type": "array",
                                            "items": {"$ref": "#/$defs/publication"}},
                           "navigation": LINKS}}},
    },
}
