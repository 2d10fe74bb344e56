"""Tag suggestions read from a story's text (issue 23): names in their fan fiction variants,
shared names settled by fandom or left out, CJK names, relationships from short stories,
visibility, the command line and the posting form."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from fichive.cli import main
from fichive.tags.models import Tag
from fichive.tags.services import (
    tag_make_canonical,
    tag_make_synonym,
    tag_set_parents,
    tags_find_or_create,
)
from fichive.tags.suggestions import suggest_tags
from fichive.tags.suggestions.model import load, train_from_archive
from fichive.tags.suggestions.names import forget_index
from tests.factories import WorkFactory


@pytest.fixture(autouse=True)
def _fresh_index():
    forget_index()
    yield
    forget_index()


def _tag(name: str, tag_type: str, *, fandoms: tuple[str, ...] = (), canonical: bool = True
         ) -> Tag:
    (tag,) = tags_find_or_create(tag_type=tag_type, names=[name])
    if fandoms:
        parents = [_tag(f, Tag.Type.FANDOM) for f in fandoms]
        tag_set_parents(actor=None, tag=tag, fandoms=parents)
    if canonical and not tag.canonical:
        tag = tag_make_canonical(actor=None, tag=tag)
    return tag


def _synonym(name: str, of: Tag) -> Tag:
    (tag,) = tags_find_or_create(tag_type=of.type, names=[name])
    return tag_make_synonym(actor=None, tag=tag, of=of)


@pytest.fixture
def naruto(db):
    for name in ("Uchiha Sasuke", "Haruno Sakura", "Yamanaka Ino", "Uzumaki Naruto",
                 "Nara Shikamaru", "Hatake Kakashi"):
        _tag(name, Tag.Type.CHARACTER, fandoms=("Naruto",))
    _tag("Konohagakure", Tag.Type.FREEFORM, fandoms=("Naruto",))
    return Tag.objects.get(name="Naruto")


def _found(text: str, tag_type: str, viewer=None, **kwargs) -> dict[str, float]:
    return {s.name: s.confidence for s in suggest_tags(text=text, viewer=viewer, **kwargs)
            if s.type == tag_type}


# ----------------------------------------------------------------------------- names


def test_given_and_family_names_in_either_order_with_honorifics_and_possessives(naruto):
    text = ("Sasuke Uchiha walked in. \"Sasuke-kun!\" Sakura practically screamed.\n\n"
            "Sakura's hands shook. Uchiha Sasuke looked away.\n\n"
            "\"Forehead,\" Ino said, \"stop staring at Sasuke.\"")
    found = _found(text, Tag.Type.CHARACTER)

    assert set(found) == {"Uchiha Sasuke", "Haruno Sakura", "Yamanaka Ino"}
    sakura = next(s for s in suggest_tags(text=text, viewer=None)
                  if s.name == "Haruno Sakura")
    assert "speaks 1 time" in sakura.evidence[0]
    assert "“Sakura”" in sakura.evidence[0]


def test_a_family_name_alone_and_the_family_reference(naruto):
    text = "\n\n".join(["The Nara yawned.", "\"Troublesome,\" Shikamaru said.",
                        "Nara Shikamaru did not move from the roof."])
    found = _found(text, Tag.Type.CHARACTER)

    assert list(found) == ["Nara Shikamaru"]


def test_nicknames_recorded_as_synonyms_are_names_too(naruto):
    sakura = Tag.objects.get(name="Haruno Sakura")
    _synonym("Forehead", sakura)

    text = "\n\n".join(["\"Forehead!\" someone yelled across the market.",
                        "Forehead turned, scowling.", "Forehead said nothing at all."])

    assert "Haruno Sakura" in _found(text, Tag.Type.CHARACTER)


def test_a_passing_mention_is_below_the_default_threshold(naruto):
    text = ("\"Come on,\" Naruto said. \"Come on, come on.\"\n\n" * 6
            + "Somewhere, Kakashi was probably late.")
    found = _found(text, Tag.Type.CHARACTER)

    assert "Uzumaki Naruto" in found
    assert "Hatake Kakashi" not in found
    assert "Hatake Kakashi" in _found(text, Tag.Type.CHARACTER, threshold=0)


def test_a_given_name_two_fandoms_share_goes_to_the_fandom_of_the_other_names(naruto):
    _tag("Kinomoto Sakura", Tag.Type.CHARACTER, fandoms=("Cardcaptor Sakura",))
    _tag("Li Syaoran", Tag.Type.CHARACTER, fandoms=("Cardcaptor Sakura",))
    story = ["\"Sakura,\" Syaoran said.", "Sakura smiled at him.", "Syaoran blushed.",
             "Sakura laughed."]

    card = _found("\n\n".join(story), Tag.Type.CHARACTER)
    ninja = _found("\n\n".join(s.replace("Syaoran", "Naruto") for s in story),
                   Tag.Type.CHARACTER)

    assert "Kinomoto Sakura" in card and "Haruno Sakura" not in card
    assert "Haruno Sakura" in ninja and "Kinomoto Sakura" not in ninja
    fandoms = _found("\n\n".join(story), Tag.Type.FANDOM)
    assert "Cardcaptor Sakura" in fandoms and "Naruto" not in fandoms


def test_a_shared_name_nothing_settles_is_not_suggested(naruto):
    _tag("Kinomoto Sakura", Tag.Type.CHARACTER, fandoms=("Cardcaptor Sakura",))
    text = "\n\n".join(["Sakura ran.", "Sakura ran faster.", "\"Wait!\" Sakura said."])

    assert _found(text, Tag.Type.CHARACTER, threshold=0) == {}
    # …until the author says which fandom the story is in.
    assert "Kinomoto Sakura" in _found(text, Tag.Type.CHARACTER,
                                       fandom_hint="Cardcaptor Sakura")


def test_cjk_names_without_spaces(db):
    sasuke = _tag("Uchiha Sasuke", Tag.Type.CHARACTER, fandoms=("Naruto",))
    _synonym("うちは サスケ", sasuke)
    wei = _tag("Wei Ying | Wei Wuxian", Tag.Type.CHARACTER,
               fandoms=("魔道祖师 - 墨香铜臭 | Módào Zǔshī - Mòxiāng Tóngxiù",))
    _synonym("魏无羡", wei)
    japanese = ("サスケくんは黙っていた。\n\n「サスケ！」とナルトが叫んだ。\n\n"
                "うちはサスケは振り返った。")
    chinese = "魏无羡笑了。\n\n“蓝湛，”魏无羡说。\n\n魏无羡又笑了。"

    assert "Uchiha Sasuke" in _found(japanese, Tag.Type.CHARACTER)
    assert "Wei Ying | Wei Wuxian" in _found(chinese, Tag.Type.CHARACTER)
    assert "Naruto" in _found(japanese, Tag.Type.FANDOM)


def test_place_and_term_tags_point_at_their_fandom(naruto):
    text = "\n\n".join(["Konohagakure was quiet.", "The gates of Konohagakure stood open.",
                        "\"Home,\" Sakura said."])

    assert "Naruto" in _found(text, Tag.Type.FANDOM)
    assert "Konohagakure" in _found(text, Tag.Type.FREEFORM)


# --------------------------------------------------------------------- relationships

ROMANCE = """Ino had loved Sakura since the academy, and had never said so.

"You're staring," Sakura said.

"I'm allowed," said Ino. She leaned in and kissed her, quick, on the lips.

Sakura blushed to the roots of her hair. "Again," she said, and Ino kissed her again.

* * *

Later, Sakura held Ino's hand all the way home, and Ino thought her heart might burst."""

FRIENDS = """Naruto and Sasuke had been teammates for years, and rivals for longer.

"Dobe," Sasuke said.

"Teme," said Naruto, grinning, and threw an arm around his best friend's shoulders.

* * *

They sparred until dark, the way friends do. "Same time tomorrow, Sasuke?" Naruto asked.

"Hn," Sasuke said, which meant yes."""


def test_a_romance_suggests_the_existing_slash_tag_in_either_name_order(naruto):
    _tag("Yamanaka Ino/Haruno Sakura", Tag.Type.RELATIONSHIP, fandoms=("Naruto",))
    _tag("Haruno Sakura & Yamanaka Ino", Tag.Type.RELATIONSHIP, fandoms=("Naruto",))

    found = _found(ROMANCE, Tag.Type.RELATIONSHIP)

    assert list(found) == ["Yamanaka Ino/Haruno Sakura"]


def test_a_friendship_suggests_the_ampersand_tag(naruto):
    _tag("Uzumaki Naruto & Uchiha Sasuke", Tag.Type.RELATIONSHIP, fandoms=("Naruto",))
    _tag("Uchiha Sasuke/Uzumaki Naruto", Tag.Type.RELATIONSHIP, fandoms=("Naruto",))

    found = _found(FRIENDS, Tag.Type.RELATIONSHIP)

    assert list(found) == ["Uzumaki Naruto & Uchiha Sasuke"]


def test_no_relationship_tag_is_made_up(naruto):
    assert _found(ROMANCE, Tag.Type.RELATIONSHIP, threshold=0) == {}


def test_characters_who_never_meet_are_not_paired(naruto):
    _tag("Hatake Kakashi/Nara Shikamaru", Tag.Type.RELATIONSHIP, fandoms=("Naruto",))
    text = "\n\n".join(["Kakashi read his book and loved it."] * 3 + ["* * *"]
                       + ["Shikamaru watched the clouds and loved them."] * 3)

    assert _found(text, Tag.Type.RELATIONSHIP) == {}


# ------------------------------------------------------------------------ visibility


def test_a_relationship_tag_only_on_a_restricted_work_is_never_suggested_to_a_guest(
        naruto, author, reader):
    WorkFactory(author=author, fandoms=["Naruto"], restricted=True,
                relationships=["Haruno Sakura/Yamanaka Ino"])

    assert _found(ROMANCE, Tag.Type.RELATIONSHIP, viewer=None) == {}
    assert "Haruno Sakura/Yamanaka Ino" in _found(ROMANCE, Tag.Type.RELATIONSHIP,
                                                  viewer=reader)


def test_a_relationship_tag_only_on_a_draft_is_suggested_to_its_creator_only(
        naruto, author, reader):
    WorkFactory(author=author, fandoms=["Naruto"], post=False,
                relationships=["Haruno Sakura/Yamanaka Ino"])

    assert _found(ROMANCE, Tag.Type.RELATIONSHIP, viewer=reader) == {}
    assert "Haruno Sakura/Yamanaka Ino" in _found(ROMANCE, Tag.Type.RELATIONSHIP,
                                                  viewer=author)


def test_a_synonym_used_only_on_a_draft_is_not_a_name_for_others(naruto, author, reader):
    sakura = Tag.objects.get(name="Haruno Sakura")
    WorkFactory(author=author, fandoms=["Naruto"], post=False, characters=["Pinky"])
    _synonym("Pinky", sakura)
    text = "\n\n".join(["\"Pinky!\" they called.", "Pinky said nothing.", "Pinky ran."])

    assert "Haruno Sakura" not in _found(text, Tag.Type.CHARACTER, viewer=reader)
    assert "Haruno Sakura" in _found(text, Tag.Type.CHARACTER, viewer=author)


def test_the_model_learns_only_from_works_every_visitor_may_see(naruto, author, settings,
                                                                tmp_path):
    settings.DATA_DIR = tmp_path
    coffee = "The coffee shop smelled of espresso and burnt milk; the barista grinned."
    for n in range(4):
        WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Coffee Shops"],
                    chapters=[f"<p>{coffee} Number {n}.</p>"])
        WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Secret Hideouts"],
                    restricted=True, chapters=[f"<p>{coffee} Hideout {n}.</p>"])
        WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Ninja Training"],
                    chapters=[f"<p>Kunai and shuriken at dawn, drills {n}.</p>"])
    _tag("Coffee Shops", Tag.Type.FREEFORM)
    _tag("Ninja Training", Tag.Type.FREEFORM)
    (hideouts,) = tags_find_or_create(tag_type=Tag.Type.FREEFORM, names=["Secret Hideouts"])

    model = train_from_archive()

    assert str(hideouts.pk) not in model.tags
    assert load() is not None
    suggested = _found(coffee + " The barista and the espresso again.", Tag.Type.FREEFORM,
                       threshold=0)
    assert "Coffee Shops" in suggested
    assert "Secret Hideouts" not in suggested
    assert suggested["Coffee Shops"] > suggested.get("Ninja Training", 0)


# ------------------------------------------------------------------------------- CLI


def test_the_command_prints_suggestions_with_evidence(naruto, tmp_path, capsys):
    _tag("Yamanaka Ino/Haruno Sakura", Tag.Type.RELATIONSHIP, fandoms=("Naruto",))
    story = tmp_path / "story.txt"
    story.write_text(ROMANCE)

    assert main(["suggest-tags", str(story)]) == 0
    out = capsys.readouterr().out
    assert "relationship" in out and "Yamanaka Ino/Haruno Sakura" in out
    assert "Naruto" in out and "speaks" in out

    assert main(["suggest-tags", str(story), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    types = {s["type"] for s in data["suggestions"]}
    assert {"fandom", "relationship", "character"} <= types
    assert all(0 <= s["confidence"] <= 1 and s["evidence"] for s in data["suggestions"])


def test_the_command_reports_an_unreadable_file(db, tmp_path, capsys):
    assert main(["suggest-tags", str(tmp_path / "missing.txt")]) == 1
    assert "can't read it" in capsys.readouterr().err
    binary = tmp_path / "story.epub"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert main(["suggest-tags", str(binary)]) == 1
    assert "not a text or HTML file" in capsys.readouterr().err


# ------------------------------------------------------------------------ the form


def test_the_suggestions_view_answers_a_fragment_with_checkboxes(naruto, login, author):
    _tag("Yamanaka Ino/Haruno Sakura", Tag.Type.RELATIONSHIP, fandoms=("Naruto",))
    client = login(author)

    response = client.post("/tags/suggestions",
                           {"chapter-content": ROMANCE, "characters": "Yamanaka Ino"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tag-suggestions"' in html and "<html" not in html
    assert 'value="relationship:Yamanaka Ino/Haruno Sakura"' in html
    assert 'data-field="id_relationships"' in html
    # Already in its field: checked.
    assert 'value="character:Yamanaka Ino" data-field="id_characters" checked' in html


def test_the_suggestions_view_needs_text_and_a_login(naruto, login, author):
    assert login(None).post("/tags/suggestions", {"content": ROMANCE}).status_code == 302
    response = login(author).post("/tags/suggestions", {"content": "  "})
    assert response.status_code == 200
    assert "Type or paste the work" in response.content.decode()
    assert login(author).get("/tags/suggestions").status_code == 405


def test_without_javascript_the_form_comes_back_with_suggestions_then_adds_the_checked(
        naruto, login, author):
    client = login(author)
    typed = {"title": "Flowers", "fandoms": "", "chapter-content": ROMANCE,
             "chapter-title": "One", "characters": "", "rating": "General Audiences"}

    page = client.post("/works/new", {**typed, "action": "suggest"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Suggested tags" in html and 'value="fandom:Naruto"' in html
    assert "Ino had loved Sakura" in html  # the text typed is kept
    assert 'name="chapter-title" value="One"' in html and 'value="Flowers"' in html
    assert not Tag.objects.filter(taggings__isnull=False).exists()

    added = client.post("/works/new", {**typed, "action": "add-suggested",
                                       "suggested": ["fandom:Naruto",
                                                     "character:Haruno Sakura"]})

    html = added.content.decode()
    assert 'name="fandoms" value="Naruto"' in html
    assert 'value="Haruno Sakura"' in html


def test_the_suggestions_view_is_rate_limited(naruto, login, author, monkeypatch):
    from fichive.lib.ratelimit import RateLimit
    from fichive.tags import views

    monkeypatch.setattr(views, "SUGGESTIONS_LIMIT", RateLimit("tag-suggestions-test", 2, 3600))
    client = login(author)
    answers = [client.post("/tags/suggestions", {"content": ROMANCE}).content.decode()
               for _ in range(3)]

    assert all("Suggested tags" in a and "Naruto" in a for a in answers[:2])
    assert "Please wait" in answers[2] and "Naruto" not in answers[2]


def test_a_work_s_chapters_are_read_with_its_fandoms_as_the_hint(naruto, author):
    from fichive.tags.suggestions import suggest_tags_for_work

    _tag("Kinomoto Sakura", Tag.Type.CHARACTER, fandoms=("Cardcaptor Sakura",))
    text = "".join(f"<p>{line}</p>" for line in
                   ["Sakura ran.", "Sakura ran faster.", "\"Wait!\" Sakura said.",
                    "Sakura stopped at the gate."])
    work = WorkFactory(author=author, fandoms=["Cardcaptor Sakura"],
                       chapters=[text, "<p>Sakura slept.</p>"])

    names = {s.name for s in suggest_tags_for_work(work=work, viewer=author)}

    assert "Kinomoto Sakura" in names and "Haruno Sakura" not in names


def test_the_model_s_tags_are_checked_again_when_suggested(naruto, author, settings,
                                                            tmp_path):
    settings.DATA_DIR = tmp_path
    coffee = "The coffee shop smelled of espresso and burnt milk; the barista grinned."
    works = [WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Espresso Feelings"],
                         chapters=[f"<p>{coffee} Number {n}.</p>"]) for n in range(4)]
    for n in range(4):
        WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Ninja Training"],
                    chapters=[f"<p>Kunai and shuriken at dawn, drills {n}.</p>"])
    train_from_archive()
    assert "Espresso Feelings" in _found(coffee, Tag.Type.FREEFORM, threshold=0)

    # The tag (never wrangled) ends up only on restricted works, after the model learnt it:
    # guests no longer know it, and aren't offered it; logged-in readers still are.
    from fichive.works.models import Work

    Work.objects.filter(pk__in=[w.pk for w in works]).update(restricted=True)
    assert "Espresso Feelings" not in _found(coffee, Tag.Type.FREEFORM, threshold=0)
    assert "Espresso Feelings" in _found(coffee, Tag.Type.FREEFORM, threshold=0,
                                         viewer=author)


def test_the_train_command_reports_what_it_learnt(naruto, author, settings, tmp_path,
                                                   capsys):
    settings.DATA_DIR = tmp_path
    for n in range(3):
        WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Ramen"],
                    chapters=[f"<p>Noodles and broth at Ichiraku, bowl {n}.</p>"])
        WorkFactory(author=author, fandoms=["Naruto"], chapters=[f"<p>Rain {n}.</p>"])

    assert main(["train-tag-model"]) == 0

    out = capsys.readouterr().out
    assert "Trained on 6 public works" in out and "1 additional tags learnt" in out
    assert (tmp_path / "tag-model.json").exists()


@hypothesis_settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
       | st.lists(st.sampled_from(["Sasuke", "Sakura", "-kun", "\"", "“", "”", ",", " said",
                                   "\n\n", "* * *", "<p>", "</p>", "うちはサスケ", "the",
                                   "Uchiha", "kissed", " ", "."]), max_size=60).map("".join))
def test_any_text_gives_suggestions_with_confidences_between_0_and_1(naruto, text):
    for suggestion in suggest_tags(text=text, viewer=None, threshold=0):
        assert 0 <= suggestion.confidence <= 1
        assert suggestion.evidence


def test_the_evidence_counts_honorifics_and_family_references(naruto):
    text = "\n\n".join(["\"Sasuke-kun!\" Sakura called.", "The Uchiha did not turn.",
                        "\"Sasuke-kun, wait,\" Sakura said.", "Sasuke walked on."])

    sasuke = next(s for s in suggest_tags(text=text, viewer=None, threshold=0)
                  if s.name == "Uchiha Sasuke")

    assert "2 times with an honorific" in sasuke.evidence[0]
    assert "1 time by the family name" in sasuke.evidence[0]
