"""What several browser journeys do the same way: log a user in in their own browser
context, and post a work through the posting form."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.factories import PASSWORD


def log_in(browser: Browser, base_url: str, username: str, *, bypass_csp: bool = False
           ) -> tuple[BrowserContext, Page]:
    """A new browser context logged in as `username` (the factories' password); with
    `bypass_csp`, test tools may inject scripts the site's policy refuses (axe-core)."""
    context = browser.new_context(base_url=base_url, bypass_csp=bypass_csp)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=re.compile("Log out"))).to_be_visible()
    return context, page


def post_work(page: Page, title: str, *, new_series: str = "", series: str = "",
              co_creators: str = "", gift_to: str = "",
              rating: str = "General Audiences") -> int:
    """Post a one-chapter Original Work from /works/new; its id. General Audiences unless
    told: the form's default, Not Rated, shows guests the adult-content notice first."""
    page.goto("/works/new")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Rating").select_option(rating)
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work")
    if new_series:
        page.get_by_label("Or start a new series").fill(new_series)
    if series:
        page.get_by_label("Add to one of your series").select_option(label=series)
    if co_creators:
        page.get_by_label("Add co-creators").fill(co_creators)
    if gift_to:
        page.get_by_label("Gift this work to").fill(gift_to)
    page.get_by_label("Chapter text").fill(f"The text of {title}, told plainly.")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Work posted.")).to_be_visible()
    return int(re.search(r"/works/(\d+)", page.url).group(1))
