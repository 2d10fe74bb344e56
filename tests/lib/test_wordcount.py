"""Word counts: AO3's rule, CJK characters, and markup that never counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fichive.lib.wordcount import count_words


def test_empty_string_is_zero():
    assert count_words("") == 0


def test_whitespace_and_empty_markup_are_zero():
    assert count_words("  <p> </p>\n<br> &nbsp; ") == 0


def test_simple_sentence():
    assert count_words("The quick brown fox.") == 4


def test_hyphenated_word_is_one_word():
    assert count_words("one-word") == 1


def test_apostrophe_word_is_one_word():
    assert count_words("one's") == 1


@pytest.mark.parametrize("text", ["it’s", "‘tis", "rock'n'roll", "o‘clock"])
def test_curly_and_straight_apostrophes_removed(text):
    assert count_words(text) == 1


def test_em_dash_separates_words():
    assert count_words("dark—emotionless") == 2


def test_double_hyphen_counts_as_a_dash():
    assert count_words("dark--emotionless") == 2


def test_triple_hyphen_separates_words():
    assert count_words("wait---what") == 2


def test_slash_separates_words():
    assert count_words("A/N") == 2


def test_lone_hyphens_are_not_words():
    assert count_words("- - -") == 0


def test_scene_break_symbols_are_not_words():
    assert count_words("* * *  ~~~  ***  ...") == 0


def test_numbers_are_words():
    assert count_words("Chapter 12 of 3.5") == 5


def test_cjk_characters_are_one_word_each():
    assert count_words("我爱你") == 3


def test_cjk_mixed_with_latin():
    assert count_words("Sasuke said 你好") == 4


def test_cjk_touching_latin_letters():
    assert count_words("Sasuke你好said") == 4


def test_japanese_kana_and_kanji():
    assert count_words("ありがとう、日本") == 7


def test_katakana_with_prolonged_sound_mark():
    assert count_words("ラーメン") == 4


def test_half_width_katakana_with_voiced_mark():
    assert count_words("ｶﾞｲﾄﾞ") == 3


def test_decomposed_kana_counts_once():
    assert count_words("カ\u3099") == 1


def test_hangul_syllables_are_one_word_each():
    assert count_words("안녕하세요 친구") == 7


def test_old_style_hangul_jamo_syllable_counts_once():
    assert count_words("\u1100\u1161\u11a8") == 1


def test_supplementary_plane_han():
    assert count_words("𠀋𠀋 ok") == 3


def test_ideographic_variation_selector_is_not_a_word():
    assert count_words("葛\U000e0100城") == 2


def test_cjk_punctuation_is_not_a_word():
    assert count_words("「你好。」・〜") == 2


def test_combining_marks_stay_in_their_word():
    assert count_words("cafe\u0301 नमस्ते दुनिया") == 3


def test_zero_width_non_joiner_inside_word():
    assert count_words("می\u200cخواهم") == 1


def test_emoji_are_not_words():
    assert count_words("❤️ love 👨\u200d👩\u200d👧 💖") == 1


def test_accented_and_other_scripts():
    assert count_words("Ça va? Привет, мир! Γειά σου") == 6


def test_markup_not_counted():
    html = '<p class="note" title="many words here"><a href="https://example.com/x">link</a></p>'
    assert count_words(html) == 1


def test_image_alt_text_not_counted():
    assert count_words('<img src="https://example.com/a.png" alt="three word alt"> seen') == 1


def test_comments_and_scripts_not_counted():
    assert count_words("<!-- three hidden words --><script>var a = b;</script>shown") == 1


def test_inline_tags_do_not_split_words():
    assert count_words("<p>wo<em>r</em>d</p>") == 1


def test_paragraphs_separate_words():
    assert count_words("<p>end</p><p>start</p>") == 2


def test_line_break_separates_words():
    assert count_words("end<br>start") == 2


def test_entities_decoded():
    assert count_words("Tom&nbsp;&amp;&nbsp;Jerry&#8212;friends") == 3


def test_escaped_markup_is_text():
    assert count_words("&lt;b&gt;bold&lt;/b&gt;") == 3


def test_large_chapter():
    paragraph = "<p>She said, “It’s a well-known fact—really.” 你好 A/N</p>\n"
    assert count_words(paragraph * 5000) == 11 * 5000


def test_huge_unclosed_markup_is_handled():
    assert count_words("<p title='" + "x" * 200_000) == 0
    assert count_words("<" * 100_000) == 0


_ASCII_WORDS = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1), max_size=50)
_SEPARATORS = st.sampled_from([" ", "\n", ", ", "—", " -- ", "/", "<br>", "</p><p>", "&nbsp;"])


@given(_ASCII_WORDS, _SEPARATORS)
def test_words_between_separators_are_counted(words, separator):
    assert count_words(separator.join(words)) == len(words)


@given(_ASCII_WORDS)
def test_hyphens_and_apostrophes_join_words(words):
    assert count_words("-'".join(words)) == (1 if words else 0)


# Text that is Latin-1 apart from common quotes, dashes and spaces is counted by a faster
# path; it must agree with the general rule on every string.
_MIXED = st.text(
    st.sampled_from(
        list("ab Z_09'-.,\n\t\x00") + list(
            "“”‘’—–…\u00a0\u00ad\u00e9\u00d7\u00b2\u00bd\u00aa\u00b5\u0301\u200b\u200c\u200d"
            "\u2010\u2011\u2012\u202f\u3000\ufeff\u2028\u00bf\x85\x1c\u2032我ж"
        )
    ),
    max_size=40,
)


@given(_MIXED)
def test_fast_and_general_counts_agree(text):
    from fichive.lib.wordcount import _count_general, _count_latin1

    fast = _count_latin1(text)
    assert fast is None or fast == _count_general(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("“It’s fine,” she said—quietly…", 5),
        ("naïve café crème brûlée", 4),
        ("¿Qué? ¡Sí! 2½ × 3", 4),
        ("co\u00adoperate well-known o‘clock", 3),
        ("thin\u2009space and\u200bzero width", 5),
        ("wait -- what - - -", 2),
    ],
)
def test_latin_text_with_typographic_punctuation(text, words):
    assert count_words(text) == words


_HTML_PIECES = st.sampled_from([
    "word", "two words", "-", "--", "'", "’", " ", "\n", "\t", "\u00a0", "&nbsp;", "&amp;",
    "&am", "p;", "<p>", "</p>", "<br>", "<b>", "</b>", "<hr />", "<li>", "<!-- x -->",
    "<script>a b</script>", "<td>", "é", "我", "\u0301", "—", "…",
])


@given(st.lists(_HTML_PIECES, max_size=30))
def test_counting_text_gives_the_words_of_the_visible_text(pieces):
    from fichive.lib.sanitize import html_to_text, text_for_counting
    from fichive.lib.wordcount import count_words_in_text

    html = "".join(pieces)
    assert count_words_in_text(text_for_counting(html)) == count_words_in_text(
        html_to_text(html))
