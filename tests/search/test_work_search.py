"""Searching works: what is found, in what order, with which passage, for whom; and the index
following every change. The same tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest

from fichive.search.models import ChapterDocument, WorkDocument
from fichive.search.services import search_reindex
from fichive.tags.models import Tag
from fichive.tags.services import tag_add_meta, tag_make_canonical, tag_make_synonym, tag_rename
from fichive.works.services import (
    ChapterText,
    chapter_add,
    chapter_delete,
    chapter_update,
    work_delete,
)
from tests.factories import WorkFactory


def found(client, q: str, **params) -> list[str]:
    response = client.get("/api/v1/works", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [w["title"] for w in json.loads(response.content)["works"]]


def api(client, q: str, **params) -> dict:
    return json.loads(client.get("/api/v1/works", {"q": q, **params}).content)


@pytest.fixture
def shelf(author):
    return {
        "harbour": WorkFactory(
            author=author, title="Harbour Lights", fandoms=["Naruto"],
            characters=["Haruno Sakura"], relationships=["Uchiha Sasuke/Haruno Sakura"],
            freeforms=["Slow Burn"], summary="<p>A lantern by the sea.</p>",
            chapters=["<p>The fishing boats came home late.</p>",
                      "<p>She found the dragon sleeping under the pier, its scales wet with "
                      "rain.</p>"],
            complete=True),
        "orchard": WorkFactory(
            author=author, title="The Winter Orchard", fandoms=["Sherlock Holmes"],
            freeforms=["Fluff"], language="fr",
            chapters=["<p>Le café était froid. Holmes buvait du thé sous la pluie.</p>"]),
        "kyoto": WorkFactory(
            author=author, title="雪の京都", fandoms=["Original Work"], language="ja",
            chapters=["<p>東京都から京都へ行く電車の中で、彼女は手紙を読んだ。</p>"]),
        "dragon": WorkFactory(
            author=author, title="Dragon Tea", fandoms=["Original Work"],
            summary="<p>Tea with a dragon.</p>",
            chapters=["<p>" + "Nothing happens here. " * 200 + "</p>"]),
    }


def test_words_are_found_in_titles_summaries_tags_and_chapter_text(client, shelf):
    assert found(client, "pier") == ["Harbour Lights"]
    assert found(client, "lantern") == ["Harbour Lights"]
    assert found(client, "slow burn") == ["Harbour Lights"]
    assert found(client, "orchard") == ["The Winter Orchard"]
    assert found(client, "alice") == sorted(found(client, "alice"), key=found(client,
                                            "alice").index)  # every work of alice, any order
    assert len(found(client, "creator:alice")) == 4


def test_every_word_must_match_somewhere_in_the_work(client, shelf):
    # "fishing" is in chapter 1, "dragon" in chapter 2: the work has both.
    assert found(client, "fishing dragon") == ["Harbour Lights"]
    assert found(client, "fishing orchard") == []


def test_phrases_or_and_exclusions(client, shelf):
    assert found(client, '"boats came home"') == ["Harbour Lights"]
    assert found(client, '"home came boats"') == []
    assert sorted(found(client, "pier OR orchard")) == ["Harbour Lights", "The Winter Orchard"]
    assert found(client, "dragon -pier") == ["Dragon Tea"]
    assert found(client, 'dragon -"scales wet"') == ["Dragon Tea"]


def test_prefix_search(client, shelf):
    assert found(client, "lant*") == ["Harbour Lights"]


def test_fields(client, shelf):
    assert found(client, "title:dragon") == ["Dragon Tea"]
    assert found(client, "summary:lantern") == ["Harbour Lights"]
    assert found(client, "title:lantern") == []
    assert found(client, 'fandom:"Sherlock Holmes"') == ["The Winter Orchard"]
    assert found(client, "character:sakura") == ["Harbour Lights"]
    assert found(client, 'relationship:"Sasuke/Haruno Sakura"') == ["Harbour Lights"]
    assert found(client, 'relationship:"Sakura/Sasuke"') == []
    assert found(client, "tag:fluff") == ["The Winter Orchard"]
    assert found(client, "-tag:fluff title:winter") == []


def test_conditions_combine_with_words(client, shelf):
    assert found(client, "dragon complete:yes") == ["Harbour Lights"]
    assert found(client, "dragon chapters>1") == ["Harbour Lights"]
    assert found(client, "dragon words>500") == ["Dragon Tea"]
    assert found(client, "language:fr") == ["The Winter Orchard"]
    assert found(client, "dragon rating:explicit") == []
    assert len(found(client, 'dragon rating:"general audiences"')) == 2  # the factories' rating


def test_accents_and_case_do_not_matter(client, shelf):
    assert found(client, "CAFE") == ["The Winter Orchard"]
    assert found(client, "etait") == ["The Winter Orchard"]
    assert found(client, "ÉTAIT") == ["The Winter Orchard"]
    assert found(client, '"du the" pluie') == ["The Winter Orchard"]


def test_cjk_text_is_found_by_characters(client, shelf):
    assert found(client, "京都") == ["雪の京都"]
    assert found(client, "手紙") == ["雪の京都"]
    assert found(client, "東京") == ["雪の京都"]
    assert found(client, "大阪") == []


def test_title_and_summary_rank_above_chapter_text(client, shelf):
    # "dragon" is the title and summary of Dragon Tea, a word in Harbour Lights' chapter 2.
    assert found(client, "dragon") == ["Dragon Tea", "Harbour Lights"]


def test_results_carry_a_score_and_a_snippet_of_the_matching_chapter(client, shelf):
    data = api(client, "dragon pier")
    (work,) = data["works"]
    chapter = shelf["harbour"].chapters.get(position=2)
    assert work["score"] > 0
    assert work["snippet"]["chapter_id"] == chapter.pk
    assert work["snippet"]["chapter_url"] == chapter.get_absolute_url()
    assert "<mark>dragon</mark>" in work["snippet"]["html"]
    assert "<mark>pier</mark>" in work["snippet"]["html"]


def test_the_search_page_shows_marked_snippets_and_links_to_the_chapter(client, shelf):
    response = client.get("/works/search", {"q": "dragon pier"})
    chapter = shelf["harbour"].chapters.get(position=2)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>dragon</mark>" in html
    assert f'href="{chapter.get_absolute_url()}">Found in Chapter 2' in html


def test_the_passage_comes_from_the_best_matching_chapter_whatever_the_sort(client, author):
    WorkFactory(author=author, title="Lanterns", chapters=[
        "<p>A lantern. " + "Then nothing at all happened for a long while. " * 80 + "</p>",
        "<p>No light here.</p>",
        "<p>Lantern after lantern after lantern lit the lantern-maker's street.</p>"])
    WorkFactory(author=author, title="Lantern Festival", chapters=["<p>Crowds.</p>"])
    for sort in ("relevance", "title"):
        works = {w["title"]: w for w in api(client, "lantern", sort=sort)["works"]}
        assert works["Lanterns"]["snippet"]["html"].startswith("<mark>Lantern</mark> after")
        # Found by its title alone: no chapter text matched, so no passage.
        assert works["Lantern Festival"]["snippet"] is None


def test_other_sorts_and_filters_apply_to_search_results(client, shelf):
    assert found(client, "dragon", sort="title") == ["Dragon Tea", "Harbour Lights"]
    assert found(client, "dragon", sort="title", order="desc") == ["Harbour Lights",
                                                                    "Dragon Tea"]
    assert found(client, "dragon", include="Naruto") == ["Harbour Lights"]
    assert found(client, "dragon", exclude="Naruto") == ["Dragon Tea"]


def test_malformed_queries_are_a_clear_400_on_page_and_api(client, shelf):
    response = client.get("/works/search", {"q": 'dragon "unclosed'})
    assert response.status_code == 400
    assert "is never closed" in response.content.decode()
    response = client.get("/api/v1/works", {"q": "colour:blue"})
    assert response.status_code == 400
    assert "is not a field the search knows" in response.content.decode()


def test_syntax_characters_are_only_ever_searched_for(client, shelf):
    for raw in ['NEAR(dragon pier)', "dragon AND pier", "{title}:dragon", "drag^on",
                "'; DROP TABLE works_work; --", "dragon:*", "pier \\"]:
        response = client.get("/api/v1/works", {"q": raw})
        assert response.status_code in (200, 400), raw
    assert found(client, "dragon AND pier") == []  # "and" is a word here, not an operator


# --- Visibility ---------------------------------------------------------------------------

def test_restricted_works_are_found_only_by_logged_in_users(client, reader, author):
    WorkFactory(author=author, title="Locked Lighthouse", restricted=True,
                chapters=["<p>The lighthouse keeper's log.</p>"])
    assert found(client, "lighthouse") == []
    assert found(client, "keeper") == []
    assert b"Lighthouse" not in client.get("/works/search", {"q": "lighthouse"}).content
    client.force_login(reader)
    assert found(client, "keeper") == ["Locked Lighthouse"]


def test_drafts_are_never_found(author_client, author):
    WorkFactory(author=author, title="Unposted Lighthouse", post=False)
    assert found(author_client, "lighthouse") == []


# --- Keeping the index in step --------------------------------------------------------------

def test_chapter_changes_are_searchable_at_once(client, author, shelf):
    work = shelf["orchard"]
    chapter = chapter_add(user=author, work=work, text=ChapterText(content="<p>A zeppelin.</p>"))
    assert found(client, "zeppelin") == ["The Winter Orchard"]
    chapter_update(user=author, chapter=chapter, text=ChapterText(content="<p>A blimp.</p>"))
    assert found(client, "zeppelin") == []
    assert found(client, "blimp") == ["The Winter Orchard"]
    chapter_delete(user=author, chapter=chapter)
    assert found(client, "blimp") == []


def test_deleted_works_leave_the_index(client, author, shelf):
    work_delete(user=author, work=shelf["dragon"])
    assert found(client, "dragon") == ["Harbour Lights"]
    assert not WorkDocument.objects.filter(work_id=shelf["dragon"].pk).exists()
    assert not ChapterDocument.objects.filter(work_id=shelf["dragon"].pk).exists()


def test_synonyms_find_works_tagged_with_the_canonical_and_back(client, author):
    WorkFactory(author=author, title="Canon", freeforms=["Hurt/Comfort"])
    WorkFactory(author=author, title="Synonym", freeforms=["h/c"])
    canonical = Tag.objects.get(name="Hurt/Comfort")
    tag_make_canonical(actor=None, tag=canonical)
    tag_make_synonym(actor=None, tag=Tag.objects.get(name="h/c"), of=canonical)
    assert sorted(found(client, '"h/c"')) == ["Canon", "Synonym"]
    assert sorted(found(client, "tag:comfort")) == ["Canon", "Synonym"]


def test_meta_tags_and_renames_update_the_index(client, author):
    WorkFactory(author=author, title="Sub", freeforms=["Alternate Universe - Coffee Shop"])
    sub = Tag.objects.get(name="Alternate Universe - Coffee Shop")
    meta = Tag.objects.create(type=Tag.Type.FREEFORM, name="Alternate Universe",
                              canonical=True)
    tag_make_canonical(actor=None, tag=sub)
    tag_add_meta(actor=None, sub=sub, meta=meta)
    assert found(client, 'tag:"Alternate Universe" -tag:coffee') == []
    tag_rename(actor=None, tag=sub, new_name="AU - Tea Shop")
    assert found(client, "tag:tea") == ["Sub"]
    assert found(client, "coffee") == []


def test_reindex_rebuilds_the_index_from_the_works(client, shelf):
    WorkDocument.objects.all().delete()
    ChapterDocument.objects.all().delete()
    assert found(client, "pier") == []
    assert search_reindex() == 4
    assert found(client, "pier") == ["Harbour Lights"]
    assert found(client, "京都") == ["雪の京都"]


def test_the_reindex_command_reports_what_it_did(shelf, capsys):
    from fichive.cli import main

    assert main(["reindex"]) == 0
    assert "Indexed 4 works" in capsys.readouterr().out


def test_the_search_page_has_a_search_box_and_help(client, shelf):
    response = client.get("/works/search")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert client.get("/search/help").status_code == 200
