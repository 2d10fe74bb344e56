"""Listing pages reuse what they worked out: a tag listing's count and each page's works are
kept under the listings' version, the sidebar's widgets per value. What a page shows still
follows every change, and no kept page shows a visitor a work they may not see."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.tags.models import Tag
from fichive.works import listing
from fichive.works.models import FilterTagging, Work
from fichive.works.services import WorkMeta, work_delete, work_update
from tests.factories import WorkFactory
from tests.works.listing_pages import heading, page_html, titles

pytestmark = pytest.mark.django_db

LISTINGS = ["/tags/Naruto/works", "/tags/Naruto/works?sort=kudos",
            "/tags/Naruto/works?sort=title", "/works?include=Naruto&exclude=Angst",
            "/works?include=Naruto&include=Fluff&words_from=1&complete=no"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """These are about the listings' own caches; guests' whole-page cache, which changes
    reach through content_changed, has its tests in test_page_cache.py."""
    settings.FICHIVE_PAGE_CACHE = False


@pytest.fixture
def shelf(author):
    works = [WorkFactory(author=author, title=f"Story {i}", fandoms=["Naruto"],
                         freeforms=["Fluff"]) for i in range(3)]
    Tag.objects.filter(name__in=["Naruto", "Fluff"]).update(canonical=True)
    return works


def _hide_behind_the_caches_back(work: Work, **fields) -> None:
    """Change a work and its filter taggings' copies without telling any cache (as a
    change in another process would look to a worker with a cache of its own)."""
    Work.objects.filter(pk=work.pk).update(**fields)
    copies = {"restricted": fields.get("restricted", work.restricted),
              "listed": fields.get("state", work.state) == Work.State.POSTED}
    FilterTagging.objects.filter(work=work).update(**copies)


@pytest.mark.parametrize("url", LISTINGS)
def test_a_repeat_visit_reads_no_filter_taggings(client, shelf, monkeypatch, url, cache_backend):
    monkeypatch.setattr(listing, "FACET_CACHE_FROM", 1)  # keep these small sidebar counts
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)

    assert titles(again) == titles(first) != []
    assert heading(again) == heading(first)
    assert not [q["sql"] for q in queries if "works_filtertagging" in q["sql"]]


@pytest.mark.parametrize("url", LISTINGS)
def test_a_newly_posted_work_shows_on_the_next_visit(client, author, shelf, url):
    before = titles(client.get(url))

    WorkFactory(author=author, title="Fresh Story", fandoms=["Naruto"], freeforms=["Fluff"])

    after = client.get(url)
    assert sorted(titles(after)) == sorted([*before, "Fresh Story"])
    assert heading(after).startswith("1 - 4 of 4 Works")


def test_a_deleted_work_leaves_the_next_page(client, author, shelf):
    client.get("/tags/Naruto/works")

    work_delete(user=author, work=shelf[0])

    assert "Story 0" not in titles(client.get("/tags/Naruto/works"))


@pytest.mark.parametrize("url", LISTINGS)
def test_a_kept_page_never_shows_guests_a_work_restricted_since(client, shelf, url,
                                                             cache_backend):
    assert "Story 1" in titles(client.get(url))

    _hide_behind_the_caches_back(shelf[1], restricted=True)

    assert "Story 1" not in titles(client.get(url))


@pytest.mark.parametrize("url", LISTINGS)
def test_a_kept_page_never_shows_a_work_turned_back_into_a_draft(reader_client, shelf, url):
    assert "Story 2" in titles(reader_client.get(url))

    _hide_behind_the_caches_back(shelf[2], state=Work.State.DRAFT)

    assert "Story 2" not in titles(reader_client.get(url))


@pytest.mark.parametrize("url", LISTINGS)
def test_a_logged_in_readers_page_is_not_kept_for_guests(client, guest, author, reader,
                                                         shelf, url):
    WorkFactory(author=author, title="Members Only", fandoms=["Naruto"], freeforms=["Fluff"],
                restricted=True)
    client.force_login(reader)
    assert "Members Only" in titles(client.get(url))

    response = guest.get(url)

    assert "Members Only" not in titles(response)
    assert heading(response).startswith("1 - 3 of 3 Works")


# --- which changes retire a tag listing's kept count and pages ----------------------------

TAG_LISTINGS = ["/tags/Naruto/works", "/tags/Naruto/works?sort=kudos",
                "/tags/Naruto/works?sort=title", "/works?include=Naruto&exclude=Angst"]


@pytest.mark.parametrize("url", TAG_LISTINGS)
def test_a_change_under_another_tag_keeps_this_tags_listing(client, author, shelf, monkeypatch,
                                                            url, cache_backend):
    monkeypatch.setattr(listing, "FACET_CACHE_FROM", 1)
    first = client.get(url)
    other = WorkFactory(author=author, title="Elsewhere", fandoms=["Bleach"])
    work_update(user=author, work=other, meta=WorkMeta(
        title="Elsewhere, Renamed", creators=[author.default_pseud], fandoms=["Bleach"]))

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)

    assert titles(again) == titles(first)
    assert heading(again) == heading(first)
    assert not [q["sql"] for q in queries if "works_filtertagging" in q["sql"]]


@pytest.mark.parametrize("url", TAG_LISTINGS)
def test_a_work_that_leaves_a_tag_leaves_its_listing(client, author, shelf, url):
    assert "Story 1" in titles(client.get(url))

    work_update(user=author, work=shelf[1], meta=WorkMeta(
        title="Story 1", creators=[author.default_pseud], fandoms=["Bleach"],
        freeforms=["Fluff"]))

    after = client.get(url)
    assert "Story 1" not in titles(after)
    assert heading(after).startswith("1 - 2 of 2 Works")


def test_a_work_that_gains_an_excluded_tag_leaves_the_listing(client, author, shelf):
    url = "/works?include=Naruto&exclude=Angst"
    assert "Story 2" in titles(client.get(url))

    work_update(user=author, work=shelf[2], meta=WorkMeta(
        title="Story 2", creators=[author.default_pseud], fandoms=["Naruto"],
        freeforms=["Fluff", "Angst"]))

    assert "Story 2" not in titles(client.get(url))


def test_a_work_that_joins_a_tag_joins_its_listing(client, author, shelf):
    other = WorkFactory(author=author, title="Newcomer", fandoms=["Bleach"])
    before = titles(client.get("/tags/Naruto/works"))

    work_update(user=author, work=other, meta=WorkMeta(
        title="Newcomer", creators=[author.default_pseud], fandoms=["Bleach", "Naruto"]))

    assert sorted(titles(client.get("/tags/Naruto/works"))) == sorted([*before, "Newcomer"])


# --- the sidebar --------------------------------------------------------------------------

def _selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no {name} select on the page"
    return re.findall(r'<option value="([^"]*)" selected>', select.group(1))


def _input(page: str, name: str) -> str:
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
    assert found, f"no {name} input on the page"
    return found.group()


def test_the_sidebar_shows_each_visits_own_choices(client, shelf):
    first = page_html(client.get("/tags/Naruto/works?sort=kudos&language=de&words_from=5"))
    second = page_html(client.get("/tags/Naruto/works?sort=title"))

    assert _selected(first, "sort") == ["kudos"]
    assert _selected(first, "language") == ["de"]
    assert 'value="5"' in _input(first, "words_from")
    assert _selected(second, "sort") == ["title"]
    assert _selected(second, "language") == [""]
    assert "value=" not in _input(second, "words_from")


def test_a_field_with_an_error_is_marked_only_while_it_has_one(client, shelf):
    wrong = client.get("/tags/Naruto/works?words_from=many")
    fixed = client.get("/tags/Naruto/works?words_from=many&words_to=9")
    right = client.get("/tags/Naruto/works?words_from=12")

    assert wrong.status_code == fixed.status_code == 400
    assert 'aria-invalid="true"' in _input(page_html(wrong), "words_from")
    assert 'aria-invalid="true"' in _input(page_html(fixed), "words_from")
    assert 'aria-invalid="true"' not in _input(page_html(fixed), "words_to")
    assert right.status_code == 200
    assert "aria-invalid" not in _input(page_html(right), "words_from")
