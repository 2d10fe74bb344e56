"""Site skins in a browser: a guest switches to dark in the footer and the page turns dark,
stays dark on a reload served from the guests' page cache, while another guest's fresh
browser still gets the light (device-following) page; "follow my device" follows it; a
logged-in reader chooses dark on the preferences page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import UserFactory, WorkFactory

LIGHT_BG = "rgb(255, 255, 255)"
DARK_BG = "rgb(22, 21, 20)"


@pytest.fixture
def story(transactional_db, settings):
    settings.FICHIVE_PAGE_CACHE = True
    author = UserFactory(username="nightowl")
    return WorkFactory(author=author, title="Lamps After Midnight",
                       chapters=["<p>The street was quiet.</p>"])


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def fresh_page(browser, live_server, scheme: str = "light"):
    context = browser.new_context(base_url=live_server.url, color_scheme=scheme)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_a_guest_turns_the_site_dark_and_it_stays_dark(browser, live_server, story):
    context, page = fresh_page(browser, live_server)
    page.goto(f"/works/{story.pk}")
    assert background(page) == LIGHT_BG

    page.locator("footer").get_by_role("button", name="Dark").click()
    expect(page.locator("html")).to_have_attribute("data-skin", "dark")
    assert page.url.endswith(f"/works/{story.pk}")
    assert background(page) == DARK_BG
    expect(page.locator("footer").get_by_role("button", name="Dark")).to_have_attribute(
        "aria-pressed", "true")

    response = page.reload()
    assert response.headers.get("x-fichive-cache") == "hit"
    assert background(page) == DARK_BG

    other_context, other = fresh_page(browser, live_server)
    other.goto(f"/works/{story.pk}")
    expect(other.locator("html")).to_have_attribute("data-skin", "auto")
    assert background(other) == LIGHT_BG
    other_context.close()
    context.close()


def test_follow_my_device_follows_a_dark_device(browser, live_server, story):
    context, page = fresh_page(browser, live_server, scheme="dark")
    page.goto("/works")
    expect(page.locator("html")).to_have_attribute("data-skin", "auto")
    assert background(page) == DARK_BG
    page.locator("footer").get_by_role("button", name="Light").click()
    expect(page.locator("html")).to_have_attribute("data-skin", "light")
    assert background(page) == LIGHT_BG
    context.close()


def test_a_reader_chooses_dark_in_preferences(browser, live_server, story):
    UserFactory(username="lanternfan")
    context, page = log_in(browser, live_server.url, "lanternfan")
    page.goto("/users/lanternfan/preferences")
    assert background(page) == LIGHT_BG
    page.get_by_label("Dark", exact=True).check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your preferences were saved.")).to_be_visible()
    assert background(page) == DARK_BG
    page.goto(f"/works/{story.pk}")
    assert background(page) == DARK_BG
    context.close()
