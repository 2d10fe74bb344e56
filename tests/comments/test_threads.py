"""Threads: nesting and the thread page, freezing, deleting with and without replies,
editing, hiding and approving, and the work's counter through all of it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fichive.comments.models import MAX_DEPTH, Comment
from fichive.comments.services import (
    comment_approve,
    comment_delete,
    comment_edit,
    comment_freeze,
    comment_hide,
    comment_post,
    comment_unfreeze,
    comment_unhide,
)
from fichive.works.models import Work
from tests.comments.helpers import counted, html, stored_count
from tests.factories import WorkFactory

pytestmark = pytest.mark.usefixtures("no_rate_limit")


def _chain(work, users, length: int) -> list[Comment]:
    """A thread `length` comments deep, each replying to the one before."""
    chain: list[Comment] = []
    for level in range(length):
        chain.append(comment_post(work=work, user=users[level % len(users)],
                                  parent=chain[-1] if chain else None,
                                  content=f"Level {level} words"))
    return chain


def test_replies_nest_five_deep_and_deeper_ones_continue_on_the_thread_page(
    guest, work, author, reader
):
    chain = _chain(work, [reader, author], 8)
    assert [c.depth for c in chain] == list(range(8))
    assert {c.thread_id for c in chain} == {chain[0].pk}
    page = html(guest.get(f"/works/{work.pk}/comments"))
    for level in range(MAX_DEPTH):
        assert f"Level {level} words" in page
    assert f"Level {MAX_DEPTH} words" not in page
    deepest_shown = chain[MAX_DEPTH - 1]
    assert f'<a href="/comments/{deepest_shown.pk}">Continue this thread ›</a>' in page
    thread = html(guest.get(f"/comments/{deepest_shown.pk}"))
    for level in range(MAX_DEPTH - 1, 8):
        assert f"Level {level} words" in thread
    assert "Level 0 words" not in thread
    assert f'href="/comments/{chain[MAX_DEPTH - 2].pk}">Parent thread' in thread


def test_deeper_replies_are_allowed(work, reader):
    chain = _chain(work, [reader], 12)
    assert chain[-1].depth == 11
    assert stored_count(work) == counted(work) == 12


def test_a_reply_goes_to_its_parents_chapter(chaptered, reader, author):
    second = chaptered.chapters.get(position=2)
    root = comment_post(work=chaptered, chapter=second, user=reader, content="On two")
    reply = comment_post(work=chaptered, parent=root, user=author, content="Thanks")
    assert reply.chapter == second


def test_freezing_freezes_the_comment_and_everything_below_only(work, author, reader):
    chain = _chain(work, [reader, author], 4)
    other = comment_post(work=work, user=reader, content="Another thread")
    assert comment_freeze(user=author, comment=chain[1]) == 3
    frozen = dict(Comment.objects.values_list("pk", "frozen"))
    assert [frozen[c.pk] for c in chain] == [False, True, True, True]
    assert frozen[other.pk] is False
    with pytest.raises(ValidationError, match="frozen"):
        comment_post(work=work, user=reader, parent=chain[3], content="Late")
    comment_post(work=work, user=reader, parent=chain[0], content="Still open up here")
    comment_unfreeze(user=author, comment=chain[1])
    comment_post(work=work, user=reader, parent=chain[3], content="Thawed")


def test_a_frozen_thread_says_so_and_offers_no_reply(author_client, guest, work, author, reader):
    root = comment_post(work=work, user=reader, content="Cold words")
    response = author_client.post(f"/comments/{root.pk}/freeze")
    assert response.status_code == 302
    page = html(guest.get(f"/comments/{root.pk}"))
    assert "This thread is frozen: no new replies." in page
    assert 'id="add_comment"' not in page
    assert "Unfreeze Thread" in html(author_client.get(f"/comments/{root.pk}"))


def test_deleting_a_comment_with_replies_leaves_a_placeholder(guest, reader_client, work,
                                                              author, reader):
    root = comment_post(work=work, user=reader, content="Regrettable words")
    comment_post(work=work, user=author, parent=root, content="A kind answer")
    assert stored_count(work) == 2
    response = reader_client.post(f"/comments/{root.pk}/delete")
    assert response.status_code == 302
    page = html(guest.get(f"/works/{work.pk}/comments"))
    assert "(Previous comment deleted.)" in page
    assert "Regrettable words" not in page
    assert "A kind answer" in page
    assert stored_count(work) == counted(work) == 1
    root.refresh_from_db()
    assert root.deleted and root.content == ""


def test_deleting_a_comment_without_replies_removes_it(reader_client, work, reader):
    comment = comment_post(work=work, user=reader, content="Gone soon")
    reader_client.post(f"/comments/{comment.pk}/delete")
    assert not Comment.objects.exists()
    assert stored_count(work) == 0


def test_deleting_the_last_reply_of_a_deleted_comment_removes_both(work, reader, author):
    root = comment_post(work=work, user=reader, content="First")
    reply = comment_post(work=work, user=author, parent=root, content="Second")
    comment_delete(user=reader, comment=root)
    comment_delete(user=author, comment=Comment.objects.get(pk=reply.pk))
    assert not Comment.objects.exists()
    assert stored_count(work) == 0


def test_a_deleted_comment_cant_be_deleted_edited_or_replied_to(work, reader, author):
    root = comment_post(work=work, user=reader, content="First")
    comment_post(work=work, user=author, parent=root, content="Second")
    comment_delete(user=reader, comment=root)
    root.refresh_from_db()
    with pytest.raises(PermissionDenied):
        comment_delete(user=reader, comment=root)
    with pytest.raises(PermissionDenied):
        comment_edit(user=author, comment=root, content="x")
    with pytest.raises(ValidationError, match="deleted"):
        comment_edit(user=reader, comment=root, content="x")
    with pytest.raises(ValidationError, match="deleted"):
        comment_post(work=work, user=author, parent=root, content="x")
    assert stored_count(work) == counted(work) == 1


def test_editing_shows_last_edited_and_is_sanitized(reader_client, guest, work, reader):
    comment = comment_post(work=work, user=reader, content="Frist")
    form = reader_client.get(f"/comments/{comment.pk}/edit")
    assert form.status_code == 200 and "Frist" in html(form)
    response = reader_client.post(f"/comments/{comment.pk}/edit",
                                  {"content": "First! <script>x()</script><b class='c'>b</b>"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.content == "<p>First! <b>b</b></p>"
    page = html(guest.get(f"/works/{work.pk}/comments"))
    assert "Last edited" in page and "First!" in page


@pytest.mark.parametrize(("content", "message"), [
    ("", "Please write something before posting your comment."),
    ("q" * 10_001, "the most is 10,000"),
])
def test_a_bad_edit_is_refused_and_keeps_the_comment(reader_client, work, reader, content,
                                                     message):
    comment = comment_post(work=work, user=reader, content="Keep me")
    response = reader_client.post(f"/comments/{comment.pk}/edit", {"content": content})
    assert response.status_code == 400
    assert message in html(response)
    comment.refresh_from_db()
    assert comment.content == "<p>Keep me</p>" and comment.edited_at is None


def test_a_frozen_comment_cant_be_edited(reader_client, work, author, reader):
    comment = comment_post(work=work, user=reader, content="Ice")
    comment_freeze(user=author, comment=comment)
    assert reader_client.get(f"/comments/{comment.pk}/edit").status_code == 403
    comment.refresh_from_db()
    with pytest.raises(ValidationError, match="frozen"):
        comment_edit(user=reader, comment=comment, content="Water")


def test_hiding_and_unhiding_moves_the_count(work, author, reader, guest):
    comment = comment_post(work=work, user=reader, content="Spoilers!")
    comment_hide(user=author, comment=comment)
    assert stored_count(work) == counted(work) == 0
    assert "Spoilers!" not in html(guest.get(f"/works/{work.pk}/comments"))
    assert guest.get(f"/comments/{comment.pk}").status_code == 404
    with pytest.raises(ValidationError, match="Only published comments can be hidden."):
        comment_hide(user=author, comment=comment)
    comment_unhide(user=author, comment=comment)
    assert stored_count(work) == counted(work) == 1
    assert "Spoilers!" in html(guest.get(f"/works/{work.pk}/comments"))
    with pytest.raises(ValidationError, match="not hidden"):
        comment_unhide(user=author, comment=comment)


def test_a_hidden_comment_with_replies_shows_a_placeholder_to_others(guest, work, author,
                                                                     reader):
    root = comment_post(work=work, user=reader, content="Hidden words")
    comment_post(work=work, user=author, parent=root, content="Visible answer")
    comment_hide(user=author, comment=root)
    page = html(guest.get(f"/works/{work.pk}/comments"))
    assert "Hidden words" not in page
    assert "(This comment has been hidden by the work's creator.)" in page
    assert "Visible answer" in page


def test_moderated_comments_wait_for_approval(guest, reader_client, author, reader, login):
    moderated = WorkFactory(author=author, moderated_comments=True)
    response = reader_client.post(f"/works/{moderated.pk}/comments", {"content": "Please"})
    assert response.status_code == 302
    after = html(reader_client.get(response["Location"].split("#")[0]))
    assert "It will appear once the work's creator has approved it." in after
    assert "This comment is awaiting approval" in after
    assert "Please" not in html(guest.get(f"/works/{moderated.pk}/comments"))
    assert stored_count(moderated) == 0
    comment = Comment.objects.get()
    creator = login(author)
    assert "Approve" in html(creator.get(f"/works/{moderated.pk}/comments"))
    assert creator.post(f"/comments/{comment.pk}/approve").status_code == 302
    assert "Please" in html(guest.get(f"/works/{moderated.pk}/comments"))
    assert stored_count(moderated) == counted(moderated) == 1
    with pytest.raises(ValidationError, match="not awaiting approval"):
        comment_approve(user=author, comment=Comment.objects.get())


def test_approving_sends_comment_published(author, reader, django_capture_on_commit_callbacks):
    from fichive.comments import signals

    moderated = WorkFactory(author=author, moderated_comments=True)
    comment = comment_post(work=moderated, user=reader, content="Held")
    heard: list[int] = []

    def published(sender, comment, **kwargs):
        heard.append(comment.pk)

    signals.comment_published.connect(published)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            comment_approve(user=author, comment=comment)
    finally:
        signals.comment_published.disconnect(published)
    assert heard == [comment.pk]


def test_no_replies_to_held_or_hidden_comments(work, author, reader):
    moderated = WorkFactory(author=author, moderated_comments=True)
    held = comment_post(work=moderated, user=reader, content="Held")
    with pytest.raises(ValidationError, match="awaiting approval"):
        comment_post(work=moderated, user=author, parent=held, content="Reply")
    shown = comment_post(work=work, user=reader, content="Shown")
    comment_hide(user=author, comment=shown)
    with pytest.raises(ValidationError, match="hidden"):
        comment_post(work=work, user=reader, parent=shown, content="Reply")


def test_a_moderation_refusal_is_a_message_on_the_page(author_client, work, author, reader):
    comment = comment_post(work=work, user=reader, content="Words")
    response = author_client.post(f"/comments/{comment.pk}/approve", follow=True)
    assert "That comment is not awaiting approval." in html(response)


def test_get_on_moderation_addresses_is_refused(author_client, work, reader):
    comment = comment_post(work=work, user=reader, content="Words")
    for action in ("freeze", "unfreeze", "hide", "unhide", "approve"):
        assert author_client.get(f"/comments/{comment.pk}/{action}").status_code == 405


@pytest.mark.parametrize("action", ["", "/edit", "/delete", "/freeze", "/unfreeze", "/hide",
                                    "/unhide", "/approve"])
def test_missing_comments_are_404(author_client, action):
    if action in ("", "/edit", "/delete"):
        assert author_client.get(f"/comments/999999{action}").status_code == 404
    assert author_client.post(f"/comments/999999{action}").status_code in (404, 405)


def test_counters_equal_rows_after_a_mix_of_changes(work, author, reader, stranger):
    a = comment_post(work=work, user=reader, content="a")
    b = comment_post(work=work, user=stranger, parent=a, content="b")
    c = comment_post(work=work, user=author, parent=b, content="c")
    comment_post(work=work, guest_name="G", guest_email="g@example.org", content="d")
    comment_hide(user=author, comment=b)
    comment_delete(user=reader, comment=a)
    comment_delete(user=author, comment=c)
    comment_unhide(user=author, comment=Comment.objects.get(pk=b.pk))
    assert stored_count(work) == counted(work) == 2


def test_deleting_a_chapter_recounts_its_works_comments(chaptered, author, reader):
    from fichive.works.services import chapter_delete

    second = chaptered.chapters.get(position=2)
    comment_post(work=chaptered, chapter=second, user=reader, content="On two")
    comment_post(work=chaptered, user=reader, content="On the whole")
    chapter_delete(user=author, chapter=second)
    assert stored_count(chaptered) == counted(chaptered) == 1


def test_a_deleted_work_takes_its_comments(work, author, reader):
    from fichive.works.services import work_delete

    comment_post(work=work, user=reader, content="Bye")
    work_delete(user=author, work=Work.objects.get(pk=work.pk))
    assert not Comment.objects.exists()


def test_editing_the_work_from_an_older_copy_keeps_the_comment_count(author, author_client,
                                                                     reader):
    from tests.works.helpers import edit_form

    work = WorkFactory(author=author)
    stale = Work.objects.get(pk=work.pk)  # read before the comment, as a slow edit would be
    comment_post(work=work, user=reader, content="Counted while editing")
    from fichive.works.forms import WorkForm
    from fichive.works.services import work_update

    form = WorkForm(edit_form(stale, author, title="Renamed"), user=author)
    assert form.is_valid(), form.errors
    work_update(user=author, work=stale, meta=form.to_meta())
    assert stored_count(work) == counted(work) == 1
    assert Work.objects.get(pk=work.pk).title == "Renamed"


def test_acting_on_an_outdated_copy_reads_the_comment_again(work, author, reader):
    comment = comment_post(work=work, user=reader, content="Twice")
    first, second = Comment.objects.get(pk=comment.pk), Comment.objects.get(pk=comment.pk)
    comment_hide(user=author, comment=first)
    with pytest.raises(ValidationError, match="Only published comments can be hidden."):
        comment_hide(user=author, comment=second)  # still says "published" in memory
    assert stored_count(work) == counted(work) == 0
    comment_delete(user=reader, comment=first)
    comment_delete(user=reader, comment=second)  # already gone: nothing more to take off
    assert stored_count(work) == counted(work) == 0
