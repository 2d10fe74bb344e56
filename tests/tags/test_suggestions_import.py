"""Tag suggestions when importing (issue 23): `fichive import --accept-suggestions` and
`--suggest-tags`, and the import page's confirm step for a story file with no fandom."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fichive.cli import main
from fichive.tags.models import Tag
from fichive.tags.suggestions.names import forget_index
from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.tags.test_suggestions import ROMANCE, _tag

STORY = "Flowers\n\n" + ROMANCE


@pytest.fixture(autouse=True)
def _fresh_index():
    forget_index()
    yield
    forget_index()


@pytest.fixture
def naruto(db):
    for name in ("Haruno Sakura", "Yamanaka Ino", "Uzumaki Naruto"):
        _tag(name, Tag.Type.CHARACTER, fandoms=("Naruto",))
    _tag("Yamanaka Ino/Haruno Sakura", Tag.Type.RELATIONSHIP, fandoms=("Naruto",))
    return Tag.objects.get(name="Naruto")


def _tags(work: Work, tag_type: str) -> set[str]:
    return set(work.taggings.filter(tag__type=tag_type).values_list("tag__name", flat=True))


# ------------------------------------------------------------------------ the command


def test_import_adds_the_suggestions_above_the_confidence_given(naruto, tmp_path, capsys):
    story = tmp_path / "flowers.txt"
    story.write_text(STORY)

    assert main(["import", str(story), "--author", "alice"]) == 1  # no fandom: refused
    assert main(["import", str(story), "--author", "alice",
                 "--accept-suggestions", "0.5"]) == 0

    work = Work.objects.get()
    assert _tags(work, "fandom") == {"Naruto"}
    assert _tags(work, "character") == {"Haruno Sakura", "Yamanaka Ino"}
    assert _tags(work, "relationship") == {"Yamanaka Ino/Haruno Sakura"}


def test_suggest_tags_needs_a_terminal_or_a_confidence(naruto, tmp_path, capsys):
    story = tmp_path / "flowers.txt"
    story.write_text(STORY)

    assert main(["import", str(story), "--suggest-tags"]) == 2
    assert "--accept-suggestions" in capsys.readouterr().out
    assert main(["import", str(story), "--accept-suggestions", "2"]) == 2
    assert not Work.objects.exists()


def test_suggest_tags_on_a_terminal_adds_the_tags_chosen(naruto, tmp_path, capsys,
                                                         monkeypatch):
    story = tmp_path / "flowers.txt"
    story.write_text(STORY)
    answers = iter(["7", "1"])  # a number out of range is asked again
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))

    assert main(["import", str(story), "--suggest-tags"]) == 0

    out = capsys.readouterr().out
    assert "“Flowers”: tags its text suggests:" in out and "Answer with numbers" in out
    work = Work.objects.get()
    assert _tags(work, "fandom") == {"Naruto"}
    assert _tags(work, "character") == set()


# ----------------------------------------------------------------------- the web page


def _upload(client, author, content: str = STORY, **fields):
    data = {"file": SimpleUploadedFile("flowers.txt", content.encode(),
                                       content_type="text/plain"),
            "pseud": author.default_pseud.pk, "title": "", "fandoms": "", "rating": ""}
    data.update(fields)
    return client.post("/works/import", data)


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def test_a_text_file_with_no_fandom_goes_to_a_confirm_step_not_a_refusal(naruto, author,
                                                                       login):
    client = login(author)

    page = _upload(client, author)

    html = page.content.decode()
    assert page.status_code == 200
    assert "choose its tags" in html
    assert 'value="fandom:Naruto" checked' in html
    assert 'value="relationship:Yamanaka Ino/Haruno Sakura" checked' in html
    assert not Work.objects.exists()

    done = client.post("/works/import/confirm", {
        "token": _token(html), "pseud": author.default_pseud.pk, "title": "", "rating": "",
        "fandoms": "", "suggested": ["fandom:Naruto", "character:Yamanaka Ino"]})

    work = Work.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/works/{work.pk}"
    assert _tags(work, "fandom") == {"Naruto"}
    assert _tags(work, "character") == {"Yamanaka Ino"}
    assert _tags(work, "relationship") == set()
    # The kept upload is gone: the same step can't import it twice.
    again = client.post("/works/import/confirm", {"token": _token(html),
                                                  "pseud": author.default_pseud.pk})
    assert again.status_code == 302 and again["Location"] == "/works/import"
    assert Work.objects.count() == 1


def test_the_confirm_step_asks_again_until_a_fandom_is_chosen(naruto, author, login):
    client = login(author)
    html = _upload(client, author).content.decode()

    again = client.post("/works/import/confirm", {"token": _token(html), "fandoms": "",
                                                  "pseud": author.default_pseud.pk})

    assert again.status_code == 400
    assert "Check a suggested fandom or type one" in again.content.decode()
    typed = client.post("/works/import/confirm", {"token": _token(html),
                                                  "fandoms": "Original Work",
                                                  "pseud": author.default_pseud.pk})
    assert typed.status_code == 302
    assert _tags(Work.objects.get(), "fandom") == {"Original Work"}


def test_another_account_cannot_use_the_confirm_token(naruto, author, reader, login):
    html = _upload(login(author), author).content.decode()

    stolen = login(reader).post("/works/import/confirm", {
        "token": _token(html), "pseud": reader.default_pseud.pk,
        "suggested": ["fandom:Naruto"]})

    assert stolen.status_code == 302 and stolen["Location"] == "/works/import"
    assert not Work.objects.exists()


def test_the_confirm_step_offers_no_tag_the_importer_may_not_know_of(naruto, author, reader,
                                                                     login):
    WorkFactory(author=author, fandoms=["Naruto"], post=False,
                relationships=["Haruno Sakura & Yamanaka Ino"])
    text = ("Old Friends\n\nSakura and Ino had been friends since the academy.\n\n"
            "\"You're late,\" Ino said.\n\n\"You're early,\" said Sakura, and her best "
            "friend laughed.\n\nThey walked to the market together, as friends do, Sakura "
            "and Ino arguing about nothing.")

    html = _upload(login(reader), reader, content=text).content.decode()

    assert "Haruno Sakura &amp; Yamanaka Ino" not in html
    assert 'value="fandom:Naruto"' in html
    # Its creator knows of it (the draft is theirs).
    own = _upload(login(author), author, content=text).content.decode()
    assert "Haruno Sakura &amp; Yamanaka Ino" in own
