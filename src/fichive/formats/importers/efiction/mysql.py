"""Reading an eFiction archive straight from its MySQL or MariaDB database (PyMySQL), into
the same rows a dump gives."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from fichive.formats.importers.efiction.archive import (
    TABLES,
    ArchiveError,
    EfictionArchive,
    clean_value,
)


def connection_args(url: str) -> dict[str, Any]:
    """PyMySQL connection arguments from mysql://user:pass@host:port/dbname."""
    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb"):
        raise ArchiveError(f"“{url}” is not a mysql:// URL; use "
                           "mysql://user:password@host:port/database")
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise ArchiveError("the database URL names no database; use "
                           "mysql://user:password@host:port/database")
    args: dict[str, Any] = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 3306,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": database,
    }
    return args


def _shown(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 3306}{parts.path}"


def read_mysql(url: str, *, prefix: str) -> EfictionArchive:
    """The archive's rows from a live database (read only), or ArchiveError."""
    import pymysql
    import pymysql.cursors

    args = connection_args(url)
    origin = f"the database {_shown(url)}"
    connection = None
    for charset in ("utf8mb4", "utf8"):  # MySQL before 5.5 knows no utf8mb4
        try:
            connection = pymysql.connect(**args, charset=charset, connect_timeout=10,
                                         cursorclass=pymysql.cursors.DictCursor)
            break
        except pymysql.MySQLError as exc:
            if charset == "utf8" or "character set" not in str(exc.args[-1]).lower():
                raise ArchiveError(f"can't connect to {origin}: {exc.args[-1]}") from exc
    assert connection is not None
    tables: dict[str, list[dict[str, Any]]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW TABLES")
            present = {str(next(iter(row.values()))).lower(): str(next(iter(row.values())))
                       for row in cursor.fetchall()}
            for table in TABLES:
                name = present.get((prefix + table).lower())
                if name is None:
                    continue
                quoted = "`" + name.replace("`", "``") + "`"
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - a listed table name
                tables[table] = [{k.lower(): clean_value(v) for k, v in row.items()}
                                 for row in cursor.fetchall()]
    except pymysql.MySQLError as exc:
        raise ArchiveError(f"reading {origin} failed: {exc.args[-1]}") from exc
    finally:
        connection.close()
    archive = EfictionArchive(tables=tables, origin=origin)
    archive.check(prefix=prefix)
    return archive
