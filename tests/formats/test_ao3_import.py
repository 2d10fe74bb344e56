"""AO3 downloads: every field of the preface, chapters and afterword, the EPUB XHTML pieces,
and broken or hostile files."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.ao3 import (
    MAX_CHAPTERS,
    ao3_soup,
    ao3_work_url,
    is_ao3_html,
    parse_ao3_document,
    parse_ao3_html,
)
from fichive.formats.importers.base import ParsedWork
from fichive.formats.importers.html import html_soup, html_tree
from fichive.lib.sanitize import sanitize_html
from tests.formats.builders import (
    PROSE,
    SECOND_PROSE,
    Ao3Chapter,
    Ao3Work,
    ao3_chapters,
    ao3_html,
    ao3_work,
    ao3_xhtml_documents,
    paragraphs_html,
    prose,
    story_html,
)


def parse(work: Ao3Work | str | bytes, **changes) -> ParsedWork:
    if isinstance(work, Ao3Work):
        work = ao3_html(work, **changes)
    data = work.encode() if isinstance(work, str) else work
    return parse_ao3_html(data, filename="gull_rock.html")


def full_work() -> Ao3Work:
    """A multi-chapter work with every field the preface can show."""
    return ao3_work(
        title="The Keeper of Gull Rock & Other Lights",
        work_id=4815162,
        creators=["saltwick", "Tern"],
        logins={"Tern": "ternary"},
        rating="Mature",
        warnings=["Graphic Depictions Of Violence", "Major Character Death"],
        categories=["F/F", "Gen"],
        fandoms=["The Tidewater Chronicles", "Lamps & Lenses (Radio)"],
        relationships=["Ilse Brandt/Marguerite Vell", "Ilse Brandt & Jonah Brandt"],
        characters=["Ilse Brandt", "Jonah Brandt", "Marguerite Vell"],
        freeforms=["Lighthouses", "Found Family", "Slow Burn"],
        language="English",
        series=[("Lights, Along the Coast", 2), ("Tidewater Shorts", 11)],
        collections=["Lighthouse Week 2021"],
        published=datetime.date(2021, 3, 14),
        updated=datetime.date(2022, 5, 1),
        complete=False,
        expected_chapters=5,
        summary="<p>A lighthouse, a clock, and a <em>letter</em> nobody wanted.</p>",
        notes="<p>Written for Lighthouse Week.</p><p>Thanks to my beta.</p>",
        end_notes="<p>Come say hello on my blog.</p>",
        chapters=ao3_chapters(3, notes=True),
    )


# --- every field ------------------------------------------------------------------------------


def test_every_preface_field_round_trips():
    work = parse(full_work())

    assert work.format == "ao3"
    assert work.title == "The Keeper of Gull Rock & Other Lights"
    assert work.creators == ["saltwick", "Tern"]
    assert work.rating == "Mature"
    assert work.warnings == ["Graphic Depictions Of Violence", "Major Character Death"]
    assert work.categories == ["F/F", "Gen"]
    assert work.fandoms == ["The Tidewater Chronicles", "Lamps & Lenses (Radio)"]
    assert work.relationships == ["Ilse Brandt/Marguerite Vell", "Ilse Brandt & Jonah Brandt"]
    assert work.characters == ["Ilse Brandt", "Jonah Brandt", "Marguerite Vell"]
    assert work.freeforms == ["Lighthouses", "Found Family", "Slow Burn"]
    assert work.language == "English"
    assert work.series == [("Lights, Along the Coast", 2), ("Tidewater Shorts", 11)]
    assert work.published == datetime.date(2021, 3, 14)
    assert work.updated == datetime.date(2022, 5, 1)
    assert work.expected_chapters == 5
    assert work.complete is False
    assert work.source_url == "https://archiveofourown.org/works/4815162"
    assert work.summary == "<p>A lighthouse, a clock, and a <em>letter</em> nobody wanted.</p>"
    assert work.notes == "<p>Written for Lighthouse Week.</p><p>Thanks to my beta.</p>"
    assert work.end_notes == "<p>Come say hello on my blog.</p>"


def test_every_chapter_field_round_trips():
    source = full_work()

    work = parse(source)

    assert len(work.chapters) == 3
    for n, (chapter, written) in enumerate(zip(work.chapters, source.chapters, strict=True), 1):
        assert chapter.title == f"Tide {n}"
        assert chapter.summary == f"<p>In which chapter {n} happens.</p>"
        assert chapter.notes == f"<p>Notes before chapter {n}.</p>"
        assert chapter.end_notes == f"<p>Notes after chapter {n}.</p>"
        assert chapter.html == written.body


def test_one_shot_reads_its_text_and_work_notes():
    source = ao3_work(notes="<p>Hello.</p>", end_notes="<p>Goodbye.</p>")

    work = parse(source)

    assert len(work.chapters) == 1
    chapter = work.chapters[0]
    assert chapter.html == source.chapters[0].body
    assert (chapter.title, chapter.summary, chapter.notes, chapter.end_notes) == ("", "", "", "")
    assert (work.notes, work.end_notes) == ("<p>Hello.</p>", "<p>Goodbye.</p>")
    assert (work.expected_chapters, work.complete) == (1, True)


def test_work_without_summary_or_notes():
    work = parse(ao3_work(summary="", notes="", end_notes="", chapters=ao3_chapters(2)))

    assert (work.summary, work.notes, work.end_notes) == ("", "", "")
    assert [(c.summary, c.notes, c.end_notes) for c in work.chapters] == [("", "", "")] * 2


def test_end_notes_only_leave_the_beginning_notes_empty():
    work = parse(ao3_work(notes="", end_notes="<p>After.</p>"))

    assert (work.notes, work.end_notes) == ("", "<p>After.</p>")


def test_chapter_with_end_notes_only():
    chapters = [Ao3Chapter(prose(3), end_notes="<p>Later.</p>"), Ao3Chapter(prose(2))]

    work = parse(ao3_work(chapters=chapters))

    assert [(c.notes, c.end_notes) for c in work.chapters] == [("", "<p>Later.</p>"), ("", "")]


def test_work_in_progress_with_unknown_chapter_total():
    work = parse(
        ao3_work(
            chapters=ao3_chapters(3),
            complete=False,
            expected_chapters=None,
            updated=datetime.date(2023, 8, 9),
        )
    )

    assert work.expected_chapters is None
    assert work.complete is False
    assert work.updated == datetime.date(2023, 8, 9)


def test_completed_work():
    work = parse(
        ao3_work(chapters=ao3_chapters(4), complete=True, updated=datetime.date(2022, 2, 2))
    )

    assert (work.expected_chapters, work.complete) == (4, True)
    assert work.updated == datetime.date(2022, 2, 2)


def test_work_never_updated_has_no_updated_date():
    work = parse(ao3_work(updated=None))

    assert work.published == datetime.date(2021, 3, 14)
    assert work.updated is None


def test_old_one_shot_without_a_chapter_count_is_complete():
    work = parse(ao3_work(show_chapter_count=False))

    assert (work.expected_chapters, work.complete) == (1, True)


def test_singular_labels_are_read():
    work = parse(full_work(), singular_labels=True)

    assert work.warnings == ["Graphic Depictions Of Violence", "Major Character Death"]
    assert work.fandoms == ["The Tidewater Chronicles", "Lamps & Lenses (Radio)"]
    assert work.freeforms == ["Lighthouses", "Found Family", "Slow Burn"]


def test_missing_tag_fields_are_empty():
    work = parse(ao3_work(relationships=[], characters=[], freeforms=[], categories=[]))

    assert (work.relationships, work.characters, work.freeforms, work.categories) == (
        [],
        [],
        [],
        [],
    )


def test_chapter_titles():
    chapters = [
        Ao3Chapter(prose(2), title=""),
        Ao3Chapter(prose(2), title="The Storm: Part One"),
        Ao3Chapter(prose(2), title="3"),
    ]

    work = parse(ao3_work(chapters=chapters))

    assert [c.title for c in work.chapters] == ["", "The Storm: Part One", "3"]


def test_pseud_shown_with_its_login_is_read_as_the_pseud():
    work = parse(ao3_work(creators=["Tern", "Gannet (Seabird)"], logins={"Tern": "ternary"}))

    assert work.creators == ["Tern", "Gannet (Seabird)"]


def test_anonymous_work():
    assert parse(ao3_work(creators=[])).creators == ["Anonymous"]


@pytest.mark.parametrize(
    "url",
    [
        "http://archiveofourown.org/works/4815162",
        "https://www.archiveofourown.org/works/4815162/chapters/99",
        "https://archiveofourown.org/collections/lightweek/works/4815162",
        "https://ao3.org/works/4815162?view_adult=true",
        "https://archiveofourown.org/works/4815162/",
    ],
)
def test_source_url_is_normalized(url):
    assert parse(ao3_work(url=url)).source_url == "https://archiveofourown.org/works/4815162"
    assert ao3_work_url(f"see {url} for more") == "https://archiveofourown.org/works/4815162"


def test_not_an_ao3_url():
    assert ao3_work_url("https://example.org/works/12") == ""
    assert parse(ao3_work(url="https://example.org/works/12")).source_url == ""


def test_series_title_with_commas_and_part_numbers():
    work = parse(ao3_work(series=[("One, Two, Three", 3), ("Part 4 of Nothing", 1)]))

    assert work.series == [("One, Two, Three", 3), ("Part 4 of Nothing", 1)]


def test_chapter_text_markup_is_kept():
    body = (
        '<p>She <em>ran</em>.</p>\n<p align="center">* * *</p>\n<hr />\n'
        '<p class="text-message">It read: <strong>come home</strong></p>'
    )

    work = parse(ao3_work(chapters=[Ao3Chapter(html=body)]))

    assert work.chapters[0].html == body


def test_notes_in_chapter_text_are_not_mistaken_for_structure():
    body = (
        "<p>Summary</p><blockquote><p>quoted</p></blockquote>"
        '<h2 class="heading">Chapter 9: Fake</h2><p>Text.</p>'
    )

    work = parse(ao3_work(chapters=[Ao3Chapter(html=body), Ao3Chapter(prose(2))]))

    assert len(work.chapters) == 2
    assert work.chapters[0].html == body
    assert work.summary.startswith("<p>A lighthouse")


# --- detection ---------------------------------------------------------------------------------


def test_ao3_files_are_recognised_as_text_bytes_and_trees():
    document = ao3_html(full_work())

    assert is_ao3_html(document)
    assert is_ao3_html(document.encode())
    assert is_ao3_html(html_soup(document))


@pytest.mark.parametrize(
    "document",
    [
        story_html(paragraphs_html(PROSE)),
        story_html('<div id="preface"><p>A preface of my own.</p></div>'),
        "Archive of Our Own, but no preface",
        "",
    ],
)
def test_other_files_are_not_ao3(document):
    assert not is_ao3_html(document)
    assert not is_ao3_html(html_soup(document) if document else html_soup("<p></p>"))


def test_other_html_is_refused():
    with pytest.raises(ImportFailed, match="not an AO3 download"):
        parse(story_html(paragraphs_html(PROSE)))


# --- AO3's EPUBs: the same markup in XHTML files --------------------------------------------


def test_epub_xhtml_documents_read_like_the_html_download():
    source = full_work()

    from_epub = parse_ao3_document(ao3_soup(ao3_xhtml_documents(source)))

    assert from_epub == parse(source)


def test_epub_one_shot_reads_like_the_html_download():
    source = ao3_work(end_notes="<p>Bye.</p>")

    assert parse_ao3_document(ao3_soup(ao3_xhtml_documents(source))) == parse(source)


def test_document_without_class_names_still_reads_chapters():
    document = ao3_html(full_work())
    stripped = document.replace(' class="heading"', "").replace(' class="meta group"', "")

    work = parse_ao3_document(html_soup(stripped))

    assert [c.title for c in work.chapters] == ["Tide 1", "Tide 2", "Tide 3"]


def test_lxml_and_beautifulsoup_trees_read_the_same():
    document = ao3_html(full_work())

    assert is_ao3_html(html_tree(document))
    assert parse_ao3_document(html_tree(document)) == parse_ao3_document(html_soup(document))
    assert parse_ao3_document(html_tree(document)) == parse(document)


def test_download_whose_html_tag_is_broken_still_reads():
    # A duplicate attribute makes the parser close <html> at once and keep the rest beside it.
    document = ao3_html(full_work()).replace(
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">',
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns="x" />',
    )

    work = parse(document)

    assert work.title == "The Keeper of Gull Rock & Other Lights"
    assert [c.title for c in work.chapters] == ["Tide 1", "Tide 2", "Tide 3"]
    assert work.fandoms == ["The Tidewater Chronicles", "Lamps & Lenses (Radio)"]


def test_indentation_between_tags_is_read_as_one_newline():
    body = "<div>\n      <p>One.</p>\n      <p>Two.</p>\n    </div>"

    work = parse(ao3_work(chapters=[Ao3Chapter(html=body)]))

    assert work.chapters[0].html == "<div>\n<p>One.</p>\n<p>Two.</p>\n</div>"


def test_parse_ao3_document_leaves_the_tree_alone():
    soup = html_soup(ao3_html(full_work(), notes="<p>x<script>y</script></p>"))
    before = str(soup)

    work = parse_ao3_document(soup)

    assert str(soup) == before
    assert "script" not in work.notes


# --- bad and hostile files ------------------------------------------------------------------


def test_scripts_and_handlers_in_chapters_and_notes_are_removed():
    body = '<p onclick="steal()">The lamp lit.</p><script>alert(1)</script><iframe>x</iframe>'

    work = parse(
        ao3_work(
            chapters=[Ao3Chapter(html=body), Ao3Chapter(prose(2))],
            summary='<p>Sum<script>bad()</script>mary <a href="#" onmouseover="x()">x</a></p>',
        )
    )

    everything = work.chapters[0].html + work.summary
    for gone in ("script", "onclick", "onmouseover", "alert", "bad()", "iframe"):
        assert gone not in everything
        assert gone not in sanitize_html(everything)
    assert "The lamp lit." in work.chapters[0].html
    assert work.summary.startswith("<p>Summary")


def test_file_cut_in_a_later_chapter_keeps_the_chapters_before_it():
    document = ao3_html(full_work())
    cut = document.index("Chapter 3: Tide 3") + 40

    work = parse(document[:cut])

    assert [c.title for c in work.chapters] == ["Tide 1", "Tide 2"]
    assert work.fandoms == ["The Tidewater Chronicles", "Lamps & Lenses (Radio)"]


def test_file_cut_in_the_middle_of_a_chapter_keeps_what_is_there():
    source = full_work()
    source.chapters[1].paragraphs = SECOND_PROSE
    document = ao3_html(source)
    text = SECOND_PROSE[1]
    cut = document.index(text) + 20

    work = parse(document[:cut])

    assert len(work.chapters) == 2
    assert work.chapters[1].html.endswith(text[:20] + "</p>")


def test_file_cut_in_the_preface_is_refused():
    document = ao3_html(full_work())

    with pytest.raises(ImportFailed, match="no story text"):
        parse(document[: document.index("<h1>")])


def test_entity_declarations_are_never_expanded():
    document = (
        ao3_html(full_work())
        .replace(
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
            '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY file SYSTEM "file:///etc/passwd">]>',
        )
        .replace("Tide 1", "Tide &b;&file;")
    )

    work = parse(document)

    assert work.chapters[0].title == "Tide &b;&file;"
    assert "aaaa" not in work.chapters[0].title


def test_too_many_chapters_are_refused():
    chapters = [Ao3Chapter(["x"], title=str(n)) for n in range(MAX_CHAPTERS + 1)]

    with pytest.raises(ImportFailed, match="more than 500 chapters"):
        parse(ao3_work(chapters=chapters))


def test_five_hundred_chapters_are_fine():
    chapters = [Ao3Chapter(["x"]) for _ in range(MAX_CHAPTERS)]

    assert len(parse(ao3_work(chapters=chapters)).chapters) == MAX_CHAPTERS


def test_huge_numbers_in_the_stats_do_not_crash():
    document = ao3_html(full_work()).replace("Chapters: 3/5", "Chapters: 3/" + "9" * 5000)
    document = document.replace("Part 2 of", "Part " + "9" * 5000 + " of")

    work = parse(document)

    assert work.expected_chapters is None or work.expected_chapters > 0


def test_impossible_dates_are_ignored():
    document = ao3_html(full_work()).replace("2021-03-14", "2021-02-30")

    assert parse(document).published is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_raise_nothing_but_import_failed(data):
    try:
        work = parse_ao3_html(data, filename="x.html")
    except ImportFailed:
        return
    assert work.chapters


_VALID = ao3_html(full_work()).encode()
_SHORT = ao3_html(
    ao3_work(chapters=ao3_chapters(2, paragraphs=2, notes=True), end_notes="<p>e</p>")
).encode()
_SNIPPETS = [
    b"<",
    b">",
    b"</div>",
    b"<div>",
    b'<h2 class="heading">',
    b"<!--",
    b"-->",
    b'"',
    b"<dt>",
    b"<dd>",
    b"</dl>",
    b"<blockquote>",
    b"<p>Notes</p>",
    b"&",
    b"\x00",
    b"\xff",
    b"\xe2\x80",
    b'id="chapters"',
    b'id="preface"',
    b"Chapters: 9/?",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from([_VALID, _SHORT])))
    for _ in range(draw(st.integers(1, 8))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "delete", "insert", "flip", "truncate"]))
        if kind == "truncate":
            del data[where:]
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 200))]
        elif kind == "insert":
            data[where:where] = draw(st.one_of(st.sampled_from(_SNIPPETS), st.binary(max_size=20)))
        elif kind == "flip" and where < len(data):
            data[where] = draw(st.integers(0, 255))
        elif kind == "cut":
            data = data[where:]
    return bytes(data)


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_ao3_files_raise_nothing_but_import_failed(data):
    try:
        work = parse_ao3_html(data, filename="x.html")
    except ImportFailed:
        return
    assert work.chapters
    assert all(isinstance(chapter.html, str) for chapter in work.chapters)
