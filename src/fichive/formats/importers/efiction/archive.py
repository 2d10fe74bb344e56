"""The rows of one eFiction archive, read from a server or a dump, and the value cleanup both
readers share: bytes decoded, latin1-held UTF-8 ("CafÃ©") repaired."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

# The tables the importer reads, without the prefix; the first three must exist.
REQUIRED_TABLES = ("authors", "stories", "chapters")
TABLES = (
    *REQUIRED_TABLES, "categories", "characters", "classes", "classtypes", "ratings",
    "series", "inseries", "reviews", "coauthors", "settings", "favorites",
    "genres", "warnings",  # older versions: stories.gid / stories.wid instead of classes
)
DEFAULT_PREFIX = "fanfiction_"

Row = dict[str, Any]


class ArchiveError(Exception):
    """The archive can't be read (no server, malformed dump, missing tables); ``str(error)``
    is one line saying what was wrong and what to do."""


@dataclass
class EfictionArchive:
    """Every row of the tables the importer reads, by table name without the prefix.

    Text values are ``str`` (bytes decoded, mojibake repaired); numbers are ``int``; dates are
    what the archive stored, a "YYYY-MM-DD HH:MM:SS" string or a Unix integer, and the mapper
    settles them. A server and a dump of the same archive give equal rows.
    """

    tables: dict[str, list[Row]] = field(default_factory=dict)
    origin: str = ""  # "dump file.sql" or "database host/name", for messages

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])

    def has(self, table: str) -> bool:
        return table in self.tables

    def check(self, *, prefix: str) -> None:
        missing = [t for t in REQUIRED_TABLES if t not in self.tables]
        if missing:
            names = ", ".join(prefix + t for t in missing)
            plural = "s" if len(missing) > 1 else ""
            raise ArchiveError(
                f"{self.origin or 'the archive'} has no {names} table{plural}; is the table "
                f"prefix right? (--prefix, default {DEFAULT_PREFIX})")


# MySQL's "latin1" is Windows-1252 with the five bytes cp1252 leaves undefined mapped to the C1
# controls; reversing it turns mojibake back into the bytes that were stored.
_CP1252_BYTE = {bytes([b]).decode("cp1252"): b for b in range(256)
                if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178"
                            "\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-"
                            "\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def _latin1_bytes(text: str) -> bytes | None:
    out = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x80 or 0x80 <= code <= 0xFF and char not in _CP1252_BYTE:
            out.append(code)  # ASCII, or a C1 control standing for one of cp1252's holes
        elif char in _CP1252_BYTE:
            out.append(_CP1252_BYTE[char])
        else:
            return None
    return bytes(out)


def repair_mojibake(text: str) -> str:
    """UTF-8 that went through a latin1 column and came back as "CafÃ© â€” ok" becomes
    "Café — ok" again; text that isn't such mojibake comes back unchanged."""
    for _ in range(2):  # at most twice: some archives were converted twice
        if not _MOJIBAKE_HINT.search(text):
            return text
        raw = _latin1_bytes(text)
        if raw is None:
            return text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return text
    return text


def decode_bytes(data: bytes) -> str:
    """Text from a BLOB or _binary value: UTF-8 if it is, Windows-1252 otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def clean_value(value: Any) -> Any:
    """A column value as both readers give it: text decoded and repaired, dates as the text a
    dump holds ("2009-03-14 10:00:00"), numbers unchanged."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        value = decode_bytes(bytes(value))
    if isinstance(value, str):
        return repair_mojibake(value)
    return value


def mojibake(text: str) -> str:
    """What a latin1 column read as UTF-8 makes of UTF-8 text: the inverse of
    repair_mojibake (for tests and for explaining the repair)."""
    return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                   else chr(b) for b in text.encode("utf-8"))
