"""What every download holds, read once from a work: title, creators, the tags in AO3's
order, stats, notes and chapters, with absolute links back to the archive."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.urls import reverse

from fichive.formats.own import work_urn
from fichive.tags.models import Tag
from fichive.works.models import Chapter, Work
from fichive.works.selectors import numbered_series_parts
from fichive.works.templatetags.fichive import tag_url

# Scripts written right to left: the book's pages turn the other way.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi"})
SLUG_MAX = 24  # AO3 cuts download file names to about this many characters


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class TagField:
    """One line of the preface's tag list: "Fandoms:" and its tags."""

    css: str
    label: str
    tags: list[Link]


@dataclass(frozen=True)
class BookSeries:
    """A series the work is part of: "Part 2 of <title>"."""

    title: str
    number: int
    url: str  # the series' page, absolute


@dataclass(frozen=True)
class BookChapter:
    position: int
    title: str
    heading: str  # "Chapter 2: The Storm"
    summary: str  # sanitized HTML, like every HTML field here
    notes: str
    end_notes: str
    content: str
    url: str

    @property
    def has_preface(self) -> bool:
        return bool(self.title or self.summary or self.notes or self.end_notes)


@dataclass(frozen=True)
class Book:
    work_id: int
    title: str
    url: str  # the work's page, absolute
    site_name: str
    site_url: str
    creators: list[Link]
    tag_fields: list[TagField]
    language: str  # code, e.g. "en", "pt-BR"
    language_name: str
    published: datetime.date | None
    updated: datetime.date | None
    show_updated: bool
    complete: bool
    words: int
    chapters_display: str  # "3/?"
    summary: str
    notes: str
    end_notes: str
    chapters: list[BookChapter]
    modified: datetime.datetime
    one_shot: bool  # laid out as AO3 lays out a one-shot: no chapter headings
    subjects: list[str] = field(default_factory=list)
    series: list[BookSeries] = field(default_factory=list)  # oldest series first
    # Someone else's story imported here: its creator as the source named them, and where it
    # was first posted (an http(s) address).
    imported_creator: str = ""
    source_url: str = ""
    urn: str = ""  # marks our own downloads (formats/own.py)
    work_skin: str = ""  # the creator's CSS, filtered and scoped to #workskin (lib/css.py)

    @property
    def direction(self) -> str:
        return "rtl" if self.language.split("-")[0] in RTL_LANGUAGES else "ltr"

    @property
    def creator_names(self) -> list[str]:
        return [c.text for c in self.creators] or ["Anonymous"]

    @property
    def stats(self) -> str:
        """AO3's stats line, "Published: 2015-03-02 Completed: 2015-04-01 Words: 12,345
        Chapters: 3/3"."""
        parts = []
        if self.published:
            parts.append(f"Published: {self.published:%Y-%m-%d}")
        if self.show_updated and self.updated:
            parts.append(f"{'Completed' if self.complete else 'Updated'}: {self.updated:%Y-%m-%d}")
        parts.append(f"Words: {self.words:,}")
        parts.append(f"Chapters: {self.chapters_display}")
        return " ".join(parts)


# AO3's order, with singular and plural labels.
_TAG_FIELDS = [
    (Tag.Type.RATING, "rating", "Rating", "Ratings"),
    (Tag.Type.WARNING, "warning", "Archive Warning", "Archive Warnings"),
    (Tag.Type.CATEGORY, "category", "Category", "Categories"),
    (Tag.Type.FANDOM, "fandom", "Fandom", "Fandoms"),
    (Tag.Type.RELATIONSHIP, "relationship", "Relationship", "Relationships"),
    (Tag.Type.CHARACTER, "character", "Character", "Characters"),
    (Tag.Type.FREEFORM, "freeform", "Additional Tags", "Additional Tags"),
]


def book_from_work(work: Work, chapters: list[Chapter], *, site_url: str,
                   site_name: str) -> Book:
    """The download's content for `work` (read through works.selectors, with its tags and
    creators prefetched) and its `chapters` in order. `site_url` is the archive's root URL
    ("https://fics.example.org/"), which every link in the file is made absolute against."""

    def absolute(path: str) -> str:
        return urljoin(site_url, path)

    tag_fields = []
    subjects: list[str] = []
    for tag_type, css, singular, plural in _TAG_FIELDS:
        tags = work.tags_of(tag_type)
        if tags:
            label = singular if len(tags) == 1 else plural
            tag_fields.append(TagField(css, label, [Link(t.name, absolute(tag_url(t)))
                                                    for t in tags]))
            subjects.extend(t.name for t in tags)
    creators = [Link(p.byline, absolute(reverse("accounts:dashboard", args=[p.user.username])))
                for p in work.shown_pseuds()]
    book_chapters = [
        BookChapter(position=c.position, title=c.title, heading=c.full_title,
                    summary=c.summary, notes=c.notes, end_notes=c.end_notes,
                    content=c.content, url=absolute(c.get_absolute_url()))
        for c in chapters
    ]
    # The series' titles and part numbers are the same for every visitor (blurbs show them
    # alike), so the file still doesn't depend on who downloads it.
    series = [BookSeries(part.series.title, part.number,
                         absolute(reverse("series:detail", args=[part.series_id])))
              for part in getattr(work, "shown_series_parts", None)
              or numbered_series_parts().filter(work_id=work.pk)]
    one_shot = (len(book_chapters) == 1 and not work.is_multichapter
                and not book_chapters[0].has_preface)
    return Book(
        work_id=work.pk,
        title=work.title,
        url=absolute(work.get_absolute_url()),
        site_name=site_name,
        site_url=site_url,
        creators=creators,
        tag_fields=tag_fields,
        language=work.language or "en",
        language_name=work.language_name,
        published=work.published,
        updated=work.updated,
        show_updated=bool(work.updated and (work.updated != work.published
                                            or work.is_multichapter)),
        complete=work.complete,
        words=work.word_count,
        chapters_display=work.chapters_display,
        summary=work.summary,
        notes=work.notes,
        end_notes=work.end_notes,
        chapters=book_chapters,
        modified=work.modified_at,
        one_shot=one_shot,
        subjects=subjects,
        series=series,
        imported_creator=work.imported_creator,
        source_url=work.source_link,
        urn=work_urn(work.pk),
        work_skin=work.work_skin,
    )


def title_slug(title: str, *, work_id: int) -> str:
    """A safe ASCII file name stem for a title, as AO3 makes them: accents folded, other
    characters dropped, words joined by underscores, about SLUG_MAX characters, never cut
    inside a word when a whole word fits ("The_Old_House"); "Work_<id>" when nothing of
    the title is left (a title in Chinese, say)."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+(?:['’][A-Za-z0-9]+)*", folded)
    words = [w.replace("'", "").replace("’", "") for w in words]
    slug = ""
    for word in words:
        candidate = f"{slug}_{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            if not slug:
                slug = word[:SLUG_MAX]
            break
        slug = candidate
    return slug or f"Work_{work_id}"
