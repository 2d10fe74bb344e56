"""SQLite FTS5: external-content tables over the document tables, kept in step by triggers.

The unicode61 tokenizer folds case and removes diacritics; prefix indexes of 2 and 3
characters serve `word*` and autocomplete. Ranking is bm25 with the title and summary
weighted above tags, notes and the chapter text, every match in one pass (a two-pass
ranking as on PostgreSQL was tried: bm25's bound on a chapter's score is as large as the
fields' scores, so it ends up ranking nearly every match twice).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

from fichive.search.query import Term

WORK_FIELDS = ("title", "creators", "summary", "notes", "tags", "fandoms", "characters",
               "relationships")
# bm25 column weights, in WORK_FIELDS order; the chapter text weighs 1.
WORK_WEIGHTS = (10.0, 4.0, 6.0, 1.5, 3.0, 3.0, 3.0, 3.0)
# scores_sql names each work's best matching chapter (see selectors.matches_of).
SCORES_NAME_BEST_CHAPTER = True
TOKENIZE = "unicode61 remove_diacritics 2"


def _triggers(table: str, fts: str, key: str, columns: Sequence[str]) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.{key}, {old});"
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.{key}, {new});"
    return [
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END",
    ]


INSTALL = [
    f"CREATE VIRTUAL TABLE search_work_fts USING fts5({', '.join(WORK_FIELDS)}, "
    f"content='search_workdocument', content_rowid='work_id', tokenize='{TOKENIZE}', "
    "prefix='2 3')",
    *_triggers("search_workdocument", "search_work_fts", "work_id", WORK_FIELDS),
    # No prefix index on chapter text: it would double the index of the biggest table;
    # `word*` still works there by scanning the word list.
    "CREATE VIRTUAL TABLE search_chapter_fts USING fts5(body, "
    "content='search_chapterdocument', content_rowid='chapter_id', "
    f"tokenize='{TOKENIZE}')",
    *_triggers("search_chapterdocument", "search_chapter_fts", "chapter_id", ("body",)),
]
TRIGGERS = [f"{t}_{s}" for t in ("search_workdocument", "search_chapterdocument")
            for s in ("ai", "ad", "au")]
UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    "DROP TABLE IF EXISTS search_work_fts",
    "DROP TABLE IF EXISTS search_chapter_fts",
]


def clear() -> None:
    """Empty the whole index at once (a rebuild starts here): without the triggers, which
    would re-read every document to take it out of the index one by one."""
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute("DELETE FROM search_chapterdocument")
        cursor.execute("DELETE FROM search_workdocument")
        cursor.execute("INSERT INTO search_work_fts(search_work_fts) VALUES ('delete-all')")
        cursor.execute("INSERT INTO search_chapter_fts(search_chapter_fts) VALUES ('delete-all')")
        for statement in INSTALL:
            if statement.startswith("CREATE TRIGGER"):
                cursor.execute(statement)


def write_works(rows: list[dict[str, Any]]) -> None:
    """Insert work documents (the triggers index them)."""
    if not rows:
        return
    columns = ("work_id", *WORK_FIELDS)
    sql = (f"INSERT INTO search_workdocument ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[row[c] for c in columns] for row in rows])


def write_chapters(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_chapterdocument (chapter_id, work_id, body) VALUES (%s, %s, %s)",
            [[row["chapter_id"], row["work_id"], row["body"]] for row in rows],
        )


# From a matching chapter to its work through the (chapter, work) index alone.
_TO_WORK = ("JOIN search_chapterdocument d INDEXED BY search_chapter_work "
            "ON d.chapter_id = f.rowid")


def _fts(term: Term, *, fields: bool = True) -> str:
    """FTS5 syntax for a term, built from its folded words only (letters and digits), so
    nothing the reader typed is ever read as FTS5 syntax."""
    phrase = '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'
    if term.prefix:
        phrase += " *"
    if fields and term.field:
        return "{" + term.field + "} : " + phrase
    return phrase


def _meta_match(terms: Sequence[Term], *, fields: bool = True) -> str:
    return " OR ".join(f"({_fts(t, fields=fields)})" for t in terms)


def _body_match(terms: Sequence[Term]) -> str:
    return " OR ".join(f"({_fts(t)})" for t in terms if t.field is None)


def group_sql(terms: Sequence[Term]) -> tuple[str, list[Any]]:
    """SELECT of the ids of works matching any of the terms (fields or chapter text)."""
    sql = "SELECT rowid FROM search_work_fts WHERE search_work_fts MATCH %s"
    params: list[Any] = [_meta_match(terms)]
    body = _body_match(terms)
    if body:
        sql += (f" UNION SELECT d.work_id FROM search_chapter_fts f {_TO_WORK} "
                "WHERE search_chapter_fts MATCH %s")
        params.append(body)
    return sql, params


def scores_sql(terms: Sequence[Term]) -> tuple[str, list[Any]]:
    """SELECT id, score, best over works matching any of the terms: the score (higher is
    better) is the work's fields' bm25 plus its best chapter's, `best` that chapter's id
    (NULL when no chapter text matched), so a ranked page needs no best_chapters."""
    weights = ", ".join(str(w) for w in WORK_WEIGHTS)
    # (LIMIT -1 keeps SQLite from flattening the subqueries, which would move bm25 out of
    # the MATCH query it belongs to.)
    parts = [f"SELECT * FROM (SELECT rowid AS id, bm25(search_work_fts, {weights}) AS r, "
             "NULL AS best FROM search_work_fts WHERE search_work_fts MATCH %s LIMIT -1)"]
    params: list[Any] = [_meta_match(terms)]
    body = _body_match(terms)
    if body:
        # (With MIN, SQLite takes the bare column c.chapter_id from the row holding it.)
        parts.append("SELECT d.work_id AS id, MIN(c.r) AS r, c.chapter_id AS best FROM ("
                     "SELECT rowid AS chapter_id, bm25(search_chapter_fts) AS r "
                     "FROM search_chapter_fts WHERE search_chapter_fts MATCH %s LIMIT -1) c "
                     "JOIN search_chapterdocument d INDEXED BY search_chapter_work "
                     "ON d.chapter_id = c.chapter_id "
                     "GROUP BY d.work_id")
        params.append(body)
    sql = (f"SELECT id, -SUM(r) AS score, MAX(best) AS best FROM ({' UNION ALL '.join(parts)}) "
           "GROUP BY id")
    return sql, params


def ids_sql(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """A SELECT of these ids, for `IN (…)`: one parameter however many there are."""
    return "SELECT value FROM json_each(%s)", [json.dumps(list(ids))]


def chapter_scores(terms: Sequence[Term], work_ids: Sequence[int]
                   ) -> dict[int, tuple[float, int]]:
    """For each of these works whose chapter text matches: its best chapter's score (-bm25,
    as scores_sql adds it) and that chapter's id (the first of equals).

    The works' chapter ids are read first (from the index); one MATCH then ranks those of
    its rows (`+rowid`: a filter on the matches, not a lookup per id, which would make FTS5
    count each word's matches again for bm25 at every id)."""
    body = _body_match(terms)
    if not body or not work_ids:
        return {}
    with connection.cursor() as cursor:
        ids, params = ids_sql(work_ids)
        cursor.execute("SELECT chapter_id, work_id FROM search_chapterdocument "
                       f"INDEXED BY search_work_chapter WHERE work_id IN ({ids})", params)
        work_of = dict(cursor.fetchall())
        if not work_of:
            return {}
        ids, params = ids_sql(list(work_of))
        cursor.execute("SELECT rowid, bm25(search_chapter_fts) AS r FROM search_chapter_fts "
                       f"WHERE search_chapter_fts MATCH %s AND +rowid IN ({ids}) "
                       "ORDER BY r, rowid", [body, *params])
        best: dict[int, tuple[float, int]] = {}
        for chapter_id, r in cursor.fetchall():
            work_id = work_of[chapter_id]
            if work_id not in best:
                best[work_id] = (-float(r), int(chapter_id))
    return best


def best_chapters(terms: Sequence[Term], work_ids: Sequence[int]) -> dict[int, int]:
    """For each of these works whose chapter text matches, its best matching chapter."""
    return {work: chapter for work, (_, chapter) in chapter_scores(terms, work_ids).items()}


def optimize() -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_work_fts(search_work_fts) VALUES ('optimize')")
        cursor.execute("INSERT INTO search_chapter_fts(search_chapter_fts) VALUES ('optimize')")
