"""Blocking: a blocked user can't comment on the blocker's works, reply to the blocker's
comments, give the blocker gifts or invite the blocker to be a co-creator; each refusal is a
plain message. Official accounts (moderators, admins) can't be blocked. The owner alone sees
their list."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError

from fichive.blocking import models as blocking_models
from fichive.blocking.models import Block
from fichive.blocking.selectors import is_blocked
from fichive.blocking.services import user_block, user_unblock
from fichive.comments.models import Comment
from fichive.comments.services import comment_post
from fichive.gifts.models import Gift
from fichive.gifts.services import gifts_set
from fichive.works.models import CreatorInvitation
from fichive.works.services import WorkMeta, work_update
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import edit_form, work_form

COMMENT_REFUSED = "one of its creators has blocked you"


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def blocked(author, db):
    """erin, whom alice (the author) blocks."""
    user = UserFactory(username="erin")
    user_block(user=author, blocked=user)
    return user


@pytest.fixture
def muted(author, db):
    """mallory, whom alice mutes (but doesn't block)."""
    from fichive.blocking.services import user_mute

    user = UserFactory(username="mallory")
    user_mute(user=author, muted=user)
    return user


# Services --------------------------------------------------------------------------------


def test_blocking_and_unblocking(author, reader):
    user_block(user=author, blocked=reader)
    assert is_blocked(blocker=author, user=reader)
    assert not is_blocked(blocker=reader, user=author)

    user_block(user=author, blocked=reader)  # again: nothing changes
    assert Block.objects.filter(blocker=author).count() == 1

    user_unblock(user=author, blocked=reader)
    assert not is_blocked(blocker=author, user=reader)


def test_nobody_can_block_themselves(author):
    with pytest.raises(ValidationError, match="can't block yourself"):
        user_block(user=author, blocked=author)
    assert not Block.objects.exists()


@pytest.mark.parametrize("official", ["moderator", "admin"])
def test_official_accounts_cant_be_blocked(author, official, request):
    with pytest.raises(ValidationError, match="official accounts"):
        user_block(user=author, blocked=request.getfixturevalue(official))
    assert not Block.objects.exists()


def test_blocks_are_capped_with_a_clear_message(author, monkeypatch):
    monkeypatch.setattr("fichive.blocking.services.MAX_PER_USER", 2)
    first, second, third = (UserFactory() for _ in range(3))
    user_block(user=author, blocked=first)
    user_block(user=author, blocked=second)
    with pytest.raises(ValidationError, match="You have blocked 2 users, the most"):
        user_block(user=author, blocked=third)
    assert Block.objects.filter(blocker=author).count() == 2
    user_block(user=author, blocked=first)  # one already blocked is no new block
    assert blocking_models.MAX_PER_USER == 2000  # the real cap is AO3's


# Comments --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "allowed"), [
    ("guest", True), ("reader", True), ("author", True), ("blocked", False), ("muted", True),
    ("moderator", True), ("admin", True),
])
def test_who_may_comment_on_the_blockers_work(work, who, allowed, request, login):
    user = None if who == "guest" else request.getfixturevalue(who)
    data = {"content": "I have thoughts."}
    if user is None:
        data |= {"name": "Guesty", "email": "guest@example.org"}
    response = login(user).post(f"/works/{work.pk}/comments", data)

    if allowed:
        assert response.status_code == 302
        assert Comment.objects.filter(work=work).count() == 1
    else:
        assert response.status_code == 400
        assert COMMENT_REFUSED in _text(response)
        assert not Comment.objects.exists()


def test_a_blocked_user_still_comments_on_other_peoples_works(blocked, reader):
    other = WorkFactory(author=reader)
    comment_post(work=other, user=blocked, content="Fine here.")
    assert Comment.objects.filter(work=other).count() == 1


def test_a_block_by_any_co_creator_keeps_the_blocked_user_off_the_work(author, co_author,
                                                                        reader):
    shared = WorkFactory(author=author, creators=[author.default_pseud,
                                                  co_author.default_pseud])
    user_block(user=co_author, blocked=reader)
    with pytest.raises(ValidationError, match=COMMENT_REFUSED):
        comment_post(work=shared, user=reader, content="Hello")


def test_a_blocked_user_cant_reply_to_the_blockers_comments_elsewhere(author, blocked,
                                                                      reader, login):
    elsewhere = WorkFactory(author=reader)
    said = comment_post(work=elsewhere, user=author, content="My view.")

    response = login(blocked).post(f"/works/{elsewhere.pk}/comments",
                                   {"content": "Disagree.", "parent_id": said.pk})

    assert "can't reply to this comment: its author has blocked you" in _text(response)
    assert Comment.objects.count() == 1
    # Replies to others' comments in the same place are fine.
    other = comment_post(work=elsewhere, user=reader, content="Mine.")
    comment_post(work=elsewhere, user=blocked, parent=other, content="Agree.")


def test_the_blocker_still_deletes_the_blocked_users_old_comments(author, reader, work,
                                                                  login):
    old = comment_post(work=work, user=reader, content="Before the block.")
    user_block(user=author, blocked=reader)

    response = login(author).post(f"/comments/{old.pk}/delete")

    assert response.status_code == 302
    assert not Comment.objects.filter(pk=old.pk, deleted=False).exists()


def test_unblocking_lets_them_comment_again(author, blocked, work):
    user_unblock(user=author, blocked=blocked)
    comment_post(work=work, user=blocked, content="Back again.")
    assert Comment.objects.count() == 1


# Gifts -----------------------------------------------------------------------------------


def test_a_blocked_user_cant_give_the_blocker_a_gift(author, blocked):
    theirs = WorkFactory(author=blocked)
    with pytest.raises(ValidationError, match="You can't give this work to alice: they have "
                                              "blocked you"):
        gifts_set(work=theirs, names="alice, A Friend")
    assert not Gift.objects.exists()


def test_the_gift_refusal_shows_on_the_work_form(author, blocked, login):
    theirs = WorkFactory(author=blocked)
    response = login(blocked).post(f"/works/{theirs.pk}/edit",
                                   edit_form(theirs, blocked, gifts="alice"))
    assert response.status_code == 200
    assert "they have blocked you" in _text(response)
    assert not Gift.objects.exists()


def test_gifts_to_others_and_from_others_are_unaffected(author, blocked, reader, work):
    theirs = WorkFactory(author=blocked)
    gifts_set(work=theirs, names="carol")
    gifts_set(work=work, names="erin")  # the blocker may still give the blocked user gifts
    assert Gift.objects.count() == 2


# Co-creator invitations ------------------------------------------------------------------


def test_a_blocked_user_cant_invite_the_blocker_to_be_a_co_creator(author, blocked):
    theirs = WorkFactory(author=blocked)
    meta = WorkMeta(title=theirs.title, fandoms=["Original Work"],
                    creators=[blocked.default_pseud, author.default_pseud])
    with pytest.raises(ValidationError, match="can't invite alice to be a co-creator"):
        work_update(user=blocked, work=theirs, meta=meta)
    assert not CreatorInvitation.objects.exists()


def test_the_invitation_refusal_shows_on_the_new_work_form(author, blocked, login):
    response = login(blocked).post("/works/new", work_form(blocked, co_creators="alice"))
    assert response.status_code == 200
    assert "can't invite alice to be a co-creator: they have blocked you" in _text(response)
    assert not CreatorInvitation.objects.exists()


# Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "shows"), [
    ("guest", ""), ("author", ""), ("reader", "Block · Mute"), ("blocked", "Block · Mute"),
])
def test_profile_buttons(author, who, shows, request, login):
    user = None if who == "guest" else request.getfixturevalue(who)
    page = _text(login(user).get("/users/alice/profile"))
    if shows:
        assert '/users/alice/block"' in page and '/users/alice/mute"' in page
    else:
        assert "/users/alice/block" not in page and "/users/alice/mute" not in page


def test_the_blocker_sees_unblock_and_a_moderator_shows_no_block_button(author, blocked,
                                                                        moderator, login):
    assert '/users/erin/unblock"' in _text(login(author).get("/users/erin/profile"))
    page = _text(login(author).get("/users/mona/profile"))
    assert "/users/mona/block" not in page
    assert '/users/mona/mute"' in page


def test_blocking_through_the_confirmation_page(author, reader, login):
    client = login(reader)
    page = _text(client.get("/users/alice/block"))
    assert "Block alice?" in page
    assert "alice will not be able to comment on your works" in page
    assert not Block.objects.exists()  # a GET changes nothing

    response = client.post("/users/alice/block")

    assert response.status_code == 302 and response["Location"] == "/users/alice/profile"
    assert is_blocked(blocker=reader, user=author)
    assert "You have blocked alice." in _text(client.get(response["Location"]))

    client.post("/users/alice/unblock")
    assert not is_blocked(blocker=reader, user=author)


def test_refusals_on_the_confirmation_page_are_messages(author, moderator, login):
    response = login(author).post("/users/mona/block")
    assert response.status_code == 400
    assert "official accounts" in _text(response)
    response = login(author).post("/users/alice/block")
    assert "You can't block yourself." in _text(response)


def test_the_confirmation_page_never_redirects_off_site(author, reader, login):
    response = login(reader).post("/users/alice/block", {"next": "https://evil.example/"})
    assert response["Location"] == "/users/alice/profile"


def test_guests_are_sent_to_log_in(guest, author):
    for url in ("/users/alice/block", "/users/alice/blocked", "/users/alice/muted"):
        response = guest.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    assert guest.post("/users/alice/block").status_code == 302
    assert not Block.objects.exists()


def test_only_the_owner_sees_their_blocked_list(author, blocked, reader, admin, login):
    page = _text(login(author).get("/users/alice/blocked"))
    assert "erin" in page and '/users/erin/unblock?next=' in page
    assert login(reader).get("/users/alice/blocked").status_code == 403
    assert login(admin).get("/users/alice/blocked").status_code == 403
    assert "You haven't blocked anyone." in _text(login(reader).get("/users/carol/blocked"))


def test_preferences_link_to_the_lists(author, login):
    page = _text(login(author).get("/users/alice/preferences"))
    for link in ("/users/alice/blocked", "/users/alice/muted", "/preferences/excluded-tags"):
        assert f'href="{link}"' in page


def test_unknown_users_are_404(author, login):
    assert login(author).get("/users/nobody/block").status_code == 404
