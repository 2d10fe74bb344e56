"""HTML import: decoding, titles, paragraphs and markup, scene breaks, notes, chapters, and
files that are broken or hostile."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedWork
from fichive.formats.importers.html import (
    MAX_CHAPTERS,
    MAX_ELEMENTS,
    MAX_HTML_BYTES,
    inner_html,
    parse_html,
    remove_unsafe,
    serialize_html,
)
from fichive.lib.sanitize import sanitize_html, userstuff_from_input
from tests.formats.builders import PROSE, SECOND_PROSE, paragraphs_html, prose, story_html


def parse(body: str | bytes, *, filename: str = "gull_rock.html", **kwargs) -> ParsedWork:
    data = body.encode() if isinstance(body, str) else body
    return parse_html(data, filename=filename, **kwargs)


def page(body: str, **kwargs) -> ParsedWork:
    return parse(story_html(body, **kwargs))


def text_html(body: str, **kwargs) -> str:
    return page(body, **kwargs).chapters[0].html


def lines(html: str) -> list[str]:
    return [line for line in html.split("\n") if line]


def p(*texts: str) -> list[str]:
    return ["<hr />" if t == "---" else f"<p>{t}</p>" for t in texts]


# --- paragraphs and markup ------------------------------------------------------------------


def test_paragraphs_and_inline_markup_are_kept():
    body = "<p>The ferry was <em>late</em>.</p>\n<p>She <strong>ran</strong>, <i>twice</i>.</p>"

    assert lines(text_html(body)) == p(
        "The ferry was <em>late</em>.", "She <strong>ran</strong>, <i>twice</i>."
    )


def test_lists_blockquotes_and_tables_are_kept():
    body = (
        "<p>The list:</p><ul><li>oil</li><li>wick</li></ul>"
        "<blockquote><p>Keep the light.</p></blockquote><ol start='3'><li>three</li></ol>"
        "<table><tr><td>tide</td><td>6:40</td></tr></table>"
    )

    html = text_html(body)

    assert "<ul><li>oil</li><li>wick</li></ul>" in html
    assert "<blockquote><p>Keep the light.</p></blockquote>" in html
    assert '<ol start="3"><li>three</li></ol>' in html
    assert "<td>tide</td>" in html


def test_source_line_breaks_inside_a_paragraph_are_spaces():
    assert lines(text_html("<p>The tide\n   came in\tslowly.</p>")) == p("The tide came in slowly.")


def test_preformatted_text_keeps_its_whitespace():
    assert "<pre>a  b\n  c</pre>" in text_html("<p>Log:</p><pre>a  b\n  c</pre>")


def test_loose_text_becomes_paragraphs_at_double_line_breaks():
    body = "One evening.<br><br>Two lines<br>\nof verse.<br>\n<br>Three."

    assert lines(text_html(body)) == p("One evening.", "Two lines<br />of verse.", "Three.")


def test_wrapper_divs_are_looked_into():
    body = "<div id='content'><div class='story'><p>First.</p><p>Second.</p></div></div>"

    assert lines(text_html(body)) == p("First.", "Second.")


def test_divs_of_text_become_paragraphs():
    assert lines(text_html("<div>First.</div><div>Second.</div>")) == p("First.", "Second.")


def test_empty_spacing_paragraphs_are_dropped():
    body = "<p>First.</p><p>&nbsp;</p><p> </p><p><br></p><p>Second.</p>"

    assert lines(text_html(body)) == p("First.", "Second.")


def test_images_are_kept():
    html = text_html('<p>Look:</p><p><img src="https://example.org/map.png" alt="map"></p>')

    assert '<img src="https://example.org/map.png" alt="map" />' in html


def test_centred_text_keeps_its_alignment():
    html = text_html('<div style="text-align: center">The End?</div><p>No.</p>')

    assert '<p align="center">The End?</p>' in html


def test_classes_ids_and_styles_of_saved_pages_are_dropped():
    html = text_html('<p class="MsoNormal" id="x" style="color:red">Plain.</p><p>More.</p>')

    assert lines(html) == p("Plain.", "More.")


def test_format_is_html():
    assert page(paragraphs_html(PROSE[:3])).format == "html"


# --- scene breaks -----------------------------------------------------------------------------

SEPARATORS = [
    "<hr>",
    "<hr/>",
    '<hr class="break" style="width:50%">',
    "<p>* * *</p>",
    "<p>~~~</p>",
    "<p>oOo</p>",
    "<p>-oOo-</p>",
    "<p>xXx</p>",
    '<p align="center">***</p>',
    '<p style="text-align:center">~*~*~</p>',
    '<div style="text-align:center">* * *</div>',
    "<center>* * *</center>",
    "<center><p>#</p></center>",
    "<p><b>* * *</b></p>",
    "<p>&nbsp;* * *&nbsp;</p>",
    "<p>Line Break</p>",
    "<h3>***</h3>",
]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_separator_becomes_exactly_one_scene_break(separator):
    html = text_html(f"<p>{PROSE[0]}</p>\n{separator}\n<p>{PROSE[1]}</p>")

    assert html.count("<hr />") == 1
    assert lines(html)[1] == "<hr />"
    assert len(lines(html)) == 3


def test_each_separator_in_a_story_is_one_break():
    pairs = zip(PROSE[:-1], SEPARATORS, strict=False)
    body = "".join(f"<p>{text}</p>{separator}" for text, separator in pairs)
    body += f"<p>{PROSE[-1]}</p>"

    html = text_html(body)

    assert html.count("<hr />") == len(PROSE) - 1


def test_scene_breaks_survive_the_sanitizer():
    html = text_html(f"<p>{PROSE[0]}</p><p>* * *</p><p>{PROSE[1]}</p>")

    assert sanitize_html(html).count("<hr") == 1
    assert userstuff_from_input(html).count("<hr") == 1


def test_separators_in_a_row_make_one_break():
    html = text_html(f"<p>{PROSE[0]}</p><hr><p>* * *</p><hr><p>{PROSE[1]}</p>")

    assert html.count("<hr />") == 1


def test_separators_at_the_start_and_end_are_dropped():
    html = text_html(f"<hr><p>* * *</p><p>{PROSE[0]}</p><p>{PROSE[1]}</p><p>~~~</p><hr>")

    assert "<hr />" not in html


@pytest.mark.parametrize("text", ["...", "…", "Oh.", "xx", "Ooo...", "Chapter 2"])
def test_short_text_is_not_a_break(text):
    html = text_html(f"<p>{PROSE[0]}</p><p>{text}</p><p>{PROSE[1]}</p>")

    assert "<hr />" not in html


def test_rule_inside_a_blockquote_is_left_alone():
    html = text_html(f"<p>{PROSE[0]}</p><blockquote><p>a</p><hr><p>b</p></blockquote>")

    assert "<blockquote><p>a</p><hr /><p>b</p></blockquote>" in html


# --- titles and bylines -------------------------------------------------------------------------


def test_title_from_a_leading_h1_which_leaves_the_text():
    work = page(f"<h1>Salt and Lanterns</h1>{paragraphs_html(PROSE[:2])}", title="Ignored")

    assert work.title == "Salt and Lanterns"
    assert "Salt and Lanterns" not in work.chapters[0].html


def test_title_from_the_title_element_without_an_h1():
    work = page(paragraphs_html(PROSE[:2]), title="The Keeper of Gull Rock")

    assert work.title == "The Keeper of Gull Rock"


def test_title_line_repeating_the_title_element_is_dropped():
    body = f"<p><b>The Keeper of Gull Rock</b></p>{paragraphs_html(PROSE[:2])}"

    work = page(body, title="The Keeper of Gull Rock")

    assert lines(work.chapters[0].html) == p(*PROSE[:2])


def test_title_from_the_file_name_without_title_or_h1():
    work = parse(story_html(paragraphs_html(PROSE[:2]), title=None), filename="the_map_shop.htm")

    assert work.title == "the map shop"


def test_given_title_wins_and_drops_a_matching_h1():
    work = page(f"<h1>Gull Rock</h1>{paragraphs_html(PROSE[:2])}")
    given_title = parse(
        story_html(f"<h1>Gull Rock</h1>{paragraphs_html(PROSE[:2])}"), title="Gull Rock"
    )

    assert work.title == given_title.title == "Gull Rock"
    assert "Gull Rock</h1>" not in given_title.chapters[0].html
    assert parse(story_html(paragraphs_html(PROSE[:2])), title="Mine").title == "Mine"


def test_chapter_heading_h1_is_not_the_title():
    work = page(f"<h1>Chapter 1</h1>{paragraphs_html(PROSE[:2])}", title="Gull Rock")

    assert work.title == "Gull Rock"
    assert work.chapters[0].title == ""
    assert lines(work.chapters[0].html) == p(*PROSE[:2])


def test_by_line_under_the_title_names_the_creator():
    work = page(f"<h1>Gull Rock</h1><p>by Wren Halloway</p>{paragraphs_html(PROSE[:2])}")

    assert work.creators == ["Wren Halloway"]
    assert "Wren" not in work.chapters[0].html


def test_leading_chapter_heading_becomes_the_chapter_title():
    work = page(f"<h1>Gull Rock</h1><h2>Chapter 1: The Clock</h2>{paragraphs_html(PROSE[:2])}")

    assert work.chapters[0].title == "The Clock"
    assert lines(work.chapters[0].html) == p(*PROSE[:2])


# --- author's notes --------------------------------------------------------------------------


def test_author_note_at_the_start_goes_to_notes_without_its_label():
    body = (
        '<p><b>A/N:</b> For my sister, who <a href="https://example.org">loves</a> boats.</p>'
        + paragraphs_html(PROSE[:3])
    )

    work = page(body)

    assert work.notes == (
        '<p>For my sister, who <a href="https://example.org">loves</a> boats.</p>'
    )
    assert lines(work.chapters[0].html) == p(*PROSE[:3])


def test_author_note_at_the_end_goes_to_end_notes():
    body = paragraphs_html(PROSE[:3]) + "<p>(A/N: Thanks for <em>reading</em>!)</p>"

    work = page(body)

    assert work.end_notes == "<p>Thanks for <em>reading</em>!</p>"
    assert lines(work.chapters[0].html) == p(*PROSE[:3])


def test_disclaimer_then_chapter_heading_then_story():
    body = "<p>Disclaimer: I own nothing but the lighthouse.</p><p>Chapter 1</p>" + paragraphs_html(
        PROSE[:3]
    )

    work = page(body)

    assert work.notes == "<p>Disclaimer: I own nothing but the lighthouse.</p>"
    assert lines(work.chapters[0].html) == p(*PROSE[:3])


def test_summary_label_at_the_start_becomes_the_summary():
    body = "<p>Summary: A <i>clock</i> and a letter.</p>" + paragraphs_html(PROSE[:3])

    work = page(body)

    assert work.summary == "<p>A <i>clock</i> and a letter.</p>"
    assert work.notes == ""


def test_story_text_is_never_lost_around_notes():
    body = "<p>A/N: hello</p>" + paragraphs_html(PROSE) + "<p>Please review!</p>"

    work = page(body)

    assert lines(work.chapters[0].html) == p(*PROSE)
    assert work.notes == "<p>hello</p>"
    assert work.end_notes == "<p>Please review!</p>"


# --- chapters ---------------------------------------------------------------------------------


def chaptered(headings: list[str], *, tag: str = "h2", front: str = "") -> str:
    parts = [front]
    for n, heading in enumerate(headings):
        parts.append(f"<{tag}>{heading}</{tag}>")
        parts.append(paragraphs_html(prose(3, start=n)))
    return "".join(parts)


def test_split_chapters_on_h2_headings():
    body = chaptered(["Chapter 1: Arrival", "Chapter 2: The Storm", "Epilogue"])

    work = parse(story_html(f"<h1>Gull Rock</h1>{body}"), split_chapters=True)

    assert work.title == "Gull Rock"
    assert [c.title for c in work.chapters] == ["Arrival", "The Storm", "Epilogue"]
    assert lines(work.chapters[1].html) == p(*prose(3, start=1))


def test_split_chapters_on_h1_headings_when_there_are_any():
    body = chaptered(["Chapter 1", "Chapter 2"], tag="h1") + "<h2>Not a chapter</h2><p>x.</p>"

    work = parse(story_html(body), split_chapters=True)

    assert [c.title for c in work.chapters] == ["", ""]
    assert "<h2>Not a chapter</h2>" in work.chapters[1].html


def test_heading_without_a_chapter_number_is_the_title():
    work = parse(story_html(chaptered(["The Clock", "The Letter"])), split_chapters=True)

    assert [c.title for c in work.chapters] == ["The Clock", "The Letter"]


def test_notes_before_the_first_chapter_are_the_works_notes():
    front = "<p>Author's Note: written for a prompt.</p>"

    work = parse(
        story_html(chaptered(["Chapter 1", "Chapter 2"], front=front)), split_chapters=True
    )

    assert work.notes == "<p>written for a prompt.</p>"
    assert len(work.chapters) == 2


def test_story_before_the_first_heading_is_an_untitled_chapter():
    front = paragraphs_html(SECOND_PROSE[:2])

    work = parse(story_html(chaptered(["Chapter 1"], front=front)), split_chapters=True)

    assert [c.title for c in work.chapters] == ["", ""]
    assert lines(work.chapters[0].html) == p(*SECOND_PROSE[:2])


def test_chapter_notes_stay_with_their_chapter():
    body = (
        "<h2>Chapter 1</h2><p>A/N: first!</p>"
        + paragraphs_html(PROSE[:3])
        + "<h2>Chapter 2</h2>"
        + paragraphs_html(PROSE[3:6])
        + "<p>A/N: more soon</p>"
    )

    work = parse(story_html(body), split_chapters=True)

    assert work.chapters[0].notes == "<p>first!</p>"
    assert work.chapters[1].end_notes == "<p>more soon</p>"
    assert work.notes == work.end_notes == ""


def test_without_split_chapters_headings_stay_in_the_text():
    body = chaptered(["Chapter 1: Arrival", "Chapter 2: The Storm"])

    work = parse(story_html(body))

    assert len(work.chapters) == 1
    assert work.chapters[0].title == "Arrival"
    assert "<h2>Chapter 2: The Storm</h2>" in work.chapters[0].html


def test_empty_chapters_are_dropped():
    body = "<h2>Contents</h2><h2>Chapter 1</h2>" + paragraphs_html(PROSE[:2])

    work = parse(story_html(body), split_chapters=True)

    assert [c.title for c in work.chapters] == [""]


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_too_many_chapters_are_refused():
    body = chaptered([f"Chapter {n}" for n in range(1, MAX_CHAPTERS + 2)])

    with pytest.raises(ImportFailed, match="more than 500 chapters"):
        parse(story_html(body), split_chapters=True)


# --- decoding ------------------------------------------------------------------------------------


def test_windows_1252_without_a_declaration():
    data = story_html("<p>“Stay,” she said…</p>", charset=None).encode("cp1252")

    assert text_of(parse(data)) == "“Stay,” she said…"


def text_of(work: ParsedWork) -> str:
    return re.sub(r"<[^>]+>", "", work.chapters[0].html)


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r", "shift_jis", "iso-8859-2"])
def test_declared_legacy_encodings_are_honoured(charset):
    text = {"shift_jis": "灯台守の時計", "iso-8859-2": "Łódź i Kraków"}.get(charset, "Маяк горит")
    data = story_html(f"<p>{text}</p>", charset=charset).encode(charset)

    assert text_of(parse(data)) == text


def test_http_equiv_declaration_is_read():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    data = story_html("<p>Маяк</p>", charset=None, head=head).encode("cp1251")

    assert text_of(parse(data)) == "Маяк"


def test_utf8_file_with_a_wrong_declaration_is_read_as_utf8():
    data = story_html("<p>Маяк — café</p>", charset="windows-1251").encode()

    assert text_of(parse(data)) == "Маяк — café"


def test_byte_order_marks():
    html = story_html("<p>Naïve café</p>", charset=None)

    assert text_of(parse("\ufeff".encode() + html.encode())) == "Naïve café"
    assert text_of(parse(html.encode("utf-16"))) == "Naïve café"


def test_entities_are_decoded():
    assert text_of(page("<p>caf&eacute; &amp; tea &#8212; &lt;3</p>")) == "café &amp; tea — &lt;3"


# --- bad and hostile files ------------------------------------------------------------------


def test_scripts_and_event_handlers_are_removed_and_the_text_kept():
    body = (
        "<script>document.write('stolen')</script>"
        '<p onclick="steal()" onmouseover="x()">The lamp <a href="#" onclick="y()">lit</a>.</p>'
        "<p>Second<script>alert(1)</script> line.</p><noscript>nojs</noscript>"
        "<style>p { color: red }</style><iframe src='https://example.org'>frame</iframe>"
        "<object data='x.swf'>obj</object><form><input value='pw'>Typed</form>"
    )

    work = page(body, head="<script>alert('head')</script>")
    html = work.chapters[0].html

    for gone in (
        "script",
        "onclick",
        "onmouseover",
        "alert",
        "stolen",
        "iframe",
        "nojs",
        "color",
        "obj",
        "pw",
        "steal",
    ):
        assert gone not in html
        assert gone not in sanitize_html(html)
    assert "The lamp" in html and "lit" in html and "Second line." in html and "Typed" in html


def test_comments_and_processing_instructions_are_dropped():
    html = text_html("<p>Kept<!-- secret --></p><?php echo 1 ?><p>Also <![CDATA[x]]>kept</p>")

    assert "secret" not in html and "php" not in html and "CDATA" not in html


def test_javascript_links_do_not_survive_the_sanitizer():
    html = text_html('<p><a href="javascript:alert(1)">click</a> here</p>')

    assert "javascript" not in sanitize_html(html)
    assert "click" in sanitize_html(html)


def test_entity_declarations_are_never_expanded():
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    data = (
        '<!DOCTYPE html [<!ENTITY lol0 "lol"><!ENTITY xxe SYSTEM "file:///etc/passwd">'
        f"{laughs}]>\n<html><body><p>A &lol9; B &xxe; C</p><p>{PROSE[0]}</p></body></html>"
    )

    work = parse(data)
    html = work.chapters[0].html

    assert "lollol" not in html
    assert "root:" not in html
    assert "ENTITY" not in html and "]&gt;" not in html
    assert "&amp;lol9;" in html


@pytest.mark.parametrize(
    "cut",
    [10, 60, 130, 200, 260, 333, 401, -200, -60, -20, -8, -3],
)
def test_truncated_files_import_what_is_there_or_fail_cleanly(cut):
    data = story_html(f"<h1>Gull Rock</h1>{paragraphs_html(PROSE)}").encode()[:cut]

    try:
        work = parse(data)
    except ImportFailed:
        return
    assert work.chapters[0].html


def test_file_cut_in_the_middle_of_a_tag_keeps_the_text_before_it():
    data = f'<html><body><p>{PROSE[0]}</p><p>{PROSE[1]}</p><p class="ab'.encode()

    assert lines(parse(data).chapters[0].html) == p(PROSE[0], PROSE[1])


def test_unclosed_elements_are_closed():
    data = f"<html><body><p>{PROSE[0]}<p>{PROSE[1]}<div><em>still going".encode()

    html = parse(data).chapters[0].html

    assert lines(html) == p(PROSE[0], PROSE[1], "<em>still going</em>")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"<html></html>",
        b"<html><body><p> </p></body></html>",
        b"<script>alert(1)</script>",
        b"<html><body><hr><hr></body></html>",
    ],
)
def test_files_without_story_text_are_refused(data):
    with pytest.raises(ImportFailed):
        parse(data)


def test_binary_data_is_refused():
    with pytest.raises(ImportFailed, match="not UTF-8 or Windows-1252 text"):
        parse(bytes(range(256)) * 10)


def test_file_over_10_mb_is_refused():
    with pytest.raises(ImportFailed, match="larger than 10 MB"):
        parse(b"<p>" + b"a" * MAX_HTML_BYTES + b"</p>")


def test_too_many_elements_are_refused():
    with pytest.raises(ImportFailed, match="too much markup"):
        parse(b"<html><body>" + b"<b>x</b>" * (MAX_ELEMENTS + 1))


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_five_megabyte_single_line_is_read():
    paragraph = " ".join(PROSE)
    data = ("<html><body>" + "".join(f"<p>{paragraph}</p>" for _ in range(3300))).encode()
    assert len(data) > 5_000_000 and b"\n" not in data

    work = parse(data)

    assert work.chapters[0].html.count("<p>") == 3300


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_five_megabyte_single_paragraph_is_read():
    data = ("<p>" + " ".join(PROSE) * 3400 + "</p>").encode()
    assert len(data) > 5_000_000

    assert parse(data).chapters[0].html.startswith("<p>The lighthouse")


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_deep_nesting_does_not_crash():
    data = ("<div>" * 20000 + "<p>Deep.</p>" + "</div>" * 20000 + "<p>Shallow.</p>").encode()

    html = parse(data).chapters[0].html

    assert "Deep." in html and "Shallow." in html


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_deep_inline_nesting_does_not_crash():
    data = ("<p>" + "<b>" * 50000 + "Bold." + "</b>" * 50000 + "</p>").encode()

    assert "Bold." in parse(data).chapters[0].html


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_many_sibling_scripts_are_removed_in_linear_time():
    markup = "<html><body>" + "<p>x</p><script>y</script><!--c-->" * 20000
    soup = BeautifulSoup(markup, "lxml")

    html = parse(markup).chapters[0].html
    remove_unsafe(soup)

    assert html.count("<p>") == 20000 and "script" not in html
    assert len(soup.find_all("p")) == 20000 and soup.find("script") is None


def test_serializing_leaves_out_unsafe_content():
    soup = BeautifulSoup(
        '<div><p onclick="x()" style="text-align:center">a<script>b</script><!--c--></p>'
        "<iframe>d</iframe><rt>e</rt></div>",
        "lxml",
    )
    div = soup.div
    assert div is not None

    assert inner_html(div) == '<p align="center">a</p><rt>e</rt>'
    assert serialize_html([div], keep_classes=False).startswith("<div><p")
    remove_unsafe(soup)
    assert str(div) == '<div><p align="center">a</p><rt>e</rt></div>'


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_raise_nothing_but_import_failed(data):
    try:
        work = parse(data)
    except ImportFailed:
        return
    assert work.chapters and work.chapters[0].html


HTML_BITS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<br>",
        "<hr>",
        "<h1>",
        "<h2>",
        "</h2>",
        "<div>",
        "</div>",
        "<b>",
        "</i>",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE x [",
        "]>",
        "&",
        "&amp;",
        "&#",
        ";",
        "<",
        ">",
        '"',
        "'",
        "=",
        " ",
        "\n",
        "* * *",
        "A/N:",
        "(",
        ")",
        "Chapter 1:",
        "by Wren",
        "Summary:",
        "text",
        "<img src=x>",
        "<table>",
        "<td>",
        "<pre>",
        "<center>",
        "<blockquote>",
        "<li>",
        "<font>",
        "<p align=center>",
        "\u200b",
        "\xa0",
        "\u2028",
        "\x00",
        "\ufeff",
    ]
)


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(HTML_BITS, st.text(max_size=8)), max_size=80),
    st.booleans(),
    st.one_of(st.none(), st.text(max_size=10)),
)
def test_random_markup_raises_nothing_but_import_failed(bits, split, title):
    try:
        work = parse("".join(bits), split_chapters=split, title=title)
    except ImportFailed:
        return
    assert work.chapters
    assert all(chapter.html for chapter in work.chapters)
    assert "<script" not in "".join(c.html for c in work.chapters)
