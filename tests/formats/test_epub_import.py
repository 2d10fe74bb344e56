"""EPUB import: FanFicFare's EPUBs, AO3's EPUB downloads and other EPUBs, with every field they
carry; hostile and broken EPUBs fail with a one-line reason and nothing but ImportFailed."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedWork
from fichive.formats.importers.epub import (
    MAX_CHAPTER_BYTES,
    MAX_CHAPTERS,
    is_epub,
    parse_date,
    parse_epub,
    rating_from,
)
from tests.formats import epub_builders as build
from tests.formats.builders import Ao3Chapter
from tests.formats.epub_builders import LANTERN_CHAPTERS, Epub3Book, FanFicFareBook

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def parse(data: bytes, filename: str = "story.epub") -> ParsedWork:
    return parse_epub(data, filename=filename)


def refused(data: bytes) -> str:
    with pytest.raises(ImportFailed) as caught:
        parse(data)
    reason = str(caught.value)
    assert reason and "\n" not in reason
    return reason


def chapter_texts(work: ParsedWork) -> list[str]:
    return [c.html for c in work.chapters]


def lantern_html(index: int) -> str:
    """A LANTERN chapter as it comes back: <hr /> serialised as <hr/>."""
    return LANTERN_CHAPTERS[index][1].replace("<hr />", "<hr/>")


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        build.fanficfare_epub(),
        build.ao3_epub(),
        build.generic_epub3(),
        build.minimal_epub([("One", "<p>x</p>")]),
    ],
    ids=["fanficfare", "ao3", "epub3", "minimal"],
)
def test_epubs_are_recognised_by_content(data):
    assert is_epub(data)


def test_an_epub_without_the_mimetype_member_is_recognised_by_its_container():
    data = build.zip_bytes(
        [("META-INF/container.xml", build.container_xml()), ("content.opf", "<package/>")],
        mimetype=False,
    )
    assert is_epub(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"Chapter One\n\nIt was raining.",
        b"<html><body><p>Hi</p></body></html>",
        build.zip_bytes([("story.txt", "Once.")], mimetype=False),
        b"PK\x03\x04garbage",
    ],
)
def test_other_files_are_not_epubs(data):
    assert not is_epub(data)


def test_a_truncated_epub_is_still_an_epub_and_says_it_is_damaged():
    data = build.truncated_epub(0.02)
    assert is_epub(data)
    assert refused(data) == "the zip file is damaged or truncated"


# --- FanFicFare ---------------------------------------------------------------------------------


def test_fanficfare_epub_round_trips_every_field():
    work = parse(build.fanficfare_epub())
    assert work.format == "fanficfare"
    assert work.title == "The Lantern Keeper"
    assert work.creators == ["saltwater_wren"]
    assert work.source_url == "https://www.fanfiction.net/s/10203040/1/The-Lantern-Keeper"
    assert work.fandoms == ["Original Lighthouse Stories"]
    assert work.freeforms == ["Adventure", "Mystery"]
    assert work.characters == ["Wren", "Ansel"]
    assert work.relationships == ["Wren/Ansel"]
    assert work.language == "English"
    assert work.complete is True
    assert work.expected_chapters == 3
    assert work.published == datetime.date(2015, 3, 2)
    assert work.updated == datetime.date(2016, 4, 5)
    assert work.rating == "Teen And Up Audiences"
    assert work.warnings == []
    assert work.summary == build.LANTERN_SUMMARY
    assert [c.title for c in work.chapters] == [t for t, _ in LANTERN_CHAPTERS]
    assert chapter_texts(work) == [lantern_html(i) for i in range(3)]


def test_fanficfare_title_page_as_a_table_reads_the_same():
    lines = parse(build.fanficfare_epub())
    table = parse(build.fanficfare_epub(FanFicFareBook(table=True)))
    assert table == lines


def test_fanficfare_pages_that_are_not_chapters_are_skipped():
    work = parse(build.fanficfare_epub(FanFicFareBook(toc_page=True, log_page=True)))
    assert len(work.chapters) == 3
    assert "Update Log" not in "".join(chapter_texts(work))
    assert "Table of Contents" not in "".join(chapter_texts(work))


def test_fanficfare_chapter_heading_is_not_repeated_in_the_text():
    work = parse(build.fanficfare_epub())
    assert "fff_chapter_title" not in work.chapters[0].html
    assert "The Lamp Room" not in work.chapters[0].html


def test_fanficfare_from_ao3_reads_fandoms_freeforms_categories_and_warnings():
    book = FanFicFareBook(
        story_url="https://archiveofourown.org/works/48151623",
        uid="fanficfare-uid:archiveofourown.org-u0-s48151623",
        chapters=[(f"{i}. {title}", body) for i, (title, body) in enumerate(LANTERN_CHAPTERS, 1)],
        entries=[
            ("Category", "Original Lighthouse Stories, Lighthouse Keepers (Anthology)"),
            ("Fandoms", "Original Lighthouse Stories, Lighthouse Keepers (Anthology)"),
            ("Genre", "Fog, Slow Burn, F/M"),
            ("Freeform Tags", "Fog, Slow Burn"),
            ("AO3 Categories", "F/M"),
            ("Language", "English"),
            ("Characters", "Wren, Ansel, The Harbourmaster"),
            ("Relationships", "Wren/Ansel, Ansel &amp; The Harbourmaster"),
            ("Status", "In-Progress"),
            ("Published", "2021-06-01"),
            ("Updated", "2021-07-15"),
            ("Rating", "Teen And Up Audiences"),
            ("Warnings", "Graphic Depictions Of Violence, Major Character Death"),
            ("Chapters", "3/5"),
            ("Words", "1,234"),
            ("Publisher", "archiveofourown.org"),
            ("Kudos", "321"),
            ("Hits", "4,567"),
            ("Bookmarks", "12"),
            ("Comments", "34"),
        ],
        chapter_notes={
            1: {"notes": "<p>Some chapters are short.</p>"},
            2: {"summary": "<p>The horn, and what it is for.</p>"},
            3: {"end_notes": "<p>The crate returns later.</p>"},
        },
    )
    work = parse(build.fanficfare_epub(book))
    assert work.format == "fanficfare"
    assert work.source_url == "https://archiveofourown.org/works/48151623"
    assert work.fandoms == ["Original Lighthouse Stories", "Lighthouse Keepers (Anthology)"]
    assert work.freeforms == ["Fog", "Slow Burn"]
    assert work.categories == ["F/M"]
    assert work.characters == ["Wren", "Ansel", "The Harbourmaster"]
    assert work.relationships == ["Wren/Ansel", "Ansel & The Harbourmaster"]
    assert work.warnings == ["Graphic Depictions Of Violence", "Major Character Death"]
    assert work.rating == "Teen And Up Audiences"
    assert work.complete is False
    assert work.expected_chapters == 5
    assert [c.title for c in work.chapters] == [t for t, _ in LANTERN_CHAPTERS]
    assert work.chapters[0].notes == "<p>Some chapters are short.</p>"
    assert work.chapters[1].summary == "<p>The horn, and what it is for.</p>"
    assert work.chapters[2].end_notes == "<p>The crate returns later.</p>"
    assert "fff_chapter_notes" not in "".join(chapter_texts(work))
    assert chapter_texts(work)[1] == lantern_html(1)


def test_fanficfare_warnings_that_are_not_archive_warnings_become_tags():
    book = FanFicFareBook(entries=[("Category", "Harbours"), ("Warnings", "Shipwreck, Drowning")])
    work = parse(build.fanficfare_epub(book))
    assert work.warnings == []
    assert work.freeforms == ["Shipwreck", "Drowning"]


def test_fanficfare_with_renamed_labels_falls_back_to_the_opf():
    book = FanFicFareBook(
        entries=[
            ("Kategorie", "Original Lighthouse Stories"),
            ("Zustand", "Completed"),
            ("Veröffentlicht", "2015-03-02"),
        ],
    )
    work = parse(build.fanficfare_epub(book))
    assert work.title == "The Lantern Keeper"
    assert work.creators == ["saltwater_wren"]
    assert work.freeforms == [
        "FanFiction",
        "Original Lighthouse Stories",
        "Adventure",
        "Mystery",
        "Wren",
        "Ansel",
        "Wren/Ansel",
    ]
    assert work.published == datetime.date(2015, 3, 2)
    assert work.updated == datetime.date(2016, 4, 5)
    assert work.language == "en"
    assert work.summary == build.LANTERN_SUMMARY
    assert work.complete is True
    assert work.source_url == "https://www.fanfiction.net/s/10203040/1/The-Lantern-Keeper"


def test_fanficfare_without_a_title_page_reads_the_opf():
    work = parse(build.fanficfare_epub(FanFicFareBook(title_page=False)))
    assert work.format == "fanficfare"
    assert work.title == "The Lantern Keeper"
    assert work.creators == ["saltwater_wren"]
    assert work.summary == build.LANTERN_SUMMARY
    assert work.published == datetime.date(2015, 3, 2)
    assert work.complete is True
    assert "Completed" not in work.freeforms
    assert {"Adventure", "Wren/Ansel"} <= set(work.freeforms)
    assert work.source_url == "https://www.fanfiction.net/s/10203040/1/The-Lantern-Keeper"
    assert len(work.chapters) == 3


def test_fanficfare_series_from_the_opf():
    work = parse(build.fanficfare_epub(FanFicFareBook(series=("The Lantern Cycle", 2))))
    assert work.series == [("The Lantern Cycle", 2)]


def test_fanficfare_series_from_the_title_page():
    book = FanFicFareBook(entries=[("Category", "Harbours"), ("Series", "The Lantern Cycle [3]")])
    assert parse(build.fanficfare_epub(book)).series == [("The Lantern Cycle", 3)]


@pytest.mark.parametrize(
    ("status", "complete"),
    [("Completed", True), ("Complete", True), ("In-Progress", False), ("In Progress", False)],
)
def test_fanficfare_status(status, complete):
    book = FanFicFareBook(entries=[("Category", "Harbours"), ("Status", status)])
    assert parse(build.fanficfare_epub(book)).complete is complete


def test_fanficfare_summary_with_paragraphs_and_bold_words_stays_whole():
    summary = "<p>First <b>bold</b> line.</p><p><b>Note:</b> not a label.</p>"
    book = FanFicFareBook(summary=summary)
    assert parse(build.fanficfare_epub(book)).summary == summary


def test_fanficfare_detected_by_its_title_page_alone():
    files = build.fanficfare_files()
    files = [
        (name, content.replace("fanficfare-uid:", "urn:").replace("FanFicFare", "Someone"))
        if name == "content.opf" and isinstance(content, str)
        else (name, content)
        for name, content in files
    ]
    assert parse(build.zip_bytes(files)).format == "fanficfare"


# --- AO3 ----------------------------------------------------------------------------------------


def test_ao3_epub_round_trips_every_field():
    work = parse(build.ao3_epub())
    assert work.format == "ao3"
    assert work.title == "Salt and Brass"
    assert work.creators == ["saltwater_wren", "ansel_writes"]
    assert work.rating == "Teen And Up Audiences"
    assert work.warnings == ["No Archive Warnings Apply"]
    assert work.categories == ["F/M"]
    assert work.fandoms == ["Original Lighthouse Stories"]
    assert work.relationships == ["Wren/Ansel"]
    assert work.characters == ["Wren", "Ansel"]
    assert work.freeforms == ["Fog", "Found Family", "Slow Burn"]
    assert work.language == "English"
    assert work.series == [("The Lantern Cycle", 2)]
    assert work.published == datetime.date(2021, 6, 1)
    assert work.updated == datetime.date(2021, 7, 15)
    assert work.complete is False
    assert work.expected_chapters == 5
    assert work.source_url == "https://archiveofourown.org/works/48151623"
    assert work.summary == "<p>Two keepers, one lamp, and a winter that does not end.</p>"
    assert work.notes == "<p>Written for the Lighthouse Exchange.</p>"
    assert work.end_notes == "<p>Thank you for reading; the sequel is in the works.</p>"
    assert [c.title for c in work.chapters] == [t for t, _ in LANTERN_CHAPTERS]
    assert [c.html.replace("<hr />", "<hr/>") for c in work.chapters] == [
        lantern_html(i) for i in range(3)
    ]
    assert work.chapters[0].notes == "<p>Some chapters are short.</p>"
    assert work.chapters[1].summary == "<p>The horn, and what it is for.</p>"
    assert work.chapters[2].end_notes == "<p>The crate returns later.</p>"


def test_ao3_chapter_cut_across_two_files_is_joined_again():
    whole = parse(build.ao3_epub())
    split = parse(build.ao3_epub(split_chapter=1))
    assert [c.title for c in split.chapters] == [c.title for c in whole.chapters]
    assert "".join(split.chapters[0].html.split()) == "".join(whole.chapters[0].html.split())


def test_ao3_one_shot_epub():
    work = build.lantern_ao3_work(
        chapters=[Ao3Chapter(html=LANTERN_CHAPTERS[0][1])], complete=True, expected_chapters=1
    )
    parsed = parse(build.ao3_epub(work))
    assert parsed.format == "ao3"
    assert len(parsed.chapters) == 1
    assert "Wren climbed" in parsed.chapters[0].html
    assert parsed.complete is True


def test_ao3_epub_without_the_publisher_is_known_by_its_preface():
    files = [
        (name, content.replace("Archive of Our Own", "Calibre"))
        if name == "content.opf" and isinstance(content, str)
        else (name, content)
        for name, content in build.ao3_files()
    ]
    work = parse(build.zip_bytes(files))
    assert work.format == "ao3"
    assert work.fandoms == ["Original Lighthouse Stories"]


def test_ao3_epub_with_scripts_keeps_none():
    work = build.lantern_ao3_work(
        chapters=[
            Ao3Chapter(
                title="Trap",
                html='<p onclick="steal()">Text.</p><script>steal()</script>',
            ),
            Ao3Chapter(title="Fine", html="<p>More.</p>"),
        ]
    )
    parsed = parse(build.ao3_epub(work))
    joined = "".join(chapter_texts(parsed))
    assert "script" not in joined
    assert "onclick" not in joined
    assert "steal" not in joined


# --- other EPUBs --------------------------------------------------------------------------------


def test_generic_epub3_round_trips_every_field():
    work = parse(build.generic_epub3())
    assert work.format == "epub"
    assert work.title == "Notes from the Breakwater"
    assert work.creators == ["Marisol Teague"]  # the illustrator is not an author
    assert work.summary == "<p>Letters between two <em>harbour</em> pilots.</p>"
    assert work.freeforms == ["Epistolary", "Sea", "Ships"]
    assert work.language == "en"
    assert work.published == datetime.date(2019, 11, 20)
    assert work.updated is None
    assert work.series == [("Harbour Letters", 3)]
    assert [c.title for c in work.chapters] == ["First Letter", "Second Letter", "Third Letter"]
    first = work.chapters[0].html
    assert "<p>Dear Tomas, the breakwater held again last night.</p>" in first
    assert "<i>eleven</i>" in first
    assert "<h1>" not in first  # the heading that repeats the title is dropped


def test_generic_cover_title_page_and_nonlinear_notes_are_not_chapters():
    work = parse(build.generic_epub3())
    joined = "".join(chapter_texts(work))
    assert "Cover" not in joined
    assert "A breakwater is a wall" not in joined
    assert len(work.chapters) == 3


def test_generic_chapter_titles_come_from_headings_without_a_toc():
    work = parse(build.generic_epub3(Epub3Book(in_nav=False)))
    assert [c.title for c in work.chapters] == ["First Letter", "Second Letter", "Third Letter"]


def test_generic_chapter_without_a_title_anywhere_has_none():
    work = parse(build.generic_epub3(Epub3Book(in_nav=False, heading_in_body=False)))
    assert [c.title for c in work.chapters] == ["", "", ""]


def test_generic_summary_in_plain_text_becomes_paragraphs():
    book = Epub3Book(description="Two pilots write letters.\n\nOne of them comes home & stays.")
    work = parse(build.generic_epub3(book))
    assert work.summary == (
        "<p>Two pilots write letters.</p>\n<p>One of them comes home &amp; stays.</p>"
    )


def test_epub2_with_ncx_and_calibre_split_files():
    data = build.calibre_epub2(
        [
            ("Low Water", ['<div class="c"><p>First half.</p></div>', "<p>Second half.</p>"]),
            ("High Water", ["<p>All of it.</p>"]),
        ]
    )
    work = parse(data, filename="split_tides.epub")
    assert work.title == "Split Tides"
    assert work.creators == ["Ines Calder"]
    assert work.published is None  # Calibre's "0101-01-01" means no date
    assert [c.title for c in work.chapters] == ["Low Water", "High Water"]
    assert "First half." in work.chapters[0].html
    assert "Second half." in work.chapters[0].html
    assert work.chapters[1].html == "<p>All of it.</p>"


def test_title_falls_back_to_the_file_name():
    files = [
        (name, content.replace("<dc:title>Small</dc:title>", ""))
        if name == "content.opf" and isinstance(content, str)
        else (name, content)
        for name, content in [
            ("META-INF/container.xml", build.container_xml()),
            (
                "content.opf",
                build.package_opf(
                    ['<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>'],
                    ['<itemref idref="c1"/>'],
                ),
            ),
            ("toc.ncx", build.ncx(build.SMALL_UID, "Small", [("One", "c1.xhtml")])),
            ("c1.xhtml", build.xhtml("One", "<p>Text.</p>")),
        ]
    ]
    assert parse(build.zip_bytes(files), "the_night_ferry.epub").title == "the night ferry"


def test_named_html_entities_survive_in_xhtml():
    data = build.minimal_epub([("One", "<p>Wait&nbsp;&mdash; what&hellip; &eacute;t&eacute;</p>")])
    assert parse(data).chapters[0].html == "<p>Wait\xa0— what… été</p>"


def test_xhtml_that_is_not_well_formed_is_read_as_html():
    files = [
        ("META-INF/container.xml", build.container_xml()),
        (
            "content.opf",
            build.package_opf(
                ['<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>'],
                ['<itemref idref="c1"/>'],
            ),
        ),
        ("c1.xhtml", "<html><body><p>One<br>two<p>Three &copy; four</body></html>"),
    ]
    html = parse(build.zip_bytes(files)).chapters[0].html
    assert "One<br/>two" in html
    assert "Three © four" in html


def test_self_closed_anchors_do_not_swallow_the_text():
    data = build.minimal_epub([("One", '<p><a id="start"/>Text after the anchor.</p><p>Next.</p>')])
    html = parse(data).chapters[0].html
    assert html == '<p><a id="start"></a>Text after the anchor.</p><p>Next.</p>'


def test_scripts_styles_and_event_handlers_are_dropped():
    body = (
        '<p onclick="x()" style="text-align: center">Kept.</p><script>x()</script>'
        "<style>p{}</style><object data='x'></object><p>Also kept.</p>"
    )
    html = parse(build.minimal_epub([("One", body)])).chapters[0].html
    assert html == '<p align="center">Kept.</p><p>Also kept.</p>'


def test_utf16_xhtml_is_read():
    files = [
        ("META-INF/container.xml", build.container_xml()),
        (
            "content.opf",
            build.package_opf(
                ['<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>'],
                ['<itemref idref="c1"/>'],
            ),
        ),
        ("c1.xhtml", build.xhtml("One", "<p>Ünïcödé text.</p>").encode("utf-16")),
    ]
    assert parse(build.zip_bytes(files)).chapters[0].html == "<p>Ünïcödé text.</p>"


def test_hrefs_with_escapes_and_subfolders_resolve():
    files = [
        ("META-INF/container.xml", build.container_xml("OPS/book.opf")),
        (
            "OPS/book.opf",
            build.package_opf(
                [
                    '<item id="c1" href="Text/Chapter%201.xhtml" '
                    'media-type="application/xhtml+xml"/>'
                ],
                ['<itemref idref="c1"/>'],
            ).replace('href="toc.ncx"', 'href="../toc.ncx"'),
        ),
        ("OPS/Text/Chapter 1.xhtml", build.xhtml("One", "<p>Found.</p>")),
    ]
    assert parse(build.zip_bytes(files)).chapters[0].html == "<p>Found.</p>"


# --- limits -------------------------------------------------------------------------------------


def test_more_than_500_chapters_is_refused():
    chapters = [(f"C{i}", f"<p>Chapter {i}.</p>") for i in range(MAX_CHAPTERS + 1)]
    assert refused(build.minimal_epub(chapters)) == "the EPUB has more than 500 chapters"


def test_exactly_500_chapters_are_fine():
    chapters = [(f"C{i}", f"<p>Chapter {i}.</p>") for i in range(MAX_CHAPTERS)]
    assert len(parse(build.minimal_epub(chapters)).chapters) == MAX_CHAPTERS


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_a_chapter_over_2_mb_is_refused():
    huge = build.prose_html(MAX_CHAPTER_BYTES // 5)
    assert refused(build.minimal_epub([("One", "<p>Fine.</p>"), ("Two", huge)])) == (
        "chapter 2 is larger than 2 MB; split it into smaller chapters"
    )


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_a_fanficfare_chapter_over_2_mb_is_refused():
    huge = build.prose_html(MAX_CHAPTER_BYTES // 5)
    book = FanFicFareBook(chapters=[("Huge", huge)])
    assert "larger than 2 MB" in refused(build.fanficfare_epub(book))


def test_an_epub_with_no_text_is_refused():
    data = build.minimal_epub([("Cover", '<div><img src="cover.png" alt=""/></div>')])
    assert refused(data) == "the EPUB has no story text"


# --- broken and hostile EPUBs -------------------------------------------------------------------

ENTITIES = "declares XML entities, which EPUB files never need: refused as unsafe"


@pytest.mark.parametrize("where", ["opf", "chapter", "container"])
def test_billion_laughs_is_refused(where):
    assert ENTITIES in refused(build.billion_laughs_epub(where))


@pytest.mark.parametrize("where", ["opf", "chapter"])
def test_an_external_entity_is_refused_and_nothing_is_read(where):
    reason = refused(build.external_entity_epub(where))
    assert ENTITIES in reason
    assert "root:" not in reason


def test_entity_bomb_in_a_chapter_that_is_not_well_formed_is_refused_too():
    chapter = (
        b'<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<html><body><p>&b;<p>unclosed</body></html>"
    )
    members = build._epub_members(chapter=chapter)
    assert ENTITIES in refused(build.raw_zip(members))


def test_missing_container_is_refused():
    assert refused(build.missing_container_epub()) == (
        "not an EPUB: META-INF/container.xml is missing"
    )


def test_spine_pointing_to_a_missing_file_is_refused():
    assert refused(build.missing_spine_file_epub()) == (
        'the EPUB\'s reading order names "c1.xhtml", which is missing from the file'
    )


def test_spine_naming_an_item_the_manifest_lacks_is_refused():
    opf = build.package_opf([], ['<itemref idref="ghost"/>'])
    assert "manifest doesn't list" in refused(build.raw_zip(build._epub_members(opf=opf)))


def test_empty_spine_is_refused():
    opf = build.package_opf(
        ['<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>'], []
    )
    assert refused(build.raw_zip(build._epub_members(opf=opf))) == (
        "the EPUB's reading order (spine) is empty"
    )


def test_opf_that_is_not_xml_is_refused():
    reason = refused(build.raw_zip(build._epub_members(opf="<package><metadata>")))
    assert reason == '"content.opf" in the EPUB is not well-formed XML'


def test_container_naming_a_missing_package_is_refused():
    members = build._epub_members()
    members[1] = build.raw_member(
        "META-INF/container.xml", build.container_xml("nowhere.opf").encode()
    )
    assert refused(build.raw_zip(members)) == 'the EPUB\'s package file "nowhere.opf" is missing'


def test_container_without_a_rootfile_is_refused():
    members = build._epub_members()
    members[1] = build.raw_member(
        "META-INF/container.xml",
        b'<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"/>',
    )
    assert "names no package" in refused(build.raw_zip(members))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (build.bomb_epub(300 * build.MB), '"c1.xhtml" in the zip file unpacks to more than 20 MB'),
        (build.path_epub("../../evil.sh"), "refused as unsafe"),
        (build.path_epub("/etc/passwd"), "absolute path"),
        (build.encrypted_epub(), "password-protected"),
        (build.truncated_epub(), "damaged or truncated"),
        (build.duplicate_name_epub(), "twice"),
        (build.many_members_zip(5_000), "more than 2,000 files"),
    ],
    ids=["bomb", "dotdot", "absolute", "encrypted", "truncated", "duplicate", "many"],
)
def test_hostile_zips_are_refused(data, reason):
    assert reason in refused(data)


# --- properties: nothing but ImportFailed --------------------------------------------------------


def parses_or_fails_cleanly(data: bytes) -> None:
    try:
        work = parse(data)
    except ImportFailed as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert work.chapters


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise_anything_else(data):
    parses_or_fails_cleanly(data)
    parses_or_fails_cleanly(b"PK\x03\x04" + data)


_VALID = {
    "fanficfare": build.fanficfare_files(),
    "ao3": build.ao3_files(),
    "epub3": build.generic_epub3_files(),
}


def _mutate(data: bytes, draw) -> bytes:
    raw = bytearray(data)
    if not raw:
        return bytes(draw(st.binary(max_size=64)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(raw) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip":
            raw[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "delete":
            del raw[position : position + draw(st.integers(1, 64))]
        else:
            raw[position:position] = draw(
                st.sampled_from([b"<", b">", b"&", b"&nbsp;", b"<!ENTITY x 'y'>", b"\x00", b"]]>"])
            )
        if not raw:
            break
    return bytes(raw)


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_VALID)), st.data())
def test_mutated_member_contents_never_raise_anything_else(kind, data):
    files = list(_VALID[kind])
    index = data.draw(st.integers(0, len(files) - 1))
    name, content = files[index]
    raw = content.encode() if isinstance(content, str) else content
    files[index] = (name, _mutate(raw, data.draw))
    parses_or_fails_cleanly(build.zip_bytes(files))


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_VALID)), st.booleans(), st.data())
def test_mutated_epub_bytes_never_raise_anything_else(kind, stored, data):
    epub = build.zip_bytes(_VALID[kind], stored=stored)
    raw = bytearray(epub)
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] ^= 1 << data.draw(st.integers(0, 7))
    raw = raw[: data.draw(st.integers(1, len(raw)))]
    parses_or_fails_cleanly(bytes(raw))


# --- small parsers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2015-03-02", datetime.date(2015, 3, 2)),
        ("2015-3-2", datetime.date(2015, 3, 2)),
        ("2015-03-02T10:20:30+00:00", datetime.date(2015, 3, 2)),
        ("2015-03-02 10:20:30", datetime.date(2015, 3, 2)),
        ("2015/03/02", datetime.date(2015, 3, 2)),
        ("2 Mar 2015", datetime.date(2015, 3, 2)),
        ("2 March 2015", datetime.date(2015, 3, 2)),
        ("Mar 2, 2015", datetime.date(2015, 3, 2)),
        ("March 2, 2015", datetime.date(2015, 3, 2)),
        ("March 2, 2015 10:00 AM", datetime.date(2015, 3, 2)),
        ("03/02/2015", datetime.date(2015, 3, 2)),
        ("02.03.2015", datetime.date(2015, 3, 2)),
        ("20150302", datetime.date(2015, 3, 2)),
        ("0101-01-01T00:00:00+00:00", None),
        ("2015-13-45", None),
        ("sometime", None),
        ("", None),
    ],
)
def test_dates(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("K", "General Audiences"),
        ("K+", "General Audiences"),
        ("Fiction T", "Teen And Up Audiences"),
        ("T", "Teen And Up Audiences"),
        ("M", "Mature"),
        ("MA", "Explicit"),
        ("NC-17", "Explicit"),
        ("Explicit", "Explicit"),
        ("teen and up audiences", "Teen And Up Audiences"),
        ("Not Rated", "Not Rated"),
        ("Spicy", ""),
    ],
)
def test_ratings(text, rating):
    assert rating_from(text) == rating


# --- the fixtures are real EPUBs ------------------------------------------------------------------


def _epubcheck(path: Path) -> str:
    """epubcheck's complaints about one file ("" when it is valid)."""
    result = subprocess.run(  # noqa: S603 (a fixed command on a file we wrote)
        # C1-only JIT: the check is short, and this halves the JVM's start-up.
        ["java", "-XX:TieredStopAtLevel=1", "-jar", str(EPUBCHECK), "-q", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


@pytest.mark.database_independent("epubcheck on EPUB files built in memory, no database")
@pytest.mark.skipif(
    not (EPUBCHECK.exists() and shutil.which("java")), reason="epubcheck is not installed"
)
def test_fixtures_pass_epubcheck(tmp_path):
    books = {
        "fanficfare": build.fanficfare_epub(),
        "fanficfare-table": build.fanficfare_epub(
            FanFicFareBook(table=True, log_page=True, series=("S", 2))
        ),
        "ao3": build.ao3_epub(),
        "ao3-split": build.ao3_epub(split_chapter=1),
        "epub3": build.generic_epub3(),
        "calibre-split": build.calibre_epub2([("A", ["<p>One.</p>", "<p>Two.</p>"])]),
    }
    paths = []
    for name, data in books.items():
        path = tmp_path / f"{name}.epub"
        path.write_bytes(data)
        paths.append(path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        complaints = dict(zip(books, pool.map(_epubcheck, paths), strict=True))
    assert {name: text for name, text in complaints.items() if text} == {}


def test_big_epub_parses():
    work = parse(build.big_epub(100_000, chapters=25))
    assert len(work.chapters) == 25
    assert sum(len(c.html.split()) for c in work.chapters) > 95_000
