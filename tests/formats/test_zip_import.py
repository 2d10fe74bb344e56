"""Zips of many stories: the .txt and .html files inside, in order, without system clutter, under
the archive limits; every problem is an ImportFailed with a one-line reason."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.text import parse_text
from fichive.formats.importers.zipped import is_junk, iter_zip_texts
from tests.formats import epub_builders as build

MB = 1024 * 1024


def members(data: bytes) -> list[tuple[str, bytes]]:
    return list(iter_zip_texts(data, filename="stories.zip"))


def refused(data: bytes) -> str:
    with pytest.raises(ImportFailed) as caught:
        members(data)
    reason = str(caught.value)
    assert reason and "\n" not in reason
    return reason


def test_stories_come_out_in_the_zip_s_order():
    data = build.zip_bytes(
        [
            ("The Night Ferry.txt", "The Night Ferry\n\nThe ferry left at midnight."),
            ("more/", b""),
            ("more/Gull Rock.html", "<html><body><p>Gulls.</p></body></html>"),
            ("more/Old Page.HTM", "<p>Old.</p>"),
        ],
        mimetype=False,
    )
    assert members(data) == [
        ("The Night Ferry.txt", b"The Night Ferry\n\nThe ferry left at midnight."),
        ("more/Gull Rock.html", b"<html><body><p>Gulls.</p></body></html>"),
        ("more/Old Page.HTM", b"<p>Old.</p>"),
    ]


def test_system_clutter_and_other_files_are_skipped():
    data = build.zip_bytes(
        [
            ("__MACOSX/._story.txt", b"\x00\x05\x16\x07"),
            ("__MACOSX/stories/._two.txt", b"\x00\x05\x16\x07"),
            (".DS_Store", b"\x00\x00\x00\x01Bud1"),
            ("stories/.DS_Store", b"\x00\x00\x00\x01Bud1"),
            ("stories/._two.txt", b"\x00\x05\x16\x07"),
            ("Thumbs.db", b"\xd0\xcf\x11\xe0"),
            ("story.txt~", "An editor's backup."),
            ("cover.jpg", b"\xff\xd8\xff"),
            ("book.epub", build.minimal_epub([("One", "<p>x</p>")])),
            ("notes.md", "# not a story"),
            ("stories/two.txt", "The second story."),
        ],
        mimetype=False,
    )
    assert [name for name, _ in members(data)] == ["stories/two.txt"]


@pytest.mark.parametrize(
    ("name", "junk"),
    [
        ("__MACOSX/a.txt", True),
        ("x/__MACOSX/a.txt", True),
        ("._a.txt", True),
        ("x/.DS_Store", True),
        ("desktop.ini", True),
        ("a.txt~", True),
        ("a.txt", False),
        ("MACOSX/a.txt", False),
        ("x/_a.txt", False),
    ],
)
def test_junk(name, junk):
    assert is_junk(name) is junk


def test_each_story_parses_with_the_text_importer():
    data = build.zip_bytes(
        [
            (
                "one.txt",
                "The Lamp Room\nby saltwater_wren\n\nWren climbed the stairs.\n\n"
                "The lamp was cold.",
            ),
            ("two.txt", "Fog Signals\n\nThe horn sounded twice."),
        ],
        mimetype=False,
    )
    works = [parse_text(content, filename=name) for name, content in members(data)]
    assert [w.title for w in works] == ["The Lamp Room", "Fog Signals"]
    assert works[0].creators == ["saltwater_wren"]


def test_a_zip_without_stories_is_refused():
    data = build.zip_bytes(
        [("cover.jpg", b"\xff\xd8\xff"), ("__MACOSX/._a.txt", b"x")], mimetype=False
    )
    assert refused(data) == "the zip file holds no .txt or .html stories"


def test_problems_show_on_the_first_next():
    stories = iter_zip_texts(b"not a zip", filename="x.zip")
    with pytest.raises(ImportFailed, match="not a zip file"):
        next(stories)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (build.many_bombs_zip(12, 19 * MB), "the zip file unpacks to more than 200 MB"),
        (build.raw_zip([build.zeros_member("bomb.txt", 300 * MB)]), "unpacks to more than 20 MB"),
        (build.raw_zip([build.zeros_member("bomb.txt", 15 * MB)]), "zip bomb"),
        (build.raw_zip([build.raw_member("../escape.txt", b"x")]), "refused as unsafe"),
        (build.raw_zip([build.raw_member("/var/abs.txt", b"x")]), "absolute path"),
        (build.raw_zip([build.raw_member("..\\escape.txt", b"x")]), "refused as unsafe"),
        (build.many_members_zip(5_000), "more than 2,000 files"),
        (build.overlapping_zip(), "overlap"),
        (build.encrypted_epub(), "password-protected"),
        (b"PK\x03\x04" + b"\x00" * 100, "damaged or truncated"),
    ],
    ids=[
        "total",
        "bomb",
        "ratio",
        "dotdot",
        "absolute",
        "backslash",
        "many",
        "overlap",
        "encrypted",
        "damaged",
    ],
)
def test_hostile_zips_are_refused(data, reason):
    assert reason in refused(data)


def test_a_story_over_the_member_limit_is_refused_when_reached():
    big = build.zeros_member("big.txt", 21 * MB)
    data = build.raw_zip([build.raw_member("small.txt", b"Fine."), big])
    assert "unpacks to more than 20 MB" in refused(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes_never_raise_anything_else(data):
    for candidate in (data, b"PK\x03\x04" + data):
        with contextlib.suppress(ImportFailed):
            members(candidate)


_STORIES = build.zip_bytes(
    [("a.txt", "First story. " * 40), ("b/c.html", "<p>Second.</p>" * 40)], mimetype=False
)


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_damaged_zips_never_raise_anything_else(data):
    raw = bytearray(_STORIES)
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(1, len(raw)))]
    with contextlib.suppress(ImportFailed):
        members(bytes(raw))
