"""On a phone-sized screen (390×844) a listing starts with a "Filters" control that opens the
Sort and Filter sidebar (with JavaScript or without), each stat's label stays on the line of
its value, and the search box is a full-size tap target."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import UserFactory, WorkFactory
from tests.works.listing_pages import set_counts

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def listing(transactional_db):
    writer = UserFactory(username="harbourmaster")
    for n in range(3):
        work = WorkFactory(author=writer, title=f"Tide Table {n}", fandoms=["Harbour Town"],
                           chapters=["<p>Low water.</p>", "<p>High water.</p>"])
        set_counts(work, word_count=123456, hits=9876543, kudos_count=12345,
                   comments_count=4321, bookmarks_count=321)


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE,
                                  java_script_enabled=request.param)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_filters_fold_behind_a_control_at_the_top(phone: Page, listing):
    phone.goto("/works")
    toggle = phone.locator("details.filters-toggle > summary")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Filters")
    sidebar = phone.locator("aside.filters")
    expect(sidebar).to_be_hidden()
    # The control comes before the results.
    heading = phone.locator("#listing-heading").bounding_box()
    assert toggle.bounding_box()["y"] < heading["y"]
    assert toggle.bounding_box()["height"] >= 44

    toggle.click()
    expect(sidebar).to_be_visible()
    expect(phone.get_by_label("Sort by")).to_be_visible()
    phone.get_by_label("Sort by").select_option(label="Title")
    phone.get_by_role("button", name="Sort and Filter").click()
    expect(phone).to_have_url(re.compile(r"sort=title"))


def test_the_filters_control_opens_from_the_keyboard(phone: Page, listing):
    phone.goto("/works")
    toggle = phone.locator("details.filters-toggle > summary")
    toggle.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("aside.filters")).to_be_visible()


def test_wide_screens_show_the_sidebar_without_the_control(page: Page, listing):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/works")
    expect(page.locator("aside.filters")).to_be_visible()
    expect(page.locator("details.filters-toggle > summary")).to_be_hidden()


def test_stats_labels_stay_with_their_values(phone: Page, listing):
    phone.goto("/works")
    stats = phone.locator("li.blurb dl.stats").first
    pairs = stats.evaluate("""dl => [...dl.querySelectorAll('dt')].map(dt => {
        const a = dt.getBoundingClientRect(), b = dt.nextElementSibling.getBoundingClientRect();
        return [dt.textContent, Math.round(a.top), Math.round(b.top), Math.round(a.right),
                Math.round(b.left)];
    })""")
    assert len(pairs) >= 6
    for label, label_top, value_top, label_right, value_left in pairs:
        assert label_top == value_top, f"{label} is on another line than its value: {pairs}"
        assert value_left >= label_right, pairs
    # The stats did wrap over several lines on this narrow screen (the test means something).
    assert len({top for _, top, *_ in pairs}) > 1, pairs


def test_the_search_box_is_a_full_size_tap_target(phone: Page, listing):
    phone.goto("/works/search")
    box = phone.get_by_role("searchbox", name="Search works").bounding_box()
    assert box["height"] >= 44, box
    assert box["width"] >= 300, box
