"""eFiction rows as Fichive data: a story as a ParsedWork (with who wrote it and whether it was
validated), authors, series and reviews, with the archive's traps handled: chapter text in
files, Unix-integer dates, names where ids were expected, plain text where HTML was expected.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedChapter, ParsedWork
from fichive.formats.importers.efiction.archive import (
    EfictionArchive,
    Row,
    decode_bytes,
    repair_mojibake,
)
from fichive.formats.importers.efiction.mapping import (
    CATEGORY_SEPARATOR,
    OLD_CLASS_TABLES,
    Mapping,
    category_paths,
    class_default,
    class_key,
    classtype_titles,
    fandom_default,
    rating_default,
)
from fichive.tags.models import DEFAULT_RATING

MAX_STORY_FILE_BYTES = 10 * 1024 * 1024
_BLOCK_HTML = re.compile(r"<\s*(?:p|br|div|blockquote|hr|ul|ol|table|h[1-6]|pre)\b", re.I)


@dataclass
class EfictionStory:
    """One story, ready for the works services."""

    sid: int
    uid: int
    coauthor_uids: list[int]
    validated: bool
    parsed: ParsedWork
    chapter_ids: list[int] = field(default_factory=list)  # eFiction chapid per position


def as_int(value: Any, default: int = 0) -> int:
    if value is None or value == "":
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def flag(value: Any) -> bool:
    """eFiction's char(1) flags: "1"/"0", 1/0, "Y"/"N"."""
    if value is None:
        return False
    text = str(value).strip().lower()
    return text not in ("", "0", "n", "no", "false")


def as_datetime(value: Any) -> datetime.datetime | None:
    """A stored date in any of eFiction's forms (datetime, "YYYY-MM-DD HH:MM:SS", a Unix
    integer) as an aware UTC datetime; zero and empty dates are None."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime(value.year, value.month, value.day)  # noqa: DTZ001
    elif isinstance(value, int | float) or re.fullmatch(r"\s*\d{9,11}\s*", str(value)):
        seconds = int(float(value))
        if seconds <= 0:
            return None
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    else:
        text = str(value).strip()
        if not text or text.startswith("0000-00-00"):
            return None
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.year < 1970:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _date(value: Any) -> datetime.date | None:
    moment = as_datetime(value)
    return moment.date() if moment else None


def ids_or_names(value: Any) -> list[int | str]:
    """A comma-separated id list ("3,12"); some sites stored names instead ("Angst,Humor")."""
    if value is None:
        return []
    if isinstance(value, int):
        return [value] if value > 0 else []
    items: list[int | str] = []
    for part in str(value).split(","):
        part = part.strip()
        if not part:
            continue
        if part.lstrip("-").isdigit():
            if int(part) > 0:
                items.append(int(part))
        else:
            items.append(part)
    return items


def text_as_html(text: str) -> str:
    """eFiction's text fields: HTML, or plain text that eFiction showed with nl2br."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text or _BLOCK_HTML.search(text):
        return text
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join("<p>" + p.replace("\n", "<br />\n") + "</p>" for p in paragraphs)


def plain_text(text: str) -> str:
    """HTML (a bio) as plain text."""
    stripped = re.sub(r"<br\s*/?>|</p>", "\n", text or "", flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", stripped)).strip()


def _clean_name(value: Any) -> str:
    return " ".join(str(value or "").split())


class EfictionMapper:
    """Indexes over one archive's rows, and the functions that turn them into Fichive data."""

    def __init__(self, archive: EfictionArchive, *, mapping: Mapping, site_url: str,
                 story_files: Path | None = None) -> None:
        self.archive = archive
        self.mapping = mapping
        self.site_url = site_url.rstrip("/")
        self.story_files = story_files
        if story_files is not None and (story_files / "stories").is_dir():
            self.story_files = story_files / "stories"
        self.chapters: dict[int, list[Row]] = {}
        for row in archive.rows("chapters"):
            self.chapters.setdefault(as_int(row.get("sid")), []).append(row)
        self.category_paths = category_paths(archive)
        self.category_by_name = {
            _clean_name(r.get("category")).lower(): as_int(r.get("catid"))
            for r in archive.rows("categories")}
        self.characters = {as_int(r.get("charid")): _clean_name(r.get("charname"))
                           for r in archive.rows("characters")}
        titles = classtype_titles(archive)
        self.classes = {as_int(r.get("class_id")): class_key(archive, r, titles)
                        for r in archive.rows("classes")}
        self.class_by_name = {key[1].lower(): key for key in self.classes.values()}
        self.old_classes: dict[str, dict[int, tuple[str, str]]] = {
            id_column: {as_int(r.get(id_column)): (kind, _clean_name(r.get(column)))
                        for r in archive.rows(table)}
            for table, id_column, column, kind in OLD_CLASS_TABLES
        }
        self.ratings = {as_int(r.get("rid")): _clean_name(r.get("rating"))
                        for r in archive.rows("ratings")}
        self.reviews: dict[int, list[Row]] = {}
        for row in archive.rows("reviews"):
            if str(row.get("type") or "ST").strip().upper() == "ST":
                self.reviews.setdefault(as_int(row.get("item")), []).append(row)
        self.inseries: dict[int, list[Row]] = {}
        for row in archive.rows("inseries"):
            self.inseries.setdefault(as_int(row.get("seriesid")), []).append(row)
        self.coauthors: dict[int, list[int]] = {}
        for row in archive.rows("coauthors"):
            self.coauthors.setdefault(as_int(row.get("sid")), []).append(as_int(row.get("uid")))

    # Stories.

    def source_url(self, sid: int) -> str:
        return f"{self.site_url}/viewstory.php?sid={sid}"

    def stories(self) -> list[Row]:
        return sorted(self.archive.rows("stories"), key=lambda r: as_int(r.get("sid")))

    def _coauthor_uids(self, row: Row, sid: int, uid: int) -> list[int]:
        if self.archive.has("coauthors"):
            found = self.coauthors.get(sid, [])
        else:  # older versions: a comma-separated list in the story row
            found = [i for i in ids_or_names(row.get("coauthors")) if isinstance(i, int)]
        return [u for u in dict.fromkeys(found) if u > 0 and u != uid]

    def _rating(self, value: Any) -> str:
        items = ids_or_names(value)
        if not items:
            return DEFAULT_RATING
        item = items[0]
        name = self.ratings.get(item, "") if isinstance(item, int) else item
        if not name:
            return DEFAULT_RATING
        return self.mapping.ratings.get(name) or rating_default(name)

    def _fandoms(self, value: Any) -> list[str]:
        fandoms: list[str] = []
        for item in ids_or_names(value):
            catid = item if isinstance(item, int) else self.category_by_name.get(item.lower())
            path = self.category_paths.get(catid) if catid is not None else None
            if path is None:
                path = item if isinstance(item, str) else None
            if not path:
                continue
            fandoms += self.mapping.categories.get(
                path, [fandom_default(path.rsplit(CATEGORY_SEPARATOR, 1)[-1])])
        return list(dict.fromkeys(fandoms)) or [self.mapping.default_fandom]

    def _class_tags(self, value: Any, parsed: ParsedWork, *, old: str = "") -> None:
        """Tag the work with the classes in `value` (ids or names); `old` is "gid" or "wid"
        for older versions' genre and warning lists."""
        targets = {"warning": parsed.warnings, "category": parsed.categories,
                   "fandom": parsed.fandoms, "relationship": parsed.relationships,
                   "character": parsed.characters, "freeform": parsed.freeforms}
        by_id = self.old_classes[old] if old else self.classes
        fallback_kind = {"gid": "Genres", "wid": "Warnings"}.get(old, "Classes")
        for item in ids_or_names(value):
            if isinstance(item, int):
                key = by_id.get(item)
            else:
                key = self.class_by_name.get(item.lower(), (fallback_kind, item))
            if key is None or not key[1]:
                continue
            kind, name = key
            tags = self.mapping.classes.get(kind, {}).get(name)
            for tag_kind, tag_name in tags if tags is not None else class_default(name):
                if tag_name not in targets[tag_kind]:
                    targets[tag_kind].append(tag_name)

    def _chapter_text(self, row: Row, *, story_uid: int) -> str:
        text = str(row.get("storytext") or "")
        if text.strip():
            return text
        chapid = as_int(row.get("chapid"))
        if self.story_files is None:
            raise ImportFailed(f"chapter {chapid} has no text in the database; its text is "
                               "probably in a file: give the archive's folder with "
                               "--story-files DIR")
        uids = dict.fromkeys([as_int(row.get("uid")) or story_uid, story_uid])
        for uid in uids:
            path = self.story_files / str(uid) / f"{chapid}.txt"
            if path.is_file():
                if path.stat().st_size > MAX_STORY_FILE_BYTES:
                    raise ImportFailed(f"the file of chapter {chapid} ({path}) is larger "
                                       f"than {MAX_STORY_FILE_BYTES // (1024 * 1024)} MB")
                return repair_mojibake(decode_bytes(path.read_bytes()))
        raise ImportFailed(f"chapter {chapid} has no text in the database and no file "
                           f"{self.story_files / str(story_uid) / f'{chapid}.txt'}")

    def story(self, row: Row) -> EfictionStory:
        """One story row as an EfictionStory, or ImportFailed saying why it can't be one."""
        sid, uid = as_int(row.get("sid")), as_int(row.get("uid"))
        validated = flag(row.get("validated", "1"))
        rows = sorted(self.chapters.get(sid, []),
                      key=lambda c: (as_int(c.get("inorder")), as_int(c.get("chapid"))))
        if validated:  # chapters still waiting for validation stay unpublished
            rows = [c for c in rows if flag(c.get("validated", "1"))]
        if not rows:
            raise ImportFailed("the story has no chapters" + (" that were validated"
                                                              if validated and
                                                              self.chapters.get(sid) else ""))
        chapters = [
            ParsedChapter(
                html=text_as_html(self._chapter_text(c, story_uid=uid)),
                title=_clean_name(c.get("title")),
                notes=text_as_html(str(c.get("notes") or "")),
                end_notes=text_as_html(str(c.get("endnotes") or "")),
            )
            for c in rows
        ]
        if len(chapters) == 1 and chapters[0].title == _clean_name(row.get("title")):
            chapters[0].title = ""
        published = _date(row.get("date"))
        updated = _date(row.get("updated")) or published
        if published and updated and updated < published:
            updated = published
        parsed = ParsedWork(
            title=_clean_name(row.get("title")) or "Untitled",
            chapters=chapters,
            summary=text_as_html(str(row.get("summary") or "")),
            notes=text_as_html(str(row.get("storynotes") or "")),
            rating=self._rating(row.get("rid")),
            fandoms=self._fandoms(row.get("catid")),
            characters=list(dict.fromkeys(
                self.characters.get(i, "") if isinstance(i, int) else i
                for i in ids_or_names(row.get("charid")))),
            published=published,
            updated=updated,
            complete=flag(row.get("completed")),
            source_url=self.source_url(sid),
            format="efiction",
        )
        parsed.characters = [c for c in parsed.characters if c]
        self._class_tags(row.get("classes"), parsed)
        for old in ("gid", "wid"):
            self._class_tags(row.get(old), parsed, old=old)
        return EfictionStory(
            sid=sid, uid=uid, coauthor_uids=self._coauthor_uids(row, sid, uid),
            validated=validated, parsed=parsed,
            chapter_ids=[as_int(c.get("chapid")) for c in rows],
        )

    # Everything else.

    def reviews_of(self, sid: int) -> list[Row]:
        """A story's reviews (series and challenge reviews are not kept)."""
        return self.reviews.get(sid, [])

    def series_parts(self, seriesid: int) -> list[Row]:
        """A series' stories and sub-series in their order."""
        rows = self.inseries.get(seriesid, [])
        return sorted(rows, key=lambda r: (as_int(r.get("inorder")), as_int(r.get("sid")),
                                           as_int(r.get("subseriesid"))))
