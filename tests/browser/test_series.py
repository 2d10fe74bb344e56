"""A person posts two works as a new series, reads the series, follows the work page's
"Part N of" links, and reorders the series without JavaScript."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from tests.browser.helpers import post_work
from tests.factories import PASSWORD, UserFactory


def test_post_a_series_read_it_and_reorder_it(page, transactional_db):
    UserFactory(username="tidewriter")
    page.goto("/login")
    page.get_by_label("User name").fill("tidewriter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    post_work(page, "Low Tide", new_series="The Tide Tables")
    post_work(page, "High Tide", series="The Tide Tables")
    expect(page.locator("dd.series")).to_contain_text("Part 2 of The Tide Tables")
    expect(page.locator("#series")).to_contain_text("Series this work belongs to:")

    page.locator("dd.series a.previous").click()
    expect(page.locator("h1.title")).to_have_text("Low Tide")
    page.locator("dd.series").get_by_role("link", name="The Tide Tables", exact=True).click()
    expect(page.locator("h1.heading")).to_have_text("The Tide Tables")
    expect(page.locator("section.part > h3")).to_have_text(["Part 1", "Part 2"])
    expect(page.locator("dd.works")).to_have_text("2")
    if os.environ.get("FICHIVE_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["FICHIVE_SCREENSHOTS"], "series.png"),
                        full_page=True)

    page.get_by_role("link", name="Manage Series").click()
    page.get_by_label("Position of Low Tide").fill("2")
    page.get_by_label("Position of High Tide").fill("1")
    page.get_by_role("button", name="Save order").click()
    expect(page.get_by_text("Order of the series saved.")).to_be_visible()
    expect(page.locator("section.part li.blurb h4.heading a").first).to_have_text("High Tide")

    page.get_by_role("link", name="Edit Series").click()
    page.get_by_label("Complete series").check()
    page.get_by_role("button", name="Update").click()
    expect(page.locator("dd.complete")).to_have_text("Yes")

    page.goto("/users/tidewriter/series")
    expect(page.get_by_role("link", name="The Tide Tables")).to_be_visible()
    page.get_by_role("link", name="The Tide Tables").click()
    page.get_by_role("link", name="Delete Series").click()
    page.get_by_role("button", name="Yes, delete the series").click()
    expect(page.get_by_text(re.compile("was deleted; its works are still there"))).to_be_visible()
