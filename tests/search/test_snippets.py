"""Snippets: the passage of a chapter shown with a search result, with the query words marked."""

from __future__ import annotations

from fichive.search.text import (
    SNIPPET_HTML_MARGIN,
    chapter_text,
    chapter_text_for_snippet,
    snippet,
)

FILLER = "The rain kept on over the quiet town while nobody was looking. " * 40


def _marked(text: str, phrases: list[list[str]], prefixes: set[str] | None = None) -> str:
    found = snippet(text, phrases=phrases, prefixes=prefixes)
    assert found is not None
    return found.html()


def test_a_match_deep_in_a_long_text_is_shown_with_the_words_before_it():
    text = FILLER + "At last the dragon woke under the pier. " + FILLER
    html = _marked(text, [["dragon"]])
    assert html.startswith("… ")
    assert "At last the <mark>dragon</mark> woke under the pier." in html


def test_an_accented_spelling_before_a_plain_one_is_the_one_found_first():
    text = FILLER + "El dragón duerme. " + FILLER + "The dragon sleeps. " + FILLER
    html = _marked(text, [["dragon"]])
    assert "<mark>dragón</mark>" in html
    assert "sleeps" not in html


def test_a_cjk_character_touching_the_word_does_not_hide_the_first_match():
    text = FILLER + "龍dragon龍 " + FILLER + "The dragon sleeps. " + FILLER
    assert "<mark>dragon</mark>龍" in _marked(text, [["dragon"]])


def test_words_that_only_start_with_the_query_word_are_not_matches():
    text = FILLER + "The dragonfly rested. " + FILLER + "Then a dragon came. " + FILLER
    html = _marked(text, [["dragon"]])
    assert "dragonfly" not in html
    assert "a <mark>dragon</mark> came" in html


def test_a_prefix_matches_longer_words():
    text = FILLER + "The dragonfly rested. " + FILLER
    assert "<mark>dragonfly</mark>" in _marked(text, [["drag"]], {"drag"})


def test_a_phrase_is_marked_only_where_its_words_are_in_a_row():
    text = FILLER + "the house was old. " + FILLER + "We reached the old house at dusk. " + FILLER
    html = _marked(text, [["the", "old", "house"]])
    assert "<mark>the</mark> <mark>old</mark> <mark>house</mark> at dusk" in html


def test_no_snippet_when_nothing_matches():
    assert snippet(FILLER, phrases=[["dragon"]]) is None


def test_the_window_holds_the_most_matches_near_the_first():
    text = (FILLER + "A dragon. " + FILLER[:300] + " dragon and dragon and dragon again. "
            + FILLER)
    html = _marked(text, [["dragon"]])
    assert html.count("<mark>dragon</mark>") == 3


def _chapter(content: str) -> dict[str, str]:
    return {"title": "Chapter One", "summary": "", "notes": "", "content": content,
            "end_notes": "<p>Thanks for reading.</p>"}


def test_a_long_chapter_is_cut_well_past_the_first_match_with_the_same_snippet():
    paragraph = "<p>" + FILLER + "</p>"
    content = paragraph * 2 + "<p>Here the <em>dragon</em> sleeps.</p>" + paragraph * 20
    chapter = _chapter(content)
    cut = chapter_text_for_snippet(chapter, phrases=[["dragon"]])
    full = chapter_text(chapter)
    assert len(full) > SNIPPET_HTML_MARGIN
    assert len(cut) < len(full)
    assert cut.endswith("Thanks for reading.")
    assert (snippet(cut, phrases=[["dragon"]]) == snippet(full, phrases=[["dragon"]]))


def test_a_chapter_without_the_word_as_written_is_read_whole():
    chapter = _chapter("<p>" + FILLER * 10 + "</p>")
    assert chapter_text_for_snippet(chapter, phrases=[["dragon"]]) == chapter_text(chapter)
