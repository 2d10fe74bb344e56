"""The permission matrix: guest, reader, creator, co-creator, admin (and a stranger where it
matters) × the work's comment setting (everyone / logged-in users / nobody), moderation and
frozen threads, for posting, replying, editing, deleting, hiding, freezing and approving."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.comments.models import Comment
from fichive.comments.services import comment_freeze, comment_post
from fichive.works.models import Work
from tests.comments.helpers import counted, guest_form, html, stored_count
from tests.factories import WorkFactory

pytestmark = pytest.mark.usefixtures("no_rate_limit")

ACTORS = ["guest", "reader", "creator", "co_creator", "admin"]


@pytest.fixture
def people(author, co_author, reader, stranger, admin, login):
    """actor name → (client, user or None)."""
    return {
        "guest": (Client(), None),
        "reader": (login(reader), reader),
        "creator": (login(author), author),
        "co_creator": (login(co_author), co_author),
        "admin": (login(admin), admin),
        "stranger": (login(stranger), stranger),
    }


def _work(author, co_author, **settings) -> Work:
    return WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud],
                       **settings)


def _form(user) -> dict:
    return guest_form("Matrix says hi") if user is None else {"content": "Matrix says hi"}


# Who may post, and what becomes of it: "published", "pending" or a refusal message.
REFUSED_USERS = "only allows comments from logged-in users"
REFUSED_NONE = "this work doesn't allow comments"
POSTING = {
    ("everyone", False): dict.fromkeys(ACTORS, "published"),
    ("users", False): {**dict.fromkeys(ACTORS, "published"), "guest": REFUSED_USERS},
    ("none", False): dict.fromkeys(ACTORS, REFUSED_NONE),
    ("everyone", True): {"guest": "pending", "reader": "pending", "admin": "pending",
                         "creator": "published", "co_creator": "published"},
    ("users", True): {"guest": REFUSED_USERS, "reader": "pending", "admin": "pending",
                      "creator": "published", "co_creator": "published"},
    ("none", True): dict.fromkeys(ACTORS, REFUSED_NONE),
}


@pytest.mark.parametrize("reply", [False, True], ids=["comment", "reply"])
@pytest.mark.parametrize(("permission", "moderated"), list(POSTING))
@pytest.mark.parametrize("actor", ACTORS)
def test_posting_and_replying(people, author, co_author, actor, permission, moderated, reply):
    work = _work(author, co_author, comment_permission=permission, moderated_comments=moderated)
    parent = None
    if reply:  # a published comment to answer, made before the setting mattered
        parent = Comment.objects.create(work=work, content="<p>Root</p>", guest_name="R",
                                        guest_email="r@example.org")
        parent.thread = parent
        parent.save()
        Work.objects.filter(pk=work.pk).update(comments_count=1)
    visitor, user = people[actor]
    data = _form(user) | ({"parent_id": parent.pk} if parent else {})
    response = visitor.post("/comments" if reply else f"/works/{work.pk}/comments", data)
    expected = POSTING[(permission, moderated)][actor]
    made = Comment.objects.filter(content__contains="Matrix says hi").first()
    if expected in ("published", "pending"):
        assert response.status_code == 302
        assert made is not None and made.status == expected
        assert made.parent == parent
    else:
        assert response.status_code == 400
        assert expected in html(response)
        assert made is None
    assert stored_count(work) == counted(work)


@pytest.mark.parametrize("actor", ACTORS)
def test_nobody_replies_to_a_frozen_thread(people, author, co_author, actor):
    work = _work(author, co_author)
    root = comment_post(work=work, user=author, content="Frozen root")
    comment_freeze(user=author, comment=root)
    visitor, user = people[actor]
    response = visitor.post("/comments", _form(user) | {"parent_id": root.pk})
    assert response.status_code == 400
    assert "This thread has been frozen; no new replies can be added." in html(response)
    assert Comment.objects.count() == 1


def _readers_comment(work: Work, reader, *, moderated_status: str = "published") -> Comment:
    comment = comment_post(work=work, user=reader, content="Reader's words")
    if moderated_status != "published":
        Comment.objects.filter(pk=comment.pk).update(status=moderated_status)
        Work.objects.filter(pk=work.pk).update(comments_count=0)
        comment.refresh_from_db()
    return comment


def _outcome(response) -> str:
    if response.status_code == 302 and "/login" in response["Location"]:
        return "login"
    return {302: "done", 403: "forbidden", 404: "missing"}.get(response.status_code,
                                                              str(response.status_code))


EDITING = {"guest": "login", "reader": "done", "creator": "forbidden",
           "co_creator": "forbidden", "admin": "forbidden", "stranger": "forbidden"}


@pytest.mark.parametrize("actor", list(EDITING))
def test_editing_is_for_the_author_only(people, author, co_author, reader, actor):
    work = _work(author, co_author)
    comment = _readers_comment(work, reader)
    visitor, _ = people[actor]
    response = visitor.post(f"/comments/{comment.pk}/edit", {"content": "Changed words"})
    assert _outcome(response) == EDITING[actor]
    comment.refresh_from_db()
    assert ("Changed words" in comment.content) == (EDITING[actor] == "done")
    assert (comment.edited_at is not None) == (EDITING[actor] == "done")


DELETING = {"guest": "login", "reader": "done", "creator": "done", "co_creator": "done",
            "admin": "done", "stranger": "forbidden"}


@pytest.mark.parametrize("actor", list(DELETING))
def test_deleting_is_for_the_author_the_creators_and_admins(people, author, co_author,
                                                            reader, actor):
    work = _work(author, co_author)
    comment = _readers_comment(work, reader)
    visitor, _ = people[actor]
    confirm = visitor.get(f"/comments/{comment.pk}/delete")
    if DELETING[actor] == "done":
        assert confirm.status_code == 200
        assert "Are you sure you want to delete this comment" in html(confirm)
    response = visitor.post(f"/comments/{comment.pk}/delete")
    assert _outcome(response) == DELETING[actor]
    assert Comment.objects.filter(pk=comment.pk).exists() == (DELETING[actor] != "done")
    assert stored_count(work) == counted(work)


MODERATING = {"guest": "login", "reader": "forbidden", "creator": "done",
              "co_creator": "done", "admin": "forbidden", "stranger": "forbidden"}


@pytest.mark.parametrize("actor", list(MODERATING))
@pytest.mark.parametrize("action", ["freeze", "hide", "approve"])
def test_freezing_hiding_and_approving_are_for_the_works_creators(
    people, author, co_author, reader, actor, action
):
    work = _work(author, co_author, moderated_comments=action == "approve")
    comment = _readers_comment(work, reader, moderated_status="pending"
                               if action == "approve" else "published")
    visitor, _ = people[actor]
    response = visitor.post(f"/comments/{comment.pk}/{action}")
    outcome = _outcome(response)
    if actor == "stranger" and action == "approve":
        # A held comment is not shown to others at all.
        assert outcome == "missing"
    elif actor == "admin" and action == "approve":
        assert outcome in ("forbidden", "missing")
    else:
        assert outcome == MODERATING[actor]
    comment.refresh_from_db()
    done = outcome == "done"
    if action == "freeze":
        assert comment.frozen == done
    elif action == "hide":
        assert (comment.status == Comment.Status.HIDDEN) == done
    else:
        assert (comment.status == Comment.Status.PUBLISHED) == done
    assert stored_count(work) == counted(work)


VISIBLE_HELD = {"guest": False, "reader": True, "creator": True, "co_creator": True,
                "admin": False, "stranger": False}


@pytest.mark.parametrize("status", ["pending", "hidden"])
@pytest.mark.parametrize("actor", list(VISIBLE_HELD))
def test_held_and_hidden_comments_show_only_to_their_author_and_the_creators(
    people, author, co_author, reader, actor, status
):
    work = _work(author, co_author)
    _readers_comment(work, reader, moderated_status=status)
    visitor, _ = people[actor]
    page = html(visitor.get(f"/works/{work.pk}/comments"))
    assert ("Reader's words" in page) == VISIBLE_HELD[actor]
    if VISIBLE_HELD[actor]:
        note = "awaiting approval" if status == "pending" else "hidden by the work's creator"
        assert note in page
