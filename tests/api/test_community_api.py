"""The API's community nouns: kudos, comments (threaded), bookmarks, subscriptions, Marked for
Later and the inbox. Reads see what the pages show the same visitor (restricted, drafts,
hidden works, muted users, anonymous works); writes go through the forms' services, with
their messages, limits and rate limit; scopes and other users' things are refused."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fichive.api.pagination import encode_cursor
from fichive.api.v1 import api
from fichive.blocking.services import user_mute
from fichive.bookmarks.models import Bookmark
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments import ratelimit
from fichive.comments.models import Comment
from fichive.comments.services import comment_freeze, comment_post
from fichive.inbox.models import InboxItem
from fichive.kudos.models import Kudos
from fichive.kudos.services import kudos_leave
from fichive.moderation.services import work_hide
from fichive.readings.models import Reading
from fichive.readings.services import reading_mark_for_later
from fichive.series.services import series_add_work, series_create
from fichive.subscriptions.models import Subscription
from fichive.subscriptions.services import subscription_create
from fichive.tags.services import tag_validate_name
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory

API = "/api/v1"


def post(client: Client, url: str, data: object = None, **headers: str):
    return client.post(API + url, json.dumps(data if data is not None else {}),
                       content_type="application/json", **headers)


def patch(client: Client, url: str, data: object, **headers: str):
    return client.patch(API + url, json.dumps(data), content_type="application/json",
                        **headers)


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


@pytest.fixture
def no_rate_limit(monkeypatch) -> None:
    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)


@pytest.fixture
def say(no_rate_limit):
    """say(work, user, text, parent=None) → a comment posted through the service."""

    def make(work: Work, user, text: str = "Lovely!", *, parent: Comment | None = None,
             chapter=None) -> Comment:
        return comment_post(work=work, chapter=chapter, parent=parent, user=user,
                            content=text)

    return make


# ---------------------------------------------------------------------------------- kudos


def test_kudos_list_names_users_newest_first_and_counts_guests(client, author, reader,
                                                              stranger, work):
    kudos_leave(work=work, user=reader)
    kudos_leave(work=work, user=stranger)
    kudos_leave(work=work, guest_hash="a" * 64)

    body = client.get(f"{API}/works/{work.pk}/kudos").json()

    assert [g["user"] for g in body["givers"]] == ["dave", "carol"]
    assert body["total"] == 2 and body["guests"] == 1
    assert body["work_id"] == work.pk and body["per_page"] == 50 and body["next"] is None


def test_leaving_kudos_needs_a_write_token_and_counts_once(client, author, reader, work,
                                                         bearer_for):
    url = f"/works/{work.pk}/kudos"
    assert problem(post(client, url), 401)["status"] == 401
    read_only = problem(post(client, url, **bearer_for(reader, "read")), 403)
    assert "“write” scope" in read_only["detail"]

    headers = bearer_for(reader, "write")
    left = post(client, url, **headers)
    assert left.status_code == 201
    assert left.json() == {"message": "Thank you for the kudos! ♥", "kudos_count": 1}
    again = problem(post(client, url, **headers), 409)
    assert again["detail"] == "You have already left kudos here. :)"
    assert Kudos.objects.filter(work=work).count() == 1


def test_no_kudos_on_your_own_work(client, author, work, bearer_for):
    refused = problem(post(client, f"/works/{work.pk}/kudos", **bearer_for(author)), 403)

    assert refused["detail"] == "You can't leave kudos on your own work."
    assert not Kudos.objects.exists()


def test_a_suspended_user_cant_leave_kudos(client, author, suspended, work, bearer_for):
    refused = problem(post(client, f"/works/{work.pk}/kudos", **bearer_for(suspended)), 403)

    assert "suspended" in refused["detail"].lower()
    assert not Kudos.objects.exists()


def test_restricted_works_kudos_are_404_for_guests(client, author, reader, bearer_for):
    work = WorkFactory(author=author, restricted=True)
    kudos_leave(work=work, user=reader)

    assert problem(client.get(f"{API}/works/{work.pk}/kudos"), 404)["detail"] == "No such work."
    shown = client.get(f"{API}/works/{work.pk}/kudos", **bearer_for(reader, "read"))
    assert [g["user"] for g in shown.json()["givers"]] == ["carol"]


def test_drafts_and_hidden_works_have_no_kudos_to_show(client, author, reader, moderator,
                                                       bearer_for):
    draft = WorkFactory(author=author, post=False)
    hidden = WorkFactory(author=author)
    work_hide(actor=moderator, work=hidden, reason="Spam")

    for work in (draft, hidden):
        problem(client.get(f"{API}/works/{work.pk}/kudos", **bearer_for(reader)), 404)
        problem(post(client, f"/works/{work.pk}/kudos", **bearer_for(reader)), 404)
    assert client.get(f"{API}/works/{draft.pk}/kudos", **bearer_for(author)).status_code == 200


# ---------------------------------------------------------------------------------- comments


def test_comments_come_threaded_with_replies_nested(client, author, reader, stranger, work,
                                                    say):
    root = say(work, reader, "First!")
    reply = say(work, author, "Thank you.", parent=root)
    say(work, stranger, "Me too.", parent=reply)
    second = say(work, stranger, "Second thread.")

    body = client.get(f"{API}/works/{work.pk}/comments").json()

    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert [t["id"] for t in body["threads"]] == [root.pk, second.pk]
    first = body["threads"][0]
    assert first["author"] == {"name": "carol", "pseud": "carol", "user": "carol",
                               "guest": False, "anonymous_creator": False}
    assert first["html"] == root.content and first["visible"] is True
    assert first["url"].endswith(f"/comments/{root.pk}#comment_{root.pk}")
    assert [r["id"] for r in first["replies"]] == [reply.pk]
    deeper = first["replies"][0]["replies"][0]
    assert deeper["author"]["user"] == "dave" and deeper["parent_id"] == reply.pk
    assert deeper["thread_id"] == root.pk and deeper["depth"] == 2
    assert first["can_reply"] is True and first["can_edit"] is False  # (a guest)


def test_threads_are_paged_twenty_to_a_page_with_cursor_links(client, author, reader, work,
                                                               say):
    roots = [say(work, reader, f"Comment {n}") for n in range(23)]

    first = client.get(f"{API}/works/{work.pk}/comments").json()
    assert first["total"] == 23 and first["pages"] == 2 and len(first["threads"]) == 20
    second = client.get(first["next"]).json()
    assert [t["id"] for t in second["threads"]] == [c.pk for c in roots[20:]]
    assert second["next"] is None and "cursor=" in second["previous"]


def test_deeper_replies_continue_on_the_comments_own_answer(client, author, reader, work,
                                                            say):
    comment = say(work, reader, "Level 0")
    chain = [comment]
    for level in range(1, 7):
        chain.append(say(work, reader if level % 2 else author, f"Level {level}",
                         parent=chain[-1]))

    node = client.get(f"{API}/works/{work.pk}/comments").json()["threads"][0]
    for _ in range(4):
        node = node["replies"][0]
    assert node["depth"] == 4 and node["more_replies"] is True and node["replies"] == []

    thread = client.get(f"{API}/comments/{chain[4].pk}").json()
    assert thread["id"] == chain[4].pk
    assert thread["replies"][0]["id"] == chain[5].pk
    assert thread["replies"][0]["replies"][0]["id"] == chain[6].pk


def test_a_chapters_comments_and_a_one_shots(client, author, reader, say):
    work = WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>"])
    one, two = work.chapters.order_by("position")
    on_two = say(work, reader, "On two", chapter=two)
    say(work, reader, "On one", chapter=one)

    body = client.get(f"{API}/works/{work.pk}/comments?chapter_id={two.pk}").json()
    assert body["chapter_id"] == two.pk
    assert [t["id"] for t in body["threads"]] == [on_two.pk]
    assert client.get(f"{API}/works/{work.pk}/comments").json()["total"] == 2
    other = WorkFactory(author=author)
    wrong = client.get(f"{API}/works/{work.pk}/comments?chapter_id="
                       f"{other.chapters.get().pk}")
    problem(wrong, 404)


def test_restricted_works_comments_are_404_for_guests(client, author, reader, say,
                                                      bearer_for):
    work = WorkFactory(author=author, restricted=True)
    comment = say(work, reader, "Members only")

    problem(client.get(f"{API}/works/{work.pk}/comments"), 404)
    problem(client.get(f"{API}/comments/{comment.pk}"), 404)
    body = client.get(f"{API}/works/{work.pk}/comments", **bearer_for(reader, "read")).json()
    assert [t["id"] for t in body["threads"]] == [comment.pk]


def test_a_hidden_works_and_a_drafts_comments_are_404(client, author, reader, moderator,
                                                      say, bearer_for):
    work = WorkFactory(author=author)
    comment = say(work, reader, "Before it was hidden")
    work_hide(actor=moderator, work=work, reason="Spam")

    problem(client.get(f"{API}/comments/{comment.pk}", **bearer_for(reader)), 404)
    problem(client.get(f"{API}/works/{work.pk}/comments", **bearer_for(reader)), 404)
    assert client.get(f"{API}/works/{work.pk}/comments",
                      **bearer_for(author)).status_code == 200


def test_muted_users_comments_and_the_replies_below_them_are_left_out(
        client, author, reader, stranger, work, say, bearer_for):
    muted_root = say(work, stranger, "Muted words")
    say(work, author, "Reply under muted", parent=muted_root)
    kept = say(work, author, "Kept")
    say(work, stranger, "Muted reply", parent=kept)
    user_mute(user=reader, muted=stranger)

    body = client.get(f"{API}/works/{work.pk}/comments", **bearer_for(reader, "read")).json()

    assert [t["id"] for t in body["threads"]] == [kept.pk]
    assert body["threads"][0]["replies"] == []
    assert "Muted" not in json.dumps(body)
    problem(client.get(f"{API}/comments/{muted_root.pk}", **bearer_for(reader, "read")), 404)
    assert len(client.get(f"{API}/works/{work.pk}/comments").json()["threads"]) == 2


def test_an_anonymous_works_creators_comments_name_no_one(client, author, reader, say):
    work = WorkFactory(author=author, anonymous=True)
    root = say(work, reader, "Who wrote this?")
    say(work, author, "A secret.", parent=root)

    text = client.get(f"{API}/works/{work.pk}/comments").content.decode()
    body = json.loads(text)
    reply = body["threads"][0]["replies"][0]
    assert reply["author"] == {"name": "Anonymous Creator", "pseud": None, "user": None,
                               "guest": False, "anonymous_creator": True}
    assert "alice" not in text


def test_a_guests_comment_shows_their_name_never_their_address(client, author, work,
                                                               no_rate_limit):
    comment_post(work=work, guest_name="Wren", guest_email="wren@example.org",
                 content="From a guest")

    text = client.get(f"{API}/works/{work.pk}/comments").content.decode()

    author_shown = json.loads(text)["threads"][0]["author"]
    assert author_shown == {"name": "Wren", "pseud": None, "user": None, "guest": True,
                            "anonymous_creator": False}
    assert "wren@example.org" not in text


def test_held_and_hidden_comments_show_only_to_creators_and_their_authors(
        client, author, reader, stranger, say, bearer_for):
    work = WorkFactory(author=author, moderated_comments=True)
    held = say(work, reader, "Awaiting approval")

    assert client.get(f"{API}/works/{work.pk}/comments").json()["threads"] == []
    problem(client.get(f"{API}/comments/{held.pk}", **bearer_for(stranger)), 404)
    mine = client.get(f"{API}/comments/{held.pk}", **bearer_for(reader)).json()
    assert mine["status"] == "pending" and mine["html"] == held.content
    theirs = client.get(f"{API}/works/{work.pk}/comments", **bearer_for(author)).json()
    assert [t["status"] for t in theirs["threads"]] == ["pending"]
    assert theirs["threads"][0]["can_moderate"] is True and mine["can_moderate"] is False


def test_a_deleted_comment_with_replies_is_a_placeholder(client, author, reader, work, say):
    root = say(work, reader, "Soon gone")
    reply = say(work, author, "Still here", parent=root)
    from fichive.comments.services import comment_delete
    comment_delete(user=reader, comment=root)

    thread = client.get(f"{API}/works/{work.pk}/comments").json()["threads"][0]

    assert thread["visible"] is False and thread["deleted"] is True
    assert thread["placeholder"] == "(Previous comment deleted.)"
    assert thread["author"] is None and thread["html"] is None
    assert thread["replies"][0]["id"] == reply.pk


def test_posting_a_comment_through_the_api(client, author, reader, work, bearer_for):
    response = post(client, f"/works/{work.pk}/comments",
                    {"content": "Loved it.<script>alert(1)</script>"},
                    **bearer_for(reader, "write"))

    assert response.status_code == 201, response.content
    body = response.json()
    comment = Comment.objects.get()
    assert body["id"] == comment.pk and body["author"]["user"] == "carol"
    assert "script" not in body["html"] and "Loved it." in body["html"]
    assert body["status"] == "published" and body["can_edit"] is True
    assert Work.objects.get(pk=work.pk).comments_count == 1
    page = client.get(f"/works/{work.pk}/comments").content.decode()
    assert "Loved it." in page


def test_a_comment_on_a_chapter_and_under_another_pseud(client, author, reader, bearer_for):
    from fichive.accounts.services import pseud_create
    pseud_create(user=reader, name="Wren")
    work = WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>"])
    two = work.chapters.get(position=2)

    body = post(client, f"/works/{work.pk}/comments",
                {"content": "On chapter two", "chapter_id": two.pk, "pseud": "wren"},
                **bearer_for(reader)).json()

    assert body["chapter_id"] == two.pk
    assert body["author"]["pseud"] == "Wren" and body["author"]["name"] == "Wren (carol)"
    bad = problem(post(client, f"/works/{work.pk}/comments",
                       {"content": "x", "pseud": "alice"}, **bearer_for(reader)), 400)
    assert bad["errors"] == {"pseud": ["Choose one of your own pseuds."]}
    other = WorkFactory(author=author)
    wrong = problem(post(client, f"/works/{work.pk}/comments",
                         {"content": "x", "chapter_id": other.chapters.get().pk},
                         **bearer_for(reader)), 400)
    assert "chapter_id" in wrong["errors"]


def test_comment_validation_names_the_field(client, author, reader, work, bearer_for):
    headers = bearer_for(reader)
    empty = problem(post(client, f"/works/{work.pk}/comments", {"content": "  "}, **headers),
                    400)
    assert empty["errors"] == {"content": [
        "Please write something before posting your comment."]}
    long = problem(post(client, f"/works/{work.pk}/comments", {"content": "x" * 10_001},
                        **headers), 400)
    assert long["errors"]["content"][0].startswith("Your comment is 10,001 characters long")
    missing = problem(post(client, f"/works/{work.pk}/comments", {}, **headers), 400)
    assert "content" in missing["errors"]
    wrong_type = problem(post(client, f"/works/{work.pk}/comments", {"content": ["a"]},
                              **headers), 400)
    assert "content" in wrong_type["errors"]
    not_json = client.post(f"{API}/works/{work.pk}/comments", "content=hi",
                           content_type="application/json", **headers)
    assert not_json.status_code == 400
    assert not Comment.objects.exists()


def test_the_fourth_comment_in_fifteen_minutes_is_429_with_retry_after(client, author, reader,
                                                                      work, bearer_for):
    headers = bearer_for(reader)
    for n in range(3):
        assert post(client, f"/works/{work.pk}/comments", {"content": f"Comment {n}"},
                    **headers).status_code == 201
    refused = problem(post(client, f"/works/{work.pk}/comments", {"content": "Fourth"},
                           **headers), 429)

    assert refused["detail"].startswith("You have posted 3 comments in the last 15 minutes")
    assert 0 < refused["retry_after"] <= ratelimit.WINDOW_SECONDS
    assert Comment.objects.count() == 3
    response = post(client, f"/comments/{Comment.objects.first().pk}/replies",
                    {"content": "A reply"}, **headers)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_the_form_and_the_api_share_the_rate_limit(client, author, reader, work, bearer_for):
    browser = Client()
    browser.force_login(reader)
    for n in range(3):
        assert browser.post(f"/works/{work.pk}/comments",
                            {"content": f"From the page {n}"}).status_code == 302

    problem(post(client, f"/works/{work.pk}/comments", {"content": "From the API"},
                 **bearer_for(reader)), 429)


def test_comment_writes_need_a_write_token(client, author, reader, work, say, bearer_for):
    comment = say(work, reader, "Mine")
    for response in (post(client, f"/works/{work.pk}/comments", {"content": "x"}),
                     post(client, f"/comments/{comment.pk}/replies", {"content": "x"}),
                     patch(client, f"/comments/{comment.pk}", {"content": "x"}),
                     client.delete(f"{API}/comments/{comment.pk}")):
        problem(response, 401)
    read_only = bearer_for(reader, "read")
    problem(post(client, f"/works/{work.pk}/comments", {"content": "x"}, **read_only), 403)
    problem(client.delete(f"{API}/comments/{comment.pk}", **read_only), 403)
    browser = Client()
    browser.force_login(reader)
    problem(post(browser, f"/works/{work.pk}/comments", {"content": "x"}), 401)
    assert Comment.objects.count() == 1


def test_suspended_users_and_closed_works_are_refused_with_the_sites_messages(
        client, author, reader, suspended, bearer_for):
    work = WorkFactory(author=author)
    refused = problem(post(client, f"/works/{work.pk}/comments", {"content": "Hi"},
                           **bearer_for(suspended)), 403)
    assert "suspended" in refused["detail"].lower()
    closed = WorkFactory(author=author, comment_permission=Work.CommentPermission.NONE)
    nobody = problem(post(client, f"/works/{closed.pk}/comments", {"content": "Hi"},
                          **bearer_for(reader)), 400)
    assert nobody["detail"] == "Sorry, this work doesn't allow comments."
    assert client.get(f"{API}/works/{closed.pk}/comments").json()["refusal"] == \
        "Sorry, this work doesn't allow comments."
    assert not Comment.objects.exists()


def test_replying_and_frozen_threads(client, author, reader, stranger, work, say, bearer_for):
    root = say(work, stranger, "Root")

    reply = post(client, f"/comments/{root.pk}/replies", {"content": "Answer"},
                 **bearer_for(reader))
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == root.pk and reply.json()["depth"] == 1
    comment_freeze(user=author, comment=root)
    frozen = problem(post(client, f"/comments/{root.pk}/replies", {"content": "More"},
                          **bearer_for(reader)), 400)
    assert frozen["detail"] == "This thread has been frozen; no new replies can be added."
    problem(post(client, "/comments/999999/replies", {"content": "x"},
                 **bearer_for(reader)), 404)


def test_editing_your_own_comment_only(client, author, reader, stranger, work, say,
                                       bearer_for):
    comment = say(work, reader, "Frist")

    edited = patch(client, f"/comments/{comment.pk}", {"content": "First"},
                   **bearer_for(reader))
    assert edited.status_code == 200
    assert "First" in edited.json()["html"] and edited.json()["edited_at"]
    theirs = problem(patch(client, f"/comments/{comment.pk}", {"content": "Mine now"},
                           **bearer_for(stranger)), 403)
    assert theirs["detail"].startswith("You can edit only your own comments")
    empty = problem(patch(client, f"/comments/{comment.pk}", {"content": ""},
                          **bearer_for(reader)), 400)
    assert "content" in empty["errors"]
    comment.refresh_from_db()
    assert "First" in comment.content


def test_deleting_your_own_comment_or_one_on_your_work(client, author, reader, stranger, work,
                                                       say, bearer_for):
    first = say(work, reader, "One")
    second = say(work, reader, "Two")

    problem(client.delete(f"{API}/comments/{first.pk}", **bearer_for(stranger)), 403)
    assert client.delete(f"{API}/comments/{first.pk}",
                         **bearer_for(reader)).status_code == 204
    assert client.delete(f"{API}/comments/{second.pk}",
                         **bearer_for(author)).status_code == 204
    assert not Comment.objects.exists()
    assert Work.objects.get(pk=work.pk).comments_count == 0
    problem(client.delete(f"{API}/comments/{first.pk}", **bearer_for(reader)), 404)


def test_creators_freeze_hide_and_approve_comments_on_their_work(client, author, reader,
                                                                  stranger, say, bearer_for):
    work = WorkFactory(author=author, moderated_comments=True)
    held = say(work, reader, "Please approve")
    url = f"/comments/{held.pk}"

    approved = patch(client, url, {"status": "published"}, **bearer_for(author))
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    assert client.get(f"{API}/works/{work.pk}/comments").json()["total"] == 1
    hidden = patch(client, url, {"status": "hidden", "frozen": True}, **bearer_for(author))
    assert hidden.json()["status"] == "hidden" and hidden.json()["frozen"] is True
    assert client.get(f"{API}/works/{work.pk}/comments").json()["threads"] == []
    assert Work.objects.get(pk=work.pk).comments_count == 0
    shown = patch(client, url, {"status": "published", "frozen": False}, **bearer_for(author))
    assert shown.json()["status"] == "published" and shown.json()["frozen"] is False


def test_only_creators_moderate_and_a_refusal_changes_nothing(client, author, reader, work,
                                                             say, bearer_for):
    comment = say(work, reader, "Original")

    for change in ({"frozen": True}, {"status": "hidden"}, {"status": "published"}):
        refused = problem(patch(client, f"/comments/{comment.pk}", change,
                                **bearer_for(reader)), 403)
        assert refused["detail"].startswith("Only the work's creators can")
    # The edit is the comment author's to make, the freeze only the creators': the edit,
    # made first, is undone with the refused freeze.
    mixed = problem(patch(client, f"/comments/{comment.pk}",
                          {"content": "Changed", "frozen": True}, **bearer_for(reader)), 403)
    assert mixed["detail"] == "Only the work's creators can freeze threads."
    comment.refresh_from_db()
    assert comment.content == "<p>Original</p>" and comment.frozen is False
    assert comment.edited_at is None
    empty = problem(patch(client, f"/comments/{comment.pk}", {}, **bearer_for(reader)), 400)
    assert empty["errors"] == {"__all__": ["Give what to change: content, frozen or status."]}
    wrong = problem(patch(client, f"/comments/{comment.pk}", {"status": "pending"},
                          **bearer_for(author)), 400)
    assert "status" in wrong["errors"]


def test_a_refused_hide_names_the_status_field(client, author, reader, work, say,
                                               bearer_for):
    root = say(work, reader, "Root")
    say(work, author, "Reply", parent=root)
    from fichive.comments.services import comment_delete
    comment_delete(user=reader, comment=root)

    refused = problem(patch(client, f"/comments/{root.pk}", {"status": "hidden"},
                            **bearer_for(author)), 400)
    assert refused["errors"] == {"status": ["Only published comments can be hidden."]}


def test_a_user_the_creator_blocks_cant_comment(client, author, reader, work, bearer_for):
    from fichive.blocking.services import user_block
    user_block(user=author, blocked=reader)

    refused = problem(post(client, f"/works/{work.pk}/comments", {"content": "Hi"},
                           **bearer_for(reader)), 400)
    assert refused["detail"] == ("Sorry, you can't comment on this work: one of its creators "
                                 "has blocked you.")
    assert not Comment.objects.exists()


# ---------------------------------------------------------------------------------- bookmarks


def _bookmark(user, work, **data) -> Bookmark:
    return bookmark_create(user=user, work=work, pseud=user.default_pseud,
                           data=BookmarkData(**data))


def test_a_works_bookmarks_are_the_public_ones(client, author, reader, stranger, work,
                                               bearer_for):
    public = _bookmark(reader, work, notes="So good", tags=["Comfort read"], rec=True)
    private = _bookmark(stranger, work, private=True)

    body = client.get(f"{API}/works/{work.pk}/bookmarks").json()
    assert [b["id"] for b in body["bookmarks"]] == [public.pk]
    shown = body["bookmarks"][0]
    assert shown["bookmarker"] == {"pseud": "carol", "user": "carol", "byline": "carol"}
    assert shown["kind"] == "work" and shown["work"]["id"] == work.pk
    assert shown["work"]["creators"][0]["user"] == "alice"
    assert shown["tags"] == ["Comfort read"] and shown["rec"] is True
    assert "So good" in shown["notes"]
    own = client.get(f"{API}/works/{work.pk}/bookmarks", **bearer_for(stranger, "read"))
    assert {b["id"] for b in own.json()["bookmarks"]} == {public.pk, private.pk}


def test_a_users_bookmarks_include_their_private_ones_only_for_them(client, author, reader,
                                                                    stranger, bearer_for):
    one, two = WorkFactory(author=author), WorkFactory(author=author)
    public = _bookmark(reader, one)
    private = _bookmark(reader, two, private=True)

    assert [b["id"] for b in client.get(f"{API}/users/carol/bookmarks").json()["bookmarks"]] \
        == [public.pk]
    assert [b["id"] for b in client.get(f"{API}/users/carol/bookmarks",
                                        **bearer_for(stranger)).json()["bookmarks"]] \
        == [public.pk]
    mine = client.get(f"{API}/users/carol/bookmarks", **bearer_for(reader, "read")).json()
    assert {b["id"] for b in mine["bookmarks"]} == {public.pk, private.pk}
    problem(client.get(f"{API}/bookmarks/{private.pk}"), 404)
    assert client.get(f"{API}/bookmarks/{private.pk}",
                      **bearer_for(reader)).json()["private"] is True
    problem(client.get(f"{API}/users/nobody-here/bookmarks"), 404)


def test_bookmarks_of_restricted_works_and_of_muted_users(client, author, reader, stranger,
                                                           bearer_for):
    restricted = WorkFactory(author=author, restricted=True)
    hidden_from_guests = _bookmark(reader, restricted)
    work = WorkFactory(author=author)
    by_stranger = _bookmark(stranger, work)

    problem(client.get(f"{API}/bookmarks/{hidden_from_guests.pk}"), 404)
    problem(client.get(f"{API}/works/{restricted.pk}/bookmarks"), 404)
    assert client.get(f"{API}/users/carol/bookmarks").json()["bookmarks"] == []

    user_mute(user=reader, muted=stranger)
    reader = type(reader).objects.get(pk=reader.pk)
    assert client.get(f"{API}/works/{work.pk}/bookmarks",
                      **bearer_for(reader, "read")).json()["bookmarks"] == []
    problem(client.get(f"{API}/bookmarks/{by_stranger.pk}", **bearer_for(reader, "read")), 404)


def test_bookmark_listings_take_the_pages_filters(client, author, reader, stranger, work):
    _bookmark(reader, work, rec=True, tags=["Fluff"])
    _bookmark(stranger, work, tags=["Angst"])

    recs = client.get(f"{API}/works/{work.pk}/bookmarks?rec=on").json()
    assert [b["bookmarker"]["user"] for b in recs["bookmarks"]] == ["carol"]
    tagged = client.get(f"{API}/works/{work.pk}/bookmarks?bookmark_include=Angst").json()
    assert [b["bookmarker"]["user"] for b in tagged["bookmarks"]] == ["dave"]
    bad = problem(client.get(f"{API}/works/{work.pk}/bookmarks?sort=nonsense"), 400)
    assert "sort" in bad["errors"]
    problem(client.get(f"{API}/works/{work.pk}/bookmarks?page=0"), 400)


def test_bookmarking_a_work_through_the_api(client, author, reader, work, bearer_for):
    made = post(client, f"/works/{work.pk}/bookmarks",
                {"notes": "<b>Must</b> reread", "tags": ["Slow burn", "Reread"],
                 "rec": True}, **bearer_for(reader))

    assert made.status_code == 201, made.content
    body = made.json()
    bookmark = Bookmark.objects.get()
    assert body["id"] == bookmark.pk and body["rec"] is True and body["private"] is False
    assert sorted(body["tags"]) == ["Reread", "Slow burn"]
    assert "<b>Must</b>" in body["notes"]
    assert Work.objects.get(pk=work.pk).bookmarks_count == 1
    again = problem(post(client, f"/works/{work.pk}/bookmarks", {}, **bearer_for(reader)), 409)
    assert again["detail"].startswith("You have already bookmarked this")


def test_bookmark_validation_names_the_field(client, author, reader, work, bearer_for):
    headers = bearer_for(reader)
    long = problem(post(client, f"/works/{work.pk}/bookmarks", {"notes": "x" * 5001},
                        **headers), 400)
    assert long["errors"] == {"notes": ["Notes are 5,001 characters long; the most is 5,000."]}
    many = problem(post(client, f"/works/{work.pk}/bookmarks",
                        {"tags": [f"Tag {n}" for n in range(76)]}, **headers), 400)
    assert "tags" in many["errors"]
    typed = problem(post(client, f"/works/{work.pk}/bookmarks", {"private": "perhaps"},
                         **headers), 400)
    assert "private" in typed["errors"]
    assert not Bookmark.objects.exists()


def test_bookmarks_need_a_visible_posted_work(client, author, reader, bearer_for):
    draft = WorkFactory(author=author, post=False)
    problem(post(client, f"/works/{draft.pk}/bookmarks", {}, **bearer_for(author)), 404)
    problem(post(client, "/works/99999999/bookmarks", {}, **bearer_for(reader)), 404)
    problem(post(client, f"/works/{draft.pk}/bookmarks", {}), 401)
    assert not Bookmark.objects.exists()


def test_changing_and_deleting_your_own_bookmark(client, author, reader, stranger, work,
                                                 bearer_for):
    bookmark = _bookmark(reader, work, notes="First thoughts", tags=["Fluff"])

    changed = patch(client, f"/bookmarks/{bookmark.pk}", {"private": True},
                    **bearer_for(reader))
    assert changed.status_code == 200
    assert changed.json()["private"] is True and changed.json()["tags"] == ["Fluff"]
    assert "First thoughts" in changed.json()["notes"]
    assert Work.objects.get(pk=work.pk).bookmarks_count == 0

    problem(patch(client, f"/bookmarks/{bookmark.pk}", {"rec": True},
                  **bearer_for(stranger)), 404)  # private: not even seen
    assert patch(client, f"/bookmarks/{bookmark.pk}", {"private": False},
                 **bearer_for(reader)).json()["private"] is False
    theirs = problem(patch(client, f"/bookmarks/{bookmark.pk}", {"rec": True},
                           **bearer_for(stranger)), 403)
    assert theirs["detail"] == "Only the bookmarker can change a bookmark."
    problem(client.delete(f"{API}/bookmarks/{bookmark.pk}", **bearer_for(stranger)), 403)
    problem(client.delete(f"{API}/bookmarks/{bookmark.pk}", **bearer_for(reader, "read")), 403)
    assert client.delete(f"{API}/bookmarks/{bookmark.pk}",
                         **bearer_for(reader)).status_code == 204
    assert not Bookmark.objects.exists()


def test_bookmarks_of_series_name_the_series(client, author, reader):
    work = WorkFactory(author=author)
    series = series_create(user=author, title="The Long Tide")
    series_add_work(user=author, series=series, work=work)
    from fichive.bookmarks.services import series_bookmark_create
    bookmark = series_bookmark_create(user=reader, series=series, pseud=reader.default_pseud,
                                      data=BookmarkData())

    body = client.get(f"{API}/bookmarks/{bookmark.pk}").json()

    assert body["kind"] == "series" and body["work"] is None
    assert body["series"] == {"id": series.pk, "title": "The Long Tide"}


def test_bookmarking_a_series_and_its_bookmarks(client, author, reader, stranger,
                                               bearer_for):
    work = WorkFactory(author=author)
    series = series_create(user=author, title="Saga")
    series_add_work(user=author, series=series, work=work)

    made = post(client, f"/series/{series.pk}/bookmarks", {"notes": "All of it"},
                **bearer_for(reader))
    assert made.status_code == 201, made.content
    assert made.json()["kind"] == "series" and made.json()["series"]["title"] == "Saga"
    problem(post(client, f"/series/{series.pk}/bookmarks", {}, **bearer_for(reader)), 409)
    listed = client.get(f"{API}/series/{series.pk}/bookmarks").json()
    assert [b["id"] for b in listed["bookmarks"]] == [made.json()["id"]]
    lonely = series_create(user=author, title="Empty")
    problem(client.get(f"{API}/series/{lonely.pk}/bookmarks"), 404)
    problem(post(client, f"/series/{lonely.pk}/bookmarks", {}, **bearer_for(stranger)), 404)


def test_bookmarking_a_story_elsewhere(client, reader, stranger, bearer_for):
    story = {"url": "https://example.org/stories/7", "title": "Far Shore",
             "creator": "Someone Else", "fandoms": ["Original Work"],
             "rating": "General Audiences", "notes": "Worth it", "tags": ["Elsewhere"]}

    made = post(client, "/external-works", story, **bearer_for(reader))
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["kind"] == "external" and body["work"] is None
    assert body["external_work"]["title"] == "Far Shore"
    assert body["external_work"]["fandoms"] == ["Original Work"]
    assert body["external_work"]["rating"] == "General Audiences"
    again = problem(post(client, "/external-works", story, **bearer_for(reader)), 409)
    assert again["detail"].startswith("You have already bookmarked this")
    theirs = post(client, "/external-works", {**story, "title": "Ignored"},
                  **bearer_for(stranger))
    assert theirs.json()["external_work"]["id"] == body["external_work"]["id"]
    listed = client.get(f"{API}/external-works/{body['external_work']['id']}/bookmarks")
    assert len(listed.json()["bookmarks"]) == 2
    problem(client.get(f"{API}/external-works/999999/bookmarks"), 404)


def test_an_external_work_needs_an_address_a_title_and_a_creator(client, reader, bearer_for):
    refused = problem(post(client, "/external-works", {"url": "ftp://example.org/x",
                                                       "rating": "Sort of"},
                           **bearer_for(reader)), 400)

    assert refused["errors"]["title"] == ["An external work needs a title."]
    assert refused["errors"]["creator"] == ["Say who wrote it."]
    assert "url" in refused["errors"] and "rating" in refused["errors"]
    assert not Bookmark.objects.exists()


def test_a_suspended_user_cant_bookmark(client, author, suspended, work, bearer_for):
    refused = problem(post(client, f"/works/{work.pk}/bookmarks", {},
                           **bearer_for(suspended)), 403)

    assert "suspended" in refused["detail"].lower()
    assert not Bookmark.objects.exists()


# ---------------------------------------------------------------------------------- subscriptions


def test_subscribing_to_works_creators_and_series(client, author, reader, bearer_for):
    work = WorkFactory(author=author)
    series = series_create(user=author, title="Saga")
    series_add_work(user=author, series=series, work=work)
    headers = bearer_for(reader)

    made = post(client, f"/works/{work.pk}/subscription", **headers)
    assert made.status_code == 201
    assert made.json()["kind"] == "work" and made.json()["work"]["id"] == work.pk
    assert post(client, f"/works/{work.pk}/subscription", **headers).status_code == 200
    assert post(client, "/users/alice/subscription", **headers).json()["creator"] == "alice"
    assert post(client, f"/series/{series.pk}/subscription", **headers).status_code == 201

    listed = client.get(f"{API}/me/subscriptions", **bearer_for(reader, "read")).json()
    assert [s["kind"] for s in listed["subscriptions"]] == ["series", "creator", "work"]
    assert listed["total"] == 3 and listed["per_page"] == 50

    assert client.delete(f"{API}/works/{work.pk}/subscription", **headers).status_code == 204
    gone = problem(client.delete(f"{API}/works/{work.pk}/subscription", **headers), 404)
    assert gone["detail"] == "You aren't subscribed to that work."
    assert client.delete(f"{API}/users/alice/subscription", **headers).status_code == 204
    series_sub = Subscription.objects.get(series=series)
    assert client.delete(f"{API}/me/subscriptions/{series_sub.pk}",
                         **headers).status_code == 204
    assert not Subscription.objects.exists()


def test_subscription_refusals_are_403_with_the_sites_messages(client, author, reader,
                                                                stranger, bearer_for):
    work = WorkFactory(author=author)
    own = problem(post(client, f"/works/{work.pk}/subscription", **bearer_for(author)), 403)
    assert own["detail"] == "You can't subscribe to your own work."
    self_ = problem(post(client, "/users/carol/subscription", **bearer_for(reader)), 403)
    assert self_["detail"] == "You can't subscribe to yourself."
    restricted = WorkFactory(author=author, post=False)
    problem(post(client, f"/works/{restricted.pk}/subscription", **bearer_for(reader)), 404)
    problem(post(client, "/users/nobody-here/subscription", **bearer_for(reader)), 404)
    theirs = subscription_create(user=stranger, work=work)[0]
    problem(client.delete(f"{API}/me/subscriptions/{theirs.pk}", **bearer_for(reader)), 404)
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_the_subscription_list_is_the_callers_own(client, author, reader, stranger,
                                                  bearer_for):
    work = WorkFactory(author=author)
    subscription_create(user=stranger, work=work)

    problem(client.get(f"{API}/me/subscriptions"), 401)
    assert client.get(f"{API}/me/subscriptions",
                      **bearer_for(reader, "read")).json()["subscriptions"] == []
    write_only = problem(client.get(f"{API}/me/subscriptions", **bearer_for(stranger, "write")),
                         403)
    assert "“read” scope" in write_only["detail"]
    browser = Client()
    browser.force_login(stranger)
    assert browser.get(f"{API}/me/subscriptions").json()["total"] == 1
    problem(post(client, f"/works/{work.pk}/subscription", **bearer_for(reader, "read")), 403)


# ------------------------------------------------------------------------- Marked for Later


def test_marking_for_later_and_the_list(client, author, reader, bearer_for):
    first, second = WorkFactory(author=author, title="Tide"), WorkFactory(author=author)
    headers = bearer_for(reader)

    marked = post(client, f"/works/{first.pk}/mark-for-later", **headers)
    assert marked.status_code == 200 and marked.json()["work_id"] == first.pk
    post(client, f"/works/{second.pk}/mark-for-later", **headers)

    listed = client.get(f"{API}/me/marked-for-later", **headers).json()
    assert [e["work"]["id"] for e in listed["works"]] == [second.pk, first.pk]
    assert listed["works"][1]["work"]["title"] == "Tide"
    assert listed["works"][1]["update_available"] is False

    assert client.delete(f"{API}/works/{first.pk}/mark-for-later",
                         **headers).status_code == 204
    assert [e["work"]["id"] for e in client.get(f"{API}/me/marked-for-later",
                                                **headers).json()["works"]] == [second.pk]
    assert not Reading.objects.filter(work=first).exists()


def test_marked_for_later_is_private_and_shows_only_works_still_visible(
        client, author, reader, moderator, bearer_for):
    work = WorkFactory(author=author)
    reading_mark_for_later(user=reader, work=work)

    problem(client.get(f"{API}/me/marked-for-later"), 401)
    problem(post(client, f"/works/{work.pk}/mark-for-later", **bearer_for(reader, "read")),
            403)
    work_hide(actor=moderator, work=work, reason="Spam")
    assert client.get(f"{API}/me/marked-for-later",
                      **bearer_for(reader, "read")).json()["works"] == []
    problem(post(client, f"/works/{work.pk}/mark-for-later", **bearer_for(reader)), 404)


def test_anonymous_works_on_the_list_name_no_creators(client, author, reader, bearer_for):
    work = WorkFactory(author=author, anonymous=True)
    reading_mark_for_later(user=reader, work=work)

    text = client.get(f"{API}/me/marked-for-later", **bearer_for(reader, "read")).content
    entry = json.loads(text)["works"][0]["work"]
    assert entry["anonymous"] is True and entry["creators"] == []
    assert b"alice" not in text


# ---------------------------------------------------------------------------------- inbox


@pytest.fixture
def reply_item(author, reader, work, say, run_tasks) -> InboxItem:
    """An item in carol's inbox: alice replied to carol's comment."""
    root = say(work, reader, "Question?")
    say(work, author, "Answer!", parent=root)
    run_tasks()
    return InboxItem.objects.get(user=reader, kind=InboxItem.Kind.REPLY)


def test_the_inbox_lists_items_newest_first_and_filters(client, reader, work, reply_item,
                                                        bearer_for):
    InboxItem.objects.create(user=reader, kind="chapter", work=work, actor_name="alice",
                             summary="Chapter 2", read=True)
    headers = bearer_for(reader, "read")

    body = client.get(f"{API}/me/inbox", **headers).json()
    assert [i["summary"] for i in body["items"]][0] == "Chapter 2"
    assert body["total"] == 2 and body["unread"] == 1
    item = body["items"][1]
    assert item["id"] == reply_item.pk and item["kind"] == "reply"
    assert item["label"] == "Reply to your comment" and item["work"]["id"] == work.pk
    assert item["url"].startswith("http://testserver/comments/")
    unread = client.get(f"{API}/me/inbox?show=unread", **headers).json()
    assert [i["id"] for i in unread["items"]] == [reply_item.pk]
    bad = problem(client.get(f"{API}/me/inbox?show=someday", **headers), 400)
    assert "show" in bad["errors"]


def test_the_inbox_is_only_the_callers(client, reader, stranger, reply_item, bearer_for):
    problem(client.get(f"{API}/me/inbox"), 401)
    assert client.get(f"{API}/me/inbox", **bearer_for(stranger, "read")).json()["items"] == []
    problem(patch(client, f"/me/inbox/{reply_item.pk}", {"read": True},
                  **bearer_for(stranger)), 404)
    problem(client.delete(f"{API}/me/inbox/{reply_item.pk}", **bearer_for(stranger)), 404)
    problem(patch(client, f"/me/inbox/{reply_item.pk}", {"read": True},
                  **bearer_for(reader, "read")), 403)
    reply_item.refresh_from_db()
    assert reply_item.read is False


def test_marking_inbox_items_read_and_unread(client, reader, work, reply_item, bearer_for):
    headers = bearer_for(reader)
    marked = patch(client, f"/me/inbox/{reply_item.pk}", {"read": True}, **headers)
    assert marked.status_code == 200 and marked.json()["read"] is True
    reply_item.refresh_from_db()
    assert reply_item.read is True
    problem(patch(client, f"/me/inbox/{reply_item.pk}", {}, **headers), 400)

    other = InboxItem.objects.create(user=reader, kind="chapter", work=work)
    bulk = post(client, "/me/inbox/mark", {"items": [reply_item.pk, other.pk], "read": False},
                **headers)
    assert bulk.json() == {"changed": 1}
    assert not InboxItem.objects.filter(read=True).exists()
    empty = problem(post(client, "/me/inbox/mark", {"items": [], "read": True}, **headers), 400)
    assert empty["errors"] == {"items": ["Select at least one message first."]}
    gone = problem(post(client, "/me/inbox/mark", {"items": [other.pk, 10**12], "read": True},
                        **headers), 400)
    assert "items" in gone["errors"]
    assert not InboxItem.objects.filter(read=True).exists()

    assert client.delete(f"{API}/me/inbox/{other.pk}", **headers).status_code == 204
    assert not InboxItem.objects.filter(pk=other.pk).exists()


def test_deleting_several_inbox_items_at_once(client, reader, stranger, work, bearer_for):
    mine = [InboxItem.objects.create(user=reader, kind="chapter", work=work) for _ in range(3)]
    theirs = InboxItem.objects.create(user=stranger, kind="chapter", work=work)
    headers = bearer_for(reader)

    refused = problem(post(client, "/me/inbox/delete",
                           {"items": [mine[0].pk, theirs.pk]}, **headers), 400)
    assert "items" in refused["errors"]
    assert InboxItem.objects.count() == 4
    too_many = problem(post(client, "/me/inbox/delete", {"items": list(range(1, 102))},
                            **headers), 400)
    assert "items" in too_many["errors"]
    done = post(client, "/me/inbox/delete", {"items": [i.pk for i in mine[:2]]}, **headers)
    assert done.json() == {"changed": 2}
    assert set(InboxItem.objects.values_list("pk", flat=True)) == {mine[2].pk, theirs.pk}


def test_replying_from_the_inbox(client, author, reader, reply_item, no_rate_limit,
                                 bearer_for):
    response = post(client, f"/me/inbox/{reply_item.pk}/reply", {"content": "Thanks!"},
                    **bearer_for(reader))

    assert response.status_code == 201, response.content
    assert response.json()["parent_id"] == reply_item.comment_id
    reply_item.refresh_from_db()
    assert reply_item.read is True
    plain = InboxItem.objects.create(user=reader, kind="chapter", work=reply_item.work)
    refused = problem(post(client, f"/me/inbox/{plain.pk}/reply", {"content": "Hi"},
                           **bearer_for(reader)), 400)
    assert refused["detail"] == "There is no comment to reply to in that message."


# ---------------------------------------------------------------------------------- never a 500


@pytest.mark.parametrize("url", [
    "/works/{huge}/kudos", "/works/{huge}/comments", "/comments/{huge}",
    "/works/{huge}/bookmarks", "/bookmarks/{huge}", "/works/1/comments?chapter_id={huge}",
    "/works/1/kudos?page=-1", "/works/1/kudos?page=x", "/works/1/comments?cursor=%%%",
    "/me/inbox?page=0", "/works/1/bookmarks?page=x",
])
def test_bad_ids_and_parameters_are_problems_not_500s(client, author, url, bearer_for):
    WorkFactory(author=author)
    response = client.get(API + url.format(huge=10**30), **bearer_for(author, "read"))

    assert response.status_code in (400, 404), response.content
    assert response["Content-Type"] == "application/problem+json"


def test_bad_bodies_are_problems_not_500s(client, author, reader, bearer_for):
    work = WorkFactory(author=author)
    headers = bearer_for(reader)
    for url, body in [(f"/works/{work.pk}/comments", {"content": "x", "chapter_id": 10**30}),
                      (f"/works/{work.pk}/bookmarks", {"tags": "not a list"}),
                      (f"/works/{work.pk}/bookmarks", {"pseud": 5}),
                      ("/me/inbox/mark", {"items": ["a"], "read": True}),
                      ("/me/inbox/mark", {"items": [10**30], "read": True})]:
        response = post(client, url, body, **headers)
        assert response.status_code == 400, (url, body, response.content)
    assert client.post(f"{API}/works/{work.pk}/comments", "", content_type="application/json",
                       **headers).status_code == 400


def test_a_page_past_the_end_is_empty_not_an_error(client, author, work, bearer_for):
    assert client.get(f"{API}/works/{work.pk}/kudos?page={10**30}").json()["givers"] == []
    assert client.get(f"{API}/me/inbox?page=99", **bearer_for(author, "read")).json()[
        "items"] == []
    assert client.get(f"{API}/works/{work.pk}/comments?page={10**30}").status_code == 200


def test_answers_vary_by_caller_and_carry_etags(client, author, work, say, reader):
    say(work, reader, "Hello")
    response = client.get(f"{API}/works/{work.pk}/comments")

    assert "Authorization" in response["Vary"]
    assert client.get(f"{API}/works/{work.pk}/comments",
                      HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_user_factory_users_can_comment(client, author, work, bearer_for, no_rate_limit):
    someone = UserFactory(username="erin")
    assert post(client, f"/works/{work.pk}/comments", {"content": "Hi"},
                **bearer_for(someone)).status_code == 201


# ---------------------------------------------------------------------------------- query counts


def _queries(client: Client, url: str, **headers: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(API + url, **headers)
    assert response.status_code == 200, response.content
    return len(queries)


def test_listings_cost_the_same_queries_for_few_or_many_rows(client, author, reader, say,
                                                             run_tasks, bearer_for):
    """Each listing reads a fixed number of queries, whatever is on the page."""
    work = WorkFactory(author=author, freeforms=["Fluff"])
    works = [WorkFactory(author=author) for _ in range(6)]
    headers = bearer_for(reader, "read")
    urls = [f"/works/{work.pk}/comments", f"/works/{work.pk}/kudos",
            f"/works/{work.pk}/bookmarks", "/users/carol/bookmarks", "/me/inbox",
            "/me/subscriptions", "/me/marked-for-later"]

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            someone = UserFactory(username=f"fan{i}")
            root = say(work, someone, f"Thread {i}")
            say(work, author, f"Reply {i}", parent=root)
            kudos_leave(work=work, user=someone)
            _bookmark(someone, work, tags=[f"Tag {i}"], notes="Yes")
            _bookmark(reader, works[i], tags=["Mine"])
            subscription_create(user=reader, work=works[i])
            reading_mark_for_later(user=reader, work=works[i])
            InboxItem.objects.create(user=reader, kind="chapter", work=works[i])

    add(2, 0)
    run_tasks()
    client.get(f"{API}/me/inbox", **headers)  # (the token's last use is written once a minute)
    few = [_queries(client, url, **headers) for url in urls]
    add(4, 2)
    run_tasks()
    many = [_queries(client, url, **headers) for url in urls]

    assert dict(zip(urls, many, strict=True)) == dict(zip(urls, few, strict=True))


def test_a_misspelt_field_is_an_error_naming_it(client, author, reader, work, bearer_for):
    bookmark = _bookmark(reader, work)

    refused = problem(patch(client, f"/bookmarks/{bookmark.pk}", {"privte": True},
                            **bearer_for(reader)), 400)

    assert "privte" in refused["errors"]
    bookmark.refresh_from_db()
    assert bookmark.private is False
    problem(post(client, f"/works/{work.pk}/comments", {"content": "x", "chapter": 1},
                 **bearer_for(reader)), 400)


# ---------------------------------------------------------------------------------- the schema


def test_a_comment_change_needs_something_to_change_and_no_nulls(client, reader, work, say,
                                                                  bearer_for):
    comment = say(work, reader, "Kept")
    headers = bearer_for(reader)

    nothing = problem(patch(client, f"/comments/{comment.pk}", {}, **headers), 400)
    assert nothing["errors"] == {"__all__": ["Give what to change: content, frozen or status."]}
    for field in ("content", "frozen", "status"):
        refused = problem(patch(client, f"/comments/{comment.pk}", {field: None}, **headers),
                          400)
        assert field in refused["errors"]
    comment.refresh_from_db()
    assert "Kept" in comment.content and comment.edited_at is None


def test_a_page_below_one_is_refused_even_beside_a_cursor(client, reader, bearer_for):
    headers = bearer_for(reader, "read")
    cursor = encode_cursor({"page": 2})  # (as a next link carries)

    for url in ("/me/inbox", "/me/subscriptions", "/me/marked-for-later"):
        refused = problem(client.get(f"{API}{url}?page=-3&cursor={cursor}", **headers), 400)
        assert refused["errors"] == {"page": ["Pages start at 1."]}
        assert client.get(f"{API}{url}?cursor={cursor}", **headers).status_code == 200


def test_the_schema_says_what_the_community_writes_take(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    shapes = schema["components"]["schemas"]
    paths = schema["paths"]

    for path in ("/api/v1/me/inbox", "/api/v1/me/subscriptions", "/api/v1/me/marked-for-later",
                 "/api/v1/works/{work_id}/comments", "/api/v1/works/{work_id}/kudos",
                 "/api/v1/works/{work_id}/bookmarks", "/api/v1/users/{username}/bookmarks"):
        page = next(p for p in paths[path]["get"]["parameters"] if p["name"] == "page")
        assert {"type": "integer", "minimum": 1} in page["schema"]["anyOf"], path
    assert shapes["CommentChange"]["minProperties"] == 1
    assert {"type": "null"} not in shapes["CommentChange"]["properties"]["frozen"].get(
        "anyOf", [])
    for name in ("CommentIn", "ReplyIn", "InboxReply"):
        assert shapes[name]["properties"]["content"]["minLength"] == 1
    assert shapes["InboxSelection"]["properties"]["items"]["minItems"] == 1
    external = shapes["ExternalBookmarkIn"]
    assert set(external["required"]) == {"url", "title", "creator"}
    assert "default" not in external["properties"]["title"]
    assert external["properties"]["rating"]["enum"][0] == ""
    tag = external["properties"]["tags"]["items"]
    assert tag["maxLength"] == 150


@pytest.mark.parametrize(("name", "ok"), [
    ("Fluff", True), ("Found Family (Sort Of)", True), ("  padded  ", True), ("", False),
    ("   ", False), ("\x01", False), ("a,b", False), ("50%", False), ("x=y", False),
    ("a\u3000", True), ("\u3000", False), ("\x85", False),
])
def test_the_documented_tag_name_pattern_is_the_services_rule(name, ok):
    try:
        tag_validate_name(name)
        valid = True
    except ValidationError:
        valid = False
    assert valid is ok
    documented = api.get_openapi_schema()["components"]["schemas"]["BookmarkIn"]
    assert bool(re.search(documented["properties"]["tags"]["items"]["pattern"], name)) is ok
