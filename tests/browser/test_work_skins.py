"""An author posts a chat-log work with a work skin; a reader sees the skin colour the chat
lines inside the work and nothing outside it, and turns it off with "Hide creator’s style"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import UserFactory

SKIN = """
.chat { color: rgb(200, 0, 0); font-family: monospace; }
p { background-color: rgb(0, 0, 200); }
body { border-top: 9px solid rgb(0, 200, 0); }
#workskin ~ * , :root ~ footer { background-color: rgb(250, 250, 0); }
.overlay { position: fixed; top: 0; left: 0; width: 100vw; height: 100vh; z-index: 999; }
"""


@pytest.fixture
def author(transactional_db):
    return UserFactory(username="texter")


def colour(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector,
                                 f"e => getComputedStyle(e).getPropertyValue('{prop}')")


def test_a_skin_colours_the_chat_inside_the_work_and_nothing_outside(browser, live_server,
                                                                      author):
    context, page = log_in(browser, live_server.url, "texter")
    page.goto("/works/new")
    page.get_by_label("Title", exact=True).fill("Group Chat")
    page.get_by_label("Rating").select_option("General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    page.get_by_label("Work skin (CSS)").fill(SKIN)
    page.get_by_label("Chapter text").fill(
        '<p class="chat">ana: are you up?</p>\n<div class="overlay">covering</div>')
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Work posted.")).to_be_visible()
    expect(page.get_by_text("position can only be relative or static")).to_be_visible()
    work_url = page.url
    context.close()

    reader = browser.new_context(base_url=live_server.url)
    page = reader.new_page()
    page.goto(work_url)
    chat = "#workskin p.chat"
    expect(page.locator(chat)).to_have_text("ana: are you up?")
    assert colour(page, chat, "color") == "rgb(200, 0, 0)"
    assert colour(page, chat, "background-color") == "rgb(0, 0, 200)"
    # Outside the work: the page's own paragraphs, body, header and footer are untouched.
    assert colour(page, "#footer p", "background-color") != "rgb(0, 0, 200)"
    assert colour(page, "#footer", "background-color") != "rgb(250, 250, 0)"
    assert colour(page, "body", "border-top-width") == "0px"
    assert colour(page, "#workskin", "border-top-width") == "9px"
    # The overlay stays in the flow of the text: the header's links can still be clicked.
    assert colour(page, "#workskin .overlay", "position") == "static"
    page.locator("#header").get_by_role("link", name="Works").click()
    expect(page).to_have_url(re.compile(r"/works$"))

    page.goto(work_url)
    page.get_by_role("link", name="Hide creator’s style").click()
    expect(page).to_have_url(re.compile(r"style=disable"))
    assert colour(page, chat, "color") != "rgb(200, 0, 0)"
    page.get_by_role("link", name="Show creator’s style").click()
    # (Once the page it goes to is there: its link offers to hide the style again.)
    expect(page.get_by_role("link", name="Hide creator’s style")).to_be_visible()
    assert colour(page, chat, "color") == "rgb(200, 0, 0)"
    reader.close()
