"""Atom 1.0 documents of works: one entry per work, as a feed reader shows it.

Built on Django's own `feedgenerator.Atom1Feed` rather than lxml or feedgen: it is already
installed, its SAX writer escapes every value (a title or tag name can't break the XML), and
the few things an entry needs beyond it (several authors, a text summary beside the HTML
content, categories with a scheme and label) are one overridden method.

Each entry: a stable `tag:` URI id (the archive's host and the work's id), title, author(s)
("Anonymous" for an anonymous work, for everyone), updated and published (the work's dates,
at midnight UTC), the summary as plain text, the blurb as HTML content (fandoms, required
tags, relationships, characters, additional tags, series, language, words, chapters "3/?"),
a category per tag and a link to the work. Summaries are stored sanitized (lib/sanitize);
everything else is escaped here.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, rfc3339_date

from fichive.lib.sanitize import html_to_text
from fichive.tags.models import Tag
from fichive.works.blurbs import Blurb, blurb_of, number, tag_url, work_url
from fichive.works.languages import LANGUAGE_NAMES
from fichive.works.models import Work

CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# The year in every id's tag: URI (RFC 4151): fixed, so ids never change.
ID_YEAR = 2026
ANONYMOUS = "Anonymous"

# The blurb's tag lines, in the order they show, with their labels.
TAG_LINES = [
    (Tag.Type.RATING, "Rating"),
    (Tag.Type.WARNING, "Archive Warnings"),
    (Tag.Type.CATEGORY, "Categories"),
    (Tag.Type.RELATIONSHIP, "Relationships"),
    (Tag.Type.CHARACTER, "Characters"),
    (Tag.Type.FREEFORM, "Additional Tags"),
]


@dataclass(frozen=True)
class Author:
    name: str
    uri: str | None = None


class WorksFeed(Atom1Feed):
    """Atom1Feed whose entries carry several authors, a text summary, HTML content and
    categories with scheme and label; its `updated` is given, never "now"."""

    def latest_post_date(self) -> datetime.datetime:
        return self.feed["updated"]

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        handler.addQuickElement("title", item["title"])
        handler.addQuickElement("link", "", {"href": item["link"], "rel": "alternate",
                                             "type": "text/html"})
        handler.addQuickElement("id", item["unique_id"])
        handler.addQuickElement("published", rfc3339_date(item["pubdate"]))
        handler.addQuickElement("updated", rfc3339_date(item["updateddate"]))
        for author in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author.name)
            if author.uri:
                handler.addQuickElement("uri", author.uri)
            handler.endElement("author")
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
        handler.addQuickElement("content", item["content"], {"type": "html"})
        for term, scheme, label in item["tag_categories"]:
            handler.addQuickElement("category", "", {"term": term, "scheme": scheme,
                                                     "label": label})


def id_authority(request: HttpRequest) -> str:
    """The host in every tag: URI: the site's (FICHIVE_SITE_URL) when set, else the
    request's, without a port."""
    site = getattr(settings, "FICHIVE_SITE_URL", "") or ""
    host = urlsplit(site).hostname if site else None
    return host or request.get_host().rsplit(":", 1)[0].strip("[]") or "localhost"


def tag_uri(authority: str, specific: str) -> str:
    return f"tag:{authority},{ID_YEAR}:{specific}"


def _midnight(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _links(absolute: str, names: Sequence[str]) -> str:
    return ", ".join(f'<a href="{escape(absolute + tag_url(name))}">{escape(name)}</a>'
                     for name in names)


def content_html(blurb: Blurb, absolute: str) -> str:
    """The blurb as HTML for a feed reader: absolute links, no classes or symbols."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for tag_type, name in blurb.tags:
        grouped[tag_type].append(name)
    if blurb.creators:
        byline = ", ".join(
            f'<a href="{escape(absolute + reverse("accounts:dashboard", args=[username]))}">'
            f"{escape(name if name == username else f'{name} ({username})')}</a>"
            for name, username in blurb.creators)
    else:
        byline = ANONYMOUS
    parts = [f"<p>by {byline}</p>"]
    if grouped[Tag.Type.FANDOM]:
        parts.append(f"<p><strong>Fandoms:</strong> {_links(absolute, grouped[Tag.Type.FANDOM])}"
                     "</p>")
    lines = [f"<li><strong>{label}:</strong> {_links(absolute, grouped[tag_type])}</li>"
             for tag_type, label in TAG_LINES if grouped[tag_type]]
    if lines:
        parts.append(f"<ul>{''.join(lines)}</ul>")
    if blurb.summary:
        parts.append(f"<p><strong>Summary:</strong></p><blockquote>{blurb.summary}</blockquote>")
    for series_id, part, title in blurb.series:
        url = absolute + reverse("series:detail", args=[series_id])
        parts.append(f'<p><strong>Series:</strong> Part {part} of <a href="{escape(url)}">'
                     f"{escape(title)}</a></p>")
    expected = "?" if blurb.expected_chapters is None else str(blurb.expected_chapters)
    language = LANGUAGE_NAMES.get(blurb.language, blurb.language)
    parts.append(f"<p><strong>Language:</strong> {escape(language)} · "
                 f"<strong>Words:</strong> {number(blurb.word_count)} · "
                 f"<strong>Chapters:</strong> {blurb.chapter_count}/{expected}"
                 f"{' · Complete' if blurb.complete else ''}</p>")
    return "".join(parts)


def entries_of(objects: Sequence[Work | Blurb], *, absolute: str,
               authority: str) -> list[dict[str, Any]]:
    """The feed items of a listing page's works: blurbs (blurbs.blurbs_of, the cheap read
    feeds ask listing_build for) or model instances with their blurb data (a search's page,
    listing.works_with_blurb_data). Blurbs carry no publication date: those are read in one
    query. `absolute` is the scheme and host links start with."""
    blurbs: list[Blurb] = []
    published: dict[int, datetime.date | None] = {}
    for item in objects:
        if isinstance(item, Work):
            blurbs.append(blurb_of(item))
            published[item.pk] = item.published
        else:
            blurbs.append(item)
    missing = [blurb.id for blurb in blurbs if blurb.id not in published]
    if missing:
        published.update(Work.objects.filter(pk__in=missing).values_list("id", "published"))
    return [entry_of(blurb, published.get(blurb.id), absolute=absolute, authority=authority)
            for blurb in blurbs]


def entry_of(blurb: Blurb, published: datetime.date | None, *, absolute: str,
             authority: str) -> dict[str, Any]:
    """The feed item of one work."""
    authors = [Author(name if name == username else f"{name} ({username})",
                      absolute + reverse("accounts:dashboard", args=[username]))
               for name, username in blurb.creators] or [Author(ANONYMOUS)]
    updated = _midnight(blurb.updated or published)
    return {
        "title": blurb.title,
        "link": absolute + work_url(blurb.id),
        "description": html_to_text(blurb.summary) if blurb.summary else "",
        "unique_id": tag_uri(authority, f"works/{blurb.id}"),
        "updateddate": updated,
        "pubdate": _midnight(published) or updated,
        "authors": authors,
        "content": content_html(blurb, absolute),
        "tag_categories": [(name, tag_uri(authority, f"tag-types/{tag_type}"),
                            f"{Tag.Type(tag_type).label}: {name}")
                           for tag_type, name in blurb.tags],
    }


# What XML 1.0 refuses of the C0 controls (tab, line feed and carriage return are allowed).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")


def _xml_text(text: str) -> str:
    return _NOT_IN_XML.sub("", text)


def feed_render(*, title: str, link: str, feed_url: str, feed_id: str, subtitle: str,
                entries: list[dict[str, Any]], empty_updated: datetime.datetime) -> bytes:
    """The Atom document: `updated` is the newest entry's (`empty_updated` with none). Control
    characters XML 1.0 can't carry (a search's words echoed in the title may hold them) are
    left out of every text."""
    title, subtitle = _xml_text(title), _xml_text(subtitle)
    entries = [{name: _xml_text(value) if isinstance(value, str) else value
                for name, value in entry.items()} for entry in entries]
    newest = max((entry["updateddate"] for entry in entries), default=None)
    feed = WorksFeed(title=title, link=link, description=subtitle, subtitle=subtitle,
                     feed_url=feed_url, feed_guid=feed_id, language=None,
                     updated=newest or empty_updated)
    for entry in entries:
        feed.add_item(**entry)
    return feed.writeString("utf-8").encode()
