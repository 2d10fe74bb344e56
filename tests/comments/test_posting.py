"""Posting comments and replies: who may, what is refused with which message, what changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fichive.accounts.services import pseud_create
from fichive.comments import signals
from fichive.comments.models import Comment
from fichive.comments.services import comment_post
from fichive.works.models import Work
from tests.comments.helpers import counted, guest_form, html, stored_count
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import sent_to_log_in

pytestmark = pytest.mark.usefixtures("no_rate_limit")


def test_a_guest_comments_with_a_name_and_email_and_sees_it(guest, work):
    response = guest.post(f"/works/{work.pk}/comments", guest_form("Such a <b>gentle</b> tale"))
    assert response.status_code == 302
    page = html(guest.get(response["Location"].split("#")[0]))
    assert "Such a <b>gentle</b> tale" in page
    assert "Wren" in page and "(Guest)" in page
    assert "wren@example.org" not in page
    assert stored_count(work) == counted(work) == 1


def test_a_user_comments_under_a_chosen_pseud(reader, reader_client, work):
    pen = pseud_create(user=reader, name="Inkwell")
    response = reader_client.post(f"/works/{work.pk}/comments",
                                  {"content": "Wonderful.", "pseud": pen.pk})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.pseud == pen and comment.user == reader
    assert "Inkwell (carol)" in html(reader_client.get(f"/works/{work.pk}/comments"))


def test_a_user_without_a_pseud_choice_comments_under_the_default(reader, reader_client, work):
    reader_client.post(f"/works/{work.pk}/comments", {"content": "Wonderful."})
    assert Comment.objects.get().pseud == reader.default_pseud


def test_someone_elses_pseud_is_refused(reader_client, work, stranger):
    response = reader_client.post(f"/works/{work.pk}/comments",
                                  {"content": "Hi", "pseud": stranger.default_pseud.pk})
    assert response.status_code == 400
    assert "Choose one of your own pseuds." in html(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("pseud", ["abc", "999999", "-1"])
def test_a_bad_pseud_id_is_a_message_not_an_error_page(reader_client, work, pseud):
    response = reader_client.post(f"/works/{work.pk}/comments",
                                  {"content": "Hi", "pseud": pseud})
    assert response.status_code == 400
    assert "Choose one of your own pseuds." in html(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("content", ["", "   \n\n  ", "<p></p>", "<script>alert(1)</script>",
                                     "<img src='https://example.org/a.png'>"])
def test_an_empty_comment_is_refused(guest, reader_client, work, content):
    for visitor, data in ((guest, guest_form(content)), (reader_client, {"content": content})):
        response = visitor.post(f"/works/{work.pk}/comments", data)
        assert response.status_code == 400
        assert "Please write something before posting your comment." in html(response)
    assert not Comment.objects.exists()
    assert stored_count(work) == 0


def test_a_comment_over_10000_characters_is_refused_and_says_the_limit(reader_client, work):
    response = reader_client.post(f"/works/{work.pk}/comments", {"content": "x" * 10_001})
    assert response.status_code == 400
    assert "10,001 characters long; the most is 10,000" in html(response)
    assert not Comment.objects.exists()


def test_a_comment_of_exactly_10000_characters_is_accepted(reader_client, work):
    assert reader_client.post(f"/works/{work.pk}/comments",
                              {"content": "x" * 10_000}).status_code == 302
    assert Comment.objects.count() == 1


def test_the_limit_counts_the_text_not_the_markup(reader_client, work):
    text = "<b>" + "y" * 9_990 + "</b>"
    assert reader_client.post(f"/works/{work.pk}/comments", {"content": text}).status_code == 302


def test_huge_input_is_refused_without_an_error_page(reader_client, work):
    response = reader_client.post(f"/works/{work.pk}/comments", {"content": "<i>z</i>" * 20_000})
    assert response.status_code == 400
    assert "the most is 10,000" in html(response)


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": ""}, "Please enter your name."),
    ({"name": "   "}, "Please enter your name."),
    ({"name": "n" * 101}, "Names are at most 100 characters."),
    ({"email": ""}, "Please enter your email address."),
    ({"email": "not-an-address"}, "Please enter a valid email address"),
    ({"email": "a@b"}, "Please enter a valid email address"),
    ({"email": "a" * 250 + "@example.org"}, "Email addresses are at most 254 characters."),
])
def test_guests_must_give_a_name_and_a_valid_email(guest, work, fields, message):
    response = guest.post(f"/works/{work.pk}/comments", guest_form(**fields))
    assert response.status_code == 400
    assert message in html(response)
    assert not Comment.objects.exists()


def test_what_was_typed_stays_in_the_form_after_a_refusal(guest, work):
    response = guest.post(f"/works/{work.pk}/comments",
                           guest_form("Keep these words", email="nope"))
    assert "Keep these words" in html(response)


def test_a_reply_nests_under_its_parent_and_shares_its_thread(guest, reader_client, work, say,
                                                              author):
    root = say(work, author, "First!")
    response = reader_client.post("/comments", {"content": "Second", "parent_id": root.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/comments/{root.pk}#comment_")
    reply = Comment.objects.get(parent=root)
    assert (reply.thread_id, reply.depth, reply.chapter_id) == (root.pk, 1, None)
    assert root.thread_id == root.pk
    assert reply.replied_to_user == author
    page = html(guest.get(f"/comments/{root.pk}"))
    assert "First!" in page and "Second" in page


def test_a_reply_to_a_comment_on_another_work_is_refused(reader_client, work, author, say):
    other = WorkFactory(author=author)
    foreign = say(other, author, "Elsewhere")
    response = reader_client.post(f"/works/{work.pk}/comments",
                                  {"content": "Hi", "parent_id": foreign.pk})
    assert response.status_code == 400
    assert "That comment is not on this work." in html(response)
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("url", ["/works/{work}/comments", "/comments"])
def test_a_reply_to_a_missing_comment_is_404(reader_client, work, url):
    response = reader_client.post(url.format(work=work.pk),
                                  {"content": "Hi", "parent_id": 999_999})
    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("parent_id", ["", "abc"])
def test_a_reply_without_a_usable_parent_id_is_404(reader_client, parent_id):
    assert reader_client.post("/comments", {"content": "Hi", "parent_id": parent_id}) \
        .status_code == 404


def test_a_bad_parent_id_on_the_work_form_is_a_message(reader_client, work):
    response = reader_client.post(f"/works/{work.pk}/comments",
                                  {"content": "Hi", "parent_id": "abc"})
    assert response.status_code == 400
    assert "That comment does not exist." in html(response)


def test_missing_works_and_chapters_are_404(reader_client, guest, work, chaptered):
    assert guest.get("/works/999999/comments").status_code == 404
    assert guest.post("/works/999999/comments", guest_form()).status_code == 404
    assert guest.get(f"/works/{work.pk}/chapters/999999/comments").status_code == 404
    stray = chaptered.chapters.first()
    assert guest.get(f"/works/{work.pk}/chapters/{stray.pk}/comments").status_code == 404
    assert reader_client.post(f"/works/{work.pk}/comments",
                              {"content": "Hi", "chapter_id": stray.pk}).status_code == 404
    assert not Comment.objects.exists()


def test_comments_on_a_chapter_belong_to_the_chapter(reader_client, chaptered):
    second = chaptered.chapters.get(position=2)
    response = reader_client.post(f"/works/{chaptered.pk}/chapters/{second.pk}/comments",
                                  {"content": "Chapter two rocks"})
    assert response.status_code == 302
    assert Comment.objects.get().chapter == second
    assert "Chapter two rocks" in html(
        reader_client.get(f"/works/{chaptered.pk}/chapters/{second.pk}/comments"))
    first = chaptered.chapters.get(position=1)
    assert "Chapter two rocks" not in html(
        reader_client.get(f"/works/{chaptered.pk}/chapters/{first.pk}/comments"))


def test_a_one_shots_comments_are_the_works(reader_client, work):
    chapter = work.chapters.get()
    reader_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/comments", {"content": "Hey"})
    assert Comment.objects.get().chapter is None
    response = reader_client.get(f"/works/{work.pk}/chapters/{chapter.pk}/comments?page=1")
    assert response.status_code == 302
    assert response["Location"] == f"/works/{work.pk}/comments?page=1"


def test_a_restricted_works_comments_are_404_for_guests(guest, reader_client, author):
    locked = WorkFactory(author=author, restricted=True)
    assert sent_to_log_in(guest.get(f"/works/{locked.pk}/comments"))
    assert sent_to_log_in(guest.post(f"/works/{locked.pk}/comments", guest_form()))
    assert reader_client.post(f"/works/{locked.pk}/comments",
                              {"content": "Members only"}).status_code == 302
    assert Comment.objects.count() == 1


def test_a_restricted_work_refuses_guests_in_the_service_too(author):
    locked = WorkFactory(author=author, restricted=True)
    with pytest.raises(ValidationError, match="only allows comments from logged-in users"):
        comment_post(work=locked, guest_name="G", guest_email="g@example.org", content="x")


def test_drafts_take_no_comments(author, reader_client, login):
    draft = WorkFactory(author=author, post=False)
    assert reader_client.get(f"/works/{draft.pk}/comments").status_code == 404
    response = login(author).post(f"/works/{draft.pk}/comments", {"content": "Note to self"})
    assert response.status_code == 400
    assert "Comments can't be left on a draft." in html(response)
    assert not Comment.objects.exists()


def test_only_logged_in_users_may_comment_when_the_work_says_so(guest, reader_client, author):
    members = WorkFactory(author=author, comment_permission=Work.CommentPermission.USERS)
    page = html(guest.get(f"/works/{members.pk}/comments"))
    assert "only allows comments from logged-in users" in page
    assert 'name="content"' not in page
    response = guest.post(f"/works/{members.pk}/comments", guest_form())
    assert response.status_code == 400
    assert "only allows comments from logged-in users" in html(response)
    assert reader_client.post(f"/works/{members.pk}/comments",
                              {"content": "Hello"}).status_code == 302
    assert Comment.objects.count() == 1


def test_nobody_may_comment_when_comments_are_off(guest, reader_client, author, login):
    closed = WorkFactory(author=author, comment_permission=Work.CommentPermission.NONE)
    for visitor, data in ((guest, guest_form()), (reader_client, {"content": "Hi"}),
                          (login(author), {"content": "Hi"})):
        response = visitor.post(f"/works/{closed.pk}/comments", data)
        assert response.status_code == 400
        assert "this work doesn't allow comments" in html(response)
    assert not Comment.objects.exists()
    assert "this work doesn't allow comments" in html(guest.get(f"/works/{closed.pk}"))


def test_signals_tell_of_published_and_held_comments_after_commit(
    author, reader, work, django_capture_on_commit_callbacks
):
    heard: list[tuple[str, int]] = []

    def published(sender, comment, **kwargs):
        heard.append(("published", comment.pk))

    def held(sender, comment, **kwargs):
        heard.append(("held", comment.pk))

    signals.comment_published.connect(published)
    signals.comment_awaiting_approval.connect(held)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            first = comment_post(work=work, user=reader, content="Open")
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert heard == [("published", first.pk)]
        moderated = WorkFactory(author=author, moderated_comments=True)
        with django_capture_on_commit_callbacks(execute=True):
            second = comment_post(work=moderated, user=reader, content="Held")
        assert heard[-1] == ("held", second.pk)
    finally:
        signals.comment_published.disconnect(published)
        signals.comment_awaiting_approval.disconnect(held)


def test_a_failed_post_sends_nothing_and_counts_nothing(reader, work,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        comment_post(work=work, user=reader, content="")
    assert callbacks == []
    assert stored_count(work) == 0


def test_a_comment_by_a_deleted_account_stays_without_a_name(guest, work, reader):
    comment_post(work=work, user=reader, content="Still here")
    reader.delete()
    page = html(guest.get(f"/works/{work.pk}/comments"))
    assert "Still here" in page and "(Deleted account)" in page and "(Guest)" not in page
    assert stored_count(work) == counted(work) == 1


def test_another_account_posting_does_not_see_the_guest_form(guest, work):
    fresh = Client()
    fresh.force_login(UserFactory(username="erin"))
    page = html(fresh.get(f"/works/{work.pk}/comments"))
    assert 'name="pseud"' in page and 'name="email"' not in page
    guest_page = html(guest.get(f"/works/{work.pk}/comments"))
    assert 'name="email"' in guest_page and 'name="pseud"' not in guest_page
