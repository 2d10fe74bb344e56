"""The posting form's "Suggest tags" in a real browser: the text typed so far is read, the
suggested tags come back as checkboxes, and checking one fills its field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fichive.tags.models import Tag
from fichive.tags.services import tag_make_canonical, tag_set_parents, tags_find_or_create
from fichive.tags.suggestions.names import forget_index
from tests.factories import PASSWORD, UserFactory
from tests.tags.test_suggestions import ROMANCE


@pytest.fixture
def naruto(live_server):
    forget_index()
    (fandom,) = tags_find_or_create(tag_type=Tag.Type.FANDOM, names=["Naruto"])
    tag_make_canonical(actor=None, tag=fandom)
    for name, tag_type in [("Haruno Sakura", "character"), ("Yamanaka Ino", "character"),
                           ("Yamanaka Ino/Haruno Sakura", "relationship")]:
        (tag,) = tags_find_or_create(tag_type=tag_type, names=[name])
        tag_set_parents(actor=None, tag=tag, fandoms=[fandom])
        tag_make_canonical(actor=None, tag=tag)
    yield
    forget_index()


def test_suggest_tags_reads_the_text_and_checking_fills_the_field(page, naruto):
    UserFactory(username="kiri")
    page.goto("/login")
    page.get_by_label("User name").fill("kiri")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/works/new")
    page.get_by_label("Chapter text").fill(ROMANCE)

    page.get_by_role("button", name="Suggest tags").click()

    panel = page.locator("#tag-suggestions")
    expect(panel).to_contain_text("Suggested tags")
    expect(page).to_have_url("/works/new")  # fetched, not submitted
    panel.get_by_label("Naruto").check()
    panel.get_by_label("Yamanaka Ino/Haruno Sakura").check()
    expect(page.get_by_label("Fandoms")).to_have_value("Naruto")
    expect(page.get_by_label("Relationships")).to_have_value("Yamanaka Ino/Haruno Sakura")
    panel.get_by_label("Naruto").uncheck()
    expect(page.get_by_label("Fandoms")).to_have_value("")
    expect(panel.get_by_role("button", name="Add the checked tags")).to_be_hidden()
