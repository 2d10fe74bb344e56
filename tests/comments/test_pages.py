"""Comment pages: the hook on work and chapter pages (the same for every guest, cacheable),
the comments page and its fragment, pagination, the whole-work view, and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.comments.models import Comment
from fichive.comments.services import comment_post
from fichive.lib.cache import CACHE_HEADER
from tests.comments.helpers import html, raw
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.usefixtures("no_rate_limit")


def test_a_one_shots_page_links_to_its_comments_with_the_count(guest, work, reader):
    comment_post(work=work, user=reader, content="Nice")
    page = html(guest.get(f"/works/{work.pk}"))
    assert f'<a class="comments-show" href="/works/{work.pk}/comments"' in page
    assert "Comments (1)" in page
    assert "Nice" not in page  # the comments themselves load from their own address
    assert "/static/js/comments.js" in page


def test_the_hook_is_the_same_for_every_guest_and_has_no_csrf_token(work, reader):
    comment_post(work=work, user=reader, content="Nice")
    first, second = Client(), Client(REMOTE_ADDR="10.9.8.7")
    one, two = raw(first.get(f"/works/{work.pk}")), raw(second.get(f"/works/{work.pk}"))
    assert one == two
    hook = one.split('id="comments"')[1]
    assert "csrfmiddlewaretoken" not in hook


def test_a_chapter_page_links_to_the_chapters_comments(guest, chaptered, reader):
    second = chaptered.chapters.get(position=2)
    comment_post(work=chaptered, chapter=second, user=reader, content="Two")
    comment_post(work=chaptered, chapter=second, user=reader, content="Two again")
    comment_post(work=chaptered, user=reader, content="Whole")
    page = html(guest.get(f"/works/{chaptered.pk}/chapters/{second.pk}"))
    assert f'href="/works/{chaptered.pk}/chapters/{second.pk}/comments"' in page
    assert "Comments (2)" in page
    full = html(guest.get(f"/works/{chaptered.pk}?view_full_work=true"))
    assert f'href="/works/{chaptered.pk}/comments"' in full
    assert "Comments (3)" in full


def test_the_entire_work_view_lists_every_comment_with_its_chapter(guest, chaptered, reader):
    second = chaptered.chapters.get(position=2)
    comment_post(work=chaptered, chapter=second, user=reader, content="About two")
    comment_post(work=chaptered, user=reader, content="About it all")
    page = html(guest.get(f"/works/{chaptered.pk}/comments"))
    assert "About two" in page and "About it all" in page
    assert "on Chapter 2" in page


def test_the_fragment_is_the_comments_without_the_page_around_them(guest, work, reader):
    comment_post(work=work, user=reader, content="Fragmented")
    for response in (guest.get(f"/works/{work.pk}/comments?fragment=1"),
                     guest.get(f"/works/{work.pk}/comments", HTTP_X_FICHIVE_FRAGMENT="1")):
        assert response.status_code == 200
        body = html(response)
        assert "Fragmented" in body
        assert "<html" not in body and 'id="add_comment"' in body
    full = html(guest.get(f"/works/{work.pk}/comments"))
    assert "<html" in full and "Fragmented" in full


def test_comments_pages_are_never_stored_for_guests(guest, work):
    first = guest.get(f"/works/{work.pk}/comments")
    second = guest.get(f"/works/{work.pk}/comments")
    assert first.get(CACHE_HEADER) != "hit" and second.get(CACHE_HEADER) != "hit"
    assert "csrfmiddlewaretoken" in html(second)


def _threads(work, count: int, users) -> None:
    for number in range(count):
        root = comment_post(work=work, user=users[number % len(users)],
                            content=f"Thread number {number:02d}")
        comment_post(work=work, parent=root, guest_name="Echo", guest_email="e@example.org",
                     content=f"Reply to {number:02d}")


def test_twenty_threads_a_page_oldest_first(guest, work, reader):
    _threads(work, 25, [reader])
    first = html(guest.get(f"/works/{work.pk}/comments"))
    assert "Thread number 00" in first and "Thread number 19" in first
    assert "Thread number 20" not in first
    assert "Reply to 19" in first
    assert first.index("Thread number 00") < first.index("Thread number 19")
    assert f'href="/works/{work.pk}/comments?page=2"' in first
    second = html(guest.get(f"/works/{work.pk}/comments?page=2"))
    assert "Thread number 20" in second and "Thread number 24" in second
    assert "Thread number 19" not in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("page", ["abc", "0", "-3", "999", "1.5"])
def test_bad_page_numbers_show_a_page_not_an_error(guest, work, reader, page):
    _threads(work, 21, [reader])
    response = guest.get(f"/works/{work.pk}/comments?page={page}")
    assert response.status_code == 200
    assert "Thread number" in html(response)


def test_a_new_comment_on_a_later_page_redirects_there(reader_client, work, author):
    _threads(work, 20, [author])
    response = reader_client.post(f"/works/{work.pk}/comments", {"content": "Twenty-first"})
    assert response["Location"].startswith(f"/works/{work.pk}/comments?page=2#comment_")


@pytest.mark.parametrize("logged_in", [False, True], ids=["guest", "user"])
def test_a_comments_page_takes_the_same_queries_for_2_or_20_threads(
    work, author, reader, stranger, django_assert_num_queries, logged_in
):
    small = WorkFactory(author=author)
    _threads(small, 2, [reader])
    _threads(work, 20, [reader, stranger, author])
    for target in (small, work):
        comment = Comment.objects.filter(work=target, depth=0).first()
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.HIDDEN)
    visitor = Client()
    if logged_in:
        visitor.force_login(UserFactory(username="viewer"))
    with CaptureQueriesContext(connection) as captured:
        assert visitor.get(f"/works/{small.pk}/comments").status_code == 200
    with django_assert_num_queries(len(captured)):
        response = visitor.get(f"/works/{work.pk}/comments")
    assert html(response).count('class="comment"') >= 38
    assert len(captured) <= (10 if logged_in else 7)


def test_a_thread_page_takes_the_same_queries_for_short_and_long_threads(
    guest, work, reader, author, django_assert_num_queries
):
    short = comment_post(work=work, user=reader, content="Short")
    long = comment_post(work=work, user=reader, content="Long")
    parent = long
    for number in range(12):
        parent = comment_post(work=work, user=author if number % 2 else reader, parent=parent,
                              content=f"Deeper {number}")
    with CaptureQueriesContext(connection) as captured:
        guest.get(f"/comments/{short.pk}")
    with django_assert_num_queries(len(captured)):
        guest.get(f"/comments/{long.pk}")


@pytest.mark.usefixtures("cache_backend")
def test_a_guests_cached_chapter_page_shows_the_new_count_after_a_comment(
    guest, chaptered, reader_client, django_assert_num_queries
):
    second = chaptered.chapters.get(position=2)
    url = f"/works/{chaptered.pk}/chapters/{second.pk}"
    assert "Comments (0)" in html(guest.get(url))
    with django_assert_num_queries(0):
        assert "Comments (0)" in html(guest.get(url))  # stored and served from the cache
    reader_client.post(f"{url}/comments", {"content": "Fresh words"})
    assert "Comments (1)" in html(guest.get(url))
    with django_assert_num_queries(0):
        assert "Comments (1)" in html(guest.get(url))  # stored again


@pytest.mark.usefixtures("cache_backend")
def test_a_guests_comment_retires_the_cached_work_page(guest, work):
    assert "Comments (0)" in html(guest.get(f"/works/{work.pk}"))
    guest.post(f"/works/{work.pk}/comments",
               {"content": "Guest words", "name": "Wren", "email": "wren@example.org"})
    assert "Comments (1)" in html(Client().get(f"/works/{work.pk}"))


def test_the_work_meta_count_links_to_the_comments(guest, work, reader):
    comment_post(work=work, user=reader, content="Counted")
    page = html(guest.get(f"/works/{work.pk}"))
    assert '<dt class="comments">Comments:</dt>' in page


def test_the_restricted_and_draft_rules_hold_on_every_comment_page(guest, reader_client, author,
                                                                   login):
    locked = WorkFactory(author=author, restricted=True)
    comment = comment_post(work=locked, user=author, content="Members")
    for url in (f"/works/{locked.pk}/comments", f"/comments/{comment.pk}",
                f"/comments/{comment.pk}/edit", f"/comments/{comment.pk}/delete"):
        response = guest.get(url)
        assert response.status_code in (302, 404)
        assert "Members" not in html(response)
    assert "Members" in html(reader_client.get(f"/comments/{comment.pk}"))
    draft = WorkFactory(author=author, post=False)
    for url in (f"/works/{draft.pk}/comments",
                f"/works/{draft.pk}/chapters/{draft.chapters.get().pk}/comments"):
        assert reader_client.get(url).status_code == 404
    assert login(author).get(f"/works/{draft.pk}/comments").status_code == 200


@pytest.mark.parametrize("back", ["", "?view_full_work=true"])
def test_a_comment_posted_under_the_work_comes_back_to_the_work_at_it(
    reader_client, chaptered, back
):
    second = chaptered.chapters.get(position=2)
    page = f"/works/{chaptered.pk}/chapters/{second.pk}" if not back else (
        f"/works/{chaptered.pk}{back}")
    response = reader_client.post(
        f"/works/{chaptered.pk}/chapters/{second.pk}/comments",
        {"content": "Back where I was.",
         "return_to": page})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page}#comment_{comment.pk}"


@pytest.mark.parametrize("elsewhere", ["https://evil.example/works/1", "//evil.example/",
                                       "/works/999999", "/bookmarks", "/works/{pk}/edit"])
def test_return_to_only_leads_to_the_works_own_reading_pages(reader_client, work, elsewhere):
    response = reader_client.post(
        f"/works/{work.pk}/comments",
        {"content": "Stay here.",
         "return_to": elsewhere.format(pk=work.pk)})
    comment = Comment.objects.get()
    assert response["Location"] == f"/works/{work.pk}/comments#comment_{comment.pk}"
