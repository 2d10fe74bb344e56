"""A reader mutes an author from their profile: the works listing's "N Works" drops by that
author's works and their blurbs are gone (counts changed, not merely hidden); unmuting brings
them back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import UserFactory, WorkFactory


@pytest.fixture
def shelf(transactional_db):
    """Two works by "loud", three by "quiet", and the reader "carol"."""
    loud, quiet = UserFactory(username="loud"), UserFactory(username="quiet")
    for title in ("Shouted Tale", "Brash Saga"):
        WorkFactory(author=loud, title=title)
    for title in ("Soft Rain", "Low Tide", "Still Water"):
        WorkFactory(author=quiet, title=title)
    UserFactory(username="carol")


def test_muting_an_author_takes_their_works_out_of_the_count(browser, live_server, shelf):
    context, page = log_in(browser, live_server.url, "carol")
    heading = page.locator("#listing-heading")
    titles = page.locator("li.blurb h4.heading > a:not([rel=author])")

    page.goto("/works")
    expect(heading).to_have_text("1 - 5 of 5 Works")
    expect(titles).to_have_count(5)

    page.goto("/users/loud/profile")
    page.get_by_role("link", name="Mute", exact=True).click()
    expect(page.get_by_role("heading", name="Mute loud?")).to_be_visible()
    page.get_by_role("button", name="Yes, mute loud").click()
    expect(page.get_by_text("You have muted loud.")).to_be_visible()
    expect(page.get_by_role("link", name="Unmute", exact=True)).to_be_visible()

    page.goto("/works")
    expect(heading).to_have_text("1 - 3 of 3 Works")
    expect(titles).to_have_text(["Still Water", "Low Tide", "Soft Rain"])
    expect(page.get_by_text("Shouted Tale")).to_have_count(0)
    expect(page.get_by_text("Brash Saga")).to_have_count(0)

    page.goto("/users/carol/preferences")
    page.get_by_role("link", name="Muted users").click()
    page.get_by_role("link", name="Unmute").click()
    page.get_by_role("button", name="Yes, unmute loud").click()
    expect(page).to_have_url(re.compile(r"/users/carol/muted$"))
    expect(page.get_by_text("You haven't muted anyone.")).to_be_visible()

    page.goto("/works")
    expect(heading).to_have_text("1 - 5 of 5 Works")
    expect(titles).to_have_count(5)
    context.close()
