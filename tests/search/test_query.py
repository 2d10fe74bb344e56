"""The query language: what a typed search means, and the messages for malformed ones."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fichive.search.query import Comparison, QueryError, Term, query_parse


def test_words_are_all_required_and_folded():
    query = query_parse("Dragon CAFÉ")
    assert query.required == [(Term(("dragon",), raw="Dragon"),), (Term(("cafe",), raw="CAFÉ"),)]


def test_a_phrase_keeps_its_words_in_order():
    (group,) = query_parse('"the Old House"').required
    assert group[0].words == ("the", "old", "house")


def test_or_joins_neighbouring_terms_into_one_group():
    query = query_parse("dragon OR wyvern tea")
    assert [[t.words for t in g] for g in query.required] == [[("dragon",), ("wyvern",)],
                                                               [("tea",)]]


def test_lowercase_or_is_an_ordinary_word():
    assert len(query_parse("this or that").required) == 3


def test_minus_excludes_words_and_phrases():
    query = query_parse('tea -angst -"major character death"')
    assert [t.words for t in query.excluded] == [("angst",),
                                                  ("major", "character", "death")]


def test_fields_scope_a_term():
    query = query_parse('title:winter fandom:"Star Trek" creator:alice -tag:angst')
    assert [(g[0].field, g[0].words) for g in query.required] == [
        ("title", ("winter",)), ("fandoms", ("star", "trek")), ("creators", ("alice",))]
    assert query.excluded[0].field == "tags"


def test_prefix_search():
    (group,) = query_parse("drag*").required
    assert group[0].prefix and group[0].words == ("drag",)


def test_comparisons_and_conditions():
    query = query_parse("words>5000 kudos>=100 chapters>1 updated>2025-01-01 hits<5k "
                        "complete:yes rating:teen -rating:explicit language:Français")
    assert query.comparisons == [
        Comparison("word_count", ">", 5000), Comparison("kudos_count", ">=", 100),
        Comparison("chapter_count", ">", 1),
        Comparison("updated", ">", datetime.date(2025, 1, 1)), Comparison("hits", "<", 5000),
    ]
    assert query.complete is True
    assert query.ratings == ["Teen And Up Audiences"]
    assert query.excluded_ratings == ["Explicit"]
    assert query.languages == ["fr"]
    assert not query.has_text


def test_cjk_text_is_searched_character_by_character():
    (group,) = query_parse("東京").required
    assert group[0].words == ("東", "京")


def test_punctuation_alone_searches_nothing():
    assert query_parse("& / !").is_empty()


def test_slashes_make_a_phrase_of_the_names():
    (group,) = query_parse("Sasuke/Sakura").required
    assert group[0].words == ("sasuke", "sakura")


@pytest.mark.parametrize(("raw", "message"), [
    ('"unclosed phrase', "is never closed"),
    ("tea -", "must be followed by the word"),
    ("-", "must be followed by the word"),
    ("OR tea", "OR needs a word"),
    ("tea OR", "OR needs a word"),
    ("tea OR OR cake", "OR needs a word"),
    ("tea OR -cake", "can't be part of an OR"),
    ("tea OR words>5", "OR joins words and phrases"),
    ("colour:blue", "“colour:” is not a field the search knows"),
    ("words>many", "words needs a whole number"),
    ("updated>yesterday", "updated needs a date written YYYY-MM-DD"),
    ("-words>5000", "can't be negated"),
    ("rating:pg13", "is not a rating"),
    ("language:klingon", "is not a language the archive knows"),
    ("complete:maybe", "complete: takes yes or no"),
    ("title>5", "title takes a colon"),
    ("colour>5", "is not something to compare"),
    ("title:", "needs a value"),
    ("title:&&", "has no letters or numbers"),
    ("x" * 501, "Keep the search to 500 characters"),
    (" ".join(f"w{i}" for i in range(31)), "at most 30 words"),
    ("words>²", "words needs a whole number"),  # isdigit() but not int()
    ("chapters:³", "chapters needs a whole number"),
    ("hits<①k", "hits needs a whole number"),
    ("kudos>2147483648", "numbers up to 2,147,483,647"),
    ("words>" + "9" * 400, "numbers up to 2,147,483,647"),
    ("e*", "“e\\*” would match too many words; put at least 3 letters"),
    ("-title:dr*", "put at least 3 letters before a \\*"),
    ("dra* pie* tea* lan* har* fer*", "at most 5 words ending in \\*"),
])
def test_malformed_queries_say_what_is_wrong(raw, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(")):
        query_parse(raw)


def test_decimal_digits_of_any_script_are_numbers():
    assert query_parse("words>١٢k chapters<=５").comparisons == [
        Comparison("word_count", ">", 12000), Comparison("chapter_count", "<=", 5)]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab -"*:<>=ORé東 \t()'))
               | st.characters(), max_size=60))
@example("ᬆ")  # folds to a letter and a spacing vowel sign (Balinese), as Indic scripts do
def test_any_input_parses_or_gives_a_query_error(raw):
    try:
        query = query_parse(raw)
    except QueryError as exc:
        assert str(exc)
    else:
        for term in (*query.positive_terms(), *query.excluded):
            # Words are letters and digits, with the marks that belong to them: never
            # spaces, quotes or other query syntax.
            assert term.words and all(
                c.isalnum() or unicodedata.category(c).startswith("M")
                for w in term.words for c in w)
            assert all(w[0].isalnum() for w in term.words)
