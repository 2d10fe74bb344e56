"""A reader opens a work, picks EPUB from its Download menu and gets a book that imports back
to the same story."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fichive.formats.services import ImportOptions, parse_file
from tests.factories import UserFactory, WorkFactory


@pytest.fixture
def story(transactional_db):
    author = UserFactory(username="keeper")
    return WorkFactory(author=author, title="Harbour Lights", chapters=[
        "<p>The fishing boats came home late.</p>",
        "<p>She found the dragon sleeping under the pier.</p>"],
        chapter_titles=["Dusk", "The Pier"])


def test_reader_downloads_the_epub_from_the_work_page(page, story, tmp_path):
    page.goto("/")
    page.get_by_role("link", name="Harbour Lights").first.click()
    menu = page.locator("li.download")
    expect(menu.get_by_role("link", name="EPUB")).to_be_hidden()
    menu.get_by_text("Download").click()
    expect(menu.get_by_role("link")).to_have_text(["EPUB", "PDF", "HTML", "TXT"])
    with page.expect_download() as info:
        menu.get_by_role("link", name="EPUB").click()
    download = info.value
    assert download.suggested_filename == "Harbour_Lights.epub"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    book = parse_file(path.read_bytes(), filename=path.name, options=ImportOptions())
    assert book.title == "Harbour Lights"
    assert book.creators == ["keeper"]
    assert [c.title for c in book.chapters] == ["Dusk", "The Pier"]
    assert "dragon sleeping under the pier" in book.chapters[1].html
