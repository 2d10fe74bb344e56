"""The vendored autocomplete in a real browser: typing in a comma-separated tag field of the
posting form suggests canonical tags and completes the tag under the cursor."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fichive.tags.models import Tag
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def tags(live_server):
    """Canonical tags for the autocomplete to suggest."""
    for name, tag_type, uses in [("Naruto", "fandom", 40), ("Naruto Shippuden", "fandom", 3),
                                 ("Uchiha Sasuke", "character", 12),
                                 ("Uzumaki Naruto", "character", 30)]:
        Tag.objects.create(name=name, type=tag_type, canonical=True, uses=uses)


def _log_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_typing_a_tag_offers_canonical_tags_and_completes_the_current_one(page, tags):
    UserFactory(username="kiri")
    _log_in(page, "kiri")
    page.goto("/works/new")

    characters = page.get_by_label("Characters")
    characters.click()
    characters.press_sequentially("Haruno Sakura, uz", delay=20)
    suggestions = page.locator("#field-characters .autocomplete-list [role=option]")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first).to_contain_text("Uzumaki Naruto")
    characters.press("ArrowDown")
    characters.press("Enter")
    expect(characters).to_have_value("Haruno Sakura, Uzumaki Naruto, ")

    fandoms = page.get_by_label("Fandoms")
    fandoms.click()
    fandoms.press_sequentially("nar", delay=20)
    offered = page.locator("#field-fandoms .autocomplete-list [role=option]")
    expect(offered).to_have_count(2)
    expect(offered.first).to_contain_text("Naruto")
    offered.nth(1).click()
    expect(fandoms).to_have_value("Naruto Shippuden, ")
    expect(offered).to_have_count(0)
