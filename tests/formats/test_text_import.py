"""Plain-text import: decoding, paragraphs, scene breaks, titles and author's notes."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.base import ParsedWork
from fichive.formats.importers.text import MAX_TEXT_BYTES, decode_text, parse_text

NOT_TEXT = "not UTF-8 or Windows-1252 text"


def parse(text: str | bytes, *, filename: str = "lantern_keeper.txt", **kwargs) -> ParsedWork:
    data = text.encode() if isinstance(text, str) else text
    return parse_text(data, filename=filename, **kwargs)


def body(text: str | bytes, **kwargs) -> str:
    return parse(text, **kwargs).chapters[0].html


def paragraphs(html_text: str) -> list[str]:
    """The chapter as a list: paragraph text, or "---" for a scene break."""
    return ["---" if line == "<hr />" else line for line in html_text.split("\n") if line]


def p(*texts: str) -> list[str]:
    return [t if t == "---" else f"<p>{t}</p>" for t in texts]


# --- decoding -------------------------------------------------------------------------------


def test_utf8_is_decoded_and_a_byte_order_mark_dropped():
    text = decode_text("\ufeffNaïve café — “déjà vu”".encode())

    assert text == "Naïve café — “déjà vu”"


def test_windows_1252_smart_quotes_are_decoded():
    data = b"\x93Stay,\x94 he said\x85 \x96 then, louder \x97 \x91please\x92."

    assert decode_text(data) == "“Stay,” he said… – then, louder — ‘please’."


def test_windows_1252_accented_letters_are_decoded():
    assert decode_text(b"Ren\xe9e ate cr\xe8me br\xfbl\xe9e.") == "Renée ate crème brûlée."


def test_utf8_file_with_one_stray_windows_1252_quote_keeps_both():
    data = "Zoë wrote: ".encode() + b"\x93hi\x94"

    assert decode_text(data) == "Zoë wrote: “hi”"


def test_windows_1252_quotes_misread_as_latin_1_are_repaired():
    assert decode_text("\x93Stay\x94".encode()) == "“Stay”"


def test_utf8_mixed_with_undefined_windows_1252_bytes_is_refused():
    with pytest.raises(ImportFailed, match="not UTF-8 or Windows-1252 text"):
        decode_text("Zoë".encode() + b" \x81")


@pytest.mark.parametrize("data", [b"one\r\ntwo\r\n", b"one\rtwo\r", b"one\ntwo\n"])
def test_crlf_and_cr_line_endings_become_lf(data):
    assert decode_text(data) == "one\ntwo\n"


def test_bytes_undefined_in_windows_1252_are_refused():
    with pytest.raises(ImportFailed, match="not UTF-8 or Windows-1252 text"):
        decode_text(b"An odd byte \x81 here.")


def test_nul_bytes_are_refused():
    with pytest.raises(ImportFailed, match="not UTF-8 or Windows-1252 text"):
        decode_text("Hello".encode("utf-16"))


def test_binary_data_is_refused():
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 20 + b"IHDR"

    with pytest.raises(ImportFailed, match="not UTF-8 or Windows-1252 text"):
        decode_text(data)


def test_unicode_line_and_page_breaks_become_newlines():
    assert decode_text("one\u2028two\u2029three\x0bfour\x0cfive".encode()) == (
        "one\ntwo\nthree\nfour\nfive"
    )


def test_a_stray_control_character_in_non_ascii_text_is_dropped():
    text = "“Zoë” left. " + "The lamp was lit. " * 20

    assert decode_text(text.replace("left", "le\x07ft").encode()) == text


def test_a_stray_control_character_is_dropped():
    text = "A quiet evening by the river, nothing more to say. " * 4

    assert decode_text((text + "\x07\x1a").encode()) == text


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"\xef\xbb\xbf", "\u00a0\n".encode()])
def test_empty_or_whitespace_only_file_is_refused(data):
    with pytest.raises(ImportFailed, match="the file is empty"):
        parse(data)


def test_file_over_10_mb_is_refused():
    with pytest.raises(ImportFailed, match="file is larger than 10 MB"):
        parse(b"a" * (MAX_TEXT_BYTES + 1))


# --- paragraphs -----------------------------------------------------------------------------


def test_blank_lines_separate_paragraphs():
    text = "The lighthouse was dark.\n\nNobody had climbed it in years.\n\nTonight, someone did.\n"

    assert paragraphs(body(text)) == p(
        "The lighthouse was dark.", "Nobody had climbed it in years.", "Tonight, someone did."
    )


def test_single_newline_in_a_block_becomes_a_line_break():
    text = (
        "Wren found the note under the door.\n\n"
        "Meet me at the pier.\n"
        "Bring the lamp.\n"
        "Come alone.\n\n"
        "She read it twice and put on her coat.\n"
    )

    assert paragraphs(body(text)) == p(
        "Wren found the note under the door.",
        "Meet me at the pier.<br />Bring the lamp.<br />Come alone.",
        "She read it twice and put on her coat.",
    )


def test_file_without_blank_lines_makes_each_line_a_paragraph():
    lines = [
        "The ferry left without them.",
        '"Now what?" asked Pell.',
        "Jonah shrugged and sat on his suitcase.",
        "Gulls argued over a crust of bread.",
        "An hour passed, then another.",
        "At last a fishing boat turned toward the quay.",
    ]

    assert paragraphs(body("\n".join(lines))) == p(*lines)


def test_hard_wrapped_lines_are_joined_with_spaces():
    text = (
        "The snow had been falling since noon, and by evening the road to the\n"
        "village had vanished under it. Tamsin kept walking anyway, following the\n"
        "fence posts that poked out of the drifts like the spines of some buried\n"
        "animal.\n"
        "\n"
        "When she reached the inn the windows were already shuttered, but a thin\n"
        "line of smoke still rose from the chimney, and somebody inside was\n"
        "singing.\n"
    )

    assert paragraphs(body(text)) == p(
        "The snow had been falling since noon, and by evening the road to the village had "
        "vanished under it. Tamsin kept walking anyway, following the fence posts that poked "
        "out of the drifts like the spines of some buried animal.",
        "When she reached the inn the windows were already shuttered, but a thin line of "
        "smoke still rose from the chimney, and somebody inside was singing.",
    )


def test_short_lines_in_hard_wrapped_text_keep_their_line_breaks():
    text = (
        "The snow had been falling since noon, and by evening the road to the\n"
        "village had vanished under it. Tamsin kept walking anyway, following the\n"
        "fence posts that poked out of the drifts.\n"
        "\n"
        "Closed for winter.\n"
        "Knock twice.\n"
        "\n"
        "She knocked twice, and waited, and after a long while the bolt slid back\n"
        "and an old man peered out at her through the gap.\n"
    )

    assert "<p>Closed for winter.<br />Knock twice.</p>" in body(text)


def test_hard_wrapped_file_without_blank_lines_starts_paragraphs_at_indents():
    text = (
        "    The snow had been falling since noon, and by evening the road to\n"
        "the village had vanished under it. Tamsin kept walking anyway.\n"
        "    When she reached the inn the windows were already shuttered, but\n"
        "a thin line of smoke still rose from the chimney, and somebody was\n"
        "singing inside.\n"
        "    She knocked twice and waited, stamping her boots on the step.\n"
    )

    assert paragraphs(body(text)) == p(
        "The snow had been falling since noon, and by evening the road to the village had "
        "vanished under it. Tamsin kept walking anyway.",
        "When she reached the inn the windows were already shuttered, but a thin line of "
        "smoke still rose from the chimney, and somebody was singing inside.",
        "She knocked twice and waited, stamping her boots on the step.",
    )


def test_tabs_used_as_indentation_are_removed():
    text = "\tThe kettle whistled.\n\n\tNobody moved to take it off the stove.\n"

    assert paragraphs(body(text)) == p(
        "The kettle whistled.", "Nobody moved to take it off the stove."
    )


def test_spaces_around_lines_are_trimmed():
    text = "   The kettle whistled.   \n\n  Nobody moved.\u00a0\n"

    assert paragraphs(body(text)) == p("The kettle whistled.", "Nobody moved.")


def test_double_spaced_file_uses_two_blank_lines_between_paragraphs():
    text = (
        "The kettle whistled.\n\n\n"
        "Nobody moved to take it off the stove.\n\n\n"
        "Finally Esme sighed and got up.\n\n\n\n\n"
        "Across town, the bakery was closing.\n\n\n"
        "Rolf swept the floor.\n"
    )

    assert paragraphs(body(text)) == p(
        "The kettle whistled.",
        "Nobody moved to take it off the stove.",
        "Finally Esme sighed and got up.",
        "---",
        "Across town, the bakery was closing.",
        "Rolf swept the floor.",
    )


# --- scene breaks ---------------------------------------------------------------------------

TWO_SCENES = "The train pulled away.\n\n{}\n\nThree days later, the letter came.\n"


@pytest.mark.parametrize(
    "separator",
    [
        "- - - - - -",
        "***",
        "* * *",
        "~~~",
        "oOo",
        "xXx",
        "-oOo-",
        "_____",
        "#",
        "+++",
        "===",
        "~*~",
        "◇◇◇",
        "•••",
        "-x-",
        "[line break]",
        "~Scene Break~",
    ],
)
def test_separator_line_becomes_one_scene_break(separator):
    assert paragraphs(body(TWO_SCENES.format(separator))) == p(
        "The train pulled away.", "---", "Three days later, the letter came."
    )


@pytest.mark.parametrize("line", ["...", "…", ". . .", "Ooh.", "x", "Ooo...", "xoxo", "?!"])
def test_dots_and_short_words_are_text_not_breaks(line):
    assert f"<p>{line}</p>" in body(TWO_SCENES.format(line))


def test_two_blank_lines_become_one_scene_break():
    text = (
        "The train pulled away.\n\n"
        "Nobody waved.\n\n\n"
        "Three days later, the letter came.\n\n"
        "It was not from her.\n"
    )

    assert paragraphs(body(text)) == p(
        "The train pulled away.",
        "Nobody waved.",
        "---",
        "Three days later, the letter came.",
        "It was not from her.",
    )


def test_separator_between_lines_with_no_blank_lines_is_a_break():
    text = "The train pulled away.\n* * *\nThree days later, the letter came.\n"

    assert paragraphs(body(text)) == p(
        "The train pulled away.", "---", "Three days later, the letter came."
    )


def test_blank_line_is_a_scene_break_in_a_line_per_paragraph_file():
    first = ["The train pulled away.", "Nobody waved.", "Rain streaked the glass."]
    second = ["Three days later, the letter came.", "It was short.", "It was not from her."]
    text = "\n".join(first) + "\n\n" + "\n".join(second) + "\n" + "\n".join(second) + "\n"

    assert paragraphs(body(text)) == p(*first, "---", *second, *second)


def test_several_breaks_in_a_row_collapse_into_one():
    text = "The train pulled away.\n\n***\n\n\n\n~~~\n\noOo\n\nThree days later, the letter came.\n"

    assert paragraphs(body(text)) == p(
        "The train pulled away.", "---", "Three days later, the letter came."
    )


def test_break_at_start_is_dropped():
    text = "* * *\n\nThe train pulled away.\n\nThree days later, the letter came.\n"

    assert paragraphs(body(text)) == p(
        "The train pulled away.", "Three days later, the letter came."
    )


def test_break_at_end_is_dropped():
    text = "The train pulled away.\n\nThree days later, the letter came.\n\n~*~\n\n\n\n"

    assert paragraphs(body(text)) == p(
        "The train pulled away.", "Three days later, the letter came."
    )


def test_break_right_after_the_title_is_dropped():
    text = "Letters from Nowhere\n\n-oOo-\n\nThe train pulled away.\n\nNobody waved.\n"

    assert paragraphs(body(text)) == p("The train pulled away.", "Nobody waved.")


# --- quotes, ellipses and escaping ----------------------------------------------------------


def test_dialogue_and_ellipses_kept_exactly():
    text = (
        '"Is it... is it over?" Bram whispered.\n\n'
        "“Not yet,” said Ines — and then, softer: “Almost…”\n\n"
        "'Don't look back,' he told himself. ‘Not now.’\n"
    )

    assert paragraphs(body(text)) == p(
        '"Is it... is it over?" Bram whispered.',
        "“Not yet,” said Ines — and then, softer: “Almost…”",
        "'Don't look back,' he told himself. ‘Not now.’",
    )


def test_markup_characters_are_escaped():
    text = "She typed <b>help</b> & hit enter.\n\nThe screen showed: 3 < 4 > 2.\n"

    assert paragraphs(body(text)) == p(
        "She typed &lt;b&gt;help&lt;/b&gt; &amp; hit enter.",
        "The screen showed: 3 &lt; 4 &gt; 2.",
    )


# --- title and byline -----------------------------------------------------------------------


def test_short_first_line_is_the_title():
    work = parse("The Salt Road\n\nThe caravan left at dawn.\n\nBy noon the well was dry.\n")

    assert work.title == "The Salt Road"
    assert paragraphs(work.chapters[0].html) == p(
        "The caravan left at dawn.", "By noon the well was dry."
    )


def test_title_from_filename_when_first_line_is_a_sentence():
    work = parse(
        "The caravan left at dawn.\n\nBy noon the well was dry.\n",
        filename="the_salt-road.txt",
    )

    assert work.title == "the salt road"
    assert "<p>The caravan left at dawn.</p>" in work.chapters[0].html


def test_title_from_filename_drops_folders_and_extension():
    work = parse("The caravan left at dawn.\n", filename="C:\\Users\\me\\Stories\\Salt_Road.txt")

    assert work.title == "Salt Road"


@pytest.mark.parametrize(
    "first_line",
    [
        '"Where is everyone?"',
        "“Run,” she said",
        "He never came back.",
        "Was it worth it?",
        "Wait!",
        "The caravan left at dawn and did not stop until the stars were out, not once",
        "A/N: first story, be kind",
        "Disclaimer: not mine",
        "* * *",
    ],
)
def test_first_line_that_is_not_a_title_stays_in_the_text(first_line):
    work = parse(f"{first_line}\n\nThe well was dry.\n\nThey turned back.\n", filename="dry.txt")

    assert work.title == "dry"
    assert set(words_in(first_line)) - {"A", "N", "AN"} <= all_output_words(work)


def test_first_line_of_a_verse_is_not_a_title():
    text = "Frost on the gate\nSmoke on the hill\nThe kettle is singing\n\nAnd the house is still\n"

    work = parse(text, filename="frost.txt")

    assert work.title == "frost"
    assert paragraphs(work.chapters[0].html)[0] == (
        "<p>Frost on the gate<br />Smoke on the hill<br />The kettle is singing</p>"
    )


def test_title_line_of_a_line_per_paragraph_file():
    work = parse("Salt Road\nThe caravan left at dawn.\nThe well was dry.\nThey turned back.\n")

    assert work.title == "Salt Road"
    assert paragraphs(work.chapters[0].html) == p(
        "The caravan left at dawn.", "The well was dry.", "They turned back."
    )


def test_one_line_file_is_text_not_a_title():
    work = parse("Salt Road", filename="road.txt")

    assert work.title == "road"
    assert work.chapters[0].html == "<p>Salt Road</p>"


def test_title_label_and_decoration_are_removed():
    assert parse("Title: The Salt Road\n\nThe well was dry.\n").title == "The Salt Road"
    assert parse("~*~ The Salt Road ~*~\n\nThe well was dry.\n").title == "The Salt Road"


def test_given_title_drops_a_matching_first_line():
    work = parse("the salt road \n\nThe well was dry.\n", title="The Salt Road")

    assert work.title == "The Salt Road"
    assert paragraphs(work.chapters[0].html) == p("The well was dry.")


def test_given_title_keeps_a_different_first_line():
    work = parse("Day One\n\nThe well was dry.\n", title="The Salt Road")

    assert work.title == "The Salt Road"
    assert paragraphs(work.chapters[0].html) == p("Day One", "The well was dry.")


def test_by_line_after_the_title_is_dropped():
    work = parse("The Salt Road\nby tinderbox_tales\n\nThe well was dry.\n")

    assert work.title == "The Salt Road"
    assert work.creators == ["tinderbox_tales"]
    assert paragraphs(work.chapters[0].html) == p("The well was dry.")


def test_sentence_starting_with_by_after_the_title_is_kept():
    work = parse("The Salt Road\n\nBy the time they reached the well, it was dry.\n")

    assert work.creators == []
    assert paragraphs(work.chapters[0].html) == p("By the time they reached the well, it was dry.")


def test_chapter_heading_becomes_the_chapter_title():
    work = parse("The Salt Road\n\nChapter 1: Dry Wells\n\nThe well was dry.\n")

    assert work.title == "The Salt Road"
    assert work.chapters[0].title == "Dry Wells"
    assert paragraphs(work.chapters[0].html) == p("The well was dry.")


# --- author's notes -------------------------------------------------------------------------

STORY_START = "The orchard was quiet.\n\nMilo climbed the oldest tree to watch the road.\n"


@pytest.mark.parametrize(
    "label",
    [
        "A/N:",
        "A/N -",
        "a/n:",
        "A/N",
        "AN:",
        "Author's Note:",
        "Authors Note:",
        "Author’s notes -",
        "**A/N:**",
    ],
)
def test_author_note_at_start_goes_to_notes_without_label(label):
    work = parse(f"{label} This is a gift for my cousin.\n\n{STORY_START}")

    assert work.notes == "<p>This is a gift for my cousin.</p>"
    assert paragraphs(work.chapters[0].html) == p(
        "The orchard was quiet.", "Milo climbed the oldest tree to watch the road."
    )


def test_author_note_label_on_its_own_line_is_removed():
    work = parse(f"The Orchard\n\nAuthor's Note:\nThis is a gift for my cousin.\n\n{STORY_START}")

    assert work.notes == "<p>This is a gift for my cousin.</p>"


def test_author_note_runs_until_a_scene_break():
    text = (
        "A/N: Hello again, everyone!\n\n"
        "I rewrote this part three times, so I hope you like it.\n\n"
        "Big hugs to my sister for the idea.\n\n"
        "* * *\n\n" + STORY_START
    )

    work = parse(text)

    assert paragraphs(work.notes) == p(
        "Hello again, everyone!",
        "I rewrote this part three times, so I hope you like it.",
        "Big hugs to my sister for the idea.",
    )
    assert paragraphs(work.chapters[0].html) == p(
        "The orchard was quiet.", "Milo climbed the oldest tree to watch the road."
    )


def test_author_note_runs_until_a_larger_gap():
    text = "A/N: Hello again!\n\nI rewrote this part three times.\n\n\n\n" + STORY_START

    assert paragraphs(parse(text).notes) == p("Hello again!", "I rewrote this part three times.")


def test_opening_scene_before_an_early_break_stays_in_the_story():
    text = (
        "A/N: This one is for my cousin.\n\n"
        "The orchard was quiet under the first frost.\n\n"
        "Milo climbed the oldest tree to watch the road.\n\n"
        "* * *\n\n"
        "By morning the cart had come.\n"
    )

    work = parse(text)

    assert work.notes == "<p>This one is for my cousin.</p>"
    assert paragraphs(work.chapters[0].html) == p(
        "The orchard was quiet under the first frost.",
        "Milo climbed the oldest tree to watch the road.",
        "---",
        "By morning the cart had come.",
    )


def test_author_note_continues_through_note_like_paragraphs():
    text = (
        "A/N: This is a gift for my cousin.\n\n"
        "Disclaimer: the orchard and everyone in it belong to their creator.\n\n"
        "Warnings: mild peril, one sad goat.\n\n"
        "Thanks to everyone who left reviews on the last one!\n\n"
        "Enjoy!\n\n" + STORY_START
    )

    work = parse(text)

    assert paragraphs(work.notes) == p(
        "This is a gift for my cousin.",
        "Disclaimer: the orchard and everyone in it belong to their creator.",
        "Warnings: mild peril, one sad goat.",
        "Thanks to everyone who left reviews on the last one!",
        "Enjoy!",
    )
    assert work.chapters[0].html.startswith("<p>The orchard was quiet.</p>")


def test_author_note_stops_at_the_first_story_paragraph():
    text = (
        "A/N: A short one today.\n\n"
        "The orchard was quiet.\n\n"
        "Beta: my patient friend June.\n\n"
        "Milo climbed the oldest tree.\n"
    )

    work = parse(text)

    assert work.notes == "<p>A short one today.</p>"
    assert paragraphs(work.chapters[0].html)[0] == "<p>The orchard was quiet.</p>"


def test_chapter_heading_after_a_disclaimer_ends_the_notes():
    work = parse("Disclaimer: not mine.\n\nChapter Two\n\n" + STORY_START)

    assert work.notes == "<p>Disclaimer: not mine.</p>"
    assert work.chapters[0].html.startswith("<p>The orchard was quiet.</p>")


def test_disclaimer_at_start_goes_to_notes_with_its_label():
    work = parse("Disclaimer: I own nothing but the goat.\n\n" + STORY_START)

    assert work.notes == "<p>Disclaimer: I own nothing but the goat.</p>"


def test_parenthetical_author_note_runs_to_its_closing_parenthesis():
    text = (
        "(A/N: This happens after the harvest festival,\n"
        "so there are spoilers (small ones).\n\n"
        "Also, my first try at present tense.)\n\n" + STORY_START
    )

    work = parse(text)

    assert paragraphs(work.notes) == p(
        "This happens after the harvest festival,<br />so there are spoilers (small ones).",
        "Also, my first try at present tense.",
    )
    assert work.chapters[0].html.startswith("<p>The orchard was quiet.</p>")


def test_story_text_after_a_closing_parenthesis_stays_in_the_story():
    work = parse("(A/N: short one!) The orchard was quiet.\n\nMilo climbed a tree.\n")

    assert work.notes == "<p>short one!</p>"
    assert paragraphs(work.chapters[0].html) == p("The orchard was quiet.", "Milo climbed a tree.")


def test_author_note_at_end_goes_to_end_notes():
    text = STORY_START + "\nA/N: Thanks for reading!\n\nNext chapter is nearly done.\n"

    work = parse(text)

    assert paragraphs(work.end_notes) == p("Thanks for reading!", "Next chapter is nearly done.")
    assert paragraphs(work.chapters[0].html) == p(
        "The orchard was quiet.", "Milo climbed the oldest tree to watch the road."
    )


def test_end_note_after_a_separator_drops_the_separator():
    text = STORY_START + "\n~*~\n\n(Author's Note: the goat lives, I promise.)\n"

    work = parse(text)

    assert work.end_notes == "<p>the goat lives, I promise.</p>"
    assert "<hr />" not in work.chapters[0].html


def test_unlabelled_thanks_for_reading_at_the_end_is_an_end_note():
    work = parse(STORY_START + "\nThanks for reading! Please review.\n")

    assert work.end_notes == "<p>Thanks for reading! Please review.</p>"


def test_notes_at_both_ends_with_a_title():
    text = (
        "Orchard Days\nby mossfern\n\nA/N: For my cousin.\n\n" + STORY_START + "\nAN: More soon!\n"
    )

    work = parse(text)

    assert (work.title, work.creators) == ("Orchard Days", ["mossfern"])
    assert work.notes == "<p>For my cousin.</p>"
    assert work.end_notes == "<p>More soon!</p>"
    assert paragraphs(work.chapters[0].html) == p(
        "The orchard was quiet.", "Milo climbed the oldest tree to watch the road."
    )


@pytest.mark.parametrize(
    "text",
    [
        "The Orchard\n\nA/N: just a note, no story yet, sorry!\n",
        "A/N: nothing here yet.\n\n* * *\n",
        "* * *\n\n~~~\n",
    ],
)
def test_file_with_no_story_text_is_refused(text):
    with pytest.raises(ImportFailed, match="no story text found"):
        parse(text)


# --- large files ----------------------------------------------------------------------------


def test_five_megabyte_single_line_is_one_paragraph():
    line = "The wind moved over the grass and nobody minded. " * 102_000

    html_text = body(line)

    assert html_text.startswith("<p>The wind") and html_text.endswith("minded.</p>")
    assert html_text.count("<p>") == 1


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
def test_five_megabyte_file_of_many_paragraphs_is_read():
    text = "The wind moved over the grass.\n\n" * 160_000

    assert body(text).count("<p>") == 160_000


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_raise_nothing_but_import_failed(data):
    """Whatever arrives, the importer answers with a work or a one-line reason."""
    try:
        work = parse_text(data, filename="random.bin")
    except ImportFailed as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert work.title and work.chapters[0].html.startswith(("<p>", "<hr />"))


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=300)
@given(st.text(max_size=500), st.none() | st.text(max_size=30))
def test_random_text_raises_nothing_but_import_failed(text, title):
    try:
        work = parse_text(text.encode(), filename="random.txt", title=title)
    except ImportFailed as error:
        assert str(error) in {"the file is empty", "no story text found", NOT_TEXT}
    else:
        assert work.title


WORD = st.text(
    alphabet=st.characters(categories=["L", "N"]),
    min_size=1,
    max_size=9,
)
SENTENCE = st.lists(WORD, min_size=2, max_size=12).map(lambda words: " ".join(words) + ".")
PARAGRAPHS = st.lists(SENTENCE, min_size=1, max_size=12)


def words_in(html_text: str) -> list[str]:
    return re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", " ", html_text)))


def all_output_words(work: ParsedWork) -> set[str]:
    return set(words_in(work.notes + work.chapters[0].html + work.end_notes))


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=200)
@given(PARAGRAPHS, st.sampled_from(["\n\n", "\n", "\n\n\n", "\r\n\r\n"]))
def test_no_words_are_lost(paras, separator):
    work = parse("\n".join([separator.join(paras)]), filename="words.txt")

    assert set(words_in(" ".join(paras))) <= all_output_words(work)


@pytest.mark.database_independent("the importer's parsing of bytes in memory, no database")
@settings(max_examples=200)
@given(PARAGRAPHS, SENTENCE)
def test_no_words_are_lost_around_notes_and_a_title(paras, note):
    text = "A Title\n\nA/N: " + note + "\n\n" + "\n\n".join(paras) + "\n\nA/N: " + note + "\n"

    work = parse(text)

    assert work.title == "A Title"
    assert set(words_in(note + " " + " ".join(paras))) <= all_output_words(work)


def test_notes_never_swallow_the_only_story_paragraph():
    work = parse("A Title\n\nA/N: for you.\n\nThanks to every chapter reader.\n\nA/N: bye.\n")

    assert "every chapter reader" in work.chapters[0].html
    assert "for you" in work.notes and "bye" in work.end_notes
