"""What the search index is given for a text: its folded words, and on PostgreSQL the
vectors built in Python, which must equal what `to_tsvector` makes of the same words."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichive.search.models import ChapterDocument
from fichive.search.services import search_index_works
from fichive.search.text import _WORD, chapter_text, fold, index_words, prepare, words
from tests.factories import WorkFactory

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="PostgreSQL's own tsvector")


def _folded(text: str) -> list[str]:
    """Each word (as the tokenizer pattern finds them) folded on its own: what `words` gives,
    however it gets there."""
    return [fold(word) for word in _WORD.findall(text)]


# Prose as imported: mostly ASCII, with curly quotes, dashes, no-break spaces, accented and
# other letters, combining accents, CJK, and symbols that have a lower case of their own.
PROSE = st.text(alphabet=st.sampled_from(
    list("aZq 09_-.,'\n") + list("“”‘’—–…\u00a0\u2009é\u0301ÉßİK\u212aⒶⅠ½東京\u20d7;\u037e")),
    max_size=60)


@given(PROSE)
@settings(max_examples=300)
def test_words_of_prose_with_quotes_and_dashes_are_folded_like_any_other(text):
    assert words(text) == _folded(text)


@given(st.text(max_size=40))
@settings(max_examples=300)
def test_words_of_any_text_are_folded_word_by_word(text):
    assert words(text) == _folded(text)


def _to_tsvector_equals(texts: list[str]) -> list[bool]:
    from fichive.search.backends.postgres import vector_input

    built = [(text, vector_input(text)) for text in texts]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v IS NULL OR (v::tsvector = to_tsvector('simple', t) "
            "AND v::tsvector::text = to_tsvector('simple', t)::text) "
            "FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u(t, v, i) ORDER BY i",
            [[t for t, _ in built], [v for _, v in built]])
        return [same for (same,) in cursor.fetchall()]


# Words the parser might read otherwise than as they are: numbers with exponents and
# digits next to letters, among plain words.
WORD = st.one_of(
    st.text(alphabet="abcez019", min_size=1, max_size=6),
    st.sampled_from(["3e3", "3e3e3", "1e5x", "x1e5", "2nd", "007", "0x1f", "1990s", "12e",
                     "the", "a", "wyvern"]),
)


@postgres_only
@pytest.mark.django_db
@given(st.lists(st.lists(WORD, max_size=40).map(" ".join), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_vectors_built_in_python_equal_postgresqls(texts):
    assert all(_to_tsvector_equals(texts))


@pytest.fixture
def one_chapter(author):
    return WorkFactory(author=author).chapters.get()


def _written_vector_equals(chapter, text: str) -> bool:
    """Whether write_chapters indexes `text` as to_tsvector does its folded words."""
    from fichive.search.backends.postgres import write_chapters

    ChapterDocument.objects.filter(chapter=chapter).delete()
    write_chapters([{"chapter_id": chapter.pk, "work_id": chapter.work_id, "body": text}])
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector::text = to_tsvector('simple', %s)::text "
                       "FROM search_chapterdocument WHERE chapter_id = %s",
                       [index_words(text), chapter.pk])
        return cursor.fetchone() == (True,)


@postgres_only
@pytest.mark.django_db
@given(st.lists(st.one_of(WORD, PROSE), max_size=60).map(" ".join))
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_chapter_vectors_written_in_binary_equal_postgresqls(one_chapter, text):
    assert _written_vector_equals(one_chapter, text)


@postgres_only
@pytest.mark.django_db
def test_vectors_keep_postgresqls_limits_on_positions(one_chapter):
    from fichive.search.backends.postgres import vector_binary, vector_input

    texts = [
        "",
        "x " + "a " * 300,  # a word keeps its first 255 positions
        "y " + "x " * 16390 + "y",  # positions stop at 16383
        "x " * 16380 + "y y y q y",
        " ".join(f"w{n % 500}" for n in range(20_000)),
    ]
    assert all(vector_input(t) is not None and vector_binary(t) is not None for t in texts)
    assert all(_to_tsvector_equals(texts))
    assert all(_written_vector_equals(one_chapter, t) for t in texts)


@postgres_only
def test_text_the_parser_may_read_otherwise_is_left_to_postgresql():
    from fichive.search.backends.postgres import vector_input

    assert vector_input("the dragon slept") is not None
    for text in ["3e3e3", "a 1e5 b", "東 京", "straße", "a " + "b" * 2048]:
        assert vector_input(text) is None, text


@postgres_only
@pytest.mark.django_db
def test_indexed_vectors_are_postgresqls_own_for_every_kind_of_text(author):
    chapters = [
        "<p>“It’s only rain,” she said — and the dragon slept.</p>",
        "<p>Zoë and Renée met at the café in 1990; 3e3e3 is not a word.</p>",
        "<p>東京で会いましょう, said the Straße sign.</p>",
        "<p>A lone accent \u0301 is a word of nothing, and “quotes” are not words.</p>",
        "<p>" + "lantern " * 17000 + "</p>",
    ]
    works = [
        WorkFactory(author=author, title="Café Lanterns", chapters=chapters,
                    summary="<p>Tea, “mostly”.</p>", freeforms=["Slow Burn", "Straße"]),
        WorkFactory(author=author, title="Plain", chapters=["<p>Only plain words.</p>"]),
        WorkFactory(author=author, title="東京", chapters=["<p>Zoë</p>"], summary="<p>ß</p>",
                    characters=["Zoë"], relationships=["Zoë/Straße"]),
    ]
    for _ in range(2):  # as created, then as reindexed together
        for work in works:
            _assert_vectors_are_postgresqls(work)
        search_index_works(work_ids=[work.pk for work in works])


def _assert_vectors_are_postgresqls(work) -> None:
    from fichive.search.backends.postgres import WEIGHTS, WORK_FIELDS
    from fichive.search.services import _work_rows

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.title, c.summary, c.notes, c.content, c.end_notes, d.vector::text "
            "FROM works_chapter c JOIN search_chapterdocument d ON d.chapter_id = c.id "
            "WHERE c.work_id = %s ORDER BY c.position", [work.pk])
        rows = cursor.fetchall()
        assert len(rows) == work.chapter_count
        for title, summary, notes, content, end_notes, vector in rows:
            text = index_words(prepare(chapter_text({
                "title": title, "summary": summary, "notes": notes, "content": content,
                "end_notes": end_notes})))
            cursor.execute("SELECT to_tsvector('simple', %s)::text", [text])
            assert vector == cursor.fetchone()[0]
        [fields] = _work_rows([work.pk])
        weighted = " || ".join(f"setweight(to_tsvector('simple', %s), '{WEIGHTS[f]}')"
                               for f in WORK_FIELDS)
        fields_equal = ", ".join(f"v_{f}::text = to_tsvector('simple', %s)::text"
                                 for f in WORK_FIELDS)
        cursor.execute(
            f"SELECT ({weighted})::text = vector::text, {fields_equal} "  # noqa: S608
            "FROM search_workdocument WHERE work_id = %s",
            [*(index_words(fields[f]) for f in WORK_FIELDS),
             *(index_words(fields[f]) for f in WORK_FIELDS), work.pk])
        assert cursor.fetchone() == (True,) * (1 + len(WORK_FIELDS))


@postgres_only
@pytest.mark.django_db
def test_a_chapter_document_the_database_refuses_is_a_database_error(one_chapter):
    from django.db import IntegrityError, transaction

    from fichive.search.backends.postgres import write_chapters

    row = {"chapter_id": one_chapter.pk, "work_id": one_chapter.work_id, "body": "plain words"}
    with pytest.raises(IntegrityError), transaction.atomic():
        write_chapters([row])  # it has one already
    assert ChapterDocument.objects.filter(chapter=one_chapter).count() == 1


@postgres_only
@pytest.mark.django_db
def test_a_work_whose_chapter_document_is_refused_leaves_nothing_and_the_others_are_saved(
        author, monkeypatch):
    from fichive.search.backends import postgres
    from fichive.works.models import Chapter, Work
    from fichive.works.services import ChapterText, NewWork, WorkMeta, works_create

    binary = postgres._binary

    def refused_for_poison(positions):  # a vector the server can't read
        return b"\x00\x00\x00\x01poison" if "poison" in positions else binary(positions)

    monkeypatch.setattr(postgres, "_binary", refused_for_poison)
    works = [NewWork(WorkMeta(title=title, creators=[author.default_pseud],
                              fandoms=["Original Work"]),
                     [ChapterText(content=f"<p>{text}</p>")], True)
             for title, text in [("First", "plain words"), ("Second", "a poison pen"),
                                 ("Third", "more plain words")]]

    first, second, third = works_create(user=author, works=works)

    assert isinstance(first, Work) and isinstance(third, Work)
    assert not isinstance(second, Work)
    assert sorted(Work.objects.values_list("title", flat=True)) == ["First", "Third"]
    assert Chapter.objects.count() == ChapterDocument.objects.count() == 2
