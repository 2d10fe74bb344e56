"""An author's journey, in three browsers (the author's, a co-creator's and a guest's): post
two works as a new series, give one as a gift and invite a co-creator to it; the co-creator
finds the invitation in their inbox and accepts; a guest reads the series and leaves kudos;
the author reads it all back on their stats page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fichive.lib.tasks import run_pending_tasks
from fichive.readings.buffer import reads
from tests.browser.helpers import log_in, post_work
from tests.factories import UserFactory


@pytest.fixture
def people(transactional_db):
    reads.discard()
    UserFactory(username="tidewriter", email="tidewriter@example.org")
    UserFactory(username="marshwren", email="marshwren@example.org")
    UserFactory(username="harbourlight", email="harbourlight@example.org")
    yield
    reads.discard()


def test_an_author_posts_a_series_gifts_a_work_and_shares_it_with_a_co_creator(
        browser, live_server, people):
    author_context, author = log_in(browser, live_server.url, "tidewriter")
    co_context, co_creator = log_in(browser, live_server.url, "marshwren")
    guest_context = browser.new_context(base_url=live_server.url)
    guest_context.set_default_timeout(15_000)
    guest = guest_context.new_page()
    try:
        # Two works as a series; the second a gift, with a co-creator invited.
        post_work(author, "Low Tide", new_series="The Estuary")
        second = post_work(author, "High Tide", series="The Estuary", co_creators="marshwren",
                       gift_to="harbourlight, Old Ferryman")
        expect(author.locator("dd.series")).to_contain_text("Part 2 of The Estuary")
        expect(author.locator("p.gifts")).to_contain_text("harbourlight")
        expect(author.locator("p.gifts")).to_contain_text("Old Ferryman")
        # The invitee is not on the work until they accept.
        expect(author.locator("h2.byline")).not_to_contain_text("marshwren")

        # The co-creator finds the invitation in their inbox and accepts it.
        run_pending_tasks()  # what the worker beside the server does: the invitation's notice
        co_creator.goto("/")
        co_creator.locator("#header a.inbox-link").click()
        co_creator.get_by_role("link", name="accept or decline").click()
        expect(co_creator.get_by_text("High Tide")).to_be_visible()
        co_creator.get_by_role("button", name="Accept").click()
        co_creator.goto(f"/works/{second}")
        expect(co_creator.locator("h2.byline")).to_contain_text("marshwren")
        expect(co_creator.locator("h2.byline")).to_contain_text("tidewriter")

        # A guest reads the series, follows "Part 2" and leaves kudos there.
        guest.goto(f"/works/{second}")
        guest.locator("dd.series").get_by_role("link", name="The Estuary", exact=True).click()
        expect(guest.locator("section.part > h3")).to_have_text(["Part 1", "Part 2"])
        guest.locator("section.part").nth(1).get_by_role("link", name="High Tide").click()
        expect(guest.locator("h2.byline")).to_contain_text("marshwren")
        guest.get_by_role("button", name=re.compile("Kudos")).click()
        expect(guest.locator("#kudos")).to_contain_text("1 guest")

        # The recipient's gifts page lists the gift.
        guest.goto("/users/harbourlight/gifts")
        expect(guest.locator("li.blurb h4.heading a").first).to_have_text("High Tide")

        # The author's stats: both works, the guest's kudos and hits on the second.
        author.goto("/users/tidewriter")
        author.get_by_role("link", name="Stats").click()
        expect(author.get_by_role("heading", name="Stats")).to_be_visible()
        expect(author.locator("dd.kudos")).to_have_text("1")
        titles = author.locator("table.works tbody th[scope=row] a")
        expect(titles).to_have_count(2)
        row = author.locator("table.works tbody tr", has_text="High Tide")
        expect(row).to_be_visible()
        expect(author.get_by_role("img", name=re.compile("Hits per month"))).to_be_visible()

        # The co-creator sees the shared work on their own stats page too.
        co_creator.goto("/users/marshwren/stats")
        expect(co_creator.locator("table.works tbody th[scope=row] a")).to_have_text(
            ["High Tide"])
    finally:
        guest_context.close()
        co_context.close()
        author_context.close()
