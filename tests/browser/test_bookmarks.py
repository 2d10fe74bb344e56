"""A guest follows the work page's Bookmark link, logs in, bookmarks the work with a note
and tags, finds it on their bookmarks page, filters by their own tag, and deletes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, UserFactory, WorkFactory


@pytest.fixture
def shelf(transactional_db):
    author = UserFactory(username="keeper")
    UserFactory(username="wren")
    work = WorkFactory(author=author, title="The Long Watch", fandoms=["Lighthouse Keepers"])
    WorkFactory(author=author, title="Fog Bell", fandoms=["Lighthouse Keepers"])
    return work


def test_bookmark_a_work_with_a_note_then_find_and_delete_it(page: Page, shelf):
    page.goto(f"/works/{shelf.pk}")
    page.locator("#feedback").get_by_role("link", name="Bookmark").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("User name").fill("wren")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(rf"/works/{shelf.pk}/bookmarks/new$"))
    page.get_by_label("Notes").fill("Read this on a stormy night.\n\nThen again at dawn.")
    page.get_by_label("Your tags").fill("Comfort Read, Storms")
    page.get_by_label("Rec (recommend it to others)").check()
    page.get_by_role("button", name="Create Bookmark").click()
    expect(page.get_by_text("Bookmarked.")).to_be_visible()
    expect(page.locator(".user.module blockquote.notes p")).to_have_text(
        ["Read this on a stormy night.", "Then again at dawn."])

    page.goto(f"/works/{shelf.pk}")
    expect(page.locator("#feedback").get_by_role("link", name="Edit Bookmark")).to_be_visible()
    expect(page.locator("dd.bookmarks")).to_have_text("1")

    page.goto("/users/wren/bookmarks")
    expect(page.locator("#listing-heading")).to_have_text("1 - 1 of 1 Bookmark by wren")
    page.get_by_label("Bookmarker's tags to include").fill("Storms")
    page.get_by_label("Recs only").check()
    page.get_by_role("button", name="Sort and Filter").click()
    expect(page).to_have_url(re.compile(r"/users/wren/bookmarks\?.*bookmark_include=Storms"))
    expect(page.locator("li.bookmark h4.heading > a:not([rel=author])")).to_have_text(
        ["The Long Watch"])

    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Yes, delete the bookmark").click()
    expect(page.get_by_text("Bookmark deleted.")).to_be_visible()
    expect(page.get_by_text("No bookmarks here yet.")).to_be_visible()
