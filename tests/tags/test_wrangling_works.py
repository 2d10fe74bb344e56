"""The wranglers' list of works with unwrangled tags and what each work's text suggests
(issue 23): for wranglers only, never a work the wrangler may not see."""

from __future__ import annotations

import pytest

from fichive.tags.models import Tag
from fichive.tags.services import tag_make_canonical, tag_set_parents, tags_find_or_create
from fichive.tags.suggestions.names import forget_index
from tests.factories import WorkFactory

STORY = ["<p>\"Sasuke-kun!\" Sakura practically screamed.</p>",
         "<p>Sasuke Uchiha looked away. \"Sakura,\" he said.</p>"]


@pytest.fixture(autouse=True)
def naruto(db):
    forget_index()
    (fandom,) = tags_find_or_create(tag_type=Tag.Type.FANDOM, names=["Naruto"])
    fandom = tag_make_canonical(actor=None, tag=fandom)
    for name in ("Uchiha Sasuke", "Haruno Sakura"):
        (tag,) = tags_find_or_create(tag_type=Tag.Type.CHARACTER, names=[name])
        tag_set_parents(actor=None, tag=tag, fandoms=[fandom])
        tag_make_canonical(actor=None, tag=tag)
    yield
    forget_index()


def test_a_work_with_unwrangled_tags_shows_them_and_what_its_text_suggests(client, author,
                                                                           wrangler):
    WorkFactory(author=author, title="Eyes Meet", fandoms=["naruto fic"],
                characters=["sasuke"], chapters=STORY)
    WorkFactory(author=author, title="All Wrangled", fandoms=["Naruto"], chapters=STORY)
    client.force_login(wrangler)

    page = client.get("/tags/wrangling/unwrangled-works").content.decode()
    assert "Eyes Meet" in page and "All Wrangled" not in page
    assert ">sasuke</a>" in page and ">naruto fic</a>" in page
    assert "<strong>Uchiha Sasuke</strong>" in page
    assert "<strong>Haruno Sakura</strong>" in page
    assert "<strong>Naruto</strong>" in page


def test_drafts_and_restricted_works_follow_the_listing_rules(client, author, wrangler):
    WorkFactory(author=author, title="Still A Draft", post=False, characters=["sasuke"],
                chapters=STORY)
    WorkFactory(author=author, title="Members Only", restricted=True, characters=["sasuke"],
                chapters=STORY)
    client.force_login(wrangler)

    page = client.get("/tags/wrangling/unwrangled-works").content.decode()
    assert "Still A Draft" not in page
    assert "Members Only" in page


def test_the_list_is_for_wranglers(client, reader):
    assert client.get("/tags/wrangling/unwrangled-works").status_code == 302
    client.force_login(reader)
    assert client.get("/tags/wrangling/unwrangled-works").status_code == 403
