"""A guest meets the adult-content notice: opens an Explicit work from a listing, goes back,
continues, reads on through the chapters; a reload comes from the guests' cache and still reads;
a second, fresh guest opening the same (cached) work gets the notice; "Yes, always" makes other
adult works open directly."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fichive.lib.cache import CACHE_HEADER
from tests.factories import UserFactory, WorkFactory

NOTICE = "This work could have adult content."
HEADER = CACHE_HEADER.lower()


@pytest.fixture
def shelf(transactional_db):
    author = UserFactory(username="keeper")
    night = WorkFactory(author=author, title="Night Harbour", rating="Explicit", chapters=[
        "<p>The lamps went out one by one.</p>", "<p>Morning found them on the pier.</p>"])
    WorkFactory(author=author, title="Second Tide", rating="Mature",
                chapters=["<p>The tide came in twice that night.</p>"])
    return night


def _cache_header(page, url: str) -> str | None:
    response = page.goto(url)
    assert response is not None
    return response.headers.get(HEADER)


def test_a_guest_gets_the_notice_continues_and_reads(page, browser, live_server, shelf):
    work_url = f"/works/{shelf.pk}"
    page.goto("/works")
    page.get_by_role("link", name="Night Harbour").click()
    expect(page.get_by_text(NOTICE)).to_be_visible()
    expect(page.get_by_text("The lamps went out")).to_have_count(0)
    expect(page.locator(".adult-notice").get_by_role("link", name="Explicit")).to_be_visible()
    expect(page.locator("li.blurb").get_by_role("link", name="Night Harbour")).to_be_visible()

    page.get_by_role("link", name="No, go back").click()
    expect(page).to_have_url(re.compile(r"/works$"))

    page.get_by_role("link", name="Night Harbour").click()
    page.get_by_role("link", name="Yes, continue").click()
    expect(page.get_by_text("The lamps went out")).to_be_visible()
    expect(page).to_have_url(re.compile(r"view_adult=true"))

    page.get_by_role("link", name="Next Chapter →").first.click()
    expect(page.get_by_text("Morning found them on the pier.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/chapters/\d+\?view_adult=true$"))
    chapter_url = page.url

    # Reloads come from the guests' cache and still read.
    page.reload()
    assert _cache_header(page, chapter_url) == "hit"
    expect(page.get_by_text("Morning found them on the pier.")).to_be_visible()

    # A second, fresh guest opens the same work, its pages now cached: the notice.
    other = browser.new_context(base_url=live_server.url)
    fresh = other.new_page()
    fresh.goto(work_url)
    expect(fresh.get_by_text(NOTICE)).to_be_visible()
    expect(fresh.get_by_text("The lamps went out")).to_have_count(0)
    fresh.get_by_role("link", name="No, go back").click()  # came from nowhere: home
    expect(fresh).to_have_url(live_server.url + "/")
    other.close()


def test_yes_always_opens_other_adult_works_directly(page, browser, live_server, shelf):
    work_url = f"/works/{shelf.pk}"
    page.goto(work_url)
    page.get_by_role("button", name="Yes, always").click()
    expect(page).to_have_url(live_server.url + work_url)
    expect(page.get_by_text("The lamps went out")).to_be_visible()
    expect(page.get_by_text(NOTICE)).to_have_count(0)

    # The same address now reads for this guest from the cache (their cookie's own entry).
    _cache_header(page, work_url)
    assert _cache_header(page, work_url) == "hit"
    expect(page.get_by_text("The lamps went out")).to_be_visible()

    page.goto("/works")
    page.get_by_role("link", name="Second Tide").click()
    expect(page.get_by_text("The tide came in twice")).to_be_visible()

    # Another guest still gets the notice on that same cached address.
    other = browser.new_context(base_url=live_server.url)
    fresh = other.new_page()
    fresh.goto(work_url)
    expect(fresh.get_by_text(NOTICE)).to_be_visible()
    other.close()
