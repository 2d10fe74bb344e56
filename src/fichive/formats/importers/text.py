"""Plain-text import: decode a .txt file and read fan fiction's plain-text habits into one work.

Title line, "by" line, author's notes, scene breaks, blank-line or line-per-paragraph layouts
and hard-wrapped text are recognised; the story becomes one chapter of <p> and <hr /> HTML.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedChapter, ParsedWork
from fichive.lib.plaintext import (
    AN_LABEL,
    END_NOTE_WINDOW,
    NOTE_BREAK_WINDOW,
    PAREN_NOTE,
    SPACE,
    Item,
    Para,
    Row,
    Rows,
    is_sign_off,
    make_para,
    paragraphs_of,
    render_items,
    speaks_as_author,
    split_rows,
    starts_dialogue,
    starts_note,
    talks_to_reader,
    tidy,
)

MAX_TEXT_BYTES = 10 * 1024 * 1024

_NOT_TEXT = "not UTF-8 or Windows-1252 text"

_NEWLINES = re.compile("\r\n?|[\x0b\x0c\u2028\u2029]")
_NEWLINE_CHARS = "\r\x0b\x0c\u2028\u2029"
# U+0080–U+009F in decoded text are Windows-1252 bytes that went through a Latin-1 decoder
# on the way ("\x93" for “): give them their Windows-1252 meaning.
_C1 = re.compile("[\x80-\x9f]")
_C1_AS_CP1252 = {
    c: bytes([c]).decode("cp1252") for c in range(0x80, 0xA0) if c not in b"\x81\x8d\x8f\x90\x9d"
}
# Controls no text file needs; a few are dropped, many mean the file is not text at all.
_CONTROLS = re.compile("[\x01-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F])
_BINARY_SHARE = 0.01
# A well-formed multi-byte UTF-8 character; Windows-1252 text almost never contains one.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


# --------------------------------------------------------------------------------------------
# Decoding


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read bytes that are not valid UTF-8 as Windows-1252.

    Files often mix the two (UTF-8 text with a pasted Windows quote), so falling back per
    byte keeps both parts right; a whole Windows-1252 file decodes exactly as cp1252 would.
    """
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252"), error.end  # undefined bytes raise UnicodeDecodeError


codecs.register_error("fichive-cp1252", _cp1252_fallback)


def decode_text(data: bytes) -> str:
    """Decode a text file (UTF-8, else Windows-1252) with newlines normalized to "\\n".

    Raises ImportFailed for files over MAX_TEXT_BYTES, binary data, bytes that are neither
    encoding, and files with nothing but whitespace.
    """
    if len(data) > MAX_TEXT_BYTES:
        raise ImportFailed("file is larger than 10 MB")
    if b"\x00" in data:
        raise ImportFailed(_NOT_TEXT)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if _UTF8_SEQUENCE.search(data):  # some UTF-8 after all: mixed, decode byte by byte
                text = data.decode("utf-8", errors="fichive-cp1252")
            else:
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFailed(_NOT_TEXT) from None
    # The scans below are skipped when a quicker look says they would find nothing: C1
    # characters come only from UTF-8's \xc2\x80-\xc2\x9f, other controls are ASCII bytes.
    c1 = b"\xc2" in data and _C1.search(text) is not None
    if c1:
        text = text.translate(_C1_AS_CP1252)
    text = text.rstrip("\x1a")  # ^Z: an old DOS end-of-file mark
    if any(char in text for char in _NEWLINE_CHARS):
        text = _NEWLINES.sub("\n", text)
    if c1 or len(data.translate(None, _CONTROL_BYTES)) != len(data):
        text, controls = _CONTROLS.subn("", text)
        if controls and controls > _BINARY_SHARE * (len(text) + controls):
            raise ImportFailed(_NOT_TEXT)
    if not text.strip(SPACE):
        raise ImportFailed("the file is empty")
    return text



_TITLE_LABEL = re.compile(r"title\s*:\s*", re.IGNORECASE)
_BYLINE = re.compile(
    r"(?:(?:written\s+|a\s+(?:story|fic|fanfic)\s+|story\s+)?by\s*:?\s+|author(?:\(s\))?\s*:\s*)"
    r"(?P<name>\S.*)",
    re.IGNORECASE,
)
_BYLINE_NOT_NAMES = frozenset(
    re.findall(
        r"\w+",
        "the a an this that then now my his her their our your its all far means way chance "
        "morning night noon evening day dawn dusk",
    )
)
_NUMBER = (
    r"(?:\s*\d+|\s+(?:[ivxlcdm]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty))\b"
)
_CHAPTER_HEADING = re.compile(
    r"(?:(?:chapter|ch\.|ch|part)" + _NUMBER + r"|(?P<word>prologue|epilogue|interlude)\b)"
    r"(?:\s*(?:[-–—:.]\s*(?P<sub>.*)|$))",
    re.IGNORECASE,
)

_SENTENCE_ENDS = ".!?…,;:\"”’'»"
_TITLE_DECOR = "*_~=#<>|[]" + SPACE
_DASHES = "-–—"
_TITLE_MAX_CHARS = 100
_TITLE_MAX_WORDS = 12
_BYLINE_MAX_CHARS = 60
_SHORT_BLOCK_ROWS = 6




# --------------------------------------------------------------------------------------------
# Title, "by" line and chapter heading


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _title_candidate(row: Row, following: Row | None, block_rows: int | None) -> str | None:
    """The title if the first line looks like one: short, a few words, not a sentence.

    ``block_rows`` counts the lines of the first block when a blank line or break ends it.
    """
    text = row.text
    if following is None or row.separator or len(text) > _TITLE_MAX_CHARS:
        return None
    if starts_note(text) or _BYLINE.fullmatch(text):
        return None
    label = _TITLE_LABEL.match(text)
    if label:
        return text[label.end() :].strip(_TITLE_DECOR) or None
    # "~*~ Title ~*~", "-=Title=-": decoration on both sides; "She was-" ends in a dash.
    decorated = text[0] in _TITLE_DECOR + _DASHES
    core = text.strip(_TITLE_DECOR + _DASHES if decorated else _TITLE_DECOR)
    if not core or len(core.split()) > _TITLE_MAX_WORDS or starts_dialogue(core):
        return None
    if core[-1] in _SENTENCE_ENDS + _DASHES or (core[0] == "(" and core[-1] == ")"):
        return None
    # Straight into more text: a wrapped first line or a sentence running on.
    runs_on = following.gap == 0 and not following.separator
    if runs_on and not (byline_author(following.text)
                        or chapter_heading_title(following.text) is not None):
        if len(text) > 50 or following.text[0].islower():
            return None
        if block_rows is not None and block_rows <= _SHORT_BLOCK_ROWS:
            return None  # the first line of a verse or a letter, in a file of blank-line blocks
    return core


def _same_title(text: str, title: str) -> bool:
    wanted = _fold(title)
    label = _TITLE_LABEL.match(text)
    candidates = [text, text.strip(_TITLE_DECOR)]
    if label:
        candidates.append(text[label.end() :].strip(_TITLE_DECOR))
    return any(_fold(c) == wanted for c in candidates)


def byline_author(text: str) -> str | None:
    """The creator's name from a short "by Someone" line, or None."""
    if len(text) > _BYLINE_MAX_CHARS:
        return None
    match = _BYLINE.fullmatch(text.strip(_TITLE_DECOR))
    if not match:
        return None
    name = match.group("name").strip(_TITLE_DECOR)
    words = name.split()
    if not words or len(words) > 6 or name[-1] in ".!?…,;:":
        return None
    if words[0].casefold() in _BYLINE_NOT_NAMES:
        return None  # "By the time we left"
    return name


def chapter_heading_title(text: str) -> str | None:
    """For a "Chapter 3: The Storm" / "Prologue" heading, the chapter's own title ("" if none)."""
    if len(text) > _TITLE_MAX_CHARS:
        return None
    match = _CHAPTER_HEADING.fullmatch(text.strip(_TITLE_DECOR))
    if not match:
        return None
    sub = (match.group("sub") or "").strip(_TITLE_DECOR)
    return sub or match.group("word") or ""


@dataclass(slots=True)
class _Heading:
    title: str | None = None
    creators: tuple[str, ...] = ()
    chapter_title: str = ""


def _take_heading(rows: Rows, title: str | None) -> tuple[_Heading, Rows]:
    """Remove the title line, a "by" line after it, and a chapter heading from the top."""
    heading = _Heading()
    i = 0

    def text_row(k: int) -> Row | None:
        if k + 1 < len(rows) and not rows.separator[k]:
            return rows[k]
        return None  # the last line is never heading, there must be a story after it

    first = text_row(0)
    if first is not None:
        if title is not None:
            if _same_title(first.text, title):
                i = 1
        elif chapter_heading_title(first.text) is None:
            block_rows = next(
                (k for k in range(1, len(rows)) if rows.gap[k] or rows.separator[k]), None
            )
            heading.title = _title_candidate(first, rows[1], block_rows)
            if heading.title is not None:
                i = 1
    if i == 1 and (row := text_row(1)) is not None:
        name = byline_author(row.text)
        if name:
            heading.creators = (name,)
            i = 2
    if (row := text_row(i)) is not None:
        chapter = chapter_heading_title(row.text)
        if chapter is not None:
            heading.chapter_title = chapter
            i += 1
    return heading, rows.after(i)


# --------------------------------------------------------------------------------------------
# Author's notes

_PAREN_WINDOW = 8  # a parenthetical note may run over this many paragraphs
_SIGN_OFF_MAX = 3


def _split_paren(items: list[Item]) -> tuple[list[Para], Para | None, list[Item]] | None:
    """Cut at the bracket that closes the one opening items[0]; None if it never closes.

    Returns the bracketed paragraphs (closing bracket removed), the rest of the paragraph the
    bracket closed in (or None), and the items after that paragraph.
    """
    first = items[0]
    assert first is not None
    opener = first.first[0]
    closer = ")" if opener == "(" else "]"
    brackets = re.compile(re.escape(opener) + "|" + re.escape(closer))
    depth = 0
    for p, item in enumerate(items[:_PAREN_WINDOW]):
        if item is None:
            continue
        for k, line in enumerate(item.lines):
            closers = line.count(closer)
            if closers < max(depth, 1):
                depth += line.count(opener) - closers
                continue  # too few closing brackets to close on this line
            for match in brackets.finditer(line):
                depth += 1 if match.group() == opener else -1
                if depth:
                    continue
                cut = match.start()
                before = make_para([*item.lines[:k], line[:cut]], item.joins[:k])
                after = make_para([line[cut + 1 :], *item.lines[k + 1 :]], item.joins[k:])
                notes = [i for i in items[:p] if i is not None]
                if before is not None:
                    notes.append(before)
                return notes, after, items[p + 1 :]
    return None


def _strip_label(para: Para) -> list[Para]:
    """A note paragraph without its A/N label (and its brackets, for "(A/N: …)")."""
    first = para.first
    if PAREN_NOTE.match(first):
        split = _split_paren([para])
        if split is not None and len(split[0]) == 1 and split[1] is None:
            para = split[0][0]  # the closing bracket ends the paragraph: drop it
        first = para.first[1:].lstrip(SPACE)
    label = AN_LABEL.match(first)
    if label:
        first = first[label.end() :]
    cleaned = make_para([first, *para.lines[1:]], para.joins)
    return [cleaned] if cleaned is not None else []


def notes_html(paras: list[Para]) -> str:
    cleaned = [part for para in paras for part in _strip_label(para)]
    return render_items(list(cleaned))


def take_start_notes(items: list[Item]) -> tuple[list[Para], list[Item]]:
    """Split an author's note (and its neighbours: disclaimer, warnings…) off the start."""
    if not items or items[0] is None or not starts_note(items[0].first):
        return [], items
    if PAREN_NOTE.match(items[0].first):
        split = _split_paren(items)
        if split is not None:
            notes, after, rest = split
            if after is not None:
                return notes, [after, *rest]  # story text right after the closing bracket
            while rest and (item := rest[0]) is not None and _is_note_like(item):
                notes.append(item)
                rest = rest[1:]
            return notes, rest
    # The notes never swallow the story: the last paragraph that isn't an end note stays.
    last_story = max(
        (i for i, item in enumerate(items) if item is not None and not AN_LABEL.match(item.first)),
        default=0,
    )
    # A scene break soon after the label ends the notes, as long as what comes before it
    # reads like the author talking (a story's opening scene is kept as story).
    for i in range(1, min(len(items), NOTE_BREAK_WINDOW + 1)):
        item = items[i]
        if item is None:
            if i > last_story:
                break
            return [p for p in items[:i] if p is not None], items[i + 1 :]
        if not (_is_note_like(item) or speaks_as_author(item.text())):
            break
    end = 1
    while (
        end < last_story and (item := items[end]) is not None and _is_note_like(item)
    ):
        end += 1
    return [p for p in items[:end] if p is not None], items[end:]


def _is_note_like(para: Para) -> bool:
    if len(para.lines) == 1 and chapter_heading_title(para.first) is not None:
        return False  # "Chapter 1" after a disclaimer starts the story
    return starts_note(para.first) or talks_to_reader(para.text())


def take_end_notes(items: list[Item]) -> tuple[list[Item], list[Para]]:
    """Split an author's note (or an unlabelled "thanks for reading") off the end."""
    indices = [i for i, item in enumerate(items) if item is not None]
    if len(indices) < 2:
        return items, []
    for i in indices[1:][-END_NOTE_WINDOW:]:
        item = items[i]
        assert item is not None
        if AN_LABEL.match(item.first) or PAREN_NOTE.match(item.first):
            tail = items[i:]
            if PAREN_NOTE.match(item.first):
                split = _split_paren(tail)
                if split is not None:
                    notes, after, rest = split
                    tail = [*notes, after, *rest]
            return items[:i], [p for p in tail if p is not None]
    k = len(indices)
    while k > 1 and len(indices) - k < _SIGN_OFF_MAX:
        item = items[indices[k - 1]]
        if item is None or not is_sign_off(item.text()):
            break
        k -= 1
    if k == len(indices):
        return items, []
    start = indices[k]
    return items[:start], [p for p in items[start:] if p is not None]


# --------------------------------------------------------------------------------------------
# Putting it together


def title_from_filename(filename: str) -> str:
    name = re.split(r"[\\/]", filename)[-1]
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.isalnum() and len(extension) <= 5:
        name = stem
    return " ".join(name.replace("_", " ").replace("-", " ").split()) or "Untitled"


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cycle collector while building many small acyclic objects.

    A file of a million short lines makes millions of lists and paragraphs; the collector
    would walk them again and again and take most of the time. Nothing here makes cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_text(data: bytes, *, filename: str, title: str | None = None) -> ParsedWork:
    """Read a plain-text story file as one work with one chapter.

    ``title``, when given, wins over a title line in the file (a first line equal to it is
    dropped). Raises ImportFailed with a user-facing reason when the file can't be used.
    """
    with _cyclic_gc_paused():
        return _parse_text(data, filename=filename, title=title)


def _parse_text(data: bytes, *, filename: str, title: str | None) -> ParsedWork:
    if title is not None and not title.strip(SPACE):
        title = None
    rows = split_rows(decode_text(data))
    heading, rows = _take_heading(rows, title)
    items = paragraphs_of(rows)
    notes, items = take_start_notes(items)
    items = tidy(items)
    if notes and not heading.chapter_title and items and items[0] is not None:
        # A chapter heading after the notes ("Disclaimer: …", then "Chapter 1").
        first = items[0]
        chapter = chapter_heading_title(first.first) if len(first.lines) == 1 else None
        if chapter is not None and len(items) > 1:
            heading.chapter_title = chapter
            items = items[1:]
    items, end_notes = take_end_notes(tidy(items))
    items = tidy(items)
    if not items:
        raise ImportFailed("no story text found")
    body = render_items(items)
    if title is not None:
        work_title = title.strip(SPACE)
    else:
        work_title = heading.title or title_from_filename(filename)
    return ParsedWork(
        title=work_title,
        chapters=[ParsedChapter(html=body, title=heading.chapter_title)],
        notes=notes_html(notes),
        end_notes=notes_html(end_notes),
        creators=list(heading.creators),
    )
