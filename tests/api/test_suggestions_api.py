"""API: POST /api/v1/tag-suggestions, for a text or a work the caller may edit."""

from __future__ import annotations

import json

import pytest

from fichive.tags.models import Tag
from fichive.tags.services import (
    tag_make_canonical,
    tag_make_synonym,
    tag_set_parents,
    tags_find_or_create,
)
from fichive.tags.suggestions.names import forget_index
from tests.factories import WorkFactory

STORY = ("Sasuke Uchiha walked in. \"Sasuke-kun!\" Sakura practically screamed.\n\n"
         "Sakura's hands shook. Uchiha Sasuke looked away.\n\n"
         "\"Forehead,\" Ino said, \"stop staring at Sasuke.\"")


@pytest.fixture(autouse=True)
def naruto(db):
    forget_index()
    (fandom,) = tags_find_or_create(tag_type=Tag.Type.FANDOM, names=["Naruto"])
    fandom = tag_make_canonical(actor=None, tag=fandom)
    for name in ("Uchiha Sasuke", "Haruno Sakura", "Yamanaka Ino"):
        (tag,) = tags_find_or_create(tag_type=Tag.Type.CHARACTER, names=[name])
        tag_set_parents(actor=None, tag=tag, fandoms=[fandom])
        tag_make_canonical(actor=None, tag=tag)
    yield
    forget_index()


def ask(client, body, headers):
    return client.post("/api/v1/tag-suggestions", json.dumps(body),
                       content_type="application/json", **headers)


def test_a_text_answers_suggestions_with_confidence_and_evidence(client, reader, bearer_for):
    response = ask(client, {"text": STORY}, bearer_for(reader, "read"))

    assert response.status_code == 200
    found = {(s["type"], s["name"]): s for s in response.json()["suggestions"]}
    assert ("character", "Haruno Sakura") in found
    assert ("fandom", "Naruto") in found
    sakura = found[("character", "Haruno Sakura")]
    assert 0.5 <= sakura["confidence"] <= 1
    assert sakura["evidence"] and sakura["tag_id"] > 0


def test_a_work_of_ones_own_is_read_and_anyone_elses_is_404(client, author, reader,
                                                            bearer_for):
    work = WorkFactory(author=author, chapters=[f"<p>{p}</p>" for p in STORY.split("\n\n")])

    mine = ask(client, {"work_id": work.pk}, bearer_for(author, "read"))
    assert mine.status_code == 200
    assert "Haruno Sakura" in {s["name"] for s in mine.json()["suggestions"]}
    theirs = ask(client, {"work_id": work.pk}, bearer_for(reader, "read"))
    assert theirs.status_code == 404


def test_it_needs_an_account_and_one_of_text_or_work(client, reader, bearer_for):
    assert ask(client, {"text": STORY}, {}).status_code == 401
    headers = bearer_for(reader, "read")
    neither = ask(client, {}, headers)
    assert neither.status_code == 400
    assert neither.json()["errors"] == {"text": ["Send the text, or a work_id."]}
    assert ask(client, {"text": None}, headers).status_code == 400
    assert ask(client, {"text": STORY, "work_id": 1}, headers).status_code == 400
    assert ask(client, {"text": "   "}, headers).json()["errors"] == {
        "text": ["The text is empty: suggestions are read from it."]}
    assert ask(client, {"text": STORY, "threshold": 2}, headers).status_code == 400


def test_a_synonym_used_only_on_a_draft_finds_names_for_its_author_alone(client, author,
                                                                         reader, bearer_for):
    ino = Tag.objects.get(name="Yamanaka Ino")
    (nickname,) = tags_find_or_create(tag_type=Tag.Type.CHARACTER, names=["Zorbeck"])
    tag_make_synonym(actor=None, tag=nickname, of=ino)
    WorkFactory(author=author, post=False, fandoms=["Naruto"], characters=["Zorbeck"])
    forget_index()
    story = ("\"Zorbeck!\" Sakura called. Zorbeck turned.\n\n"
             "\"Sakura,\" Zorbeck said, smiling at Sakura.")

    def names(user):
        answer = ask(client, {"text": story, "threshold": 0}, bearer_for(user, "read")).json()
        return {s["name"] for s in answer["suggestions"]}

    assert "Yamanaka Ino" in names(author)
    assert "Yamanaka Ino" not in names(reader)
    assert "Haruno Sakura" in names(reader)
