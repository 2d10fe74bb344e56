"""Reading zip containers safely: size, count and ratio limits, unsafe names, encryption,
damage; every problem is an ImportFailed with a one-line reason, found fast and in little memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichive.formats.errors import ImportFailed
from fichive.formats.importers import archive
from fichive.formats.importers.archive import (
    MAX_ARCHIVE_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_UNPACKED_BYTES,
    SafeZip,
)
from fichive.formats.importers.epub import parse_epub
from tests.formats import epub_builders as build

MB = 1024 * 1024


def refused(data: bytes) -> str:
    with pytest.raises(ImportFailed) as caught, SafeZip(data) as opened:
        for name in opened.files():
            opened.read(name)
    reason = str(caught.value)
    assert "\n" not in reason
    return reason


def peak_memory(action) -> int:
    tracemalloc.start()
    try:
        action()
    except ImportFailed:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_the_limits_are_the_documented_ones():
    assert MAX_ARCHIVE_BYTES == 50 * MB
    assert MAX_UNPACKED_BYTES == 200 * MB
    assert MAX_MEMBER_BYTES == 20 * MB
    assert MAX_MEMBERS == 2_000


# --- ordinary zips ---------------------------------------------------------------------------


def test_members_are_listed_in_order_and_read_back():
    data = build.zip_bytes(
        [("stories/", b""), ("stories/one.txt", "First."), ("two.txt", "Second.")],
        mimetype=False,
    )
    with SafeZip(data) as opened:
        assert opened.files() == ["stories/one.txt", "two.txt"]
        assert [m.name for m in opened.members if m.is_dir] == ["stories/"]
        assert opened.read("stories/one.txt") == b"First."
        assert "two.txt" in opened


def test_a_name_differing_only_in_case_is_found():
    data = build.zip_bytes([("OEBPS/Chapter1.xhtml", "x")], mimetype=False)
    with SafeZip(data) as opened:
        assert opened.find("oebps/chapter1.xhtml") == "OEBPS/Chapter1.xhtml"
        assert opened.find("oebps/chapter2.xhtml") is None


def test_a_stored_zip_is_read():
    data = build.zip_bytes([("a.txt", "Stored, not deflated.")], mimetype=False, stored=True)
    with SafeZip(data) as opened:
        assert opened.read("a.txt") == b"Stored, not deflated."


def test_reading_a_missing_member_fails_cleanly():
    data = build.zip_bytes([("a.txt", "x")], mimetype=False)
    with SafeZip(data) as opened, pytest.raises(ImportFailed, match="missing"):
        opened.read("b.txt")


# --- not zips, damaged zips -----------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"Just some text.", b"%PDF-1.7\n", b"\x00" * 100])
def test_something_else_is_not_a_zip(data):
    assert refused(data) == "not a zip file"


def test_an_empty_zip_is_refused():
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    assert refused(buffer.getvalue()) == "the zip file is empty"


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_zip_is_damaged(keep):
    assert refused(build.truncated_epub(keep)) == "the zip file is damaged or truncated"


def test_a_member_with_a_wrong_checksum_is_damaged():
    member = build.raw_member("a.txt", b"Some text that will not match its checksum.")
    member.crc ^= 0xFFFF
    assert refused(build.raw_zip([member])) == "the zip file is damaged or truncated"


def test_corrupt_compressed_data_is_damaged():
    member = build.raw_member("a.txt", b"Words " * 1000)
    member.payload = b"\xff" * len(member.payload)
    assert refused(build.raw_zip([member])) == "the zip file is damaged or truncated"


# --- size limits and bombs --------------------------------------------------------------------


def test_a_file_over_50_mb_is_refused_before_opening():
    data = b"PK\x03\x04" + bytes(MAX_ARCHIVE_BYTES)
    assert refused(data) == "the zip file is larger than 50 MB"


def test_a_300_mb_zip_bomb_is_refused_from_its_directory():
    data = build.bomb_epub(300 * MB)
    assert len(data) < MB
    assert "unpacks to more than 20 MB" in refused(data)
    assert peak_memory(lambda: parse_epub(data, filename="bomb.epub")) < 8 * MB


def test_a_bomb_whose_header_lies_is_stopped_by_the_bounded_reader():
    # 300 MB of zeros behind a header that claims 19 MB: reading stops at what it claims.
    data = build.lying_bomb_epub(300 * MB, declared=19 * MB)
    with pytest.raises(ImportFailed):
        parse_epub(data, filename="liar.epub")
    assert peak_memory(lambda: parse_epub(data, filename="liar.epub")) < 64 * MB


def test_a_member_compressed_a_thousand_times_over_is_a_bomb():
    data = build.ratio_bomb_epub(15 * MB)
    reason = refused(data)
    assert "zip bomb" in reason
    assert '"c1.xhtml"' in reason
    # Found after little more than a megabyte, not the 15 it would unpack to.
    assert peak_memory(lambda: parse_epub(data, filename="ratio.epub")) < 8 * MB


def test_text_that_compresses_well_is_not_a_bomb():
    text = ("The tide came in over the rocks and went out again. " * 20_000).encode()
    data = build.zip_bytes([("long.txt", text[: 900 * 1024])], mimetype=False)
    with SafeZip(data) as opened:
        assert len(opened.read("long.txt")) == 900 * 1024


def test_members_over_200_mb_together_are_refused():
    assert refused(build.many_bombs_zip(12, 19 * MB)) == (
        "the zip file unpacks to more than 200 MB"
    )


def test_unpacked_bytes_are_counted_as_they_are_read(monkeypatch):
    data = build.zip_bytes([("a.txt", "x" * 400_000)], mimetype=False)
    with SafeZip(data) as opened:
        monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", MB)
        opened.read("a.txt")
        opened.read("a.txt")
        with pytest.raises(ImportFailed, match="unpacks to more than"):
            opened.read("a.txt")


def test_overlapping_members_are_refused():
    assert refused(build.overlapping_zip()) == ("the zip file's members overlap (a zip bomb trick)")


def test_more_than_2000_members_are_refused():
    assert refused(build.many_members_zip(5_000)) == "the zip file holds more than 2,000 files"


def test_exactly_2000_members_are_fine():
    data = build.many_members_zip(2_000)
    with SafeZip(data) as opened:
        assert len(opened.files()) == 2_000


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../../evil.sh", '".."'),
        ("OEBPS/../../evil.sh", '".."'),
        ("..", '".."'),
        ("/etc/cron.d/evil", "absolute path"),
        ("//server/share/evil", "absolute path"),
        ("..\\..\\evil.bat", '".."'),
        ("OEBPS\\..\\..\\evil.bat", '".."'),
        ("\\evil.bat", "absolute path"),
        ("C:\\Windows\\evil.bat", "absolute path"),
        ("c:/evil.bat", "absolute path"),
        ("evil\x00.txt", "control characters"),
        ("line\nbreak.txt", "control characters"),
    ],
)
def test_unsafe_member_names_are_refused(name, why):
    reason = refused(build.path_epub(name))
    assert why in reason
    assert "refused as unsafe" in reason


def test_dots_that_stay_inside_are_fine():
    data = build.zip_bytes([("a/./b..c/..d.txt", "x")], mimetype=False)
    with SafeZip(data) as opened:
        assert opened.files() == ["a/./b..c/..d.txt"]


def test_a_name_used_twice_is_refused():
    assert refused(build.duplicate_name_epub()) == 'the zip file holds "c1.xhtml" twice'


@pytest.mark.parametrize("other", ["a/./b.txt", "a//b.txt", "a\\b.txt", "a/b.txt/"])
def test_names_that_land_on_the_same_file_are_duplicates(other):
    members = [build.raw_member("a/b.txt", b"one"), build.raw_member(other, b"two")]
    assert "twice" in refused(build.raw_zip(members))


def test_a_backslash_name_is_read_with_slashes():
    data = build.raw_zip([build.raw_member("stories\\one.txt", b"First.")])
    with SafeZip(data) as opened:
        assert opened.files() == ["stories/one.txt"]
        assert opened.read("stories/one.txt") == b"First."


def test_long_names_are_shortened_in_messages():
    reason = refused(build.path_epub("../" + "x" * 500))
    assert len(reason) < 200


# --- encryption and methods ------------------------------------------------------------------


def test_an_encrypted_member_is_refused():
    assert refused(build.encrypted_epub()) == (
        "the zip file is password-protected; save it without one"
    )


def test_strong_encryption_is_refused():
    member = build.raw_member("a.txt", b"secret")
    member.flags |= 0x40
    assert "password-protected" in refused(build.raw_zip([member]))


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99])
def test_other_compression_methods_are_refused(method):
    member = build.raw_member("a.txt", b"text")
    member.method = method
    assert "compression method" in refused(build.raw_zip([member]))


# --- property: nothing but ImportFailed ----------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes_never_raise_anything_else(data):
    for candidate in (data, b"PK\x03\x04" + data):
        try:
            with SafeZip(candidate) as opened:
                for name in opened.files():
                    opened.read(name)
        except ImportFailed:
            pass


_SMALL_ZIP = build.zip_bytes(
    [("one.txt", "First story. " * 50), ("dir/two.txt", "Second story. " * 50)], mimetype=False
)


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=400, deadline=None)
@given(st.data())
def test_damaged_zips_never_raise_anything_else(data):
    raw = bytearray(_SMALL_ZIP)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(1, len(raw)))]
    try:
        with SafeZip(bytes(raw)) as opened:
            for name in opened.files():
                opened.read(name)
    except ImportFailed:
        pass
