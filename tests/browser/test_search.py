"""A reader searches for "that fic where the dragon sleeps under the pier", sees the passage
that matched, follows it to the chapter, and gets a clear message for a malformed search."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory, WorkFactory


@pytest.fixture
def stories(transactional_db):
    author = UserFactory(username="keeper")
    WorkFactory(author=author, title="Harbour Lights", chapters=[
        "<p>The fishing boats came home late.</p>",
        "<p>She found the dragon sleeping under the pier.</p>"])
    WorkFactory(author=author, title="Dragon Tea", summary="<p>Tea with a dragon.</p>")


def test_search_shows_the_matching_passage_and_links_to_its_chapter(page, stories):
    page.goto("/")
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_role("searchbox", name="Search works").fill('dragon "under the pier"')
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("li.work.blurb")
    expect(results).to_have_count(1)
    expect(results.locator("h4 a").first).to_have_text("Harbour Lights")
    expect(results.locator(".snippet mark")).to_have_text(["dragon", "under", "the", "pier"])
    results.get_by_role("link", name="Found in Chapter 2").click()
    expect(page.locator("#main")).to_contain_text("She found the dragon sleeping")


def test_a_malformed_search_says_what_to_fix(page, stories):
    page.goto("/works/search")
    page.get_by_role("searchbox", name="Search works").fill('dragon "unclosed')
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("is never closed")
