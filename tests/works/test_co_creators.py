"""Co-creators: other users' pseuds are invited (inbox item and mail) and appear on the work
only once they accept; they can decline; a co-creator can leave a work (not the last one);
the poster's own pseuds and archive imports are added at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape

from fichive.accounts.selectors import preferences_of
from fichive.accounts.services import pseud_create, pseud_delete
from fichive.inbox.models import InboxItem
from fichive.works.models import CreatorInvitation, Creatorship, Work
from fichive.works.services import (
    WorkMeta,
    creator_invitation_accept,
    creator_invitation_decline,
    creator_remove_self,
    work_update,
)
from tests.factories import WorkFactory
from tests.works.helpers import edit_form


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _bylines(work: Work) -> list[str]:
    return [c.pseud.byline for c in Creatorship.objects.filter(work=work)
            .select_related("pseud__user").order_by("position")]


@pytest.fixture
def invited_work(author, co_author):
    """alice's posted work naming bob as co-creator: bob is invited."""
    return WorkFactory(author=author, title="Two Hands",
                       creators=[author.default_pseud, co_author.default_pseud], invite=True)


@pytest.fixture
def bob_client(client, co_author):
    client.force_login(co_author)
    return client


def test_posting_with_another_users_pseud_invites_them(invited_work, co_author):
    assert _bylines(invited_work) == ["alice"]
    invitation = CreatorInvitation.objects.get(work=invited_work)
    assert invitation.pseud == co_author.default_pseud
    assert invitation.invited_by.username == "alice"


def test_the_posters_own_pseuds_are_added_at_once(author):
    pen = pseud_create(user=author, name="Pen")

    work = WorkFactory(author=author, creators=[author.default_pseud, pen], invite=True)

    assert _bylines(work) == ["alice", "Pen (alice)"]
    assert not CreatorInvitation.objects.exists()


def test_archive_imports_add_co_creators_at_once(author, co_author):
    work = WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud],
                       invite=False)

    assert _bylines(work) == ["alice", "bob"]
    assert not CreatorInvitation.objects.exists()


def test_work_pages_and_listings_show_nothing_of_a_pending_invitee(client, invited_work):
    for url in (f"/works/{invited_work.pk}", "/works", "/users/alice/works"):
        page = _page(client.get(url))
        assert "Two Hands" in page
        assert "bob" not in page
    assert "Two Hands" not in _page(client.get("/users/bob/works"))


def test_an_invitee_cannot_edit_the_work_before_accepting(bob_client, invited_work):
    assert bob_client.get(f"/works/{invited_work.pk}/edit").status_code == 403
    assert bob_client.get(f"/works/{invited_work.pk}/chapters/new").status_code == 403
    assert "Edit work" not in _page(bob_client.get(f"/works/{invited_work.pk}"))


def test_the_preferences_page_has_the_invitation_mail_switch(bob_client, co_author):
    page = _page(bob_client.get("/users/bob/preferences"))
    assert "Invitations to be a co-creator of a work" in page

    bob_client.post("/users/bob/preferences", {"history_enabled": "on"})

    assert preferences_of(co_author).email_creator_invitations is False


def test_the_requests_page_lists_pending_invitations(bob_client, invited_work):
    page = _page(bob_client.get("/users/bob/creatorships"))

    assert "Co-Creator Requests" in page
    assert "Two Hands" in page
    assert "alice invited" in page
    assert 'value="accept"' in page and 'value="decline"' in page


def test_accepting_puts_the_invitee_on_the_work(bob_client, invited_work):
    invitation = CreatorInvitation.objects.get()

    response = bob_client.post("/users/bob/creatorships",
                               {"invitation": invitation.pk, "action": "accept"})

    assert response["Location"] == "/users/bob/creatorships"
    assert escape("You are now a co-creator of “Two Hands”.") in _page(
        bob_client.get(response["Location"]))
    assert _bylines(invited_work) == ["alice", "bob"]
    assert not CreatorInvitation.objects.exists()
    work_page = _page(bob_client.get(f"/works/{invited_work.pk}"))
    assert '<a rel="author" href="/users/bob/pseuds/bob">bob</a>' in work_page
    assert "Edit work" in work_page
    assert "Two Hands" in _page(bob_client.get("/users/bob/works"))


def test_declining_deletes_the_invitation(bob_client, invited_work):
    invitation = CreatorInvitation.objects.get()

    response = bob_client.post("/users/bob/creatorships",
                               {"invitation": invitation.pk, "action": "decline"})

    assert escape("You declined to be a co-creator of “Two Hands”.") in _page(
        bob_client.get(response["Location"]))
    assert not CreatorInvitation.objects.exists()
    assert _bylines(invited_work) == ["alice"]
    assert "No one has asked you to be a co-creator." in _page(
        bob_client.get("/users/bob/creatorships"))


def test_an_answered_invitation_cannot_be_answered_again(bob_client, invited_work):
    invitation = CreatorInvitation.objects.get()
    bob_client.post("/users/bob/creatorships", {"invitation": invitation.pk, "action": "decline"})

    response = bob_client.post("/users/bob/creatorships",
                               {"invitation": invitation.pk, "action": "accept"}, follow=True)

    assert "That invitation is gone" in response.content.decode()
    assert _bylines(invited_work) == ["alice"]


@pytest.mark.parametrize("data", [{"invitation": "x", "action": "accept"},
                                  {"action": "accept"}, {"invitation": "1", "action": "maybe"}])
def test_bad_answers_are_messages_not_errors(bob_client, invited_work, data):
    response = bob_client.post("/users/bob/creatorships", data, follow=True)

    assert response.status_code == 200
    assert CreatorInvitation.objects.count() == 1


def test_others_cannot_see_or_answer_someones_invitations(reader_client, invited_work, reader):
    invitation = CreatorInvitation.objects.get()

    assert reader_client.get("/users/bob/creatorships").status_code == 403
    assert reader_client.post("/users/bob/creatorships",
                              {"invitation": invitation.pk, "action": "accept"}).status_code == 403
    with pytest.raises(PermissionDenied):
        creator_invitation_accept(user=reader, invitation_id=invitation.pk)
    assert _bylines(invited_work) == ["alice"]


def test_guests_are_sent_to_log_in(client, invited_work):
    assert client.get("/users/bob/creatorships")["Location"].startswith("/login?next=")


def test_an_invitation_to_a_draft_shows_in_inbox_and_requests_but_not_the_work(
        author, co_author, bob_client, run_tasks):
    draft = WorkFactory(author=author, title="Secret Draft", post=False,
                        creators=[author.default_pseud, co_author.default_pseud], invite=True)
    run_tasks()

    assert "Secret Draft" in _page(bob_client.get("/users/bob/inbox"))
    assert "the work is a draft" in _page(bob_client.get("/users/bob/creatorships"))
    assert bob_client.get(f"/works/{draft.pk}").status_code == 404

    creator_invitation_accept(user=co_author, invitation_id=CreatorInvitation.objects.get().pk)
    assert "Secret Draft" in _page(bob_client.get(f"/works/{draft.pk}"))


def test_editing_keeps_co_creators_and_invites_new_ones(author, co_author, reader,
                                                        author_client):
    work = WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud])

    response = author_client.post(f"/works/{work.pk}/edit",
                                  edit_form(work, author, co_creators="bob, carol"))

    assert response.status_code == 302
    assert _bylines(work) == ["alice", "bob"]
    assert CreatorInvitation.objects.get().pseud == reader.default_pseud
    form = _page(author_client.get(f"/works/{work.pk}/edit"))
    assert "Invited, waiting for their answer: carol." in form


def test_naming_an_invitee_again_sends_no_second_invitation(author, co_author, invited_work,
                                                            run_tasks):
    run_tasks()
    meta = WorkMeta(title="Two Hands", fandoms=["Original Work"],
                    creators=[author.default_pseud, co_author.default_pseud])

    work_update(user=author, work=invited_work, meta=meta)
    run_tasks()

    assert CreatorInvitation.objects.count() == 1
    assert InboxItem.objects.filter(user=co_author).count() == 1


def test_a_co_creator_can_remove_themselves(author, co_author, bob_client):
    work = WorkFactory(author=author, title="Shared",
                       creators=[author.default_pseud, co_author.default_pseud])
    assert "Remove me as co-creator" in _page(bob_client.get(f"/works/{work.pk}"))
    assert "Are you sure?" in _page(bob_client.get(f"/works/{work.pk}/creatorships/leave"))

    response = bob_client.post(f"/works/{work.pk}/creatorships/leave")

    assert response["Location"] == "/users/bob"
    assert _bylines(work) == ["alice"]
    assert bob_client.get(f"/works/{work.pk}/edit").status_code == 403
    assert "Shared" not in _page(bob_client.get("/users/bob/works"))


def test_the_last_creator_cannot_remove_themselves(author, author_client, work):
    with pytest.raises(ValidationError, match="only creator"):
        creator_remove_self(user=author, work=work)

    response = author_client.post(f"/works/{work.pk}/creatorships/leave", follow=True)

    assert "You are the work&#x27;s only creator" in response.content.decode()
    assert _bylines(work) == ["alice"]


def test_only_creators_can_leave_a_work(reader_client, work):
    assert reader_client.post(f"/works/{work.pk}/creatorships/leave").status_code == 403


def test_declining_through_the_service_leaves_the_work_alone(author, co_author, invited_work):
    invitation = CreatorInvitation.objects.get()

    creator_invitation_decline(user=co_author, invitation_id=invitation.pk)

    assert _bylines(invited_work) == ["alice"]
    with pytest.raises(ValidationError):
        creator_invitation_decline(user=co_author, invitation_id=invitation.pk)


def test_deleting_an_invited_pseud_moves_the_invitation_to_the_default(author, co_author):
    pen = pseud_create(user=co_author, name="Pen")
    work = WorkFactory(author=author, creators=[author.default_pseud, pen], invite=True)

    pseud_delete(user=co_author, pseud=pen)

    assert CreatorInvitation.objects.get(work=work).pseud == co_author.default_pseud


def test_accepting_a_search_finds_the_work_by_the_new_creator(author, co_author, client,
                                                              invited_work):
    assert "Two Hands" not in _page(client.get("/works/search?q=creator:bob"))

    creator_invitation_accept(user=co_author, invitation_id=CreatorInvitation.objects.get().pk)

    assert "Two Hands" in _page(client.get("/works/search?q=creator:bob"))
