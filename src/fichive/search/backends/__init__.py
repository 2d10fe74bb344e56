"""The search backend for the database in use: SQLite FTS5 or PostgreSQL full-text search.

Each backend module offers the same functions: install/uninstall (migrations), write_works
and write_chapters (index rows), and the query pieces group_sql, scores_sql, best_chapters, ids_sql.
A backend with FIRST_PASS_SQL also offers a two-pass ranking's pieces (first_pass_sql,
chapter_bound, chapter_scores, add_scores; see selectors.RankedWorks).
"""

from __future__ import annotations

from types import ModuleType

from django.db import connection


def backend(vendor: str | None = None) -> ModuleType:
    vendor = vendor or connection.vendor
    if vendor == "postgresql":
        from fichive.search.backends import postgres

        return postgres
    if vendor == "sqlite":
        from fichive.search.backends import sqlite

        return sqlite
    raise NotImplementedError(f"Full-text search needs SQLite or PostgreSQL, not {vendor}.")
