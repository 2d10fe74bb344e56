"""Guests' page cache: a guest's repeat visit to a work, chapter or listing is served without
the database, and every change (to a work, its chapters, its tags and their wrangling) shows to
guests on their next request. Restricted works and drafts never reach a guest through it.

Each test runs with the local-memory cache and with a real Redis (see `cache_backend`)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fichive.tags.models import Tag
from fichive.tags.services import tag_add_meta, tag_make_canonical, tag_make_synonym, tag_rename
from fichive.works import listing
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import chapter_form, edit_form, html, sent_to_log_in, shows, work_form

pytestmark = pytest.mark.usefixtures("cache_backend")

LISTINGS = ["/works", "/tags/Original%20Work/works", "/users/alice/works", "/"]


@pytest.fixture
def two_chapters(author) -> Work:
    return WorkFactory(author=author, title="Two Part Tale", freeforms=["Fluff"],
                       chapters=["<p>Alpha text here.</p>", "<p>Beta text here.</p>"])


def _pages(work: Work) -> list[str]:
    chapters = [f"/works/{work.pk}/chapters/{c.pk}" for c in work.chapters.order_by("position")]
    return [f"/works/{work.pk}", f"/works/{work.pk}?view_full_work=true",
            f"/works/{work.pk}/navigate", *chapters]


# --- Served from the cache ---------------------------------------------------------------


def test_a_guests_second_view_of_work_and_chapter_pages_needs_no_queries(
    guest, two_chapters, django_assert_num_queries
):
    for url in _pages(two_chapters):
        first = guest.get(url)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            second = guest.get(url)
        assert second.status_code == 200
        assert html(second) == html(first)


@pytest.mark.parametrize("url", [*LISTINGS, "/works?sort=title&include=Fluff"])
def test_a_guests_second_view_of_a_listing_needs_no_queries(
    guest, two_chapters, django_assert_num_queries, url
):
    first = guest.get(url)
    assert first.status_code == 200
    assert shows(first, "Two Part Tale")
    with django_assert_num_queries(0):
        second = guest.get(url)
    assert html(second) == html(first)


def test_different_query_strings_are_different_pages(guest, author):
    WorkFactory(author=author, title="Apple Story")
    WorkFactory(author=author, title="Banana Story", freeforms=["Fluff"])

    assert shows(guest.get("/works"), "Apple Story")
    filtered = guest.get("/works?include=Fluff")
    assert shows(filtered, "Banana Story")
    assert not shows(filtered, "Apple Story")


def test_head_requests_are_served_from_the_cache(guest, work, django_assert_num_queries):
    guest.get(f"/works/{work.pk}")
    with django_assert_num_queries(0):
        assert guest.head(f"/works/{work.pk}").status_code == 200


def test_bad_listing_filters_are_not_cached(guest, work, django_assert_num_queries):
    assert guest.get("/works?page=zero").status_code == 400
    response = guest.get("/works?page=zero")
    assert response.status_code == 400
    assert "The page must be a whole number" in html(response)


# --- Changes show at once --------------------------------------------------------------------


def test_a_work_edit_shows_to_guests_at_once(guest, author, author_client, two_chapters):
    for url in [*_pages(two_chapters), *LISTINGS]:
        assert shows(guest.get(url), "Two Part Tale")

    author_client.post(f"/works/{two_chapters.pk}/edit",
                       edit_form(two_chapters, author, title="A Renamed Tale"))

    for url in [*_pages(two_chapters), *LISTINGS]:
        page = guest.get(url)
        assert shows(page, "A Renamed Tale"), url
        assert not shows(page, "Two Part Tale"), url


def test_a_new_chapter_shows_to_guests_at_once(guest, author_client, work):
    assert "Chapter Index" not in html(guest.get(f"/works/{work.pk}"))
    assert shows(guest.get("/works"), "1/?")

    author_client.post(f"/works/{work.pk}/chapters/new",
                       chapter_form(title="The Return", content="<p>Brand new words.</p>"))

    page = guest.get(f"/works/{work.pk}")
    assert "Chapter Index" in html(page)
    assert shows(guest.get(f"/works/{work.pk}?view_full_work=true"), "Brand new words.")
    assert shows(guest.get(f"/works/{work.pk}/navigate"), "The Return")
    assert shows(guest.get("/works"), "2/?")


def test_a_chapter_edit_shows_to_guests_at_once(guest, author_client, two_chapters):
    second = two_chapters.chapters.get(position=2)
    url = f"/works/{two_chapters.pk}/chapters/{second.pk}"
    assert shows(guest.get(url), "Beta text here.")

    author_client.post(f"{url}/edit", chapter_form(content="<p>Rewritten beta.</p>"))

    page = guest.get(url)
    assert shows(page, "Rewritten beta.")
    assert not shows(page, "Beta text here.")


def test_deleting_and_reordering_chapters_shows_to_guests_at_once(
    guest, author_client, two_chapters
):
    first, second = two_chapters.chapters.order_by("position")
    assert shows(guest.get(f"/works/{two_chapters.pk}"), "Alpha text here.")

    author_client.post(f"/works/{two_chapters.pk}/chapters/manage",
                       {f"position-{first.pk}": 2, f"position-{second.pk}": 1})
    assert shows(guest.get(f"/works/{two_chapters.pk}"), "Beta text here.")

    author_client.post(f"/works/{two_chapters.pk}/chapters/{first.pk}/delete")
    assert guest.get(f"/works/{two_chapters.pk}/chapters/{first.pk}").status_code == 404
    assert "Chapter Index" not in html(guest.get(f"/works/{two_chapters.pk}"))


def test_a_deleted_work_is_gone_for_guests_at_once(guest, author_client, work):
    assert guest.get(f"/works/{work.pk}").status_code == 200
    assert shows(guest.get("/works"), work.title)

    author_client.post(f"/works/{work.pk}/delete")

    assert guest.get(f"/works/{work.pk}").status_code == 404
    assert not shows(guest.get("/works"), work.title)


def test_a_newly_posted_work_shows_in_every_listing_at_once(guest, author, author_client):
    WorkFactory(author=author, title="The First One")
    for url in LISTINGS:
        assert not shows(guest.get(url), "The Quiet Harbour")

    author_client.post("/works/new", work_form(author))

    for url in LISTINGS:
        assert shows(guest.get(url), "The Quiet Harbour"), url


def test_a_draft_shows_to_guests_once_posted(guest, author, author_client):
    draft = WorkFactory(author=author, title="Not Yet", post=False)
    assert guest.get(f"/works/{draft.pk}").status_code == 404
    assert not shows(guest.get("/works"), "Not Yet")

    author_client.post(f"/works/{draft.pk}/post")

    assert guest.get(f"/works/{draft.pk}").status_code == 200
    assert shows(guest.get("/works"), "Not Yet")


def test_a_tag_rename_shows_on_work_pages_and_listings_at_once(guest, two_chapters):
    assert shows(guest.get(f"/works/{two_chapters.pk}"), "Fluff")
    assert shows(guest.get("/works"), "Fluff")

    tag_rename(actor=None, tag=Tag.objects.get(name="Fluff"), new_name="Tooth-Rotting Fluff")

    assert shows(guest.get(f"/works/{two_chapters.pk}"), "Tooth-Rotting Fluff")
    assert shows(guest.get("/works"), "Tooth-Rotting Fluff")


def test_synonyms_and_meta_tags_show_in_tag_listings_at_once(guest, two_chapters):
    softness = Tag.objects.create(name="Softness", type=Tag.Type.FREEFORM, canonical=True)
    comfort = Tag.objects.create(name="Comfort", type=Tag.Type.FREEFORM, canonical=True)
    assert not shows(guest.get("/tags/Softness/works"), "Two Part Tale")
    assert not shows(guest.get("/tags/Comfort/works"), "Two Part Tale")

    tag_make_synonym(actor=None, tag=Tag.objects.get(name="Fluff"), of=softness)
    assert shows(guest.get("/tags/Softness/works"), "Two Part Tale")

    tag_add_meta(actor=None, sub=softness, meta=comfort)
    assert shows(guest.get("/tags/Comfort/works"), "Two Part Tale")


def test_a_tag_made_canonical_shows_in_the_sidebar_at_once(guest, two_chapters):
    sidebar = re.compile(r'<span class="name">Fluff</span>')
    assert not sidebar.search(html(guest.get("/works")))

    tag_make_canonical(actor=None, tag=Tag.objects.get(name="Fluff"))

    assert sidebar.search(html(guest.get("/works")))


def test_a_wrangling_change_on_the_web_shows_at_once(guest, two_chapters):
    wrangler = UserFactory(username="wendy")
    wrangler.is_wrangler = True
    wrangler.save(update_fields=["is_wrangler"])
    assert shows(guest.get(f"/works/{two_chapters.pk}"), "Fluff")
    wrangling = Client()
    wrangling.force_login(wrangler)
    fluff = Tag.objects.get(name="Fluff")

    wrangling.post(f"/tags/{fluff.name}/edit", {"name": "Fluffiness"})

    assert Tag.objects.get(pk=fluff.pk).name == "Fluffiness"
    assert shows(guest.get(f"/works/{two_chapters.pk}"), "Fluffiness")


# --- Never for the wrong visitor -------------------------------------------------------------


def test_a_restricted_work_is_never_served_to_guests(guest, author, reader_client):
    locked = WorkFactory(author=author, title="Members Only", restricted=True)
    for url in [f"/works/{locked.pk}", "/works", "/users/alice/works"]:
        assert shows(reader_client.get(url), "Members Only")

    assert sent_to_log_in(guest.get(f"/works/{locked.pk}"))
    for url in ["/works", "/users/alice/works", "/"]:
        assert not shows(guest.get(url), "Members Only")


def test_a_work_made_restricted_disappears_for_guests_at_once(guest, author, author_client, work):
    assert guest.get(f"/works/{work.pk}").status_code == 200
    assert shows(guest.get("/works"), work.title)

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, restricted="on"))

    assert sent_to_log_in(guest.get(f"/works/{work.pk}"))
    assert not shows(guest.get("/works"), work.title)


def test_a_logged_in_view_never_fills_the_guests_cache(
    guest, author, author_client, django_assert_max_num_queries
):
    public = WorkFactory(author=author, title="Open Book")
    draft = WorkFactory(author=author, title="Secret Draft", post=False)
    own_page = author_client.get(f"/works/{public.pk}")
    assert "Edit work" in html(own_page)
    assert "Log out (alice)" in html(author_client.get("/works"))
    assert author_client.get(f"/works/{draft.pk}").status_code == 200

    page = guest.get(f"/works/{public.pk}")
    assert "Edit work" not in html(page)
    assert "Log out" not in html(page)
    assert "Log in" in html(page)
    assert "Log out" not in html(guest.get("/works"))
    assert guest.get(f"/works/{draft.pk}").status_code == 404


def test_logged_in_visitors_always_get_a_fresh_page(author, reader_client):
    work = WorkFactory(author=author)
    reader_client.get(f"/works/{work.pk}")

    Work.objects.filter(pk=work.pk).update(title="Changed Behind The Services")

    assert shows(reader_client.get(f"/works/{work.pk}"), "Changed Behind The Services")


def test_the_page_cache_can_be_turned_off(guest, work, settings, django_assert_num_queries):
    settings.FICHIVE_PAGE_CACHE = False
    guest.get(f"/works/{work.pk}")
    Work.objects.filter(pk=work.pk).update(title="Changed Behind The Services")
    assert shows(guest.get(f"/works/{work.pk}"), "Changed Behind The Services")


def test_the_sidebar_counts_of_large_listings_follow_changes_at_once(guest, author, monkeypatch):
    monkeypatch.setattr(listing, "FACET_CACHE_FROM", 1)  # every listing's counts are cached
    for _ in range(2):
        WorkFactory(author=author, freeforms=["Fluff"])
    tag_make_canonical(actor=None, tag=Tag.objects.get(name="Fluff"))
    assert '<span class="name">Fluff</span>' in html(guest.get("/works"))

    tag_rename(actor=None, tag=Tag.objects.get(name="Fluff"), new_name="Softness")

    page = html(guest.get("/works?sort=title"))
    assert '<span class="name">Softness</span> <span class="count">(2)</span>' in page
    assert '<span class="name">Fluff</span>' not in page
