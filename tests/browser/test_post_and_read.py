"""A person signs up, posts a two-chapter work with a scene break, and reads it."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_sign_up_post_two_chapters_and_read_them(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("User name").fill("lanternlight")
    page.get_by_label("Email").fill("lanternlight@example.org")
    page.get_by_label("Password", exact=True).fill("paper-boats-at-dusk")
    page.get_by_label("Confirm password").fill("paper-boats-at-dusk")
    page.get_by_label("I have read and accept the Terms of Service").check()
    page.get_by_label("I am at least 13 years old").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome to the archive, lanternlight!")).to_be_visible()

    page.get_by_role("link", name="Post new work").click()
    page.get_by_label("Title", exact=True).fill("The Ferryman's Ledger")
    # Not Rated (the default) would put the adult-content notice before the guest's reading.
    page.get_by_label("Rating").select_option("General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Characters").fill("The Ferryman, Wren")
    page.get_by_label("Expected chapters").fill("2")
    page.get_by_label("Chapter title").fill("The Near Bank")
    page.get_by_label("Chapter text").fill(
        "Wren paid the ferryman in buttons, because that was all she had.\n\n"
        "\"Buttons,\" he said. \"Well. The river has taken worse.\"\n\n"
        "<hr />\n\n"
        "By morning the ledger had a new line in it, and a small brass button glued beside it."
    )
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Work posted.")).to_be_visible()
    expect(page.locator("h1.title")).to_have_text("The Ferryman's Ledger")

    page.get_by_role("link", name="Add chapter").click()
    page.get_by_label("Chapter title").fill("The Far Bank")
    page.get_by_label("Chapter text", exact=True).fill(
        "The far bank was quieter than she had been told.\n\nShe kept the last button."
    )
    page.get_by_role("button", name="Post chapter").click()
    expect(page.get_by_text("Chapter 2: The Far Bank added.")).to_be_visible()

    # Read from the beginning, as a guest would.
    page.get_by_role("button", name=re.compile("Log out")).click()
    page.get_by_role("link", name="The Ferryman's Ledger").first.click()
    expect(page.locator("dd.chapters")).to_have_text("2/2")
    chapter_one = page.locator("#chapters .userstuff")
    expect(chapter_one).to_contain_text("paid the ferryman in buttons")
    expect(chapter_one.locator("hr")).to_have_count(1)
    expect(chapter_one.locator("p")).to_have_count(3)
    expect(page.get_by_text("The far bank was quieter")).to_have_count(0)

    page.get_by_role("link", name="Next Chapter →").first.click()
    expect(page).to_have_url(re.compile(r"/works/\d+/chapters/\d+$"))
    expect(page.locator("#chapters h2.title")).to_have_text("Chapter 2: The Far Bank")
    expect(page.get_by_text("She kept the last button.")).to_be_visible()

    page.get_by_role("link", name="← Previous Chapter").first.click()
    expect(page.locator("#chapters h2.title")).to_have_text("Chapter 1: The Near Bank")

    page.get_by_role("link", name="Chapter Index").first.click()
    expect(page.locator("ol.chapter.index li")).to_have_count(2)
    page.get_by_role("link", name="2. The Far Bank").click()
    expect(page.get_by_text("She kept the last button.")).to_be_visible()

    page.get_by_role("link", name="Entire Work").first.click()
    expect(page.locator("#chapters > div.chapter")).to_have_count(2)
