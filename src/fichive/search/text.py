"""Text as the search index sees it: plain text from sanitized HTML, words folded to lower
case without diacritics, CJK characters as words of their own, and highlighted snippets.

Both backends index the same prepared text. SQLite's FTS5 tokenizer (unicode61, diacritics
removed) splits and folds it itself; PostgreSQL is given `index_words()` of it, which splits and
folds the same way, so a query finds the same works on either.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

# Scripts written without spaces between words: each character is indexed as a word, so a
# run of them is searched as a phrase of characters ("東京" finds "東京都").
_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f"
)
_CJK_CHAR = re.compile(f"([{_CJK}])")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|blockquote|pre|tr)>|<br\s*/?>|<hr\s*/?>", re.I)
# A word as FTS5's unicode61 tokenizer sees one in prepared text: a run of letters, digits
# and combining marks; a CJK character alone.
_WORD = re.compile(f"(?=[^\\W_])[{_CJK}]|(?:(?![{_CJK}])[^\\W_]|[\u0300-\u036f])+")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def html_to_text(value: str) -> str:
    """The readable text of sanitized HTML: tags dropped, blocks on lines of their own."""
    text = _BLOCK_END.sub("\n", value)
    text = _SPACES.sub(" ", html.unescape(_TAG.sub("", text)))  # (not newlines)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


CHAPTER_PARTS = ("summary", "notes", "content", "end_notes")


def chapter_text(chapter: dict[str, str]) -> str:
    """A chapter's searchable text from its fields (HTML except the title): title, summary,
    notes, content and end notes, one block after another."""
    parts = [chapter["title"], *(html_to_text(chapter[part]) for part in CHAPTER_PARTS)]
    return "\n".join(part for part in parts if part)


def prepare(text: str) -> str:
    """Text as stored in the index: CJK characters spaced apart so each is a word."""
    return _CJK_CHAR.sub(r" \1 ", text) if _CJK_CHAR.search(text) else text


def fold(word: str) -> str:
    """A word compared without case or diacritics: "Café" and "cafe" are the same word."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded words of a text, in order, as both backends index them."""
    if text.isascii():  # folding ASCII is lowercasing; one pass for the whole text
        return _WORD.findall(text.lower())
    folded: dict[str, str] = {}
    result = []
    for word in _WORD.findall(text):
        if word.isascii():
            result.append(word.lower())
        else:
            if word not in folded:
                folded[word] = fold(word)
            result.append(folded[word])
    return result


def index_words(text: str) -> str:
    """The folded words joined by spaces: what PostgreSQL's `simple` configuration indexes."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Snippet:
    """A short passage with the matching words marked: (text, is_match) pieces."""

    pieces: tuple[tuple[str, bool], ...]
    leading: bool
    trailing: bool

    @property
    def text(self) -> str:
        return "".join(piece for piece, _ in self.pieces)

    def html(self) -> str:
        parts = [f"<mark>{html.escape(p)}</mark>" if hit else html.escape(p)
                 for p, hit in self.pieces]
        return ("… " if self.leading else "") + "".join(parts) + (" …" if self.trailing else "")


def _folded_tokens(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _WORD.finditer(text):
        word = match.group()
        yield match.start(), match.end(), word.lower() if word.isascii() else fold(word)


def _hits(folded: list[str], start: int, phrases: list[list[str]], prefixes: set[str]
          ) -> list[int]:
    """Indexes of the words from `start` on that belong to a matching phrase."""
    hits: list[int] = []
    for phrase in phrases:
        n = len(phrase)
        if not n:
            continue
        last_prefix = phrase[-1] in prefixes
        for i in range(max(0, start - n + 1), len(folded) - n + 1):
            if folded[i:i + n - 1] != phrase[:-1]:
                continue
            tail = folded[i + n - 1]
            if tail == phrase[-1] or (last_prefix and tail.startswith(phrase[-1])):
                hits.extend(range(i, i + n))
    return hits


SNIPPET_LOOKAHEAD = 400  # words read past the first match to find the best window


def snippet(text: str, *, phrases: list[list[str]], prefixes: set[str] | None = None,
            size: int = 30) -> Snippet | None:
    """The `size`-word window of `text` holding the most query words (phrases count when all
    their words appear in a row), with those words marked; None when nothing matches.
    The text is read only up to SNIPPET_LOOKAHEAD words past the first match."""
    prefixes = prefixes or set()
    tokens: list[tuple[int, int, str]] = []
    folded: list[str] = []
    found: list[int] = []
    reader = _folded_tokens(text)
    while True:
        chunk = list(islice(reader, 500))
        checked = len(folded)
        tokens += chunk
        folded += [t[2] for t in chunk]
        found += _hits(folded, checked, phrases, prefixes)
        if not chunk or (found and len(folded) > min(found) + SNIPPET_LOOKAHEAD):
            break
    if not found:
        return None
    hits = sorted(set(found))
    best_start, best_count = 0, 0
    right = 0
    for left, start in enumerate(hits):
        while right < len(hits) and hits[right] < start + size:
            right += 1
        if right - left > best_count:
            best_start, best_count = start, right - left
    first = max(0, best_start - size // 4)
    last = min(len(tokens), first + size) - 1
    marked = set(hits)
    pieces: list[tuple[str, bool]] = []
    position = tokens[first][0]
    for index in range(first, last + 1):
        start, end, _ = tokens[index]
        if start > position:
            pieces.append((" ".join(text[position:start].split(" ")).replace("\n", " "), False))
        pieces.append((text[start:end], index in marked))
        position = end
    more = last < len(tokens) - 1 or tokens[-1][1] < len(text.rstrip())
    return Snippet(pieces=tuple(pieces), leading=first > 0, trailing=more)
