"""PostgreSQL full-text search: tsvector columns on the document tables with GIN indexes.

Text is split and folded in Python (search.text.index_words: lower case, no diacritics, CJK
characters as words) and indexed with the `simple` configuration, so matching is the same as
on SQLite. The work's vector weighs title (A) and summary (B) above creators and tags (C) and
notes (D); chapter text weighs D. Per-field vectors serve `title:` and the other prefixes.
Queries are built as tsquery text from folded words only, passed as parameters.
"""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection

from fichive.search.query import Term
from fichive.search.text import words

WORK_FIELDS = ("title", "creators", "summary", "notes", "tags", "fandoms", "characters",
               "relationships")
WEIGHTS = {"title": "A", "summary": "B", "creators": "C", "tags": "C", "fandoms": "C",
           "characters": "C", "relationships": "C", "notes": "D"}
CONFIG = "simple"

INSTALL = [
    "ALTER TABLE search_workdocument ADD COLUMN vector tsvector NOT NULL DEFAULT ''"
    + "".join(f", ADD COLUMN v_{f} tsvector NOT NULL DEFAULT ''" for f in WORK_FIELDS),
    "CREATE INDEX search_workdocument_vector ON search_workdocument USING gin (vector)",
    *(f"CREATE INDEX search_workdocument_v_{f} ON search_workdocument USING gin (v_{f})"
      for f in WORK_FIELDS),
    "ALTER TABLE search_chapterdocument ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_chapterdocument_vector ON search_chapterdocument USING gin (vector)",
]
UNINSTALL = [
    "ALTER TABLE search_chapterdocument DROP COLUMN IF EXISTS vector",
    "ALTER TABLE search_workdocument DROP COLUMN IF EXISTS vector"
    + "".join(f", DROP COLUMN IF EXISTS v_{f}" for f in WORK_FIELDS),
]


def clear() -> None:
    """Empty the whole index at once (a rebuild starts here)."""
    with connection.cursor() as cursor:
        # (DELETE rather than TRUNCATE: TRUNCATE refuses while deferred foreign-key checks of
        # the same transaction are pending.)
        cursor.execute("DELETE FROM search_chapterdocument")
        cursor.execute("DELETE FROM search_workdocument")


# to_tsvector's limits: a longer word is left out (taking no position), positions stop at
# 16383, and a lexeme keeps its first 255 positions.
MAX_WORD, MAX_POSITION, MAX_POSITIONS = 2047, 16383, 255
# Positions 1 to MAX_POSITION as the text and the binary forms of a vector write them, made
# once (taking them from here costs no conversion per word).
_TEXT_POSITIONS = [str(p) for p in range(1, MAX_POSITION + 1)]
_BINARY_POSITIONS = [p.to_bytes(2, "big") for p in range(1, MAX_POSITION + 1)]
_BINARY_COUNTS = [n.to_bytes(2, "big") for n in range(MAX_POSITIONS + 1)]
# Bytes of words that are plainly themselves to the parser, and digits, which may not be.
_LETTERS_AND_SPACE = b"abcdefghijklmnopqrstuvwxyz "
_DIGITS = b"0123456789"
# The parser reads a number with an exponent as a float: "3e3e3" is "3e3" and "e3".
_EXPONENT = re.compile(r"(?<![a-z0-9])[0-9]+e[0-9]")
Position = TypeVar("Position", str, bytes)


def _positions(text: str, folded: list[str],
               written: list[Position]) -> dict[str, list[Position]] | None:
    """Each word's positions as to_tsvector('simple', text) records them (as `written` writes
    them), `text` being the words `folded` joined by single spaces (index_words' output); None
    when the parser might read `text` otherwise than as those words: anything beyond ASCII
    letters and digits, numbers with an exponent, empty words, words too long to index.
    Building vectors here spares the server its parser, most of its work on an import; the
    tests hold the two equal."""
    if not text:
        return {}
    if not text.isascii() or "  " in text or text[0] == " " or text[-1] == " ":
        return None  # (an empty word: to_tsvector skips it without a position)
    others = text.encode("ascii").translate(None, _LETTERS_AND_SPACE)
    if others and (others.translate(None, _DIGITS) or _EXPONENT.search(text)):
        return None
    positions: defaultdict[str, list[Position]] = defaultdict(list)
    # Each word's positions in order, without a Python loop per word.
    any(map(list.append, map(positions.__getitem__,
                             folded[:MAX_POSITION] if len(folded) > MAX_POSITION else folded),
            written))
    last = written[MAX_POSITION - 1]
    for word in set(folded[MAX_POSITION:]):  # all of them at the last position
        if positions[word][-1:] != [last]:
            positions[word].append(last)
    if max(map(len, positions)) > MAX_WORD:
        return None
    return positions


def _input(positions: dict[str, list[str]]) -> str:
    """A vector's text form (tsvector input)."""
    return " ".join([f"{word}:{','.join(found[:MAX_POSITIONS])}"
                     for word, found in positions.items()])


def _binary(positions: dict[str, list[bytes]]) -> bytes:
    """A vector's binary form, as tsvectorrecv reads it: the count of lexemes, then each
    lexeme in order, NUL-terminated, with its count of positions and the positions (weight D
    is 0), all big-endian."""
    parts = [len(positions).to_bytes(4, "big")]
    for word in sorted(positions):  # (ASCII: the order of bytes, shorter first on a tie)
        found = positions[word][:MAX_POSITIONS]
        parts += (word.encode("ascii"), b"\0", _BINARY_COUNTS[len(found)], b"".join(found))
    return b"".join(parts)


def vector_input(text: str) -> str | None:
    """tsvector input equal to to_tsvector('simple', text), for text of folded words separated
    by whitespace (index_words' output), or None when only the server's parser can tell."""
    folded = text.split()
    positions = _positions(" ".join(folded), folded, _TEXT_POSITIONS)
    return None if positions is None else _input(positions)


def vector_binary(text: str) -> bytes | None:
    """vector_input's vector in binary form (as COPY … (FORMAT BINARY) takes it)."""
    folded = text.split()
    positions = _positions(" ".join(folded), folded, _BINARY_POSITIONS)
    return None if positions is None else _binary(positions)


def _folded(text: str, written: list[Position]
            ) -> tuple[str, dict[str, list[Position]] | None]:
    """index_words of this prepared text, and its words' positions (see _positions)."""
    found = words(text)
    folded = " ".join(found)
    return folded, _positions(folded, found, written)


def _vector_params(text: str) -> tuple[str | None, str | None]:
    """The two parameters of VECTOR_SQL for this prepared text."""
    folded, positions = _folded(text, _TEXT_POSITIONS)
    return (None, folded) if positions is None else (_input(positions), None)


# A tsvector from _vector_params: the one built here, or the server's from the words.
VECTOR_SQL = f"COALESCE(%s::tsvector, to_tsvector('{CONFIG}', %s))"


# Work documents written by one statement (a search_reindex batch is 200).
WORKS_PER_STATEMENT = 500


def write_works(rows: list[dict[str, Any]]) -> None:
    """Insert work documents: their vectors, computed from the folded words, a few hundred
    works to a statement (one VALUES list: the server plans it once)."""
    for start in range(0, len(rows), WORKS_PER_STATEMENT):
        _write_works(rows[start:start + WORKS_PER_STATEMENT])


def _write_works(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    given = ["id", *(f"{kind}_{f}" for f in WORK_FIELDS for kind in ("built", "words"))]
    vectors = ", ".join(f"COALESCE(built_{f}::tsvector, to_tsvector('{CONFIG}', words_{f})) "
                        f"AS v_{f}" for f in WORK_FIELDS)
    weighted = " || ".join(f"setweight(v_{f}, '{WEIGHTS[f]}')" for f in WORK_FIELDS)
    columns = ["work_id", *WORK_FIELDS, *(f"v_{f}" for f in WORK_FIELDS), "vector"]
    row = f"({', '.join(['%s'] * len(given))})"
    # Only the vectors are kept: the text columns stay empty, which keeps the rows narrow for
    # the scans a common word's search makes (snippets read the chapters themselves).
    sql = (f"INSERT INTO search_workdocument ({', '.join(columns)}) "
           f"SELECT id::bigint, {', '.join(repr('') for _ in WORK_FIELDS)}, "
           f"{', '.join(f'v_{f}' for f in WORK_FIELDS)}, {weighted} "
           f"FROM (SELECT id, {vectors} FROM (VALUES {', '.join([row] * len(rows))}) "
           f"AS given ({', '.join(given)})) AS s")
    params = [p for r in rows
              for p in (r["work_id"], *(v for f in WORK_FIELDS for v in _vector_params(r[f])))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# COPY's binary format: the signature, no flags, no header extension; a row is its count of
# fields, then each field's length and bytes; -1 ends the data.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_END = b"\xff\xff"
_COPY_CHAPTER = struct.Struct(">hiqiqii")  # 4 fields: chapter id, work id, empty body, vector


def write_chapters(rows: list[dict[str, Any]]) -> None:
    """Insert chapter documents: only the vector is kept (snippets read the chapter). Vectors
    built here are copied in binary form (the server neither parses nor reads them as text);
    the others are made by to_tsvector from the folded words."""
    if not rows:
        return
    built: list[bytes] = []
    by_server: list[list[Any]] = []
    for row in rows:
        folded, positions = _folded(row["body"], _BINARY_POSITIONS)
        if positions is None:
            by_server.append([row["chapter_id"], row["work_id"], folded])
        else:
            vector = _binary(positions)
            built += (_COPY_CHAPTER.pack(4, 8, row["chapter_id"], 8, row["work_id"], 0,
                                         len(vector)), vector)
    with connection.cursor() as cursor:
        if built:
            # (Django wraps the errors of execute, not of copy: a refused row is a
            # DatabaseError like any other, which works_create's fallback catches.)
            with connection.wrap_database_errors, cursor.copy(
                    "COPY search_chapterdocument (chapter_id, work_id, body, vector) "
                    "FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(b"".join([_COPY_HEADER, *built, _COPY_END]))
        if by_server:
            cursor.executemany(
                "INSERT INTO search_chapterdocument (chapter_id, work_id, body, vector) "
                f"VALUES (%s, %s, '', to_tsvector('{CONFIG}', %s))", by_server)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_text(term: Term) -> str:
    """tsquery syntax for a term: its words in a row, the last a prefix when asked."""
    lexemes = [_lexeme(w) for w in term.words]
    if term.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes) if len(lexemes) > 1 else lexemes[0]


def _tsquery(terms: Sequence[Term]) -> str:
    return " | ".join(f"({tsquery_text(t)})" for t in terms)


def _meta_condition(terms: Sequence[Term], *, fields: bool = True) -> tuple[str, list[Any]]:
    by_column: dict[str, list[Term]] = {}
    for term in terms:
        by_column.setdefault(f"v_{term.field}" if fields and term.field else "vector",
                             []).append(term)
    parts = [f"{column} @@ to_tsquery('{CONFIG}', %s)" for column in by_column]
    return " OR ".join(parts), [_tsquery(ts) for ts in by_column.values()]


def group_sql(terms: Sequence[Term]) -> tuple[str, list[Any]]:
    """SELECT of the ids of works matching any of the terms (fields or chapter text)."""
    condition, params = _meta_condition(terms)
    sql = f"SELECT work_id FROM search_workdocument WHERE {condition}"
    body = [t for t in terms if t.field is None]
    if body:
        sql += (" UNION SELECT work_id FROM search_chapterdocument "
                f"WHERE vector @@ to_tsquery('{CONFIG}', %s)")
        params.append(_tsquery(body))
    return sql, params


# scores_sql leaves `best` NULL: pages look their chapters up with best_chapters.
SCORES_NAME_BEST_CHAPTER = False


def scores_sql(terms: Sequence[Term]) -> tuple[str, list[Any]]:
    """SELECT id, score, best: the score (higher is better) is the fields' ts_rank plus the
    best chapter's; `best` is always NULL here (best_chapters finds a page's chapters by
    the work index more cheaply than ranking could carry them)."""
    condition, params = _meta_condition(terms)
    rank_query = _tsquery(terms)
    parts = [f"SELECT work_id AS id, ts_rank(vector, to_tsquery('{CONFIG}', %s)) AS r "
             f"FROM search_workdocument WHERE {condition}"]
    params = [rank_query, *params]
    body = [t for t in terms if t.field is None]
    if body:
        parts.append(f"SELECT work_id AS id, MAX(ts_rank(vector, to_tsquery('{CONFIG}', %s))) "
                     "AS r FROM search_chapterdocument "
                     f"WHERE vector @@ to_tsquery('{CONFIG}', %s) GROUP BY work_id")
        params += [_tsquery(body), _tsquery(body)]
    sql = (f"SELECT id, SUM(r)::float AS score, NULL::bigint AS best "
           f"FROM ({' UNION ALL '.join(parts)}) AS m GROUP BY id")
    return sql, params


# Two-pass ranking (see selectors.RankedWorks): first_pass_sql ranks the works' own vectors
# and only notes whether a chapter matches; chapter_scores ranks the candidates' chapters.
FIRST_PASS_SQL = True


def first_pass_sql(required: Sequence[Sequence[Term]], excluded: Sequence[Term]
                   ) -> tuple[str, list[Any]]:
    """SELECT id, score, in_text over the works matching every required group of terms and
    none of the excluded ones: `score` the rank of the work's own vector, `in_text` whether
    a chapter matches a positive term (the GIN index answers that without reading the
    chapters' vectors, except for phrases).

    Each group's matches are flagged in one pass and kept with HAVING, rather than joined to
    (PostgreSQL's estimates for phrases are far too low and make such joins nested loops)."""
    terms = [t for group in required for t in group]
    flags = [f"g{k}" for k in range(len(required))]

    def flagged(on: int | None, *, exclude: bool = False) -> str:
        values = [f"{'true' if k == on else 'false'} AS {f}" for k, f in enumerate(flags)]
        return ", ".join([*values, f"{'true' if exclude else 'false'} AS x"])

    conditions = [_meta_condition(group) for group in required]
    if len(required) == 1:  # (the WHERE is the one group's flag)
        columns, flag_params = "true AS g0", []
    else:
        columns = ", ".join(f"({c}) AS {f}"
                            for (c, _), f in zip(conditions, flags, strict=True))
        flag_params = [p for _, ps in conditions for p in ps]
    parts = [f"SELECT work_id AS id, ts_rank(vector, to_tsquery('{CONFIG}', %s)) AS r, "
             f"{columns}, false AS x, false AS in_text FROM search_workdocument WHERE "
             + " OR ".join(f"({c})" for c, _ in conditions)]
    params: list[Any] = [_tsquery(terms), *flag_params,
                         *(p for _, ps in conditions for p in ps)]
    # (GROUP BY rather than DISTINCT: for a word in half the chapters, DISTINCT was planned
    # as a walk of the (work, chapter) index filtering every chapter's vector, 1.4 s at
    # 300,000 chapters, where the GIN bitmap and a hash takes 70 ms.)
    chapters = ("SELECT work_id AS id, 0 AS r, {flags}, {in_text} AS in_text "
                f"FROM search_chapterdocument WHERE vector @@ to_tsquery('{CONFIG}', %s) "
                "GROUP BY work_id")
    for k, group in enumerate(required):
        body = [t for t in group if t.field is None]
        if body:
            parts.append(chapters.format(flags=flagged(k), in_text="true"))
            params.append(_tsquery(body))
    if excluded:
        condition, condition_params = _meta_condition(excluded)
        parts.append(f"SELECT work_id AS id, 0 AS r, {flagged(None, exclude=True)}, "
                     f"false AS in_text FROM search_workdocument WHERE {condition}")
        params += condition_params
        body = [t for t in excluded if t.field is None]
        if body:
            parts.append(chapters.format(flags=flagged(None, exclude=True), in_text="false"))
            params.append(_tsquery(body))
    having = " AND ".join([*(f"BOOL_OR({f})" for f in flags), "NOT BOOL_OR(x)"])
    sql = (f"SELECT id, SUM(r)::float AS score, BOOL_OR(in_text) AS in_text "
           f"FROM ({' UNION ALL '.join(parts)}) AS m GROUP BY id HAVING {having}")
    return sql, params


def chapter_bound(terms: Sequence[Term]) -> float:
    """The most a chapter's ts_rank can add to a work's score for these terms. Chapter
    vectors carry weight D (0.1): ts_rank of a query of one word, or of words and phrases
    joined by OR, averages per-word values each below that weight; a query that is a single
    phrase is ranked by the nearness of its words, below 1."""
    body = [t for t in terms if t.field is None]
    # (A little over, for the rounding of real sums.)
    return 1.0001 if len(body) == 1 and len(body[0].words) > 1 else 0.1001


def add_scores(work: float, chapter: float) -> float:
    """A work's score with its best chapter's added, rounded as scores_sql's SUM of real
    (float4) ranks rounds it, so that ties fall as they do there."""
    return float(struct.unpack("f", struct.pack("f", work + chapter))[0])


def ids_sql(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """A SELECT of these ids, for `IN (…)`: one parameter however many there are."""
    return "SELECT unnest(%s::bigint[])", [list(ids)]


def chapter_scores(terms: Sequence[Term], work_ids: Sequence[int] | None
                   ) -> dict[int, tuple[float, int]]:
    """For each of these works whose chapter text matches: its best chapter's rank (as
    scores_sql adds it) and that chapter's id. `work_ids` None: every work whose text
    matches (the two-pass ranking's last resort, see selectors.EVERY_CHAPTER_SHARE).

    A few works' chapters are read through the (work, chapter) index, which reads every
    chapter of those works; every match is read through the GIN index, which reads only
    matching chapters, but all of them."""
    body = [t for t in terms if t.field is None]
    if not body or work_ids is not None and not work_ids:
        return {}
    query = _tsquery(body)
    among, params = ("", []) if work_ids is None else ("work_id = ANY(%s) AND ",
                                                       [list(work_ids)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (work_id) work_id, ts_rank(vector, q)::float, chapter_id "
            f"FROM search_chapterdocument, to_tsquery('{CONFIG}', %s) AS q "
            f"WHERE {among}vector @@ q "
            "ORDER BY work_id, ts_rank(vector, q) DESC, chapter_id",
            [query, *params],
        )
        return {int(w): (float(r), int(c)) for w, r, c in cursor.fetchall()}


def best_chapters(terms: Sequence[Term], work_ids: Sequence[int]) -> dict[int, int]:
    """For each of these works whose chapter text matches, its best matching chapter."""
    return {work: chapter for work, (_, chapter) in chapter_scores(terms, work_ids).items()}


def optimize() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_workdocument")
        cursor.execute("ANALYZE search_chapterdocument")
