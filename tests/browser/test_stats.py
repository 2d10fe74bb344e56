"""An author reads their stats without JavaScript: from the dashboard to Stats, a guest's
kudos there today, the chart drawn, sorting by a column, this year's counts and the CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fichive.stats.services import today
from tests.factories import PASSWORD, UserFactory, WorkFactory


@pytest.fixture
def shelf(transactional_db):
    author = UserFactory(username="ledgerkeeper")
    first = WorkFactory(author=author, title="Counting Stars")
    second = WorkFactory(author=author, title="Another Tally")
    return author, first, second


def test_an_author_reads_sorts_and_downloads_their_stats_without_javascript(browser,
                                                                           live_server, shelf):
    author, first, second = shelf
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        # A guest leaves kudos on the second work.
        page.goto(f"/works/{second.pk}")
        page.get_by_role("button", name="Kudos ♥").click()

        page.goto("/login")
        page.get_by_label("User name").fill(author.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("main").get_by_role("button", name=re.compile("Log in")).click()
        page.get_by_role("link", name="Dashboard").click()
        page.get_by_role("link", name="Stats").click()

        expect(page.get_by_role("heading", name="Stats")).to_be_visible()
        expect(page.locator("dd.kudos")).to_have_text("1")
        expect(page.get_by_role("img", name=re.compile("Hits per month"))).to_be_visible()
        rows = page.locator("table.works tbody th[scope=row] a")
        expect(rows.first).to_have_text("Another Tally")  # hits tie: by title

        page.get_by_role("link", name="Kudos", exact=True).click()
        expect(rows.first).to_have_text("Another Tally")
        page.get_by_role("link", name="Kudos", exact=True).click()  # again: fewest first
        expect(rows.first).to_have_text("Counting Stars")

        page.get_by_role("link", name=str(today().year), exact=True).click()
        expect(page.locator("dd.kudos")).to_have_text("1")
        expect(page.get_by_role("img", name=f"Kudos per month in {today().year}")).to_be_visible()

        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV").click()
        content = Path(download.value.path()).read_text(encoding="utf-8")
        table = list(csv.reader(io.StringIO(content)))
        assert table[0][0] == "Title"
        assert table[1][0] == "Counting Stars"  # the same sort: kudos, fewest first
        assert table[-1][:5] == ["Total", "", table[-1][2], "0", "1"]
    finally:
        context.close()
