"""A guest reads a chapter, opens its comments (loaded in place with JavaScript, on their own
page without), and leaves a comment; the chapter's count shows it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory, WorkFactory


@pytest.fixture
def tale(live_server):
    author = UserFactory(username="ferrywoman")
    return WorkFactory(author=author, title="River Ledger",
                       chapters=["<p>The near bank.</p>", "<p>The far bank was quiet.</p>"])


def test_a_guest_opens_the_comments_in_place_and_comments(page, tale):
    second = tale.chapters.get(position=2)
    page.goto(f"/works/{tale.pk}/chapters/{second.pk}")
    page.get_by_role("link", name="Comments (0)").click()
    section = page.locator("#comments-placeholder .comments-section")
    expect(section).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/works/{tale.pk}/chapters/{second.pk}$"))
    expect(section.get_by_text("No comments yet.")).to_be_visible()

    section.get_by_label("Comment").fill("The far bank made me cry.\n\nThank you.")
    section.get_by_label("Guest name").fill("Wren")
    section.get_by_label("Guest email").fill("wren@example.org")
    section.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("Comment posted.")).to_be_visible()
    # Back on the chapter, the comments shown again at the new one.
    expect(page).to_have_url(re.compile(rf"/works/{tale.pk}/chapters/{second.pk}#comment_\d+$"))
    expect(page.locator("li.comment blockquote")).to_contain_text("The far bank made me cry.")
    expect(page.get_by_role("link", name="Comments (1)")).to_be_visible()


def test_without_javascript_the_link_opens_the_comments_page(browser, live_server, tale):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/works/{tale.pk}")
        page.get_by_role("link", name="Comments (0)").click()
        expect(page).to_have_url(re.compile(r"/chapters/\d+/comments$"))
        page.get_by_label("Comment").fill("Read without scripts.")
        page.get_by_label("Guest name").fill("Moss")
        page.get_by_label("Guest email").fill("moss@example.org")
        page.get_by_role("button", name="Post Comment").click()
        expect(page.get_by_text("Read without scripts.")).to_be_visible()
    finally:
        context.close()
