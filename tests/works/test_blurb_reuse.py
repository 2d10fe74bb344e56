"""Blurbs kept between visits (works/blurbs.py keeps each work's tags, creators, series and
gift recipients, and its blurb's HTML, in memory while the work's version and row stay the
same): every change a blurb shows is on the next visit, each reader's preferences get their
own blurb, and a logged-in reader's per-reader state (mutes, saved exclusions, hidden tag
types, kudos and bookmarks given) costs the same few queries however many works, tags and
creators a page shows."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.accounts.services import preferences_update, pseud_update
from fichive.blocking.services import user_mute
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.gifts.services import gifts_set
from fichive.kudos.services import kudos_leave
from fichive.series.services import series_add_work, series_create
from fichive.tags.models import Tag
from fichive.tags.services import tag_exclusion_add, tag_rename
from fichive.works import listing
from fichive.works.models import Work
from fichive.works.services import WorkMeta, work_update
from tests.factories import UserFactory, WorkFactory
from tests.works.listing_pages import page_html


@pytest.fixture(autouse=True)
def reuse_on(settings):
    """Blurbs are kept only where every process shares the versions (lib/fragments.py's
    switch, on by default with the disk cache; the tests' memory cache turns it off)."""
    settings.FICHIVE_FRAGMENT_CACHE_MB = 16


LISTINGS = ["/works", "/tags/Naruto/works"]


def _blurb(response, work: Work) -> str:
    page = page_html(response)
    match = re.search(rf'<li class="work blurb group" id="work_{work.pk}">(.*?</dl>)\n</li>',
                      page, re.S)
    assert match, f"no blurb of work {work.pk} on the page"
    return match.group(1)


def _stat(blurb: str, name: str) -> str | None:
    match = re.search(rf'<dt class="{name}">[^<]*</dt><dd>([^<]*)</dd>', blurb)
    return match.group(1) if match else None


@pytest.fixture
def story(author):
    return WorkFactory(author=author, title="Kept Story", fandoms=["Naruto"],
                       characters=["Uzumaki Naruto"], freeforms=["Fluff"],
                       warnings=["Major Character Death"])


def _meta(work: Work, author, **changes) -> WorkMeta:
    fields = {"title": work.title, "creators": [author.default_pseud], "fandoms": ["Naruto"],
              "characters": ["Uzumaki Naruto"], "freeforms": ["Fluff"],
              "warnings": ["Major Character Death"]}
    return WorkMeta(**{**fields, **changes})


@pytest.mark.parametrize("url", LISTINGS)
def test_an_edited_work_shows_its_new_title_and_tags(reader_client, author, story, url):
    assert "Kept Story" in _blurb(reader_client.get(url), story)

    work_update(user=author, work=story,
                meta=_meta(story, author, title="Renamed Story", freeforms=["Angst"]))

    blurb = _blurb(reader_client.get(url), story)
    assert "Renamed Story" in blurb and ">Angst</a>" in blurb and ">Fluff</a>" not in blurb


@pytest.mark.parametrize("url", LISTINGS)
def test_a_renamed_tag_shows_by_its_new_name(reader_client, wrangler, story, url):
    assert ">Fluff</a>" in _blurb(reader_client.get(url), story)

    tag_rename(actor=wrangler, tag=Tag.objects.get(name="Fluff"), new_name="Soft Fluff")

    assert ">Soft Fluff</a>" in _blurb(reader_client.get(url), story)


@pytest.mark.parametrize("url", LISTINGS)
def test_a_renamed_pseud_shows_in_the_byline(reader_client, author, story, url):
    assert f">{author.username}</a>" in _blurb(reader_client.get(url), story)

    pseud_update(user=author, pseud=author.default_pseud, name="Quill")

    assert f">Quill ({author.username})</a>" in _blurb(reader_client.get(url), story)


@pytest.mark.parametrize("url", LISTINGS)
def test_a_work_made_anonymous_loses_its_byline(reader_client, author, story, url):
    assert f">{author.username}</a>" in _blurb(reader_client.get(url), story)

    work_update(user=author, work=story, meta=_meta(story, author, anonymous=True))

    blurb = _blurb(reader_client.get(url), story)
    assert " by Anonymous" in blurb and author.username not in blurb


def test_an_anonymous_works_creator_sees_their_names_and_nobody_else_does(
        client, author, reader, story):
    work_update(user=author, work=story, meta=_meta(story, author, anonymous=True))
    client.force_login(author)
    assert "anonymous-own" in _blurb(client.get("/works"), story)

    client.force_login(reader)
    blurb = _blurb(client.get("/works"), story)
    assert "anonymous-own" not in blurb and author.username not in blurb


@pytest.mark.parametrize("url", LISTINGS)
def test_kudos_comments_and_bookmarks_show_in_the_counts_at_once(
        reader_client, reader, stranger, story, url):
    blurb = _blurb(reader_client.get(url), story)
    assert _stat(blurb, "kudos") is None and _stat(blurb, "bookmarks") is None

    kudos_leave(work=story, user=stranger)
    comment_post(work=story, user=stranger, content="Lovely.")
    bookmark_create(user=reader, work=story, pseud=reader.default_pseud, data=BookmarkData())

    blurb = _blurb(reader_client.get(url), story)
    assert (_stat(blurb, "kudos"), _stat(blurb, "comments"), _stat(blurb, "bookmarks")) == (
        "1", "1", "1")


@pytest.mark.parametrize("url", LISTINGS)
def test_hits_written_by_the_hit_counter_show_at_once(reader_client, story, url):
    assert _stat(_blurb(reader_client.get(url), story), "hits") == "0"

    # As readings.services writes buffered hits: the row alone, no version changed.
    Work.objects.filter(pk=story.pk).update(hits=1234)

    assert _stat(_blurb(reader_client.get(url), story), "hits") == "1,234"


@pytest.mark.parametrize("url", LISTINGS)
def test_a_new_series_and_gift_show_on_the_blurb(reader_client, author, story, url):
    assert "Part <strong>" not in _blurb(reader_client.get(url), story)

    series = series_create(user=author, title="Leaf Cycle")
    series_add_work(user=author, series=series, work=story)
    gifts_set(work=story, names="Sam")

    blurb = _blurb(reader_client.get(url), story)
    assert "Part <strong>1</strong> of" in blurb and "Leaf Cycle" in blurb
    assert "for Sam" in blurb


def test_each_reader_sees_the_blurb_their_preferences_make(client, reader, stranger, story):
    preferences_update(user=reader, hide_warnings=True, hide_freeform=True)
    client.force_login(reader)
    hidden = _blurb(client.get("/works"), story)
    assert "Show warnings" in hidden and "Show tags" in hidden

    client.force_login(stranger)
    shown = _blurb(client.get("/works"), story)
    assert "Show warnings" not in shown and "Show tags" not in shown
    assert "Archive warnings: Major Character Death" in shown

    guest = Client()
    assert "Show warnings" not in _blurb(guest.get("/works"), story)


def test_a_restricted_work_keeps_its_lock_and_never_reaches_guests(
        client, author, reader, story):
    work_update(user=author, work=story, meta=_meta(story, author, restricted=True))
    client.force_login(reader)
    assert 'class="lock"' in _blurb(client.get("/works"), story)

    assert "Kept Story" not in page_html(Client().get("/works"))


def _writers_works(n: int, first: int = 0) -> None:
    """n works, each with its own writer pair, characters and additional tags."""
    for i in range(first, first + n):
        writer, co_writer = UserFactory(), UserFactory()
        WorkFactory(author=writer, title=f"Shelf {i}", fandoms=["Naruto"],
                    creators=[writer.default_pseud, co_writer.default_pseud],
                    characters=[f"C{i}", f"D{i}"], freeforms=["Fluff", f"Extra {i}"],
                    warnings=["Major Character Death"])


@pytest.mark.parametrize("url", [*LISTINGS, "/works?sort=kudos&page=2"])
def test_a_readers_state_costs_the_same_queries_for_few_or_many_works(
        client, reader, author, url, monkeypatch):
    """Mutes and saved exclusions (read from the user row), hidden tag types (the
    preferences, read with the user), kudos and bookmarks given: however many works, tags
    and creators the page shows, and whether or not their blurbs were kept."""
    monkeypatch.setattr(listing, "FACET_CACHE_FROM", 1)  # kept sidebar counts at any size
    muted = UserFactory()
    WorkFactory(author=muted, title="Muted Story", fandoms=["Naruto"])
    WorkFactory(author=author, title="Excluded Story", fandoms=["Naruto"],
                freeforms=["Unwanted"])
    user_mute(user=reader, muted=muted)
    tag_exclusion_add(user=reader, name="Unwanted")
    preferences_update(user=reader, hide_warnings=True, hide_freeform=True)
    client.force_login(reader)
    counts = []
    for first, n in ((0, 22), (22, 40)):
        _writers_works(n, first)
        for work in Work.objects.filter(title__in=[f"Shelf {first + i}" for i in range(5)]):
            kudos_leave(work=work, user=reader)
            bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                            data=BookmarkData())
        for kept in (False, True):
            if not kept:
                cache.clear()  # nothing kept: counts, pages, blurbs all read afresh
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            page = page_html(response)
            assert "Shelf" in page and "Show warnings" in page
            assert "Muted Story" not in page and "Excluded Story" not in page
            counts.append((kept, len(captured)))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert counts[1][1] < counts[0][1]  # kept blurbs and counts save queries



def test_the_kept_sidebar_follows_new_works_and_each_readers_preferences(
        client, author, reader, stranger, story):
    Tag.objects.update(canonical=True)  # the sidebar counts canonical tags
    preferences_update(user=reader, hide_warnings=True)
    client.force_login(reader)
    assert '<summary>Show warnings</summary>' in _sidebar(client.get("/works"))

    client.force_login(stranger)
    shown = _sidebar(client.get("/works"))
    assert "Show warnings" not in shown and ">Fluff</span> <span class=\"count\">(1)" in shown

    WorkFactory(author=author, title="Another", fandoms=["Naruto"], freeforms=["Fluff"])
    Tag.objects.update(canonical=True)

    assert ">Fluff</span> <span class=\"count\">(2)" in _sidebar(client.get("/works"))


def _sidebar(response) -> str:
    match = re.search(r'<aside class="filters".*?</aside>', page_html(response), re.S)
    assert match, "no sidebar on the page"
    return match.group(0)
