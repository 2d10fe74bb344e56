"""An eFiction 3.5 archive built for tests: the schema (after eFiction's docs/tables.sql, as
REFERENCE.md describes it), a small deterministic dataset that holds the archive's traps, and
two ways to store it: a mysqldump-style file, and a live MySQL/MariaDB database."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fichive.formats.importers.efiction.archive import mojibake

SITE_URL = "http://old.example.org/efiction"

# table -> (columns as (name, SQL type), primary key, charset)
_DATE = "datetime NOT NULL DEFAULT '0000-00-00 00:00:00'"
_UNIX = "int(11) NOT NULL DEFAULT '0'"


def schema(*, unix_dates: bool = False) -> dict[str, tuple[list[tuple[str, str]], str, str]]:
    date = _UNIX if unix_dates else _DATE
    return {
        "settings": ([
            ("sitekey", "varchar(50) NOT NULL DEFAULT '1'"),
            ("sitename", "varchar(200) NOT NULL DEFAULT 'Your Site'"),
            ("slogan", "varchar(200) NOT NULL DEFAULT ''"),
            ("url", "varchar(200) NOT NULL DEFAULT ''"),
            ("tableprefix", "varchar(25) NOT NULL DEFAULT ''"),
            ("siteemail", "varchar(200) NOT NULL DEFAULT ''"),
        ], "sitekey", "utf8mb4"),
        "authors": ([
            ("uid", "int(11) NOT NULL AUTO_INCREMENT"),
            ("penname", "varchar(200) NOT NULL DEFAULT ''"),
            ("realname", "varchar(200) NOT NULL DEFAULT ''"),
            ("email", "varchar(200) NOT NULL DEFAULT ''"),
            ("website", "varchar(200) NOT NULL DEFAULT ''"),
            ("bio", "text"),
            ("image", "varchar(200) NOT NULL DEFAULT ''"),
            ("date", date),
            ("admincreated", "int(11) NOT NULL DEFAULT '0'"),
            ("password", "varchar(40) NOT NULL DEFAULT '0'"),
        ], "uid", "utf8mb4"),
        "categories": ([
            ("catid", "int(11) NOT NULL AUTO_INCREMENT"),
            ("parentcatid", "int(11) NOT NULL DEFAULT '-1'"),
            ("category", "varchar(60) NOT NULL DEFAULT ''"),
            ("description", "text"),
            ("image", "varchar(100) NOT NULL DEFAULT ''"),
            ("locked", "tinyint(1) NOT NULL DEFAULT '0'"),
            ("leveldown", "tinyint(4) NOT NULL DEFAULT '0'"),
            ("displayorder", "int(11) NOT NULL DEFAULT '0'"),
            ("numitems", "int(11) NOT NULL DEFAULT '0'"),
        ], "catid", "utf8mb4"),
        "characters": ([
            ("charid", "int(11) NOT NULL AUTO_INCREMENT"),
            ("catid", "int(11) NOT NULL DEFAULT '0'"),
            ("charname", "varchar(60) NOT NULL DEFAULT ''"),
            ("bio", "text"),
            ("image", "varchar(200) NOT NULL DEFAULT ''"),
        ], "charid", "utf8mb4"),
        "classtypes": ([
            ("classtype_id", "int(11) NOT NULL AUTO_INCREMENT"),
            ("classtype_name", "varchar(50) NOT NULL DEFAULT ''"),
            ("classtype_title", "varchar(50) NOT NULL DEFAULT ''"),
        ], "classtype_id", "utf8mb4"),
        "classes": ([
            ("class_id", "int(11) NOT NULL AUTO_INCREMENT"),
            ("class_type", "int(11) NOT NULL DEFAULT '0'"),
            ("class_name", "varchar(100) NOT NULL DEFAULT ''"),
        ], "class_id", "utf8mb4"),
        "ratings": ([
            ("rid", "int(11) NOT NULL AUTO_INCREMENT"),
            ("rating", "varchar(60) NOT NULL DEFAULT ''"),
            ("ratingwarning", "char(1) NOT NULL DEFAULT '0'"),
            ("warningtext", "text"),
        ], "rid", "utf8mb4"),
        # The stories table is latin1 holding UTF-8 bytes, as on many old archives.
        "stories": ([
            ("sid", "int(11) NOT NULL AUTO_INCREMENT"),
            ("title", "varchar(200) NOT NULL DEFAULT ''"),
            ("summary", "text"),
            ("storynotes", "text"),
            ("catid", "varchar(100) NOT NULL DEFAULT '0'"),
            ("classes", "varchar(200) DEFAULT NULL"),
            ("charid", "varchar(250) NOT NULL DEFAULT '0'"),
            ("rid", "varchar(25) NOT NULL DEFAULT '0'"),
            ("date", date),
            ("updated", date),
            ("uid", "int(11) NOT NULL DEFAULT '0'"),
            ("coauthors", "varchar(200) DEFAULT NULL"),
            ("featured", "char(1) NOT NULL DEFAULT '0'"),
            ("validated", "char(1) NOT NULL DEFAULT '0'"),
            ("completed", "char(1) NOT NULL DEFAULT '0'"),
            ("rr", "char(1) NOT NULL DEFAULT '0'"),
            ("wordcount", "int(11) NOT NULL DEFAULT '0'"),
            ("rating", "tinyint(4) NOT NULL DEFAULT '0'"),
            ("reviews", "smallint(6) NOT NULL DEFAULT '0'"),
            ("count", "int(11) NOT NULL DEFAULT '0'"),
            ("challenges", "varchar(200) NOT NULL DEFAULT '0'"),
        ], "sid", "latin1"),
        "chapters": ([
            ("chapid", "int(11) NOT NULL AUTO_INCREMENT"),
            ("title", "varchar(250) NOT NULL DEFAULT ''"),
            ("inorder", "int(11) NOT NULL DEFAULT '0'"),
            ("notes", "text"),
            ("storytext", "mediumtext"),
            ("endnotes", "blob"),  # a fork that made it binary: dumped as _binary '…'
            ("validated", "char(1) NOT NULL DEFAULT '0'"),
            ("wordcount", "int(11) NOT NULL DEFAULT '0'"),
            ("rating", "tinyint(4) NOT NULL DEFAULT '0'"),
            ("reviews", "smallint(6) NOT NULL DEFAULT '0'"),
            ("sid", "int(11) NOT NULL DEFAULT '0'"),
            ("uid", "int(11) NOT NULL DEFAULT '0'"),
            ("count", "int(11) NOT NULL DEFAULT '0'"),
        ], "chapid", "utf8mb4"),
        "coauthors": ([
            ("sid", "int(11) NOT NULL DEFAULT '0'"),
            ("uid", "int(11) NOT NULL DEFAULT '0'"),
        ], "sid`,`uid", "utf8mb4"),
        "series": ([
            ("seriesid", "int(11) NOT NULL AUTO_INCREMENT"),
            ("title", "varchar(200) NOT NULL DEFAULT ''"),
            ("summary", "text"),
            ("uid", "int(11) NOT NULL DEFAULT '0'"),
            ("isopen", "tinyint(4) NOT NULL DEFAULT '0'"),
            ("catid", "varchar(200) NOT NULL DEFAULT '0'"),
            ("classes", "varchar(200) DEFAULT NULL"),
            ("characters", "varchar(250) NOT NULL DEFAULT ''"),
            ("rating", "tinyint(4) NOT NULL DEFAULT '0'"),
            ("reviews", "smallint(6) NOT NULL DEFAULT '0'"),
            ("challenges", "varchar(200) DEFAULT NULL"),
        ], "seriesid", "utf8mb4"),
        "inseries": ([
            ("seriesid", "int(11) NOT NULL DEFAULT '0'"),
            ("sid", "int(11) NOT NULL DEFAULT '0'"),
            ("subseriesid", "int(11) NOT NULL DEFAULT '0'"),
            ("confirmed", "int(11) NOT NULL DEFAULT '0'"),
            ("inorder", "int(11) NOT NULL DEFAULT '0'"),
            ("updated", "char(1) NOT NULL DEFAULT '0'"),
        ], "seriesid`,`sid`,`subseriesid", "utf8mb4"),
        "reviews": ([
            ("reviewid", "int(11) NOT NULL AUTO_INCREMENT"),
            ("item", "int(11) NOT NULL DEFAULT '0'"),
            ("type", "char(2) NOT NULL DEFAULT 'ST'"),
            ("reviewer", "varchar(60) NOT NULL DEFAULT '0'"),
            ("uid", "int(11) NOT NULL DEFAULT '0'"),
            ("review", "text"),
            ("date", date),
            ("rating", "int(11) NOT NULL DEFAULT '0'"),
            ("respond", "char(1) NOT NULL DEFAULT '0'"),
            ("chapid", "int(11) NOT NULL DEFAULT '0'"),
        ], "reviewid", "utf8mb4"),
        "favorites": ([
            ("fav_id", "int(11) NOT NULL AUTO_INCREMENT"),
            ("uid", "int(11) NOT NULL DEFAULT '0'"),
            ("item", "int(11) NOT NULL DEFAULT '0'"),
            ("type", "char(2) NOT NULL DEFAULT ''"),
            ("comments", "text"),
        ], "fav_id", "utf8mb4"),
    }


@dataclass
class Dataset:
    """Rows per table (without the prefix), in schema column order."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # "stories/<uid>/<chapid>.txt" -> text
    unix_dates: bool = False

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        self.tables.setdefault(table, []).append(values)
        return values

    def write_files(self, root: Path) -> Path:
        for name, text in self.files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root


# Names the tests look for.
LANTERN = "The Lantern Keeper"
CAFE = "Café Noir — ein Märchen"
PENDING = "Pending Story"
BROKEN = "Broken Story"
PLAIN = "Plain Text Story"
SIDE = "Side Story"
FILLERS = 3
WORK_COUNT = 5 + FILLERS  # stories that import (every one but the broken one)
STORY_COUNT = WORK_COUNT + 1
REVIEWS_KEPT = 4  # story reviews (one series review is not kept)
# Story and series favourites that become private bookmarks, and those skipped: of an
# author, of a story waiting for validation (a draft), of a story that failed, by a uid that
# is not a member.
BOOKMARKS_MADE = 5
FAVOURITES_SKIPPED = 4

_WORDS = ["lantern", "harbour", "quiet", "storm", "letter", "garden", "silver", "winter",
          "river", "candle", "road", "morning", "shadow", "window", "promise"]


def _sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def make_dataset(*, unix_dates: bool = False, seed: int = 5) -> Dataset:
    """The test archive: six kinds of story (normal, mojibake with text in a file, unvalidated,
    without chapters, plain text, in a sub-series) and a few generated fillers."""
    rng = random.Random(seed)
    data = Dataset(unix_dates=unix_dates)

    def when(day: int) -> Any:
        moment = datetime.datetime(2009, 3, 1, 10, 0) + datetime.timedelta(days=day)
        if unix_dates:
            return int(moment.replace(tzinfo=datetime.UTC).timestamp())
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    data.add("settings", sitekey="abc", sitename="Old Archive", slogan="", url=SITE_URL,
             tableprefix="fanfiction_", siteemail="admin@example.org")
    for rid, name in enumerate(["G", "PG-13", "R", "NC-17"], start=1):
        data.add("ratings", rid=rid, rating=name, ratingwarning="0", warningtext="")
    for catid, parent, name in [(1, -1, "Books"), (2, 1, "Harry Potter"), (3, -1, "Original"),
                                (4, -1, "Anime"), (5, 4, "Naruto")]:
        data.add("categories", catid=catid, parentcatid=parent, category=name, description="",
                 image="", locked=0, leveldown=0 if parent < 0 else 1, displayorder=catid,
                 numitems=0)
    for charid, catid, name in [(1, 2, "Harry Potter"), (2, 2, "Hermione Granger"),
                                (3, 5, "Uzumaki Naruto")]:
        data.add("characters", charid=charid, catid=catid, charname=name, bio="", image="")
    for typeid, name, title in [(1, "genres", "Genres"), (2, "warnings", "Warnings"),
                                (3, "pairings", "Pairing Type")]:
        data.add("classtypes", classtype_id=typeid, classtype_name=name, classtype_title=title)
    for class_id, typeid, name in [(1, 1, "Angst"), (2, 1, "Humor"), (3, 2, "Character Death"),
                                   (4, 2, "Violence"), (5, 3, "Slash"), (6, 3, "Het")]:
        data.add("classes", class_id=class_id, class_type=typeid, class_name=name)
    authors = [
        (1, "Moonlit Quill", "moon@example.org", "<p>I write <b>angst</b> &amp; tea.</p>"),
        (2, "ÆtherWriter", "aether@example.org", ""),
        (3, "jo", "Jo@Example.org", "Short name."),
        (4, "Reviewer Only", "reviewer@example.org", ""),
    ]
    for uid, penname, email, bio in authors:
        data.add("authors", uid=uid, penname=penname, realname="", email=email, website="",
                 bio=bio, image="", date=when(0), admincreated=0,
                 password="5f4dcc3b5aa765d61d8327deb882cf99")  # md5("password"): never imported

    chapid = 0

    def chapter(sid: int, uid: int, inorder: int, text: str, *, title: str = "",
                notes: str = "", endnotes: str = "", validated: str = "1") -> int:
        nonlocal chapid
        chapid += 1
        data.add("chapters", chapid=chapid, title=title, inorder=inorder, notes=notes,
                 storytext=text, endnotes=endnotes, validated=validated,
                 wordcount=999, rating=0, reviews=0, sid=sid, uid=uid, count=0)
        return chapid

    def story(sid: int, title: str, uid: int, *, catid: str, classes: str = "",
              charid: str = "", rid: str = "1", validated: str = "1", completed: str = "1",
              summary: str = "", notes: str = "", day: int = 0) -> None:
        data.add("stories", sid=sid, title=title, summary=summary, storynotes=notes,
                 catid=catid, classes=classes, charid=charid, rid=rid, date=when(day),
                 updated=when(day + 30), uid=uid, coauthors=None, featured="0",
                 validated=validated, completed=completed, rr="0", wordcount=12345, rating=0,
                 reviews=0, count=0, challenges="0")

    story(1, LANTERN, 1, catid="2", classes="1,3,5", charid="1,2", rid="2",
          summary="<p>A keeper, a lantern, a <i>very</i> long night.</p>",
          notes="Thanks to my beta.", day=10)
    # Chapters stored out of order: inorder decides.
    second = chapter(1, 1, 2, "<p>The second night was colder. " + _sentence(rng) + "</p>",
                     title="Night Two", endnotes="To be continued… ☾")
    first = chapter(1, 1, 1, "<p>The first night began with a letter. " + _sentence(rng) +
                    "</p>", title="Night One", notes="<p>Chapter notes here.</p>")
    data.add("coauthors", sid=1, uid=2)

    story(2, CAFE, 2, catid="3", classes="2", rid="1", completed="0",
          summary="Un café, s’il vous plaît — naïve “quotes”.", day=20)
    in_file = chapter(2, 2, 1, "", title="")  # the text is in stories/2/<chapid>.txt
    data.files[f"stories/2/{in_file}.txt"] = (
        "<p>Zoë ordered a café au lait — “the usual”.</p>\n<p>Straße, Øresund, 東京.</p>")

    story(3, PENDING, 3, catid="5", charid="3", rid="4", validated="0", day=40)
    chapter(3, 3, 1, "<p>Not yet validated by the archive's staff.</p>")

    story(4, BROKEN, 1, catid="3", day=50)  # no chapters at all

    story(5, PLAIN, 1, catid="3", classes="6,4", rid="3", day=60,
          summary="Plain text\nwith a line break.")
    chapter(5, 1, 1, "First paragraph line one\nline two.\n\nSecond paragraph.")

    story(6, SIDE, 2, catid="2,5", rid="1", day=70)
    chapter(6, 2, 1, "<p>" + _sentence(rng, 30) + "</p>")

    for n in range(FILLERS):
        sid = 7 + n
        story(sid, f"Filler {n + 1}", rng.choice([1, 2, 3]), catid=rng.choice(["2", "3", "5"]),
              classes=rng.choice(["", "1", "2"]), rid=str(rng.randint(1, 4)), day=80 + n)
        for inorder in range(1, rng.randint(1, 3) + 1):
            chapter(sid, 1, inorder, "<p>" + _sentence(rng, 40) + "</p>")

    data.add("series", seriesid=1, title="The Lantern Cycle", summary="All the lantern tales.",
             uid=1, isopen=0, catid="2", classes="", characters="", rating=0, reviews=0,
             challenges="")
    data.add("series", seriesid=2, title="Side Stories", summary="", uid=2, isopen=1,
             catid="2", classes="", characters="", rating=0, reviews=0, challenges="")
    for seriesid, sid, sub, inorder in [(1, 5, 0, 2), (1, 1, 0, 1), (1, 0, 2, 3), (2, 6, 0, 1)]:
        data.add("inseries", seriesid=seriesid, sid=sid, subseriesid=sub, confirmed=1,
                 inorder=inorder, updated="0")

    for reviewid, item, kind, reviewer, uid, text, rating, chap in [
        (1, 1, "ST", "ÆtherWriter", 2, "<b>Loved</b> it!<script>alert(1)</script>", 10, first),
        (2, 1, "ST", "A Guest", 0, "More please.", -1, second),
        (3, 2, "ST", "Reviewer Only", 4, "Très bien.", 8, in_file),
        (4, 6, "ST", "jo", 3, "Cute.", 0, 0),
        (5, 1, "SE", "A Guest", 0, "Great series.", 0, 0),  # a series review: not kept
    ]:
        data.add("reviews", reviewid=reviewid, item=item, type=kind, reviewer=reviewer, uid=uid,
                 review=text, date=when(100 + reviewid), rating=rating, respond="0",
                 chapid=chap)

    for fav_id, (uid, item, kind, comments) in enumerate([
        (4, 1, "ST", "My favourite <b>ever</b>.<script>alert(1)</script>"),
        (3, 2, "ST", ""),
        (1, 6, "ST", "Short and sweet.\n\nRead it twice."),
        (2, 1, "ST", "Ours!"),  # a co-author's favourite of their own story
        (2, 3, "ST", "Waiting for it."),  # not validated: a draft, skipped
        (1, 2, "AU", "Great author."),  # an author favourite, skipped
        (4, 1, "SE", "The whole cycle."),  # a series favourite: a series bookmark
        (77, 1, "ST", "Gone member."),  # no such member, skipped
        (3, 4, "ST", ""),  # the broken story, skipped
    ], start=1):
        data.add("favorites", fav_id=fav_id, uid=uid, item=item, type=kind, comments=comments)
    return data


# Storing the dataset.

def _literal(value: Any, *, latin1: bool, binary: bool) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if latin1:  # what mysqldump (utf8) writes for UTF-8 bytes kept in a latin1 column
        text = mojibake(text)
    escaped = (text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
               .replace("\r", "\\r").replace("\0", "\\0").replace("\x1a", "\\Z"))
    return ("_binary " if binary else "") + f"'{escaped}'"


def create_table_sql(table: str, *, prefix: str, unix_dates: bool) -> str:
    columns, key, charset = schema(unix_dates=unix_dates)[table]
    lines = [f"  `{name}` {kind}" for name, kind in columns]
    lines.append(f"  PRIMARY KEY (`{key}`)")
    if table == "stories":
        lines.append("  KEY `title` (`title`(20))")
        lines.append("  KEY `catid` (`catid`,`classes`(50))")
    body = ",\n".join(lines)
    return (f"CREATE TABLE `{prefix}{table}` (\n{body}\n) ENGINE=MyISAM AUTO_INCREMENT=1 "
            f"DEFAULT CHARSET={charset};")


def dump_sql(data: Dataset, *, prefix: str = "fanfiction_", rows_per_insert: int = 3) -> str:
    """The dataset as mysqldump writes it: comments, conditional comments, LOCK TABLES and
    multi-row INSERTs, blobs as _binary strings, latin1 tables as double-encoded UTF-8."""
    out = [
        "-- MySQL dump 10.13  Distrib 5.7.42, for Linux (x86_64)",
        "--",
        "-- Host: localhost    Database: efiction",
        "-- ------------------------------------------------------",
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
        "/*!40101 SET NAMES utf8 */;",
        "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;",
        "",
        "CREATE TABLE `unrelated_table` (`id` int(11) NOT NULL, `note` text);",
        "INSERT INTO `unrelated_table` VALUES (1,'ignored; really');",
    ]
    layout = schema(unix_dates=data.unix_dates)
    for table, rows in data.tables.items():
        columns, _, charset = layout[table]
        out += [
            "", "--", f"-- Table structure for table `{prefix}{table}`", "--", "",
            f"DROP TABLE IF EXISTS `{prefix}{table}`;",
            "/*!40101 SET @saved_cs_client     = @@character_set_client */;",
            create_table_sql(table, prefix=prefix, unix_dates=data.unix_dates),
            "", f"LOCK TABLES `{prefix}{table}` WRITE;",
            f"/*!40000 ALTER TABLE `{prefix}{table}` DISABLE KEYS */;",
        ]
        for start in range(0, len(rows), rows_per_insert):
            values = ",".join(
                "(" + ",".join(
                    _literal(row[name], latin1=charset == "latin1",
                             binary=kind.startswith("blob"))
                    for name, kind in columns) + ")"
                for row in rows[start:start + rows_per_insert])
            out.append(f"INSERT INTO `{prefix}{table}` VALUES {values};")  # noqa: S608
        out += [f"/*!40000 ALTER TABLE `{prefix}{table}` ENABLE KEYS */;", "UNLOCK TABLES;"]
    out += ["/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;",
            "-- Dump completed on 2026-11-23 10:00:00", ""]
    return "\n".join(out)


def load_into_mysql(connection: Any, data: Dataset, *, prefix: str = "fanfiction_") -> None:
    """Create the tables and insert the rows on a live server (a test's own SQL; the importer
    itself only reads). Latin1 tables receive UTF-8 bytes, as the old archives stored them."""
    layout = schema(unix_dates=data.unix_dates)
    with connection.cursor() as cursor:
        for table, rows in data.tables.items():
            columns, _, charset = layout[table]
            cursor.execute(f"DROP TABLE IF EXISTS `{prefix}{table}`")
            cursor.execute(create_table_sql(table, prefix=prefix, unix_dates=data.unix_dates))
            names = ",".join(f"`{name}`" for name, _ in columns)
            marks = ",".join(["%s"] * len(columns))
            sql = f"INSERT INTO `{prefix}{table}` ({names}) VALUES ({marks})"  # noqa: S608
            for row in rows:
                values = [
                    row[name].encode("utf-8")
                    if isinstance(row[name], str) and (charset == "latin1"
                                                       or kind.startswith("blob"))
                    else row[name]
                    for name, kind in columns
                ]
                cursor.execute(sql, values)
    connection.commit()
