"""Drafts and previews: a draft is seen by its creators only, until they post it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.works.helpers import edit_form, html, text_of, work_form


@pytest.fixture
def draft(author):
    return WorkFactory(author=author, title="Secret Drafty Thing", post=False,
                       chapters=["<p>Draft one.</p>", "<p>Draft two.</p>"],
                       freeforms=["Drafty Tag"])


def _draft_urls(draft: Work) -> list[str]:
    chapter = draft.chapters.get(position=2)
    return [
        f"/works/{draft.pk}",
        f"/works/{draft.pk}?view_full_work=true",
        f"/works/{draft.pk}/chapters/{chapter.pk}",
        f"/works/{draft.pk}/navigate",
        f"/api/v1/works/{draft.pk}",
        f"/api/v1/works/{draft.pk}/chapters/1",
    ]


def _listing_urls() -> list[str]:
    return ["/", "/works", "/users/alice/works", "/users/alice", "/tags/Drafty Tag/works",
            "/tags/Original Work/works"]


def test_save_as_draft_keeps_the_work_unposted(author, author_client):
    response = author_client.post("/works/new", work_form(author, action="draft"))

    work = Work.objects.get()
    assert response["Location"] == f"/works/{work.pk}/preview"
    page = html(author_client.get(response["Location"]))
    assert "Draft saved. It is visible only to you until you post it." in page
    assert "This is a draft" in page


def test_draft_pages_are_404_for_guests(draft, client):
    for url in _draft_urls(draft):
        assert client.get(url).status_code == 404, url


def test_draft_pages_are_404_for_other_users(draft, reader_client):
    for url in _draft_urls(draft):
        assert reader_client.get(url).status_code == 404, url


def test_draft_is_missing_from_listings_for_guests(draft, client):
    for url in _listing_urls():
        response = client.get(url)
        assert "Secret Drafty Thing" not in html(response), url


def test_draft_is_missing_from_listings_for_other_users(draft, reader_client):
    for url in _listing_urls():
        assert "Secret Drafty Thing" not in html(reader_client.get(url)), url


def test_draft_is_missing_from_public_listings_even_for_its_creator(draft, author_client):
    for url in ["/", "/works", "/users/alice/works", "/tags/Drafty Tag/works"]:
        assert "Secret Drafty Thing" not in html(author_client.get(url)), url


def test_creator_sees_their_draft_and_its_chapters(draft, author_client):
    for url in _draft_urls(draft):
        assert author_client.get(url).status_code == 200, url
    assert "This is a draft: only you can see it" in html(author_client.get(f"/works/{draft.pk}"))


def test_creator_finds_drafts_on_their_dashboard_and_drafts_page(draft, author_client):
    assert "Secret Drafty Thing" in html(author_client.get("/users/alice"))
    assert "Secret Drafty Thing" in html(author_client.get("/users/alice/works/drafts"))


def test_co_creator_sees_the_draft_too(author, co_author, client):
    draft = WorkFactory(author=author, post=False, title="Shared Draft",
                        creators=[author.default_pseud, co_author.default_pseud])
    client.force_login(co_author)

    assert client.get(f"/works/{draft.pk}").status_code == 200
    assert "Shared Draft" in html(client.get("/users/bob"))


def test_someone_elses_drafts_page_sends_you_to_their_works(draft, reader_client):
    response = reader_client.get("/users/alice/works/drafts")

    assert response.status_code == 302
    assert response["Location"] == "/users/alice/works"


def test_preview_saves_a_draft_and_shows_it_with_a_post_button(author, author_client, guest):
    response = author_client.post("/works/new", work_form(
        author, title="Preview Me", action="preview",
    ))

    work = Work.objects.get()
    assert response["Location"] == f"/works/{work.pk}/preview"
    page = html(author_client.get(response["Location"]))
    assert "Preview Me" in page
    assert "The lantern burned low" in page
    assert f'action="/works/{work.pk}/post"' in page
    assert '<button type="submit" name="action" value="post">Post</button>' in page
    assert guest.get(f"/works/{work.pk}").status_code == 404


def test_preview_page_is_only_for_creators(draft, reader_client):
    assert reader_client.get(f"/works/{draft.pk}/preview").status_code == 404


def test_posting_a_draft_makes_it_public_dated_today(draft, author_client, guest):
    response = author_client.post(f"/works/{draft.pk}/post")

    assert response.status_code == 302
    assert response["Location"] == f"/works/{draft.pk}"
    page = author_client.get(response["Location"])
    assert "Work posted." in html(page)
    assert "This is a draft" not in html(page)
    assert text_of(page, "published") == timezone.now().date().isoformat()
    for url in _draft_urls(draft):
        assert guest.get(url).status_code == 200, url
    assert "Secret Drafty Thing" in html(guest.get("/works"))


def test_posting_needs_a_post_request(draft, author_client):
    assert author_client.get(f"/works/{draft.pk}/post").status_code == 405


def test_posting_an_old_draft_dates_it_today_not_when_it_was_started(author, author_client):
    draft = WorkFactory(author=author, post=False)
    Work.objects.filter(pk=draft.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )

    author_client.post(f"/works/{draft.pk}/post")

    page = author_client.get(f"/works/{draft.pk}")
    assert text_of(page, "published") == timezone.now().date().isoformat()


def test_draft_edited_with_post_button_is_posted(draft, author, author_client, guest):
    response = author_client.post(f"/works/{draft.pk}/edit",
                                  edit_form(draft, author, title="Now Public", action="post"))

    assert response["Location"] == f"/works/{draft.pk}"
    assert "Now Public" in html(guest.get(f"/works/{draft.pk}"))


def test_draft_edited_with_save_as_draft_stays_a_draft(draft, author, author_client, guest):
    response = author_client.post(f"/works/{draft.pk}/edit",
                                  edit_form(draft, author, title="Still Hidden", action="draft"))

    assert response["Location"] == f"/works/{draft.pk}/preview"
    assert "Still Hidden" in html(author_client.get(response["Location"]))
    assert guest.get(f"/works/{draft.pk}").status_code == 404


def test_chapter_index_of_a_draft_says_draft_instead_of_a_date(draft, author_client):
    page = html(author_client.get(f"/works/{draft.pk}/navigate"))

    assert "(draft)" in page
