"""The same archive read from a live MySQL/MariaDB server (see conftest.py for which server):
the rows match the dump's, and importing from the server gives the same works."""

from __future__ import annotations

import pytest

from fichive.cli import main
from fichive.formats.importers.efiction.archive import ArchiveError
from fichive.formats.importers.efiction.dump import read_dump
from fichive.formats.importers.efiction.mysql import connection_args, read_mysql
from fichive.works.models import Work
from tests.formats.efiction.dataset import CAFE, WORK_COUNT


def test_server_rows_equal_dump_rows(mysql_database, dump_file):
    from_server = read_mysql(mysql_database, prefix="fanfiction_")
    from_dump = read_dump(dump_file, prefix="fanfiction_")

    assert from_server.tables.keys() == from_dump.tables.keys()
    for table, rows in from_dump.tables.items():
        server_rows = from_server.rows(table)
        key = next(iter(rows[0]))
        assert sorted(server_rows, key=lambda r: str(r[key])) == sorted(
            rows, key=lambda r: str(r[key])), table


def test_latin1_table_holding_utf8_is_repaired(mysql_database):
    archive = read_mysql(mysql_database, prefix="fanfiction_")

    assert CAFE in [row["title"] for row in archive.rows("stories")]


def test_import_from_the_server(db, capsys, mysql_database, story_files):
    status = main(["import-efiction", "--db", mysql_database, "--story-files", str(story_files)])

    out = capsys.readouterr().out.splitlines()
    assert status == 1  # the story without chapters
    assert out[-1].startswith(f"Imported {WORK_COUNT} works, 1 failed.")
    assert Work.objects.filter(title=CAFE).exists()


def test_wrong_prefix_and_unreachable_server(mysql_database):
    with pytest.raises(ArchiveError, match="is the table prefix right"):
        read_mysql(mysql_database, prefix="nope_")
    with pytest.raises(ArchiveError, match="can't connect"):
        read_mysql("mysql://nobody@127.0.0.1:1/none", prefix="fanfiction_")


def test_database_urls():
    assert connection_args("mysql://me:p%40ss@db.example.org:3307/efic") == {
        "host": "db.example.org", "port": 3307, "user": "me", "password": "p@ss",
        "database": "efic"}
    with pytest.raises(ArchiveError, match="names no database"):
        connection_args("mysql://root@localhost/")
    with pytest.raises(ArchiveError, match="not a mysql:// URL"):
        connection_args("postgres://root@localhost/x")
