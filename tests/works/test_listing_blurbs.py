"""A work's blurb in listings, as on AO3: the four required-tag symbols and the stats line."""

from __future__ import annotations

import re

from tests.factories import WorkFactory
from tests.works.listing_pages import page_html, set_counts


def _symbols(page: str) -> list[tuple[str, str, str]]:
    """(kind, title, text) of each required-tag symbol on the page, in order."""
    block = re.search(r'<ul class="required-tags"[^>]*>(.*?)</ul>', page, re.S)
    assert block, "no required tags on the page"
    return re.findall(r'<span class="([a-z ]+)" title="([^"]*)">([^<]*)</span>', block.group(1))


def _stats(page: str) -> dict[str, str]:
    block = re.search(r'<dl class="stats">(.*?)</dl>', page, re.S)
    assert block, "no stats on the page"
    return dict(re.findall(r"<dt[^>]*>([^<]+):</dt><dd[^>]*>([^<]+)</dd>", block.group(1)))


def test_symbols_for_a_warned_complete_work(client, author):
    WorkFactory(author=author, rating="Explicit", categories=["F/M"], complete=True,
                warnings=["Graphic Depictions Of Violence", "Major Character Death"])

    assert _symbols(page_html(client.get("/works"))) == [
        ("rating", "Explicit", "E"),
        ("warnings yes", "Graphic Depictions Of Violence, Major Character Death", "!"),
        ("category", "F/M", "F/M"),
        ("iswip complete", "Complete Work", "✓"),
    ]


def test_symbols_when_no_warnings_apply_and_several_categories(client, author):
    WorkFactory(author=author, rating="General Audiences", categories=["Gen", "M/M"],
                warnings=["No Archive Warnings Apply"], expected_chapters=4)

    assert _symbols(page_html(client.get("/works"))) == [
        ("rating", "General Audiences", "G"),
        ("warnings none", "No Archive Warnings Apply", "–"),
        ("category", "Gen, M/M", "Multi"),
        ("iswip wip", "Work in Progress", "…"),
    ]


def test_symbols_when_the_creator_chose_not_to_warn_and_gave_no_category(client, author):
    WorkFactory(author=author)

    assert _symbols(page_html(client.get("/works"))) == [
        ("rating", "Not Rated", "NR"),
        ("warnings choosenotto", "Creator Chose Not To Use Archive Warnings", "?"),
        ("category none", "No category", "–"),
        ("iswip wip", "Work in Progress", "…"),
    ]


def test_stats_show_language_words_chapters_and_engagement(client, author):
    work = WorkFactory(author=author, language="de", expected_chapters=3,
                       chapters=["<p>eins zwei</p>", "<p>drei</p>"])
    set_counts(work, word_count=12345, comments_count=4, kudos_count=1200,
               bookmarks_count=7, hits=98765)

    assert _stats(page_html(client.get("/works"))) == {
        "Language": "Deutsch", "Words": "12,345", "Chapters": "2/3", "Comments": "4",
        "Kudos": "1,200", "Bookmarks": "7", "Hits": "98,765",
    }


def test_stats_leave_out_engagement_nobody_has_shown_yet(client, author):
    WorkFactory(author=author, chapters=["<p>one two three</p>"])

    assert _stats(page_html(client.get("/works"))) == {
        "Language": "English", "Words": "3", "Chapters": "1/?", "Hits": "0"}
