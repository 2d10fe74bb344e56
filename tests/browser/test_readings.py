"""A reader in a real browser: reads a work, marks it for later, finds it on the Marked for
Later list and in their history (with how often they visited), marks it as read, and clears
the history after confirming."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fichive.readings.buffer import reads
from tests.factories import PASSWORD, UserFactory, WorkFactory


@pytest.fixture
def story(live_server):
    reads.discard()
    author = UserFactory(username="quill")
    UserFactory(username="wren")
    yield WorkFactory(author=author, title="The Lighthouse Keeper",
                      chapters=["<p>The lamp turned all night.</p>", "<p>Dawn, at last.</p>"])
    reads.discard()


def test_a_reader_marks_a_work_for_later_and_finds_it_in_history(page, story):
    page.goto("/login")
    page.get_by_label("User name").fill("wren")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/works/{story.pk}")
    page.get_by_role("button", name="Mark for Later").click()
    expect(page.get_by_text("The work was added to your Marked for Later list.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as Read")).to_be_visible()
    page.get_by_role("link", name="Next Chapter →").first.click()
    expect(page.get_by_text("Dawn, at last.")).to_be_visible()

    page.goto("/users/wren/readings?show=to-read")
    expect(page.get_by_role("link", name="The Lighthouse Keeper")).to_be_visible()
    reads.flush()  # what the flush thread does every few seconds
    page.goto("/users/wren/readings")
    expect(page.get_by_text("Visited 3 times")).to_be_visible()
    expect(page.get_by_text("(Marked for Later.)")).to_be_visible()

    page.goto("/users/wren/readings?show=to-read")
    page.get_by_role("button", name="Mark as Read").click()
    expect(page.get_by_text("Nothing is marked for later.")).to_be_visible()

    page.goto("/users/wren/readings")
    page.get_by_role("link", name="Clear History").click()
    page.get_by_role("button", name="Yes, clear my history").click()
    expect(page.get_by_text("Your history is now empty.")).to_be_visible()
    expect(page.get_by_role("link", name="The Lighthouse Keeper")).to_have_count(0)
