"""/tags/autocomplete: canonical tags first, then synonyms, by use count, matching the start
of any word in any case, at most fifteen; and the vendored script on the posting form."""

from __future__ import annotations

from django.contrib.staticfiles import finders

from fichive.tags.services import tag_make_synonym
from tests.factories import WorkFactory
from tests.tags.helpers import page


def _suggest(client, **params) -> list[dict]:
    response = client.get("/tags/autocomplete", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_matches_the_start_of_any_word_in_any_case(guest, make_tag):
    make_tag("Naruto", "fandom", canonical=True)
    make_tag("Boruto: Naruto Next Generations", "fandom", canonical=True)
    make_tag("Sherlock Holmes", "fandom", canonical=True)
    make_tag("Inaru", "fandom", canonical=True)  # "nar" inside a word: no match

    names = [s["name"] for s in _suggest(guest, type="fandom", term="NAR")]

    assert sorted(names) == ["Boruto: Naruto Next Generations", "Naruto"]


def test_every_typed_word_must_match(guest, make_tag):
    make_tag("Uchiha Sasuke", "character", canonical=True)
    make_tag("Uchiha Itachi", "character", canonical=True)

    names = [s["name"] for s in _suggest(guest, type="character", term="uch sas")]

    assert names == ["Uchiha Sasuke"]


def test_words_after_a_slash_or_parenthesis_match(guest, make_tag):
    make_tag("Haruno Sakura/Uchiha Sasuke", "relationship", canonical=True)
    make_tag("Sasuke (Boruto)", "character", canonical=True)

    assert [s["name"] for s in _suggest(guest, term="uchiha")] == ["Haruno Sakura/Uchiha Sasuke"]
    assert [s["name"] for s in _suggest(guest, term="boru")] == ["Sasuke (Boruto)"]


def test_canonical_tags_come_first_then_synonyms_each_by_use_count(guest, wrangler, author,
                                                                    make_tag):
    popular = make_tag("Naruto", "fandom", canonical=True)
    make_tag("Naruto Shippuden Movies", "fandom", canonical=True)
    synonym = make_tag("NARUTO | ナルト (Anime)", "fandom")
    for fandom in ("Naruto", "Naruto", "Naruto Shippuden Movies", "NARUTO | ナルト (Anime)"):
        WorkFactory(author=author, fandoms=[fandom])
    tag_make_synonym(actor=wrangler, tag=synonym, of=popular)

    found = _suggest(guest, type="fandom", term="naruto")

    assert [s["name"] for s in found] == ["Naruto", "Naruto Shippuden Movies",
                                          "NARUTO | ナルト (Anime)"]
    assert found[0] == {"name": "Naruto", "type": "fandom", "canonical": True, "uses": 2,
                        "synonym_of": None, "label": "Naruto"}
    assert found[2]["label"] == "NARUTO | ナルト (Anime) → Naruto"
    assert found[2]["canonical"] is False


def test_unwrangled_tags_are_not_suggested(guest, author):
    WorkFactory(author=author, freeforms=["Fluffy Fluff"])

    assert _suggest(guest, term="fluff") == []


def test_canonical_only_leaves_out_synonyms(guest, wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    tag_make_synonym(actor=wrangler, tag=make_tag("Sasuke Uchiha", "character"), of=canonical)

    names = [s["name"] for s in _suggest(guest, term="sasuke", canonical="1")]

    assert names == ["Uchiha Sasuke"]


def test_the_type_narrows_the_suggestions(guest, make_tag):
    make_tag("Naruto", "fandom", canonical=True)
    make_tag("Naruto Uzumaki", "character", canonical=True)

    assert [s["name"] for s in _suggest(guest, type="character", term="nar")] == [
        "Naruto Uzumaki"]
    assert len(_suggest(guest, term="nar")) == 2


def test_fixed_tags_only_come_when_asked_for_by_type(guest, db):
    assert _suggest(guest, term="explicit") == []
    assert [s["name"] for s in _suggest(guest, type="rating", term="explicit")] == ["Explicit"]


def test_at_most_fifteen_suggestions(guest, make_tag):
    for n in range(20):
        make_tag(f"Alternate Universe {n}", "freeform", canonical=True)

    assert len(_suggest(guest, term="alt")) == 15


def test_a_blank_term_suggests_nothing(guest, make_tag):
    make_tag("Naruto", "fandom", canonical=True)

    assert _suggest(guest, term="  ") == []
    assert _suggest(guest) == []


def test_an_unknown_type_is_a_clear_400(guest, db):
    response = guest.get("/tags/autocomplete", {"type": "ship", "term": "a"})

    assert response.status_code == 400
    assert "Unknown tag type “ship”" in response.json()["error"]


def test_wildcards_in_the_term_are_plain_text(guest, make_tag):
    make_tag("Fluff", "freeform", canonical=True)

    assert _suggest(guest, term="_luff") == []


def test_the_posting_form_loads_the_script_and_keeps_plain_inputs(author_client):
    html = page(author_client.get("/works/new"))

    assert 'src="/static/js/autocomplete.js"' in html
    assert 'data-url="/tags/autocomplete"' in html
    assert '<input type="text" name="fandoms"' in html
    assert 'id="id_characters"' in html


def test_the_script_is_vendored_and_targets_the_posting_fields():
    path = finders.find("js/autocomplete.js")

    assert path, "static/js/autocomplete.js is missing"
    with open(path, encoding="utf-8") as script:
        source = script.read()
    for field_id in ("id_fandoms", "id_relationships", "id_characters", "id_freeforms"):
        assert field_id in source
    assert "import " not in source and "require(" not in source  # no build step
