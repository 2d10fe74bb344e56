"""A broad first-time search, timed in process as a guest: a word found in about a tenth of
the works (issue 21's target: p95 <= 150 ms at 100,000 full-text works, on SQLite and on
PostgreSQL, with exact totals and sidebar counts).

    FICHIVE_DATA_DIR=~/.cache/fichive-bench/sqlite-100000_s1_t1_v4 \\
        .venv/bin/python bench/search_broad.py --json bench/results/search_broad_sqlite.json
    FICHIVE_DATA_DIR=~/.cache/fichive-bench/postgres-100000_s1_t1_v4 \\
        FICHIVE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fichive_bench_100000_s1_t1_v4 \\
        .venv/bin/python bench/search_broad.py --capped 4 \
        --json bench/results/search_broad_postgres.json
    # other words: --pick 3 (SQLite, from FTS5's word list) or --words w1 w2

For each word: how many chapters and works hold it; the page's wall time with the cache
cleared before each request (median, p95), and its CPU time (this process's and, on
PostgreSQL, its server process's: on a busy machine wall time is mostly waiting for a core);
where that CPU time goes (the ranking with its total, the page's works, the sidebar's counts,
the snippets, the template); and the statements underneath on their own (least CPU of
three): matching alone, ranking every match, the sidebar's counts over the matches.

Probes of designs the site does not use (each adds its figures to the word's):
--tantivy DIR: an impact-ordered index (tantivy, block-max WAND; `pip install tantivy`, not a
dependency) built once in DIR from the chapters' text (SQLite: it reads the stored chapter
documents), timed for the top results, and end to end with the exact matches from the
database. --packed: the sidebar's counting from a temporary table of each work's tag ids in
one value. --capped K (PostgreSQL): ts_rank over vectors keeping K positions per word.
Note: like the other in-process scripts, this migrates the archive it is pointed at.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inprocess import django_setup, ms, report  # noqa: E402

# Words of the generator's lexicon (seed 1, generator v4) found in about a tenth of the works
# of the 100,000-work full-text archive (the same works on both databases), as --pick 3 chose
# them on SQLite: 16,787 chapters of 10,112 works, 17,391 of 10,308, and 17,411 of 9,692.
DEFAULT_WORDS = ("balcendornor", "cennalharnor", "lorzel")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _best(run: Any, times: int = 3) -> float:
    """The least CPU time (this process and its database server process) of `times` runs."""
    best = float("inf")
    for _ in range(times):
        start = cpu_seconds()
        run()
        best = min(best, cpu_seconds() - start)
    return best


def pick_words(share: float, count: int) -> list[str]:
    """SQLite: `count` words (letters only) whose chapters belong to the nearest number of
    works to `share` of all works, from FTS5's own word list."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM works_work")
        wanted = share * cursor.fetchone()[0]
        cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.chapter_words "
                       "USING fts5vocab(main, search_chapter_fts, row)")
        # A work holding a word holds it in one or a few of its chapters.
        cursor.execute("SELECT term, doc FROM temp.chapter_words WHERE doc BETWEEN %s AND %s",
                       [int(wanted), int(3 * wanted)])
        candidates = [(term, doc) for term, doc in cursor.fetchall()
                      if term.isalpha() and len(term) >= 4]
        candidates.sort(key=lambda row: abs(row[1] - 1.7 * wanted))
        scored = []
        for term, _ in candidates[:4 * count]:
            scored.append((abs(_works_holding(term) - wanted), term))
    return [term for _, term in sorted(scored)[:count]]


def _works_holding(word: str) -> int:
    return _holding(word)[1]


def _holding(word: str) -> tuple[int, int]:
    """(chapters, works) whose chapter text holds the word."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*), count(DISTINCT d.work_id) FROM search_chapter_fts f "
                           "JOIN search_chapterdocument d ON d.chapter_id = f.rowid "
                           "WHERE search_chapter_fts MATCH %s", [f'"{word}"'])
        else:
            cursor.execute("SELECT count(*), count(DISTINCT work_id) FROM search_chapterdocument "
                           "WHERE vector @@ to_tsquery('simple', %s)", [word])
        chapters, works = cursor.fetchone()
    return int(chapters), int(works)


# The PostgreSQL server process serving this connection, once known (its CPU time counts).
BACKEND: list[int] = []


def cpu_seconds() -> float:
    """CPU time of this process, and of the database server's process serving it on
    PostgreSQL (/proc/<pid>/schedstat, in ns): on a busy machine wall time is mostly waiting
    for a core, CPU time is what the search costs."""
    total = time.process_time()
    for pid in BACKEND:
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    return total


# The last search total the page counted (RankedWorks.count's answer).
LAST_TOTAL: list[int] = [0]


def _instrument(phases: dict[str, float]) -> None:
    """Wrap the page's phases to add up their CPU milliseconds (and keep the total)."""
    from fichive.search import selectors
    from fichive.works import listing, views

    def wrap(owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: object, **kwargs: object) -> object:
            start = cpu_seconds()
            try:
                answer = original(*args, **kwargs)
                if label == "ranking_and_total":
                    LAST_TOTAL[0] = answer
                return answer
            finally:
                phases[label] = phases.get(label, 0.0) + (cpu_seconds() - start) * 1000

        setattr(owner, name, timed)

    wrap(selectors.RankedWorks, "count", "ranking_and_total")
    wrap(selectors.RankedWorks, "__getitem__", "page_works")
    wrap(listing, "facets_count", "sidebar_counts")
    wrap(listing, "_mark_matches", "snippets")
    wrap(views, "render", "template")


def statements(word: str, *, probe_sidebar: bool = False) -> dict[str, float]:
    """The search's statements on their own, best of three, wall ms."""
    from django.db import connection

    from fichive.search.backends import backend
    from fichive.search.query import query_parse
    from fichive.works.listing import FACET_SIZE, FACETS_SQL

    engine = backend()
    query = query_parse(word)
    terms = query.positive_terms()
    out: dict[str, float] = {}

    def run(sql: str, params: list[Any]) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    match_sql, match_params = engine.group_sql(terms)
    out["match_ids_ms"] = ms(_best(lambda: run(f"SELECT count(*) FROM ({match_sql}) m",  # noqa: S608
                                               match_params)))
    scores, params = engine.scores_sql(terms)
    out["rank_every_match_ms"] = ms(_best(lambda: run(
        f"SELECT id FROM ({scores}) s ORDER BY score DESC, id DESC LIMIT 30",  # noqa: S608
        params)))
    match_ids = [row[0] for row in run(match_sql, match_params)]
    ids_sql, ids_params = engine.ids_sql(match_ids)
    from fichive.tags.models import Tag
    from fichive.works.models import FilterTagging

    facets = FACETS_SQL.format(works=ids_sql, filter_tagging=FilterTagging._meta.db_table,
                               tag=Tag._meta.db_table)
    out["sidebar_counts_ms"] = ms(_best(lambda: run(facets, [*ids_params, FACET_SIZE])))
    if probe_sidebar:
        out["sidebar_packed_ms"] = ms(_best(lambda: _packed_counts(match_ids)))
    return out


def _packed_table() -> None:
    """A temporary table of each work's filter tag ids in one value (a probe of a narrower
    table for the sidebar's counts: one row per work instead of ~13)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("CREATE TEMP TABLE packed_tags AS SELECT work_id, "
                           "group_concat(tag_id) AS tags FROM works_filtertagging "
                           "GROUP BY work_id")
            cursor.execute("CREATE UNIQUE INDEX temp.packed_tags_work ON packed_tags "
                           "(work_id, tags)")
        else:
            cursor.execute("CREATE TEMP TABLE packed_tags AS SELECT work_id, "
                           "array_agg(tag_id) AS tags FROM works_filtertagging "
                           "GROUP BY work_id")
            cursor.execute("CREATE UNIQUE INDEX packed_tags_work ON packed_tags (work_id)")
            cursor.execute("ANALYZE packed_tags")


def _packed_counts(work_ids: list[int]) -> dict[int, int]:
    """Count the works' tags from packed_tags: the counting in Python on SQLite, in the
    database on PostgreSQL; then the canonical tags' types and names, as the sidebar needs."""
    from collections import Counter

    from django.db import connection

    from fichive.search.backends import backend

    ids_sql, ids_params = backend().ids_sql(work_ids)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # One string of every tag id (counting strings spares an int() per tagging).
            cursor.execute("SELECT group_concat(tags) FROM packed_tags "  # noqa: S608
                           f"WHERE work_id IN ({ids_sql})", ids_params)
            counts = Counter({int(tag): n for tag, n in
                              Counter((cursor.fetchone()[0] or "").split(",")).items() if tag})
        else:
            sql = "SELECT t, count(*) FROM packed_tags p, unnest(p.tags) t WHERE p.work_id IN "
            sql += f"({ids_sql}) GROUP BY t"
            cursor.execute(sql, ids_params)
            counts = Counter(dict(cursor.fetchall()))
        marks = backend().ids_sql(list(counts))
        sql = f"SELECT id, type, name FROM tags_tag WHERE canonical AND id IN ({marks[0]})"  # noqa: S608
        cursor.execute(sql, marks[1])
        cursor.fetchall()
    return dict(counts)


def capped_probe(word: str, positions: int) -> dict[str, Any]:
    """PostgreSQL: ts_rank over the word's matching chapters read from their full vectors
    (kept out of line, in TOAST) against vectors keeping each word's first `positions`
    positions only, small enough to stay in the row (a temporary table of the matching
    chapters: the cost per chapter of ranking from an inline vector)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS capped")
        cursor.execute(
            "CREATE TEMP TABLE capped AS SELECT chapter_id, work_id, (SELECT string_agg("
            "quote_literal(lexeme) || ':' || array_to_string(positions[1:%s], ','), ' ') "
            "FROM unnest(vector))::tsvector AS v FROM search_chapterdocument "
            "WHERE vector @@ to_tsquery('simple', %s)", [positions, word])
        cursor.execute("SELECT count(*), avg(pg_column_size(v)), "
                       "avg(pg_column_size(c.vector)) FROM capped "
                       "JOIN search_chapterdocument c USING (chapter_id)")
        rows, capped_bytes, full_bytes = cursor.fetchone()

        def full() -> None:
            cursor.execute("SELECT max(ts_rank(vector, to_tsquery('simple', %s))) "
                           "FROM search_chapterdocument WHERE vector @@ to_tsquery('simple', %s)",
                           [word, word])
            cursor.fetchall()

        def inline() -> None:
            cursor.execute("SELECT max(ts_rank(v, to_tsquery('simple', %s))) FROM capped",
                           [word])
            cursor.fetchall()

        return {"chapters": rows, "positions_kept": positions,
                "full_vector_bytes": round(float(full_bytes)),
                "capped_vector_bytes": round(float(capped_bytes)),
                "rank_full_vectors_ms": ms(_best(full)),
                "rank_capped_inline_ms": ms(_best(inline))}


def tantivy_probe(directory: Path, words: list[str], chapters: int) -> dict[str, Any]:
    """Build (once) a tantivy index of every chapter's text and time the top results of each
    word: what an impact-ordered index with block-max WAND costs, next to the database."""
    import tantivy  # noqa: PLC0415 (a probe: not a dependency of the site)
    from django.db import connection

    from fichive.search.backends import backend
    from fichive.search.query import query_parse

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("chapter", stored=True, fast=True)
    builder.add_integer_field("work", stored=True, fast=True)
    builder.add_text_field("body", stored=False, tokenizer_name="default",
                           index_option="position")
    schema = builder.build()
    directory.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(directory))
    built: dict[str, Any] = {}
    index.reload()
    if index.searcher().num_docs != chapters:
        start = time.perf_counter()
        writer = index.writer(heap_size=256_000_000, num_threads=1)
        writer.delete_all_documents()
        with connection.cursor() as cursor:
            cursor.execute("SELECT chapter_id, work_id, body FROM search_chapterdocument")
            while rows := cursor.fetchmany(2000):
                for chapter_id, work_id, body in rows:
                    writer.add_document(tantivy.Document(chapter=chapter_id, work=work_id,
                                                         body=body))
        writer.commit()
        writer.wait_merging_threads()
        built = {"build_seconds": round(time.perf_counter() - start, 1)}
        index.reload()
    size = sum(p.stat().st_size for p in directory.iterdir() if p.is_file())
    searcher = index.searcher()
    out: dict[str, Any] = {**built, "docs": searcher.num_docs,
                           "index_mb": round(size / 1024 / 1024, 1), "words": {}}
    for word in words:
        query = index.parse_query(word, ["body"])
        found = searcher.search(query, 100, count=False)
        matches_sql, matches_params = backend().group_sql(query_parse(word).positive_terms())

        def ranked_page(q: Any = query, sql: str = matches_sql,
                        params: list[Any] = matches_params) -> tuple[int, list[int]]:
            """The design end to end for the ranking: the exact matches from the database
            (their count is the total), the top chapters from the index, the first 30 of
            their works that are among the matches."""
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                matching = {row[0] for row in cursor.fetchall()}
            page: list[int] = []
            for _, address in searcher.search(q, 200, count=False).hits:
                work = searcher.doc(address)["work"][0]
                if work in matching and work not in page:
                    page.append(work)
                    if len(page) == 30:
                        break
            return len(matching), page

        out["words"][word] = {
            "exact_total_and_page_ms": ms(_best(ranked_page, 5)),
            "top100_ms": ms(_best(lambda q=query: searcher.search(q, 100, count=False), 5)),
            "top1000_ms": ms(_best(lambda q=query: searcher.search(q, 1000, count=False), 5)),
            "count_ms": ms(_best(lambda q=query: searcher.search(q, 1, count=True), 5)),
            "hits": len(found.hits),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", nargs="*", help=f"words to time (default {DEFAULT_WORDS})")
    parser.add_argument("--pick", type=int, default=0, metavar="N",
                        help="SQLite: pick N words in about --share of the works instead")
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("-n", type=int, default=12, help="requests per word (12)")
    parser.add_argument("--tantivy", type=Path, help="also probe a tantivy index built here")
    parser.add_argument("--packed", action="store_true",
                        help="also time the sidebar's counts from a temporary table of each "
                             "work's tag ids in one value")
    parser.add_argument("--capped", type=int, metavar="K",
                        help="PostgreSQL: also time ts_rank over vectors capped at K positions")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    django_setup(None)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    words = list(args.words or (pick_words(args.share, args.pick) if args.pick
                                else DEFAULT_WORDS))
    client = Client()
    phases: dict[str, float] = {}
    _instrument(phases)
    result: dict[str, Any] = {"database": connection.vendor, "words": {}}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
            BACKEND.append(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM works_work")
        result["works"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM search_chapterdocument")
        result["chapters"] = cursor.fetchone()[0]
    if args.packed:
        _packed_table()
    for word in words:
        chapters, works = _holding(word)

        def get(q: str = word) -> Any:
            cache.clear()
            response = client.get("/works/search", {"q": q})
            assert response.status_code == 200, (q, response.status_code)  # noqa: S101
            return response

        get()  # warm: connection, the database's pages
        total = LAST_TOTAL[0]
        phases.clear()
        walls, cpus = [], []
        for _ in range(args.n):
            start, cpu = time.perf_counter(), cpu_seconds()
            get()
            walls.append((time.perf_counter() - start) * 1000)
            cpus.append((cpu_seconds() - cpu) * 1000)
        row = {"chapters": chapters, "works_by_text": works, "total": total,
               "median_ms": round(statistics.median(walls), 1),
               "p95_ms": round(_p95(walls), 1),
               "cpu_median_ms": round(statistics.median(cpus), 1),
               "cpu_p95_ms": round(_p95(cpus), 1),
               "phases_ms": {k: round(v / args.n, 1) for k, v in phases.items()},
               "statements": statements(word, probe_sidebar=args.packed)}
        if args.capped and connection.vendor == "postgresql":
            row["capped"] = capped_probe(word, args.capped)
        result["words"][word] = row
        print(f"{word}: {chapters:,} chapters, {works:,} works by text, total {total:,}: "
              f"median {row['median_ms']} ms, p95 {row['p95_ms']} ms, CPU median "
              f"{row['cpu_median_ms']} p95 {row['cpu_p95_ms']} ms; CPU {row['phases_ms']}; "
              f"{row['statements']}", file=sys.stderr, flush=True)
    if args.tantivy:
        result["tantivy"] = tantivy_probe(args.tantivy, words, result["chapters"])
    report(result, args.json)


if __name__ == "__main__":
    main()
