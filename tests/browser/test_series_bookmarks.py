"""A reader opens a series' bookmarks page, logs in, bookmarks the series with a note,
finds it among their bookmarks with the series' blurb, and subscribes to the series."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from fichive.series.services import series_add_work, series_create
from tests.factories import PASSWORD, UserFactory, WorkFactory


@pytest.fixture
def series(transactional_db):
    author = UserFactory(username="keeper")
    UserFactory(username="wren")
    series = series_create(user=author, title="Lighthouse Year",
                           summary="Twelve months on the rock.")
    for title in ("January Gale", "February Fog"):
        series_add_work(user=author, series=series,
                        work=WorkFactory(author=author, title=title,
                                         fandoms=["Lighthouse Keepers"]))
    return series


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("FICHIVE_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_bookmark_and_subscribe_to_a_series(page: Page, series):
    page.goto(f"/login?next=/series/{series.pk}/bookmarks")
    page.get_by_label("User name").fill("wren")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/series/{series.pk}/bookmarks$"))
    page.get_by_role("link", name="Bookmark the series").click()

    expect(page.get_by_role("heading", name="Bookmark this series")).to_be_visible()
    expect(page.locator("li.series dd.works")).to_have_text("2")
    page.get_by_label("Notes").fill("A year I read twice.")
    page.get_by_label("Your tags").fill("Seasons")
    page.get_by_role("button", name="Create Bookmark").click()
    expect(page.get_by_text("Bookmarked.")).to_be_visible()
    expect(page.locator("li.series h4.heading > a").first).to_have_text("Lighthouse Year")

    page.goto("/users/wren/bookmarks")
    expect(page.locator("#listing-heading")).to_have_text("1 - 1 of 1 Bookmark by wren")
    expect(page.locator("blockquote.notes")).to_have_text("A year I read twice.")
    expect(page.locator("li.series blockquote.summary")).to_have_text(
        "Twelve months on the rock.")
    _shot(page, "series-bookmarks.png")

    page.goto(f"/series/{series.pk}/bookmarks")
    page.get_by_role("button", name="Subscribe to the series").click()
    expect(page.get_by_text("You are now subscribed to the series “Lighthouse Year”."))\
        .to_be_visible()
    page.goto("/users/wren/subscriptions")
    expect(page.locator("li.subscription")).to_contain_text("Lighthouse Year")
    _shot(page, "series-subscriptions.png")
