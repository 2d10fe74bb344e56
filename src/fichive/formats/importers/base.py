"""The format-neutral result every importer returns: one work and its chapters as HTML."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class ParsedChapter:
    """One chapter as read from a file; HTML fields are well-formed but not yet sanitized."""

    html: str  # chapter body: <p>..</p> and <hr /> only, for text imports
    title: str = ""
    summary: str = ""  # HTML
    notes: str = ""  # HTML
    end_notes: str = ""  # HTML


@dataclass
class ParsedWork:
    """One work as read from a file; the posting service validates and sanitizes it."""

    title: str
    chapters: list[ParsedChapter]
    summary: str = ""  # HTML
    notes: str = ""  # HTML (beginning notes)
    end_notes: str = ""  # HTML
    creators: list[str] = field(default_factory=list)
    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    language: str = ""
    published: datetime.date | None = None
    updated: datetime.date | None = None
    expected_chapters: int | None = None
    complete: bool | None = None
    source_url: str = ""  # where the work came from (AO3 work URL, FanFicFare story URL)
    series: list[tuple[str, int]] = field(default_factory=list)  # (series title, part number)
    format: str = ""  # which importer read it: "text", "html", "ao3", "epub", "fanficfare", …
