"""The search query language, parsed into a structure the backends compile to their own syntax.

    dragon tea            both words (in any field or the text of any chapter)
    "exact phrase"        the words in a row
    dragon OR wyvern      either (OR in capitals; binds the neighbouring terms)
    -word  -"a phrase"    leave out works that have it
    drag*                 words starting with "drag" (at least MIN_PREFIX_LENGTH letters;
                          at most MAX_PREFIX_TERMS such words in one search)
    title:winter  creator:alice  summary:"found family"  tag:fluff
    fandom:"Star Trek"  character:Kirk  relationship:"Kirk/Spock"
    rating:teen  language:fr  complete:yes
    words>5000  kudos>=100  chapters>1  hits<1000  bookmarks>10  comments>0
    updated>2025-01-01  published<=2020-12-31

A malformed query raises QueryError with a sentence saying what is wrong. The raw input never
reaches SQL or FTS syntax: the backends build their syntax from the folded words found here.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from fichive.search.text import fold, words
from fichive.tags.models import RATINGS
from fichive.works.languages import language_code

MAX_QUERY_LENGTH = 500
MAX_TERMS = 30
# What one search may ask of the text index (the cost of a search grows with them: a prefix
# stands for every word starting with it, and one or two letters start most words).
MAX_PREFIX_TERMS = 5
MIN_PREFIX_LENGTH = 3
# The largest number a comparison takes (the counts are 32-bit integers in the database).
MAX_NUMBER = 2_147_483_647

# field prefix → what it searches (a column of the work's search document)
TEXT_FIELDS = {
    "title": "title",
    "creator": "creators",
    "author": "creators",
    "summary": "summary",
    "notes": "notes",
    "tag": "tags",
    "fandom": "fandoms",
    "character": "characters",
    "relationship": "relationships",
}
# comparison name → (Work field, kind)
COMPARISONS: dict[str, tuple[str, str]] = {
    "words": ("word_count", "number"),
    "kudos": ("kudos_count", "number"),
    "chapters": ("chapter_count", "number"),
    "hits": ("hits", "number"),
    "bookmarks": ("bookmarks_count", "number"),
    "comments": ("comments_count", "number"),
    "updated": ("updated", "date"),
    "published": ("published", "date"),
    "posted": ("published", "date"),
}
OTHER_FIELDS = ("rating", "language", "complete")
OPERATORS = (">=", "<=", ">", "<", "=")


class QueryError(ValueError):
    """A query that can't be searched, with a message for the person who typed it."""


@dataclass(frozen=True)
class Term:
    """Words to find, in a row when there are several; the last may be a prefix."""

    words: tuple[str, ...]
    field: str | None = None  # a TEXT_FIELDS column, or None for anywhere
    prefix: bool = False
    raw: str = ""


@dataclass(frozen=True)
class Comparison:
    column: str
    operator: str
    value: int | datetime.date


@dataclass
class Query:
    """Every `required` group must match (a group matches when any of its terms does); no
    `excluded` term may match; the other conditions filter on the work's own fields."""

    required: list[tuple[Term, ...]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    ratings: list[str] = field(default_factory=list)
    excluded_ratings: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    excluded_languages: list[str] = field(default_factory=list)
    complete: bool | None = None

    @property
    def has_text(self) -> bool:
        return bool(self.required)

    def positive_terms(self) -> list[Term]:
        return [term for group in self.required for term in group]

    def highlight(self) -> tuple[list[list[str]], set[str]]:
        """The phrases a snippet marks (terms searched anywhere) and which words are prefixes."""
        terms = [t for t in self.positive_terms() if t.field is None]
        return [list(t.words) for t in terms], {t.words[-1] for t in terms if t.prefix}

    def is_empty(self) -> bool:
        return not (self.required or self.excluded or self.comparisons or self.ratings
                    or self.excluded_ratings or self.languages or self.excluded_languages
                    or self.complete is not None)


# A token of the raw query: an optional "-", an optional "name:" or "name>=" prefix, then a
# quoted phrase (quote may be unclosed: reported) or a bare run up to whitespace or a quote.
_TOKEN = re.compile(
    r"""(?P<neg>-)?
        (?:(?P<name>[A-Za-z]+)(?P<op>:|>=|<=|>|<|=))?
        (?:"(?P<phrase>[^"]*)(?P<close>"?)|(?P<bare>[^\s"]*))""",
    re.X,
)


def _ratings_matching(value: str) -> list[str]:
    wanted = fold(value)
    exact = [r for r in RATINGS if fold(r) == wanted]
    if exact:
        return exact
    return [r for r in RATINGS if fold(r).split()[0] == wanted.split()[0]] if wanted else []


def _language(value: str) -> str:
    code = language_code(value)
    if code:
        return code
    raise QueryError(f"“{value}” is not a language the archive knows; use a code like en or "
                     "fr, or a name like English.")


def _number(name: str, value: str) -> int:
    # isdecimal, not isdigit: superscripts and circled digits are "digits" that int() refuses.
    cleaned = value.replace(",", "").replace("_", "")
    thousands = cleaned.lower().endswith("k")
    digits = cleaned[:-1] if thousands else cleaned
    if not digits.isdecimal():
        raise QueryError(f"{name} needs a whole number, like {name}>1000 (not “{value}”).")
    if len(digits) > len(str(MAX_NUMBER)) or int(digits) * (1000 if thousands else 1) > MAX_NUMBER:
        raise QueryError(f"{name} can be compared with numbers up to {MAX_NUMBER:,} "
                         f"(not “{value}”).")
    return int(digits) * (1000 if thousands else 1)


def _date(name: str, value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise QueryError(f"{name} needs a date written YYYY-MM-DD, like {name}>2025-01-31 "
                     f"(not “{value}”).")


def _known_fields() -> str:
    return ", ".join(f"{n}:" for n in (*dict.fromkeys(TEXT_FIELDS), *OTHER_FIELDS))


def query_parse(raw: str) -> Query:
    """Parse what a reader typed; raises QueryError with a readable message."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(f"Keep the search to {MAX_QUERY_LENGTH} characters; this one has "
                         f"{len(raw)}.")
    query = Query()
    # Items in order: a term (with its negation) or the OR keyword.
    items: list[tuple[str, Term | None, bool]] = []
    position, text = 0, raw.strip()
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:  # only a stray quote matches nothing
            raise QueryError("A quote mark is out of place; put phrases in \"double quotes\".")
        token, position = text[position:match.end()], match.end()
        negated = bool(match["neg"])
        name, op = match["name"], match["op"]
        phrase = match["phrase"]
        is_phrase = phrase is not None
        if is_phrase and not match["close"]:
            raise QueryError(f"The quote in {token.strip()} is never closed; end the phrase "
                             "with another \".")
        value = phrase if is_phrase else (match["bare"] or "")
        if token == "-":
            raise QueryError("A “-” must be followed by the word or \"phrase\" to leave out, "
                             "like -angst.")
        if token == "OR":
            items.append(("OR", None, False))
            continue
        if name and op:
            key = name.lower()
            if op != ":" and key not in COMPARISONS:
                if key in TEXT_FIELDS or key in OTHER_FIELDS:
                    raise QueryError(f"{key} takes a colon, like {key}:{value or 'word'}.")
                raise QueryError(f"“{name}” is not something to compare; use one of "
                                 + ", ".join(dict.fromkeys(COMPARISONS)) + ".")
            if not value:
                raise QueryError(f"“{token}” needs a value after “{op}”.")
            if key in COMPARISONS:
                if negated:
                    raise QueryError(f"“{token}” can't be negated; turn the comparison around "
                                     "instead (words<=5000 rather than -words>5000).")
                work_field, kind = COMPARISONS[key]
                operator = "=" if op == ":" else op
                number = _number(key, value) if kind == "number" else _date(key, value)
                query.comparisons.append(Comparison(work_field, operator, number))
                items.append(("CONDITION", None, False))
                continue
            if key == "rating":
                found = _ratings_matching(value)
                if not found:
                    raise QueryError(f"“{value}” is not a rating; use one of "
                                     + ", ".join(RATINGS) + ".")
                (query.excluded_ratings if negated else query.ratings).extend(found)
                items.append(("CONDITION", None, False))
                continue
            if key == "language":
                code = _language(value)
                (query.excluded_languages if negated else query.languages).append(code)
                items.append(("CONDITION", None, False))
                continue
            if key == "complete":
                answer = value.lower()
                if answer not in ("yes", "no", "true", "false"):
                    raise QueryError("complete: takes yes or no, like complete:yes.")
                query.complete = (answer in ("yes", "true")) != negated
                items.append(("CONDITION", None, False))
                continue
            if key not in TEXT_FIELDS:
                raise QueryError(f"“{name}:” is not a field the search knows; use one of "
                                 f"{_known_fields()} — or put the words in quotes to search "
                                 f"for them as they are (\"{token.lstrip('-')}\").")
            column: str | None = TEXT_FIELDS[key]
        else:
            column = None
        prefix = not is_phrase and value.endswith("*") and len(value.rstrip("*")) > 0
        found_words = tuple(words(value.rstrip("*") if prefix else value))
        if not found_words:
            if negated or column:
                raise QueryError(f"“{token}” has no letters or numbers to search for.")
            continue  # punctuation on its own ("&", "/") searches nothing
        items.append(("TERM", Term(found_words, column, prefix, token), negated))
    _group(items, query)
    terms = [*query.positive_terms(), *query.excluded]
    if len(terms) > MAX_TERMS:
        raise QueryError(f"Use at most {MAX_TERMS} words and phrases in one search.")
    prefixes = [term for term in terms if term.prefix]
    short = [term for term in prefixes if len(term.words[-1]) < MIN_PREFIX_LENGTH]
    if short:
        raise QueryError(f"“{short[0].raw.lstrip('-')}” would match too many words; put at "
                         f"least {MIN_PREFIX_LENGTH} letters before a *, like drag*.")
    if len(prefixes) > MAX_PREFIX_TERMS:
        raise QueryError(f"Use at most {MAX_PREFIX_TERMS} words ending in * in one search; "
                         f"this one has {len(prefixes)}.")
    return query


def _group(items: list[tuple[str, Term | None, bool]], query: Query) -> None:
    """Join terms around OR into groups; check OR has a positive term on each side."""
    index = 0
    while index < len(items):
        kind, term, negated = items[index]
        if kind == "OR":
            raise QueryError("OR needs a word or \"phrase\" on each side, like "
                             "dragon OR wyvern.")
        if kind == "CONDITION":
            if index + 1 < len(items) and items[index + 1][0] == "OR":
                raise QueryError("OR joins words and phrases, not conditions like words>5000 "
                                 "or rating:teen.")
            index += 1
            continue
        assert term is not None  # noqa: S101
        group = [(term, negated)]
        index += 1
        while index < len(items) and items[index][0] == "OR":
            if index + 1 >= len(items) or items[index + 1][0] != "TERM":
                if index + 1 < len(items) and items[index + 1][0] == "CONDITION":
                    raise QueryError("OR joins words and phrases, not conditions like "
                                     "words>5000 or rating:teen.")
                raise QueryError("OR needs a word or \"phrase\" on each side, like "
                                 "dragon OR wyvern.")
            next_term = items[index + 1][1]
            assert next_term is not None  # noqa: S101
            group.append((next_term, items[index + 1][2]))
            index += 2
        if len(group) > 1 and any(neg for _, neg in group):
            raise QueryError("A left-out word can't be part of an OR; write -a -b to leave out "
                             "both.")
        if group[0][1]:
            query.excluded.append(group[0][0])
        else:
            query.required.append(tuple(t for t, _ in group))
