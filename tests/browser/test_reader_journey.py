"""A reader's whole journey, in two browsers (the reader's and the creator's): find a work by
searching, read it, leave kudos, comment; the creator replies; the reader bookmarks it with a
note and subscribes; the creator posts a chapter, and the reader finds it in the inbox and in
the mail (read back from a real SMTP server on loopback), whose link opens the new chapter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fichive.lib.tasks import run_pending_tasks
from fichive.readings.buffer import reads
from tests.browser.helpers import log_in
from tests.factories import UserFactory, WorkFactory


@pytest.fixture
def archive(live_server):
    """A creator with two works (one of them the one the reader is looking for), and a reader."""
    reads.discard()
    creator = UserFactory(username="ferrywoman", email="ferrywoman@example.org")
    UserFactory(username="wren", email="wren@example.org")
    WorkFactory(author=creator, title="Tide Tables", fandoms=["Original Work"],
                chapters=["<p>High water at noon.</p>"])
    work = WorkFactory(author=creator, title="River Ledger", fandoms=["Original Work"],
                       chapters=["<p>The ferry crossed at dusk, lanterns swinging.</p>"])
    run_pending_tasks()  # the works' published signals (nobody subscribes yet)
    yield work
    reads.discard()


def test_a_reader_finds_reads_talks_keeps_and_follows_a_work(browser, live_server, archive,
                                                            mailbox):
    work = archive
    reader_context, reader = log_in(browser, live_server.url, "wren")
    creator_context, creator = log_in(browser, live_server.url, "ferrywoman")
    try:
        expect(reader.locator("#header a.inbox-link")).to_have_text("Inbox")

        # Find it: search for a phrase from the text, then follow the result.
        reader.get_by_role("link", name="Search", exact=True).click()
        reader.get_by_role("searchbox", name="Search works").fill('"lanterns swinging"')
        reader.get_by_role("button", name="Search", exact=True).click()
        results = reader.locator("li.work.blurb")
        expect(results).to_have_count(1)
        results.get_by_role("link", name="River Ledger").click()

        # Read it.
        expect(reader).to_have_url(re.compile(rf"/works/{work.pk}$"))
        expect(reader.locator("h1.title")).to_have_text("River Ledger")
        expect(reader.locator("#chapters")).to_contain_text("The ferry crossed at dusk")

        # Kudos, in place.
        reader.get_by_role("button", name="Kudos ♥").click()
        expect(reader.locator("#kudos")).to_have_text("wren left kudos on this work!")
        expect(reader.locator("#kudos-action")).to_have_text("♥ You left kudos on this work.")

        # A comment, in the comments loaded below the chapter.
        reader.get_by_role("link", name="Comments (0)").click()
        section = reader.locator("#comments-placeholder .comments-section")
        expect(section.get_by_text("No comments yet.")).to_be_visible()
        expect(reader).to_have_url(re.compile(rf"/works/{work.pk}$"))  # loaded in place
        section.get_by_label("Comment", exact=True).fill("The lanterns! I could see them.")
        section.get_by_role("button", name="Post Comment").click()
        expect(reader.get_by_text("Comment posted.")).to_be_visible()
        expect(reader).to_have_url(re.compile(rf"/works/{work.pk}#comment_\d+$"))
        run_pending_tasks()  # the creator's notification

        # The creator finds it in the inbox and replies in the thread.
        creator.reload()
        creator.get_by_role("link", name="Inbox (1)").click()
        item = creator.locator(".inbox-item")
        expect(item).to_contain_text("The lanterns! I could see them.")
        item.get_by_role("link", name="wren on River Ledger").click()
        thread = creator.locator("ol.thread.comments")
        expect(thread.locator("li.comment blockquote")).to_have_text(
            "The lanterns! I could see them.")
        creator.locator("#add_comment").get_by_label("Comment", exact=True).fill(
            "Thank you, I painted every one.")
        creator.locator("#add_comment").get_by_role("button", name="Reply").click()
        expect(creator.locator("li.comment li.comment blockquote")).to_have_text(
            "Thank you, I painted every one.")
        run_pending_tasks()  # the reader's notification of the reply
        (to_creator,) = mailbox.to("ferrywoman@example.org")  # not one of her own reply
        assert to_creator["Subject"].strip() == "[Fichive] Comment on “River Ledger”"
        assert "The lanterns! I could see them." in to_creator.get_content()
        (to_reader,) = mailbox.to("wren@example.org")
        assert to_reader["Subject"].strip() == (
            "[Fichive] Reply to your comment on “River Ledger”")
        assert "Thank you, I painted every one." in to_reader.get_content()

        # The reader, back on the work where the comment was posted, sees the reply under the
        # comment (shown again in place), one unread message, and the count of both.
        reader.reload()
        expect(reader.locator("#header a.inbox-link")).to_have_text("Inbox (1)")
        comment = reader.locator("ol.thread.comments > li.comment")
        expect(comment.locator("> blockquote")).to_have_text("The lanterns! I could see them.")
        reply = comment.locator("li.comment")
        expect(reply.locator("h3")).to_contain_text("ferrywoman")
        expect(reply.locator("blockquote")).to_have_text("Thank you, I painted every one.")
        expect(reader.get_by_role("link", name="Comments (2)")).to_be_visible()

        # A bookmark with a note.
        reader.locator("#feedback").get_by_role("link", name="Bookmark").click()
        reader.get_by_label("Notes").fill("The one with the lanterns.")
        reader.get_by_role("button", name="Create Bookmark").click()
        expect(reader.get_by_text("Bookmarked.")).to_be_visible()
        expect(reader.locator(".user.module blockquote.notes")).to_have_text(
            "The one with the lanterns.")

        # A subscription.
        reader.goto(f"/works/{work.pk}")
        expect(reader.locator("#feedback").get_by_role("link", name="Edit Bookmark")
               ).to_be_visible()
        reader.get_by_role("button", name="Subscribe").click()
        expect(reader.get_by_text("You are now subscribed to “River Ledger”.")).to_be_visible()
        expect(reader.get_by_role("button", name="Unsubscribe")).to_be_visible()

        # The creator posts a chapter.
        creator.goto(f"/works/{work.pk}")
        creator.get_by_role("link", name="Add chapter").click()
        creator.get_by_label("Chapter title").fill("The Far Bank")
        creator.get_by_label("Chapter text", exact=True).fill("The far bank was quiet.")
        creator.get_by_role("button", name="Post chapter").click()
        expect(creator.get_by_text("Chapter 2: The Far Bank added.")).to_be_visible()
        run_pending_tasks()  # the subscription's delivery: inbox and mail

        # The reader finds it in the inbox...
        reader.reload()
        reader.get_by_role("link", name="Inbox (2)").click()
        chapter_item = reader.locator(".inbox-item.chapter")
        expect(chapter_item).to_contain_text(
            "ferrywoman posted Chapter 2: The Far Bank of River Ledger")
        expect(reader.locator(".inbox-item.unread")).to_have_count(2)
        chapter_item.get_by_role("link", name="Chapter 2: The Far Bank").click()
        expect(reader).to_have_url(re.compile(rf"/works/{work.pk}/chapters/\d+$"))
        expect(reader.get_by_text("The far bank was quiet.")).to_be_visible()

        # ...and in the mail, whose link opens the new chapter.
        chapter = work.chapters.get(position=2)
        subject = "[Fichive] “River Ledger”: Chapter 2: The Far Bank"
        (message,) = [m for m in mailbox.messages if m["Subject"].strip() == subject]
        assert message["To"] == "wren@example.org"
        assert len(mailbox.messages) == 3  # the comment, the reply, the chapter
        chapter_link = f"{live_server.url}/works/{work.pk}/chapters/{chapter.pk}"
        assert chapter_link in re.findall(r"https?://\S+", message.get_content())
        reader.goto(chapter_link)
        expect(reader.locator("#chapters h2.title")).to_have_text("Chapter 2: The Far Bank")
        expect(reader.get_by_text("The far bank was quiet.")).to_be_visible()

        # The visits are in the reader's history once the hits buffer is flushed.
        reads.flush()  # what the flush thread does every few seconds
        reader.goto("/users/wren/readings")
        expect(reader.get_by_role("link", name="River Ledger")).to_be_visible()
        expect(reader.get_by_role("link", name="Tide Tables")).to_have_count(0)
    finally:
        reader_context.close()
        creator_context.close()
