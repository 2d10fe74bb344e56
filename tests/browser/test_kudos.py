"""A reader leaves kudos: with JavaScript the button and the kudos sentence change in place
(no reload); without it the form posts and the page comes back with thanks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory, WorkFactory


@pytest.fixture
def story(transactional_db):
    author = UserFactory(username="quillwright")
    return WorkFactory(author=author, title="The Lamplighter's Round",
                       chapters=["<p>He lit them one by one.</p>", "<p>And then the last.</p>"])


def _log_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Log in")).click()
    expect(page.get_by_role("button", name=re.compile("Log out"))).to_be_visible()


def test_a_guest_leaves_kudos_without_a_reload(page, story):
    page.goto(f"/works/{story.pk}")
    page.evaluate("window.stillHere = true")
    page.get_by_role("button", name="Kudos ♥").click()

    expect(page.locator("#kudos")).to_have_text("1 guest left kudos on this work!")
    expect(page.locator("#kudos-action")).to_have_text("♥ You left kudos on this work.")
    expect(page.locator("#kudos-message")).to_have_text("Thank you for the kudos! ♥")
    assert page.evaluate("window.stillHere") is True


def test_a_reader_leaves_kudos_on_a_chapter_and_sees_it_after_a_reload(page, story):
    UserFactory(username="mothwing")
    _log_in(page, "mothwing")
    page.goto(f"/works/{story.pk}/chapters/{story.chapters.get(position=2).pk}")
    page.get_by_role("button", name="Kudos ♥").click()
    expect(page.locator("#kudos")).to_have_text("mothwing left kudos on this work!")
    expect(page.locator("#kudos a")).to_have_attribute("href", "/users/mothwing")

    page.reload()
    expect(page.locator("#kudos-action")).to_have_text("♥ You left kudos on this work.")
    expect(page.get_by_role("button", name="Kudos ♥")).to_have_count(0)


def test_without_javascript_the_form_posts_and_comes_back_with_thanks(browser, live_server,
                                                                     story):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        chapter = f"/works/{story.pk}/chapters/{story.chapters.get(position=2).pk}"
        page.goto(chapter)
        page.get_by_role("button", name="Kudos ♥").click()
        expect(page).to_have_url(re.compile(re.escape(chapter) + "$"))
        expect(page.locator(".flash")).to_have_text("Thank you for the kudos! ♥")
        expect(page.locator("#kudos")).to_have_text("1 guest left kudos on this work!")

        page.get_by_role("button", name="Kudos ♥").click()
        expect(page.locator(".flash")).to_have_text("You have already left kudos here. :)")
        expect(page.locator("#kudos")).to_have_text("1 guest left kudos on this work!")
    finally:
        context.close()
