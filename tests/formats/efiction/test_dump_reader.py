"""Reading mysqldump files: the tokenizer's escapes, multi-row INSERTs, _binary and hex values,
NULL, comments, mojibake repair, and clear errors for malformed dumps."""

from __future__ import annotations

import pytest

from fichive.formats.importers.efiction.archive import ArchiveError, mojibake, repair_mojibake
from fichive.formats.importers.efiction.dump import read_dump, read_dump_bytes
from tests.formats.efiction.dataset import CAFE, dump_sql, make_dataset

TABLES = b"""
CREATE TABLE `fanfiction_stories` (`sid` int(11), PRIMARY KEY (`sid`));
CREATE TABLE `fanfiction_chapters` (`chapid` int(11));
"""


def _authors(sql: bytes) -> list[dict]:
    archive = read_dump_bytes(TABLES + sql, prefix="fanfiction_")
    return archive.rows("authors")


def test_dump_and_reader_agree_on_every_row(dump_file, dataset):
    archive = read_dump(dump_file, prefix="fanfiction_")

    assert archive.tables.keys() == dataset.tables.keys()
    for table, rows in dataset.tables.items():
        assert archive.rows(table) == rows, table


def test_escapes_multi_row_inserts_null_binary_and_hex():
    rows = _authors(r"""
-- a comment; with a semicolon
# another comment
/*!40101 SET NAMES utf8 */;
CREATE TABLE IF NOT EXISTS `fanfiction_authors` (
  `uid` int(11) NOT NULL AUTO_INCREMENT COMMENT 'the id, (really)',
  `penname` varchar(200) NOT NULL DEFAULT '',
  `bio` text,
  `score` decimal(5,2) DEFAULT '0.00',
  PRIMARY KEY (`uid`),
  KEY `penname` (`penname`(10))
) ENGINE=MyISAM DEFAULT CHARSET=latin1;
INSERT INTO `fanfiction_authors` VALUES (1,'O\'Brien','a\\b\nc''d\tend\0',1.50),
(2,_binary 'café',NULL,-2),(3,0x5A6FC3AB,"dq \"x\"",1e3);
INSERT IGNORE INTO fanfiction_authors (`penname`, uid) VALUES ('named columns', 4);
""".encode())

    assert rows[0] == {"uid": 1, "penname": "O'Brien", "bio": "a\\b\nc'd\tend\0",
                       "score": pytest.approx(1.5)}
    assert rows[1]["penname"] == "café" and rows[1]["bio"] is None and rows[1]["score"] == -2
    assert rows[2]["penname"] == "Zoë" and rows[2]["bio"] == 'dq "x"'
    assert rows[3] == {"penname": "named columns", "uid": 4}


def test_create_table_like_copies_the_columns():
    rows = _authors(b"CREATE TABLE fanfiction_series (uid int, penname text);\n"
                    b"CREATE TABLE fanfiction_authors LIKE `fanfiction_series`;\n"
                    b"INSERT INTO fanfiction_authors VALUES (1,'Jo');")

    assert rows == [{"uid": 1, "penname": "Jo"}]


def test_latin1_held_utf8_is_repaired():
    double = mojibake("Café — “quoted” Ő")

    rows = _authors(b"CREATE TABLE fanfiction_authors (uid int, penname text);\n"
                    b"INSERT INTO fanfiction_authors VALUES (1,'" + double.encode() + b"');")

    assert rows[0]["penname"] == "Café — “quoted” Ő"


def test_repair_leaves_real_text_alone():
    for text in ["Café", "naïve Ã", "Æsir and Øresund", "東京", "plain"]:
        assert repair_mojibake(text) == text
    assert repair_mojibake(mojibake(mojibake("Zoë"))) == "Zoë"


def test_plain_windows_1252_bytes_are_read():
    rows = _authors(b"CREATE TABLE fanfiction_authors (uid int, penname text);\n"
                    b"INSERT INTO fanfiction_authors VALUES (1,'caf\xe9 \x93q\x94');")

    assert rows[0]["penname"] == "café “q”"


def test_mojibake_story_title_comes_out_right(dump_file):
    archive = read_dump(dump_file, prefix="fanfiction_")

    assert "Ã" in dump_file.read_text(encoding="utf-8")  # the dump holds the mojibake
    assert any(row["title"] == CAFE for row in archive.rows("stories"))


def test_another_prefix_and_other_tables_ignored(tmp_path):
    path = tmp_path / "dump.sql"
    path.write_text(dump_sql(make_dataset(), prefix="efic_"), encoding="utf-8")

    archive = read_dump(path, prefix="efic_")

    assert len(archive.rows("stories")) > 1 and "unrelated_table" not in archive.tables


@pytest.mark.parametrize(("sql", "message"), [
    (b"\nINSERT INTO fanfiction_authors VALUES (1,'never ends",
     "line 2: a string starts here and never ends"),
    (b"INSERT INTO fanfiction_authors VALUES (1);", "come before its CREATE TABLE"),
    (b"CREATE TABLE fanfiction_authors (uid int, b int);\nINSERT INTO fanfiction_authors "
     b"VALUES (1),(2,3);", "has 1 values for 2 columns"),
    (b"CREATE TABLE fanfiction_authors (uid int);\nINSERT INTO fanfiction_authors "
     b"VALUES (1,);", "expected a value"),
    (b"CREATE TABLE fanfiction_authors (uid int);\nINSERT INTO fanfiction_authors "
     b"VALUES (NOW());", "expected a value"),
    (b"/* never closed", "a /* comment starts here and never ends"),
])
def test_malformed_dumps_say_where_and_what(sql, message):
    with pytest.raises(ArchiveError, match="line") as error:
        read_dump_bytes(sql, prefix="fanfiction_")
    assert message in str(error.value)


def test_missing_tables_suggest_the_prefix(dump_file):
    with pytest.raises(ArchiveError, match=r"has no wrong_authors, wrong_stories, "
                                           r"wrong_chapters tables; is the table prefix right"):
        read_dump(dump_file, prefix="wrong_")


def test_not_a_dump_at_all(tmp_path):
    empty = tmp_path / "empty.sql"
    empty.write_bytes(b"")
    gz = tmp_path / "dump.sql.gz"
    gz.write_bytes(b"\x1f\x8b\x08\x00rest")

    with pytest.raises(ArchiveError, match="empty"):
        read_dump(empty, prefix="fanfiction_")
    with pytest.raises(ArchiveError, match="gzip"):
        read_dump(gz, prefix="fanfiction_")
    with pytest.raises(ArchiveError, match="no such file"):
        read_dump(tmp_path / "missing.sql", prefix="fanfiction_")
