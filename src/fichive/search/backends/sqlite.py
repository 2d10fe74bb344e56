"""SQLite FTS5: external-content tables, kept in step by triggers: the works' over their
document table, the chapters' over their own HTML (made into text when needed, never stored).

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
from fichive.search.text import CHAPTER_TEXT_VERSION, chapter_index_text

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


WORK_INSTALL = [
    f"CREATE VIRTUAL TABLE search_work_fts USING fts5({', '.join(WORK_FIELDS)}, "
    f"content='search_workdocument', content_rowid='work_id', tokenize='{TOKENIZE}', "
    "prefix='2 3')",
    *_triggers("search_workdocument", "search_work_fts", "work_id", WORK_FIELDS),
]

# The chapter index keeps no text of its own: its content is a view that makes each indexed
# chapter's text from the chapter's HTML when read (by 'rebuild' and 'integrity-check'; a
# search reads only the index). A chapter is indexed while it has a document row. Taking a
# chapter out of FTS5 needs the text it was indexed under, so the triggers make it again
# from the chapter's fields as they were: when its document row goes (the chapter still
# there), when its text changes, when the chapter row goes. TEXT_FUNCTION is a Python
# function (search.text.chapter_index_text) each connection registers (register_functions),
# named after the text's version: a connection without it can't change chapters' text.
TEXT_FUNCTION = f"fichive_chapter_text_v{CHAPTER_TEXT_VERSION}"
CHAPTER_COLUMNS = ("title", "summary", "notes", "content", "end_notes")


def _text_of(row: str) -> str:
    return f"{TEXT_FUNCTION}({', '.join(f'{row}.{c}' for c in CHAPTER_COLUMNS)})"


_INDEXED = "EXISTS (SELECT 1 FROM search_chapterdocument WHERE chapter_id = old.id)"
_FTS_DELETE = ("INSERT INTO search_chapter_fts(search_chapter_fts, rowid, body) "
               "VALUES ('delete', old.id, " + _text_of("old") + ");")
CHAPTER_INSTALL = [
    "CREATE VIEW search_chapter_text AS SELECT d.chapter_id AS chapter_id, "
    f"{_text_of('c')} AS body FROM search_chapterdocument d "
    "JOIN works_chapter c ON c.id = d.chapter_id",
    # No prefix index on chapter text: it would double the index of the biggest table;
    # `word*` still works there by scanning the word list.
    "CREATE VIRTUAL TABLE search_chapter_fts USING fts5(body, "
    "content='search_chapter_text', content_rowid='chapter_id', "
    f"tokenize='{TOKENIZE}')",
    "CREATE TRIGGER search_chapter_index AFTER INSERT ON search_chapterdocument BEGIN "
    "INSERT INTO search_chapter_fts(rowid, body) SELECT new.chapter_id, "
    f"{_text_of('c')} FROM works_chapter c WHERE c.id = new.chapter_id; END",
    "CREATE TRIGGER search_chapter_unindex AFTER DELETE ON search_chapterdocument BEGIN "
    "INSERT INTO search_chapter_fts(search_chapter_fts, rowid, body) "
    f"SELECT 'delete', old.chapter_id, {_text_of('c')} FROM works_chapter c "
    "WHERE c.id = old.chapter_id; END",
    "CREATE TRIGGER search_chapter_text_changed AFTER UPDATE OF "
    f"{', '.join(CHAPTER_COLUMNS)} ON works_chapter WHEN ("
    + " OR ".join(f"old.{c} IS NOT new.{c}" for c in CHAPTER_COLUMNS)
    + f") AND {_INDEXED} BEGIN {_FTS_DELETE} "
    "INSERT INTO search_chapter_fts(rowid, body) VALUES (new.id, " + _text_of("new") + "); END",
    # (The document row then goes without a chapter to read: its own trigger does nothing.)
    f"CREATE TRIGGER search_chapter_deleted AFTER DELETE ON works_chapter WHEN {_INDEXED} "
    f"BEGIN {_FTS_DELETE} DELETE FROM search_chapterdocument WHERE chapter_id = old.id; END",
]
CHAPTER_TRIGGERS = ("search_chapter_index", "search_chapter_unindex",
                    "search_chapter_text_changed", "search_chapter_deleted")
INSTALL = [*WORK_INSTALL, *CHAPTER_INSTALL]
WORK_TRIGGERS = [f"search_workdocument_{s}" for s in ("ai", "ad", "au")]
CHAPTER_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in CHAPTER_TRIGGERS),
    # (The triggers of the chapter index that kept a copy of the text, before 0002.)
    *(f"DROP TRIGGER IF EXISTS search_chapterdocument_{s}" for s in ("ai", "ad", "au")),
    "DROP TABLE IF EXISTS search_chapter_fts",
    "DROP VIEW IF EXISTS search_chapter_text",
]
UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in WORK_TRIGGERS),
    "DROP TABLE IF EXISTS search_work_fts",
    *CHAPTER_UNINSTALL,
]
# write_chapters reads the chapters' text from their rows itself (the triggers): the rows
# given need no prepared text.
CHAPTER_TEXT_FROM_ROWS = True


# What ties the chapter index to works_chapter: Django's SQLite migrations remake a table to
# change most of its columns (new table, copy, drop, rename), which the view refuses ("error
# in view search_chapter_text") and which would drop the triggers. Such a migration runs
# chapter_index_detach before and chapter_index_attach after its operations:
#     migrations.RunPython(sqlite.chapter_index_detach, sqlite.chapter_index_attach),
#     ... the operations on Chapter ...,
#     migrations.RunPython(sqlite.chapter_index_attach, sqlite.chapter_index_detach),
_ATTACHED = ("search_chapter_text", *CHAPTER_TRIGGERS)  # (every one names works_chapter)


def chapter_index_detach(apps: Any, schema_editor: Any) -> None:
    """(A migration operation) Untie the chapter index from works_chapter; SQLite only."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in CHAPTER_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DROP VIEW IF EXISTS search_chapter_text")


def chapter_index_attach(apps: Any, schema_editor: Any) -> None:
    """(A migration operation) Tie the chapter index to works_chapter again and rebuild it
    from the chapters' text and document rows (either may have changed meanwhile, with
    nothing to follow them); SQLite only."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in CHAPTER_INSTALL:
        if statement.split()[2] in _ATTACHED:
            schema_editor.execute(statement)
    schema_editor.execute(
        "INSERT INTO search_chapter_fts(search_chapter_fts) VALUES ('rebuild')")


def register_functions(connection: Any) -> None:
    """Give a new SQLite connection (the driver's) the functions the triggers call."""
    connection.create_function(TEXT_FUNCTION, len(CHAPTER_COLUMNS), chapter_index_text,
                               deterministic=True)


def rebuild_chapters() -> None:
    """Index every chapter that has a document row again, from the chapters' text."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_chapter_fts(search_chapter_fts) VALUES ('rebuild')")


def integrity_check() -> None:
    """Raise (DatabaseError, "database disk image is malformed") unless both indexes hold
    exactly what their content gives: FTS5's check with rank 1 tokenizes every document's
    content again (for the chapters, their text made from their HTML) and compares."""
    with connection.cursor() as cursor:
        for fts in ("search_work_fts", "search_chapter_fts"):
            cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def clear() -> None:
    """Empty the whole index at once (a rebuild starts here): without the triggers, which
    would take every document out of the index one by one."""
    with connection.cursor() as cursor:
        for name in (*WORK_TRIGGERS, "search_chapter_unindex"):
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute("DELETE FROM search_chapterdocument")
        cursor.execute("DELETE FROM search_workdocument")
        cursor.execute("INSERT INTO search_work_fts(search_work_fts) VALUES ('delete-all')")
        cursor.execute("INSERT INTO search_chapter_fts(search_chapter_fts) VALUES ('delete-all')")
        for statement in INSTALL:
            if statement.startswith("CREATE TRIGGER") and (
                    statement.split()[2] in (*WORK_TRIGGERS, "search_chapter_unindex")):
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
    """Index chapters: their document rows (the trigger indexes each chapter's text)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_chapterdocument (chapter_id, work_id) VALUES (%s, %s)",
            [[row["chapter_id"], row["work_id"]] for row in rows],
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
