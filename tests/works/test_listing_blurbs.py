"""A work's blurb in listings, as on AO3: the four required-tag symbols and the stats line."""

from __future__ import annotations

import re

import pytest

from fichive.accounts.services import pseud_create
from fichive.tags.models import Tag
from tests.factories import WorkFactory
from tests.works.listing_pages import page_html, set_counts


def _symbols(page: str) -> list[tuple[str, str, str]]:
    """(kind, text alternative, drawing) of each required-tag symbol on the page, in order:
    an SVG image from our sprite, named by its <title>."""
    block = re.search(r'<ul class="required-tags"[^>]*>(.*?)</ul>', page, re.S)
    assert block, "no required tags on the page"
    symbols = re.findall(r'<svg class="symbol ([a-z ]+)" role="img"[^>]*><title>([^<]*)</title>'
                         r'<use href="[^"]*required-tags\.svg#([a-z-]+)"/></svg>', block.group(1))
    assert len(symbols) == 4, block.group(1)
    return symbols


def _stats(page: str) -> dict[str, str]:
    block = re.search(r'<dl class="stats">(.*?)</dl>', page, re.S)
    assert block, "no stats on the page"
    return dict(re.findall(r"<dt[^>]*>([^<]+):</dt><dd[^>]*>([^<]+)</dd>", block.group(1)))


def test_symbols_for_a_warned_complete_work(client, author):
    WorkFactory(author=author, rating="Explicit", categories=["F/M"], complete=True,
                warnings=["Graphic Depictions Of Violence", "Major Character Death"])

    assert _symbols(page_html(client.get("/works"))) == [
        ("rating", "Rating: Explicit", "rating-e"),
        ("warnings yes",
         "Archive warnings: Graphic Depictions Of Violence, Major Character Death",
         "warnings-yes"),
        ("category", "Category: F/M", "category-fm"),
        ("iswip complete", "Complete Work", "iswip-complete"),
    ]


def test_symbols_when_no_warnings_apply_and_several_categories(client, author):
    WorkFactory(author=author, rating="General Audiences", categories=["Gen", "M/M"],
                warnings=["No Archive Warnings Apply"], expected_chapters=4)

    assert _symbols(page_html(client.get("/works"))) == [
        ("rating", "Rating: General Audiences", "rating-g"),
        ("warnings none", "Archive warnings: No Archive Warnings Apply", "warnings-none"),
        ("category", "Categories: Gen, M/M", "category-multi"),
        ("iswip wip", "Work in Progress", "iswip-wip"),
    ]


def test_symbols_when_the_creator_chose_not_to_warn_and_gave_no_category(client, author):
    WorkFactory(author=author, rating="Not Rated")

    assert _symbols(page_html(client.get("/works"))) == [
        ("rating", "Rating: Not Rated", "rating-nr"),
        ("warnings choosenotto",
         "Archive warnings: Creator Chose Not To Use Archive Warnings", "warnings-choosenotto"),
        ("category none", "Category: none", "category-none"),
        ("iswip wip", "Work in Progress", "iswip-wip"),
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


def _blurb(page: str, title: str) -> str:
    """The blurb of the work with this title, as the page has it."""
    for block in re.findall(r'<li class="work blurb group".*?\n</li>', page, re.S):
        if f">{title}</a> by " in block:
            return block
    raise AssertionError(f"no blurb for {title} on the page")


@pytest.fixture
def rich_work(author, co_author):
    pen = pseud_create(user=co_author, name="Quill")
    work = WorkFactory(
        author=author, title="Lanterns & <Ladders>", creators=[author.default_pseud, pen],
        fandoms=["Naruto", "Sherlock Holmes"], rating="Mature", categories=["F/M", "Gen"],
        warnings=["Major Character Death"], relationships=["A/B"],
        characters=["Haruno Sakura", "John Watson"], freeforms=["Fluff", "Q&A 'Session'"],
        summary="<p>By the <em>sea</em>.</p>", complete=True, language="de",
        chapters=["<p>one two</p>", "<p>three</p>"], expected_chapters=2)
    set_counts(work, kudos_count=1234, hits=5, comments_count=0, bookmarks_count=2)
    Tag.objects.update(canonical=True)
    return work


def test_a_blurb_reads_the_same_on_every_listing(client, rich_work):
    listings = ["/tags/Naruto/works", "/works", "/works?include=Fluff&sort=kudos",
                "/users/alice/works", "/", "/users/alice"]

    blurbs = {url: _blurb(page_html(client.get(url)), "Lanterns &amp; &lt;Ladders&gt;")
              for url in listings}

    assert len(set(blurbs.values())) == 1, blurbs
    blurb = blurbs["/works"]
    assert ('<a rel="author" href="/users/alice/pseuds/alice">alice</a>, '
            '<a rel="author" href="/users/bob/pseuds/Quill">Quill (bob)</a>') in blurb
    assert ('<a class="tag" href="/tags/Naruto/works">Naruto</a>, '
            '<a class="tag" href="/tags/Sherlock%20Holmes/works">Sherlock Holmes</a>') in blurb
    assert ('<li class="freeforms"><a class="tag" href="/tags/Q*a*A%20&#x27;Session&#x27;'
            '/works">Q&amp;A &#x27;Session&#x27;</a></li>') in blurb
    assert '<blockquote class="userstuff summary"><p>By the <em>sea</em>.</p></blockquote>' \
        in blurb
    assert '<p class="datetime">' in blurb


def test_restricted_and_draft_marks_show_where_their_readers_see_them(author_client, author):
    WorkFactory(author=author, title="Members Story", restricted=True)
    WorkFactory(author=author, title="Unfinished Draft", post=False)

    listed = page_html(author_client.get("/works"))
    dashboard = page_html(author_client.get("/users/alice"))

    assert 'class="lock"' in _blurb(listed, "Members Story")
    assert "draft-label" not in _blurb(listed, "Members Story")
    assert '<span class="draft-label">Draft</span>' in _blurb(dashboard, "Unfinished Draft")
