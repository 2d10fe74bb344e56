"""A report taken through the queue to a hidden work: a reader reports a work, a moderator
opens the queue, hides the work with a reason; the work leaves the listing (its count drops)
and the reader can no longer open it; its creator finds the notice, with the reason, in
their inbox."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import UserFactory, WorkFactory

TITLE = "The Lantern Keeper"


@pytest.fixture
def archive(transactional_db):
    creator = UserFactory(username="quillwright")
    UserFactory(username="carol")
    moderator = UserFactory(username="mona")
    moderator.is_moderator = True
    moderator.save(update_fields=["is_moderator"])
    work = WorkFactory(author=creator, title=TITLE, summary="A keeper and her lamp.")
    WorkFactory(author=creator, title="Other Harbour")
    return work


def test_a_report_taken_through_the_queue_hides_the_work(browser, live_server, page, archive):
    work_url = f"/works/{archive.pk}"
    page.goto("/works")
    expect(page.locator("#listing-heading")).to_have_text(re.compile(r"of 2 Works"))
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()

    reader, reading = log_in(browser, live_server.url, "carol")
    reading.goto(work_url)
    reading.get_by_role("link", name="Report work").click()
    reading.get_by_label("Reason").select_option(label="Plagiarism")
    reading.get_by_label("Description").fill("Chapter one is copied from a published novel.")
    reading.get_by_role("button", name="Send report").click()
    expect(reading.get_by_role("heading", name="Thank you for your report")).to_be_visible()

    moderator, moderating = log_in(browser, live_server.url, "mona")
    moderating.get_by_role("navigation", name="Site").get_by_role(
        "link", name="Moderation").click()
    expect(moderating.get_by_text("1 open report")).to_be_visible()
    queued = moderating.locator("li.report").first
    expect(queued).to_contain_text("copied from a published novel")
    expect(queued).to_contain_text("A keeper and her lamp.")  # the work's blurb
    queued.get_by_role("link", name=re.compile(r"Plagiarism: Work")).click()
    moderating.get_by_label("Reason").fill("Copied from a published novel.")
    moderating.get_by_role("button", name="Hide the work").click()
    expect(moderating.get_by_text(f"“{TITLE}” is hidden.")).to_be_visible()
    expect(moderating.locator(".report-meta")).to_contain_text("Resolved by mona")

    page.goto("/works")
    expect(page.locator("#listing-heading")).to_have_text(re.compile(r"of 1 Work"))
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    reading.goto(work_url)
    expect(reading.get_by_role("heading", name="Page not found")).to_be_visible()

    creator, writing = log_in(browser, live_server.url, "quillwright")
    writing.goto("/users/quillwright/inbox")
    expect(writing.get_by_text("A moderator hid your work")).to_be_visible()
    expect(writing.get_by_text("Reason: Copied from a published novel.")).to_be_visible()
    writing.get_by_role("link", name=TITLE).first.click()
    expect(writing.get_by_text("This work has been hidden by a moderator.")).to_be_visible()

    moderating.goto("/moderation/log")
    expect(moderating.locator("table.moderation-log")).to_contain_text("Hid a work")
    for context in (reader, moderator, creator):
        context.close()
