"""Text as the search index sees it: plain text from sanitized HTML, words folded to lower
case without diacritics, CJK characters as words of their own, and highlighted snippets.

Both backends index the same prepared text. SQLite's FTS5 tokenizer (unicode61, diacritics
removed) splits and folds it itself; PostgreSQL is given `index_words()` of it, which splits and
folds the same way, so a query finds the same works on either.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

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
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", value)))
    # Runs of spaces and tabs become one space (not newlines); most text has none but single
    # spaces, which a substitution would rewrite one by one.
    if "  " in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


CHAPTER_PARTS = ("summary", "notes", "content", "end_notes")


def chapter_text(chapter: dict[str, str]) -> str:
    """A chapter's searchable text from its fields (HTML except the title): title, summary,
    notes, content and end notes, one block after another."""
    parts = [chapter["title"], *(html_to_text(chapter[part]) for part in CHAPTER_PARTS)]
    return "\n".join(part for part in parts if part)


# Characters of a chapter's HTML kept past the first place a query word is written, when a
# snippet is made from it: far more than SNIPPET_LOOKAHEAD words with their markup.
SNIPPET_HTML_MARGIN = 4_000


def chapter_text_for_snippet(chapter: dict[str, str], *, phrases: list[list[str]],
                             prefixes: set[str] | None = None) -> str:
    """chapter_text for a snippet of these phrases: the same text, except that a long
    content is cut (at a tag) SNIPPET_HTML_MARGIN characters after the first place a
    phrase's first word is written, since the snippet reads no further than that."""
    pattern = _first_words(phrases, prefixes or set())
    content = chapter["content"]
    found = pattern.search(content) if pattern is not None else None
    if found is not None:
        cut = content.find("<", found.end() + SNIPPET_HTML_MARGIN)
        if cut != -1:
            chapter = {**chapter, "content": content[:cut]}
    return chapter_text(chapter)


def prepare(text: str) -> str:
    """Text as stored in the index: CJK characters spaced apart so each is a word."""
    return _CJK_CHAR.sub(r" \1 ", text) if _CJK_CHAR.search(text) else text


# The version of chapter_index_text's output. SQLite's chapter index keeps no copy of the
# text it indexed: taking a chapter out of it means giving the same text again, made anew
# from the chapter's HTML. A change to what chapter_index_text returns for some chapter
# (html_to_text, chapter_text, prepare) must raise this number; the SQLite functions and
# triggers are named after it (search/backends/sqlite.py), and a migration rebuilding the
# index under the new name must come with it (tests/search/test_chapter_index.py checks).
CHAPTER_TEXT_VERSION = 1


def chapter_index_text(title: str, summary: str, notes: str, content: str,
                       end_notes: str) -> str:
    """The prepared text a chapter is indexed under, from its stored fields."""
    return prepare(chapter_text({"title": title, "summary": summary, "notes": notes,
                                 "content": content, "end_notes": end_notes}))


def fold(word: str) -> str:
    """A word compared without case or diacritics: "Café" and "cafe" are the same word."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_fold_word = functools.lru_cache(maxsize=8192)(fold)  # snippets fold the same words often


# ASCII, and the characters beyond it that can be part of a word: letters, digits (CJK
# characters among them) and the combining marks that _WORD keeps inside words.
_ASCII = re.compile(r"[\x00-\x7f]+")
_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]|[\u0300-\u036f]")
# Bytes of ASCII text: letters and digits kept, anything else a space.
_ASCII_WORD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))


def words(text: str) -> list[str]:
    """The folded words of a text, in order, as both backends index them."""
    if text.isascii() or not _NON_ASCII_WORD_CHAR.search(_ASCII.sub("", text)):
        # Every word is ASCII (beyond ASCII there are only quotes, dashes, spaces and the
        # like): folding is lowercasing, and the words are the runs of letters and digits,
        # found a whole text at a time on bytes (anything beyond ASCII separates words).
        return (text.lower().encode("ascii", "replace").translate(_ASCII_WORD_BYTES)
                .decode("ascii").split())
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


_SPACE = re.compile(r"\s")
SNIPPET_LOOKAHEAD = 200  # words read past the first match to find the best window
_CHUNK = 1500  # characters tokenized at a time
_BEFORE = 300  # characters read before the first match, for the words that lead into it


@functools.cache
def _letter_forms() -> tuple[dict[str, str], re.Pattern[str]]:
    """For each ASCII letter and digit, a character class of every character (of the Basic
    Multilingual Plane) that folds to it; and a pattern of the characters a word-start
    pattern can't account for: CJK characters (words of their own, so a query word may touch
    one) and characters that fold to more than one ASCII character."""
    forms: dict[str, set[str]] = {c: {c} for c in "abcdefghijklmnopqrstuvwxyz0123456789"}
    odd: list[str] = []
    for code in range(0x80, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = fold(char)
        if folded.isascii() and folded and folded != char.lower():
            if len(folded) == 1 and folded in forms:
                forms[folded].add(char)
            elif folded.isalnum():
                odd.append(char)
    classes = {c: "[" + "".join(re.escape(f) for f in sorted(chars)) + "]"
               for c, chars in forms.items()}
    risky = re.compile(f"[{_CJK}" + "".join(re.escape(c) for c in odd) + "]")
    return classes, risky


def _first_words(phrases: list[list[str]], prefixes: set[str]) -> re.Pattern[str] | None:
    """A pattern for the first word of each phrase as it may be written (any case, with or
    without diacritics); None when a first word isn't made of ASCII letters and digits."""
    firsts = {p[0] for p in phrases if p}
    if not firsts or not all(w.isascii() and w.isalnum() for w in firsts):
        return None
    classes, _ = _letter_forms()
    alternatives = "|".join(
        "".join(classes[c] + "[\u0300-\u036f]*" for c in w)
        + ("" if w in prefixes else r"(?![^\W_])") for w in sorted(firsts))
    return re.compile(f"(?<![^\\W_])(?:{alternatives})", re.I)


def _reading_start(text: str, pattern: re.Pattern[str] | None) -> int:
    """Where to start reading `text` so that its first matches are read with a few words
    before them: a little before the first place a phrase's first word is written, unless
    something before it could hide a match from the pattern; 0 otherwise."""
    if pattern is None:
        return 0
    found = pattern.search(text)
    if found is None or found.start() <= _BEFORE or _letter_forms()[1].search(
            text, 0, found.start()):
        return 0
    space = _SPACE.search(text, found.start() - _BEFORE, found.start())
    return space.end() if space else found.start()


# Without CJK characters or combining marks, a word is simply a run of letters and digits.
_PLAIN_WORD = re.compile(r"[^\W_]+")
_SPECIAL = re.compile(f"[{_CJK}\u0300-\u036f]")


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of each word of text[start:end]."""
    pattern = _WORD if _SPECIAL.search(text, start, end) else _PLAIN_WORD
    return [(m.start(), m.end(), w.lower() if w.isascii() else _fold_word(w))
            for m in pattern.finditer(text, start, end) for w in (m.group(),)]


def _hits(folded: list[str], start: int, phrases: list[list[str]], prefixes: set[str]
          ) -> list[int]:
    """Indexes of the words from `start` on that belong to a matching phrase."""
    hits: list[int] = []
    for phrase in phrases:
        n = len(phrase)
        if not n:
            continue
        first, last = phrase[0], phrase[-1]
        last_prefix = last in prefixes
        begin = max(0, start - n + 1)
        if n == 1:
            if last_prefix:
                hits += [i for i, w in enumerate(folded[begin:], begin) if w.startswith(last)]
            else:
                hits += [i for i, w in enumerate(folded[begin:], begin) if w == first]
            continue
        for i in [i for i, w in enumerate(folded[begin:len(folded) - n + 1], begin)
                  if w == first]:
            if folded[i + 1:i + n - 1] != phrase[1:-1]:
                continue
            tail = folded[i + n - 1]
            if tail == last or (last_prefix and tail.startswith(last)):
                hits.extend(range(i, i + n))
    return hits


def snippet(text: str, *, phrases: list[list[str]], prefixes: set[str] | None = None,
            size: int = 30) -> Snippet | None:
    """The `size`-word window of `text` holding the most query words (phrases count when all
    their words appear in a row), with those words marked; None when nothing matches.
    The text is read only up to SNIPPET_LOOKAHEAD words past the first match, and from a
    little before it when that is sure not to miss an earlier match (see _reading_start)."""
    prefixes = prefixes or set()
    begin = _reading_start(text, _first_words(phrases, prefixes))
    tokens: list[tuple[int, int, str]] = []
    folded: list[str] = []
    found: list[int] = []
    position = begin
    while position < len(text):
        end = min(len(text), position + _CHUNK)
        if end < len(text):  # end the chunk at a space, never inside a word
            space = _SPACE.search(text, end)
            end = space.start() if space else len(text)
        chunk = _tokens(text, position, end)
        position = end
        checked = len(folded)
        tokens += chunk
        folded += [t[2] for t in chunk]
        found += _hits(folded, checked, phrases, prefixes)
        if found and len(folded) > min(found) + SNIPPET_LOOKAHEAD:
            break
    if not found:
        return None
    # (Only the hits within SNIPPET_LOOKAHEAD words of the first: however far the last
    # chunk read, the same window is chosen.)
    hits = sorted({hit for hit in found if hit < min(found) + SNIPPET_LOOKAHEAD})
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
    return Snippet(pieces=tuple(pieces), leading=first > 0 or begin > 0, trailing=more)
