"""A reader subscribes to a work; its creator posts a chapter; the worker delivers it; the
reader finds it in the inbox (and in the mail) and marks it read."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from fichive.lib.tasks import run_pending_tasks
from fichive.works.services import ChapterText, chapter_add
from tests.factories import PASSWORD, UserFactory, WorkFactory


def test_subscribe_then_a_new_chapter_arrives_in_the_inbox(page):
    author = UserFactory(username="ferryman")
    UserFactory(username="wren", email="wren@example.org")
    work = WorkFactory(author=author, title="The Ferryman's Ledger")
    run_pending_tasks()

    page.goto("/login")
    page.get_by_label("User name").fill("wren")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Inbox", exact=True)).to_be_visible()

    page.goto(f"/works/{work.pk}")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text("You are now subscribed to “The Ferryman's Ledger”.")).to_be_visible()
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()

    chapter_add(user=author, work=work, text=ChapterText(content="<p>The far bank.</p>",
                                                         title="The Far Bank"))
    run_pending_tasks()

    page.reload()
    page.get_by_role("link", name="Inbox (1)").click()
    expect(page.locator(".inbox-item")).to_contain_text(
        "ferryman posted Chapter 2: The Far Bank of The Ferryman's Ledger")
    page.get_by_role("button", name="Mark read").last.click()
    expect(page.get_by_text("Marked 1 message read.")).to_be_visible()
    expect(page.locator("#header a.inbox-link")).to_have_text("Inbox")

    page.get_by_role("link", name="Chapter 2: The Far Bank").click()
    expect(page).to_have_url(re.compile(r"/works/\d+/chapters/\d+$"))
    expect(page.get_by_text("The far bank.")).to_be_visible()

    (message,) = mail.outbox
    assert message.to == ["wren@example.org"]
    assert "Chapter 2: The Far Bank" in message.subject
