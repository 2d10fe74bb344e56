"""Plain text as fan fiction writes it, read into paragraphs and scene breaks.

The one reading of plain text for every surface: a .txt import (formats/importers/text.py,
which also takes the title, byline and author's notes off) and text typed or pasted as
"Plain text" in the posting forms (lib/sanitize.text_to_paragraphs). Scene-break lines
("* * *", "~~~", "-oOo-"), a wider gap than the text's usual one, blank-line or
line-per-paragraph layouts and hard-wrapped lines are recognised; the result is <p> and <hr />.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

# Whitespace (everything str.isspace knows) plus invisible characters that editors leave behind.
# str.strip(chars) with an explicit set stays linear even on one enormous line.
SPACE = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u180e"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
)


# --------------------------------------------------------------------------------------------
# Recognising kinds of lines

_SEPARATOR_SYMBOLS = (
    "-_=*~#+^|/\\<>:§¤•·°◦○●◎◇◆◈◊♦♢♥♡❤❥★☆✦✧✩✪✫✬✭✮✯✰✱✲✳✴✵✶✷✸✹✺✻✼✽✾✿❀❁❂❃❄❅❆❇❈❉❊❋❖※–—―‒─━═┄┅┈┉"
)
_SEPARATOR_LETTERS = "oOxX0"
_DOTS = ".…"
_SEPARATOR_LINE = re.compile(
    "[" + re.escape(_SEPARATOR_SYMBOLS + _SEPARATOR_LETTERS + _DOTS) + r"\s]+"
)
_BREAK_WORDS = re.compile(
    r"[\W_]*(?:line|scene|page|section)\s*(?:break|change)[\W_]*", re.IGNORECASE
)
# Letters and digits a separator line may start with ("oOo", "xXx", "0o0", "line break").
_SEPARATOR_STARTS = frozenset("oOxX0lLsSpP")

# The ways authors label an author's note. Shared by the start, the end and parentheticals.
AN_WORDS = (
    r"(?:a\s?/\s?n(?![a-z])"  # A/N, a/n, A / N
    r"|a\.\s?n\.(?![a-z])"  # A.N.
    r"|(?-i:AN)\s+[-–—]"  # "AN - ", only in capitals: "An" is a word
    r"|an\s*:"  # AN:
    r"|authors?['’]?s?\s+notes?(?=\s*[-–—:]|\s*$)"  # Author's Note, Authors Note
    r"|notes?\s*:)"  # Note:, Notes:
)
DECOR = r"[*_~]{0,3}"
AN_LABEL = re.compile(DECOR + AN_WORDS + DECOR + r"\s*[-–—:]*" + DECOR + r"\s*", re.I)
PAREN_NOTE = re.compile(r"[(\[]\s*" + DECOR + AN_WORDS, re.IGNORECASE)

# Labelled lines that belong in notes but keep their label (it says what the line is).
_NOTE_LABEL = re.compile(
    DECOR + r"(?:disclaimers?|warnings?|tw|cw|content\s+warnings?|trigger\s+warnings?"
    r"|beta(?:s|'d\s+by|ed\s+by|\s+by|[-\s]?read(?:ers?)?(?:\s+by)?)?"
    r"|dedicat(?:ion|ions|ed\s+to)|pairings?|ships?|ratings?|summary|spoilers?|fandoms?"
    r"|characters?|setting|timeline|prompts?|word\s?count|genres?|status|categor(?:y|ies)"
    r"|edit(?:ed)?|updated?|authors?|series|length|credits?|thanks\s+to)"
    + DECOR
    + r"(?:\s*\([^()\n]{0,40}\))?\s*[-–—:]"
    r"|rated\s+(?:g|pg|pg-13|t|k|k\+|m|ma|r|nc-17|e|teen|mature|explicit)\b"
    r"|p\.?\s?(?:p\.?\s?)?s\.?(?=[\s:]|$)",  # P.S., PS, P.P.S.
    re.IGNORECASE,
)
_NOTE_START = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (AN_LABEL, PAREN_NOTE, _NOTE_LABEL)), re.IGNORECASE
)
# Short paragraphs that talk to the reader rather than tell the story.
_READER_TALK = re.compile(
    r"\b(?:enjoy(?:ed)?|on\s+with\s+the\s+(?:story|fic|show|chapter)|without\s+further\s+ado"
    r"|happy\s+reading|read\s+on|here\s+(?:it\s+is|we\s+go|you\s+go)|let'?s\s+(?:begin|go|start)"
    r"|reviews?|reviewed|reviewing|reviewers?|readers?|reading|thanks|thank\s+you|thx|kudos"
    r"|comments?|feedback|updates?|updating|fics?|fanfic(?:tion)?s?|chapters?"
    r"|beta(?:ed|'d|s)?|disclaim\w*|favou?rites?|r\s?&\s?r|one-?shots?|drabbles?|prompts?)\b",
    re.IGNORECASE,
)
# Unlabelled sign-offs that make a closing paragraph an end note.
_SIGN_OFF = re.compile(
    r"\b(?:thanks?(?:\s+you)?(?:\s+so\s+much|\s+all)?\s+for\s+reading"
    r"|please\s+(?:review|comment|leave)|read\s+(?:and|&)\s+review|r\s?&\s?r"
    r"|reviews?\s+(?:are|would\s+be|make|please)|let\s+me\s+know\s+what\s+you\s+think"
    r"|leave\s+(?:a\s+|some\s+)?(?:review|comment|kudos))\b",
    re.IGNORECASE,
)
_READER_TALK_MAX = 300
# Author's notes sit near the ends: a scene break this close after a note's start ends the
# notes, and an end note starts among the last this-many paragraphs.
NOTE_BREAK_WINDOW = 5
END_NOTE_WINDOW = 6
_FIRST_OR_SECOND_PERSON = re.compile(r"\bI\b|\b(?i:me|my|mine|myself|we|us|our|you|your|yours)\b")
FIRST_WORD = re.compile(r"\S+")
OPENING_QUOTES = "\"“”„«»‘’'‚`"
def is_separator(text: str) -> bool:
    """A scene-break line: only separator characters ("* * *", "~*~", "-oOo-", "_____")."""
    if not _SEPARATOR_LINE.fullmatch(text):
        return len(text) <= 40 and _BREAK_WORDS.fullmatch(text) is not None
    core = "".join(text.split())
    letters = sum(core.count(c) for c in _SEPARATOR_LETTERS)
    dots = sum(core.count(c) for c in _DOTS)
    has_symbols = letters + dots < len(core)
    if not letters:
        return has_symbols  # "...", "…" are text
    if dots:
        return False  # "Ooo..." is a sound, not a break
    if has_symbols:
        return True  # "-oOo-", "~x~"
    if len(core) < 3:
        return False  # "x", "xx"
    upper = [c in "OX0" for c in core]
    if all(a != b for a, b in zip(upper, upper[1:], strict=False)):
        return True  # "oOo", "xXx", "OoOoO"
    return len(core) >= 5 and set(core) <= set("xX")  # "xxxxx"


def starts_dialogue(text: str) -> bool:
    return text[:1] in OPENING_QUOTES if text else False


def starts_note(text: str) -> bool:
    """Whether a paragraph starting with this text opens a block of notes."""
    return _NOTE_START.match(text) is not None


def talks_to_reader(text: str) -> bool:
    return (
        len(text) <= _READER_TALK_MAX
        and not starts_dialogue(text)
        and _READER_TALK.search(text) is not None
    )


def speaks_as_author(text: str) -> bool:
    """Written in the first or second person and not dialogue: how notes talk to readers."""
    return not starts_dialogue(text) and _FIRST_OR_SECOND_PERSON.search(text) is not None


def is_sign_off(text: str) -> bool:
    return (
        len(text) <= _READER_TALK_MAX
        and not starts_dialogue(text)
        and _SIGN_OFF.search(text) is not None
    )


# --------------------------------------------------------------------------------------------
# Lines and paragraphs


@dataclass(slots=True)
class Row:
    """One non-blank line of the file."""

    text: str  # trimmed
    width: int  # width of the raw line, indentation included
    indented: bool
    gap: int  # blank lines before it
    separator: bool


@dataclass(slots=True)
class Rows:
    """The file's non-blank lines as parallel lists: one object per line is too slow on a
    file of a million short lines."""

    text: list[str]
    width: list[int]
    indented: list[bool]
    gap: list[int]
    separator: list[bool]

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, i: int) -> Row:
        return Row(self.text[i], self.width[i], self.indented[i], self.gap[i], self.separator[i])

    def after(self, start: int) -> Rows:
        return Rows(
            self.text[start:],
            self.width[start:],
            self.indented[start:],
            self.gap[start:],
            self.separator[start:],
        )


@dataclass(slots=True)
class Para:
    """A paragraph: its lines and what joins them (" " for wrapped text, "<br />" otherwise)."""

    lines: list[str]
    joins: list[str]

    @property
    def first(self) -> str:
        return self.lines[0]

    def text(self) -> str:
        return " ".join(self.lines)


Item = Para | None  # None is a scene break


def render_items(items: list[Item]) -> str:
    """<p> per paragraph and <hr /> per scene break, one per line of HTML."""
    # One escape over all the text is much faster than one per line on huge files; lines
    # never contain "\n", so splitting the escaped text gives the lines back in order.
    lines = [line for item in items if item is not None for line in item.lines]
    escaped = iter(html.escape("\n".join(lines), quote=False).split("\n"))
    out = []
    for item in items:
        if item is None:
            out.append("<hr />")
        elif not item.joins:
            out.append("<p>" + next(escaped) + "</p>")
        else:
            parts = [next(escaped)]
            for join in item.joins:
                parts.append(join)
                parts.append(next(escaped))
            out.append("<p>" + "".join(parts) + "</p>")
    return "\n".join(out)


def make_para(lines: list[str], joins: list[str]) -> Para | None:
    """A paragraph from lines, dropping lines left empty (by removing a label, say)."""
    kept = [k for k, line in enumerate(lines) if line.strip(SPACE)]
    if not kept:
        return None
    return Para(
        [lines[k].strip(SPACE) for k in kept],
        [joins[kept[j + 1] - 1] for j in range(len(kept) - 1)],
    )


def split_rows(text: str) -> Rows:
    raw = text.split("\n")
    trimmed = [line.strip(SPACE) for line in raw]
    kept = [i for i, line in enumerate(trimmed) if line]
    texts = [trimmed[i] for i in kept]
    raw = [raw[i] for i in kept]
    starts = _SEPARATOR_STARTS
    return Rows(
        text=texts,
        width=[len(line.rstrip(SPACE).expandtabs(8)) for line in raw],
        indented=[line.startswith(("\t", "  ", "\u3000", "\xa0")) for line in raw],
        gap=[b - a - 1 for a, b in zip([-1, *kept], kept, strict=False)],
        separator=[
            (not line[0].isalnum() or line[0] in starts) and is_separator(line) for line in texts
        ],
    )


# --------------------------------------------------------------------------------------------
# Layout: how this file separates paragraphs


@dataclass(slots=True)
class _Layout:
    mode: str  # "blocks": blank lines part paragraphs; "lines": one line each; "wrapped"
    normal_gap: int  # blank lines between paragraphs; more than this is a scene break
    wrap_width: int = 0  # the hard-wrap width, 0 when lines are not hard-wrapped
    indents_start_paragraphs: bool = False


def _first_word_length(text: str) -> int:
    match = FIRST_WORD.match(text)
    return len(match.group()) if match else 0


def _deliberate_break(rows: Rows, i: int, width: int) -> bool:
    """In hard-wrapped text: the word starting row i would have fit on the row before it,
    so the author pressed Enter there."""
    return rows.width[i - 1] + 1 + _first_word_length(rows.text[i]) <= 0.85 * width


def _wrap_width(rows: Rows, pairs: list[int]) -> int:
    """The hard-wrap width if most non-final lines of blocks have similar width ≤ 80, else 0."""
    if len(pairs) < 2:
        return 0
    widths = sorted(rows.width[i - 1] for i in pairs)
    width = widths[(len(widths) - 1) * 9 // 10]
    if not 40 <= width <= 80:
        return 0
    near = [i for i in pairs if rows.width[i - 1] >= 0.75 * width]
    if len(near) < 0.6 * len(pairs):
        return 0
    # Wrapped prose carries on mid-sentence; verse and lists start each line with a capital.
    if sum(rows.text[i][0].islower() for i in near) < 0.4 * len(near):
        return 0
    # Unwrapped paragraphs are long lines; a wrapped file has almost none wider than the wrap.
    if sum(w > width + 10 for w in rows.width) > 0.05 * len(rows):
        return 0
    return width


def _analyse(rows: Rows) -> _Layout:
    single: list[int] = []  # indices of rows that follow the previous row with no blank line
    blank: list[int] = []  # indices of rows that follow a blank line (not next to a break)
    texts, separator = rows.text, rows.separator
    for i, gap in enumerate(rows.gap):
        if i and not (separator[i - 1] or separator[i]):
            (blank if gap else single).append(i)
    # Notes sit at the start and the end: the gaps after and before them say nothing about
    # the story's paragraphs.
    around_notes = {i for i in blank[:NOTE_BREAK_WINDOW] if starts_note(texts[i])}
    around_notes |= {i for i in blank[-END_NOTE_WINDOW:] if starts_note(texts[i])}
    if blank and starts_note(texts[0]):
        # The gap that ends the first block, unless a scene break ended it first.
        first_end = next((i for i in range(1, len(rows)) if rows.gap[i] or separator[i]), 0)
        if first_end == blank[0]:
            around_notes.add(first_end)
    gaps: Counter[int] = Counter(rows.gap[i] for i in blank if i not in around_notes)
    between = sum(gaps.values())
    usual_gap = max(gaps, key=lambda g: (gaps[g], -g)) if gaps else 1

    width = _wrap_width(rows, single)
    if width:
        indents = sum(rows.indented[i] for i in single) >= 2
        ends = sum(
            (indents and rows.indented[i]) or _deliberate_break(rows, i, width) for i in single
        )
        if between == 0 or ends > between:
            return _Layout("wrapped", 0, width, indents)
        return _Layout("blocks", usual_gap, width)
    if single and between * 8 <= len(single) + between:
        return _Layout("lines", 0)  # (almost) no blank lines between paragraphs
    return _Layout("blocks", usual_gap)


def _paragraphs(rows: Rows, layout: _Layout) -> list[Item]:
    items: list[Item] = []
    append = items.append
    para: Para | None = None
    width = layout.wrap_width
    normal_gap = layout.normal_gap
    joins_lines = layout.mode != "lines"
    wrapped = layout.mode == "wrapped"
    indents = layout.indents_start_paragraphs
    for i, (text, gap, separator) in enumerate(
        zip(rows.text, rows.gap, rows.separator, strict=True)
    ):
        if separator:
            append(None)
            para = None
            continue
        if para is not None and gap == 0 and joins_lines:
            deliberate = bool(width) and _deliberate_break(rows, i, width)
            if not wrapped:
                para.lines.append(text)
                para.joins.append(" " if width and not deliberate else "<br />")
                continue
            if not (deliberate or (indents and rows.indented[i])):
                para.lines.append(text)
                para.joins.append(" ")
                continue
        elif gap > normal_gap and i:
            append(None)
        para = Para([text], [])
        append(para)
    return items


def tidy(items: list[Item]) -> list[Item]:
    """Collapse runs of scene breaks into one and drop breaks at either end."""
    out: list[Item] = []
    for item in items:
        if item is None and (not out or out[-1] is None):
            continue
        out.append(item)
    while out and out[-1] is None:
        out.pop()
    return out


def paragraphs_of(rows: Rows) -> list[Item]:
    """The paragraphs and scene breaks of these lines (None is a scene break), without
    breaks at either end or two in a row."""
    return tidy(_paragraphs(rows, _analyse(rows)))


def text_to_html(text: str) -> str:
    """Plain text (newlines already "\\n") → <p> and <hr /> HTML, escaped, not yet sanitized."""
    return render_items(paragraphs_of(split_rows(text)))
