"""A reader opens a fandom's works, excludes a character from the sidebar, sorts by word
count, and sees just the works they asked for, longest first; with JavaScript or without."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from fichive.tags.models import Tag
from tests.factories import UserFactory, WorkFactory
from tests.works.listing_pages import set_counts


@pytest.fixture
def lighthouse(transactional_db):
    """Four works in "Lighthouse Keepers" (two with Wren) and one in another fandom."""
    author = UserFactory(username="keeper")
    for title, characters, words in [
        ("The Long Watch", ["Wren", "The Keeper"], 3000),
        ("Salt and Signal", ["Wren"], 500),
        ("Fog Bell", ["The Keeper"], 1200),
        ("Lamp Oil", ["Marlow"], 8000),
    ]:
        work = WorkFactory(author=author, title=title, fandoms=["Lighthouse Keepers"],
                           characters=characters)
        set_counts(work, word_count=words)
    WorkFactory(author=author, title="Elsewhere", fandoms=["Another Fandom"])
    Tag.objects.filter(name__in=["Lighthouse Keepers", "Wren", "The Keeper", "Marlow"]
                       ).update(canonical=True)


def _exclude_wren_and_sort_by_words(page: Page) -> None:
    page.goto("/tags/Lighthouse Keepers/works")
    expect(page.locator("#listing-heading")).to_have_text(
        "1 - 4 of 4 Works in Lighthouse Keepers")
    characters = page.locator("fieldset.facet.character label.include")
    expect(characters).to_have_text(["The Keeper (2)", "Wren (2)", "Marlow (1)"])

    page.get_by_role("checkbox", name="Exclude Wren").check()
    page.get_by_label("Sort by").select_option(label="Word Count")
    page.get_by_role("button", name="Sort and Filter").click()

    expect(page.locator("#listing-heading")).to_have_text(
        "1 - 2 of 2 Works in Lighthouse Keepers")
    listed = page.locator("li.blurb h4.heading > a:not([rel=author])")
    expect(listed).to_have_text(["Lamp Oil", "Fog Bell"])
    expect(page.get_by_role("checkbox", name="Exclude Wren")).to_be_checked()
    expect(page.get_by_label("Sort by")).to_have_value("words")
    expect(characters).to_have_text(["Marlow (1)", "The Keeper (1)", "Wren"])


def test_exclude_a_character_and_sort_by_words(page, lighthouse):
    _exclude_wren_and_sort_by_words(page)

    # The script leaves blank and default fields out of the address.
    expect(page).to_have_url(re.compile(r"/tags/Lighthouse%20Keepers/works\?sort=words"
                                        r"&exclude=Wren$"))


def test_the_sidebar_works_without_javascript(browser, live_server, lighthouse):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        _exclude_wren_and_sort_by_words(page)
        expect(page).to_have_url(re.compile(r"[?&]exclude=Wren(&|$)"))
    finally:
        context.close()
