"""Comments reach the inbox and the mail: comments on your works, replies to your comments,
comments awaiting your approval; hidden and deleted ones follow the comments app's rules;
replying from the inbox."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from fichive.accounts.services import preferences_update
from fichive.comments import ratelimit
from fichive.comments.models import Comment
from fichive.comments.services import (
    comment_approve,
    comment_delete,
    comment_hide,
    comment_post,
)
from fichive.inbox.models import InboxItem
from fichive.works.models import Work
from tests.factories import WorkFactory


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture(autouse=True)
def _no_rate_limit(monkeypatch):
    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)


@pytest.fixture
def shared(author, co_author) -> Work:
    return WorkFactory(author=author, title="Harbour Lights",
                       creators=[author.default_pseud, co_author.default_pseud])


def _login(user) -> Client:
    visitor = Client()
    visitor.force_login(user)
    return visitor


def _kinds(user) -> list[str]:
    return sorted(InboxItem.objects.filter(user=user).values_list("kind", flat=True))


def test_a_comment_reaches_every_creator_but_not_the_commenter(
        shared, author, co_author, reader, run_tasks, mailoutbox):
    run_tasks()
    comment_post(work=shared, user=reader, content="<p>I <em>loved</em> the lighthouse.</p>")
    run_tasks()

    assert _kinds(author) == ["comment"]
    assert _kinds(co_author) == ["comment"]
    assert _kinds(reader) == []
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "bob@example.org"]
    message = mailoutbox[0]
    assert message.subject == "[Fichive] Comment on “Harbour Lights”"
    assert "carol left a comment on “Harbour Lights”" in message.body
    assert "I loved the lighthouse." in message.body

    html = text(_login(author).get("/users/alice/inbox"))
    assert "Inbox (1)" in html
    assert "I loved the lighthouse." in html
    assert "carol on Harbour Lights" in html


def test_a_reply_reaches_the_parent_comments_author_as_a_reply(
        shared, author, co_author, reader, run_tasks, mailoutbox):
    first = comment_post(work=shared, user=reader, content="Lovely!")
    run_tasks()
    mailoutbox.clear()
    InboxItem.objects.all().delete()

    comment_post(work=shared, user=author, parent=first, content="Thank you, carol!")
    run_tasks()

    assert _kinds(reader) == ["reply"]
    assert _kinds(author) == []  # the replier themself
    assert _kinds(co_author) == ["comment"]
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects["carol@example.org"] == "[Fichive] Reply to your comment on “Harbour Lights”"
    assert "alice replied to your comment" in next(
        m.body for m in mailoutbox if m.to == ["carol@example.org"])


def test_a_creator_replied_to_on_their_own_work_gets_only_the_reply(
        work, author, reader, run_tasks):
    first = comment_post(work=work, user=author, content="Notes on this chapter.")
    run_tasks()
    comment_post(work=work, user=reader, parent=first, content="Great notes!")
    run_tasks()
    assert _kinds(author) == ["reply"]


def test_a_guests_comment_names_the_guest(work, author, run_tasks):
    comment_post(work=work, guest_name="Wanderer", guest_email="w@example.org",
                 content="Found this by chance.")
    run_tasks()
    item = InboxItem.objects.get(user=author)
    assert item.actor_name == "Wanderer"
    assert item.summary == "Found this by chance."


def test_a_held_comment_asks_the_creators_to_approve_then_counts_as_a_comment(
        author, reader, run_tasks, mailoutbox):
    work = WorkFactory(author=author, title="Quiet Pages")
    Work.objects.filter(pk=work.pk).update(moderated_comments=True)
    work.refresh_from_db()
    comment = comment_post(work=work, user=reader, content="Please let this through.")
    assert comment.status == Comment.Status.PENDING
    run_tasks()
    mailoutbox.clear()
    run_tasks()

    assert _kinds(author) == ["moderation"]
    html = text(_login(author).get("/users/alice/inbox"))
    assert "Comment awaiting your approval:" in html
    assert "Please let this through." in html

    comment_approve(user=author, comment=comment)
    run_tasks()
    assert _kinds(author) == ["comment", "moderation"]


def test_the_moderation_mail_follows_its_own_switch(author, reader, run_tasks, mailoutbox):
    work = WorkFactory(author=author)
    Work.objects.filter(pk=work.pk).update(moderated_comments=True)
    work.refresh_from_db()
    preferences_update(user=author, email_moderation=False)
    run_tasks()
    mailoutbox.clear()
    comment_post(work=work, user=reader, content="Held.")
    run_tasks()
    assert _kinds(author) == ["moderation"]
    assert mailoutbox == []


def test_comment_mail_can_be_switched_off(work, author, reader, run_tasks, mailoutbox):
    preferences_update(user=author, email_comments=False)
    run_tasks()
    mailoutbox.clear()
    comment_post(work=work, user=reader, content="Quietly.")
    run_tasks()
    assert _kinds(author) == ["comment"]
    assert mailoutbox == []


def test_a_hidden_reply_leaves_its_addressees_inbox_but_not_the_creators(
        shared, author, co_author, reader, stranger, run_tasks):
    first = comment_post(work=shared, user=reader, content="First!")
    reply = comment_post(work=shared, user=stranger, parent=first, content="Rude words.")
    run_tasks()
    assert _kinds(reader) == ["reply"]

    comment_hide(user=author, comment=reply)
    reader_page = text(_login(reader).get("/users/carol/inbox"))
    assert "Rude words." not in reader_page
    assert "Inbox (1)" not in reader_page
    assert "Rude words." in text(_login(co_author).get("/users/bob/inbox"))


def test_a_deleted_comment_leaves_every_inbox(work, author, reader, run_tasks):
    comment = comment_post(work=work, user=reader, content="Second thoughts.")
    run_tasks()
    assert "Second thoughts." in text(_login(author).get("/users/alice/inbox"))
    comment_delete(user=reader, comment=comment)
    html = text(_login(author).get("/users/alice/inbox"))
    assert "Second thoughts." not in html
    assert "Your inbox is empty." in html


def test_reply_from_the_inbox_posts_a_reply_and_tells_the_commenter(
        work, author, reader, run_tasks):
    comment = comment_post(work=work, user=reader, content="Will there be more?")
    run_tasks()
    item = InboxItem.objects.get(user=author)
    visitor = _login(author)
    assert "Reply to carol" in text(visitor.get("/users/alice/inbox"))

    response = visitor.post(f"/users/alice/inbox/{item.pk}/reply",
                            {"content": "Yes, next week!"}, follow=True)

    assert "Your reply was posted." in text(response)
    reply = Comment.objects.get(parent=comment)
    assert reply.user == author
    assert "Yes, next week!" in reply.content
    item.refresh_from_db()
    assert item.read
    run_tasks()
    assert _kinds(reader) == ["reply"]


def test_a_reply_the_comments_app_refuses_says_why(work, author, reader, run_tasks):
    comment = comment_post(work=work, user=reader, content="Hello")
    run_tasks()
    item = InboxItem.objects.get(user=author)
    Comment.objects.filter(pk=comment.pk).update(frozen=True)

    response = _login(author).post(f"/users/alice/inbox/{item.pk}/reply",
                                   {"content": "Hi!"}, follow=True)

    assert response.status_code == 200
    assert "Your reply was posted." not in text(response)
    assert 'class="error"' in response.content.decode()
    assert not Comment.objects.filter(parent=comment).exists()


def test_comments_on_a_draft_tell_nobody(author, reader, run_tasks):
    work = WorkFactory(author=author)
    comment = comment_post(work=work, user=reader, content="Early bird.")
    Work.objects.filter(pk=work.pk).update(state=Work.State.DRAFT)
    InboxItem.objects.all().delete()
    from fichive.inbox.tasks import deliver_comment

    deliver_comment.call(comment.pk)
    assert not InboxItem.objects.exists()
