"""Invitations for friends: a user asks (how many, why), an admin approves or declines; the
approved codes wait on the user's invitations page until the user emails them."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from fichive.accounts.models import User
from fichive.signups.models import Invitation, InvitationRequest


def _text(response) -> str:
    return response.content.decode()


def _ask(client, username="carol", quantity="2", reason="My writing group"):
    return client.post(f"/users/{username}/invitations/request",
                       {"quantity": quantity, "reason": reason})


def test_a_request_approved_gives_codes_to_send(client, reader, admin, invite_only,
                                                smtp_server):
    client.force_login(reader)
    assert _ask(client).status_code == 302
    client.force_login(admin)
    assert "My writing group" in _text(client.get("/admin/signups"))
    request = InvitationRequest.objects.get()

    client.post("/admin/signups", {"action": "approve", "request": request.pk})

    assert Invitation.objects.filter(owner=reader, source="user", sent_at=None).count() == 2
    client.force_login(reader)
    page = _text(client.get("/users/carol/invitations"))
    assert page.count("Friend's email") == 2
    first = Invitation.objects.filter(owner=reader).order_by("pk").first()
    sent = client.post("/users/carol/invitations",
                       {"invitation": first.pk, "email": "pal@example.org"}, follow=True)
    assert "Your invitation was sent to pal@example.org." in _text(sent)
    (message,) = smtp_server.to("pal@example.org")
    assert "carol invited you" in message.get_content()
    client.logout()
    client.post(f"/signup/{first.code}", {
        "username": "pal", "email": "pal@example.org", "password1": "lantern-harbour-37",
        "password2": "lantern-harbour-37", "accept_terms": "on", "confirm_age": "on"})
    client.force_login(reader)
    assert 'Used by <a href="/users/pal">pal</a>' in _text(client.get("/users/carol/invitations"))


def test_a_declined_request_gives_nothing(client, reader, admin, invite_only):
    client.force_login(reader)
    _ask(client)
    client.force_login(admin)

    client.post("/admin/signups", {"action": "decline",
                                   "request": InvitationRequest.objects.get().pk})

    assert not Invitation.objects.exists()
    client.force_login(reader)
    assert "Declined" in _text(client.get("/users/carol/invitations"))


def test_one_request_waits_at_a_time(client, reader, invite_only):
    client.force_login(reader)
    _ask(client)

    response = _ask(client)

    assert response.status_code == 400
    assert "You have a request waiting for an admin already." in _text(response)
    assert InvitationRequest.objects.count() == 1


@pytest.mark.parametrize(("quantity", "reason", "message"), [
    ("0", "Friends", "greater than or equal to 1"),
    ("11", "Friends", "less than or equal to 10"),
    ("two", "Friends", "Enter a whole number"),
    ("2", "", "Say briefly who the invitations are for."),
    ("2", "x" * 2001, "at most 2000 characters"),
])
def test_bad_requests_are_refused(client, reader, invite_only, quantity, reason, message):
    client.force_login(reader)

    response = _ask(client, quantity=quantity, reason=reason)

    assert response.status_code == 400
    assert message in _text(response)
    assert not InvitationRequest.objects.exists()


def test_no_requests_unless_invite_only(client, reader):
    client.force_login(reader)

    response = _ask(client)

    assert response.status_code == 400
    assert "invitation-only now" in _text(response)


@pytest.mark.parametrize("who", ["guest", "stranger", "admin"])
def test_only_the_owner_sees_or_uses_their_invitations(client, reader, stranger, admin,
                                                       invite_only, who):
    code = Invitation.objects.create(code="abc", source="user", owner=reader)
    if who != "guest":
        client.force_login(stranger if who == "stranger" else admin)

    pages = [client.get("/users/carol/invitations"),
             client.post("/users/carol/invitations",
                         {"invitation": code.pk, "email": "x@example.org"}),
             _ask(client)]

    expected = 302 if who == "guest" else 403
    assert [p.status_code for p in pages] == [expected] * 3
    code.refresh_from_db()
    assert code.sent_at is None
    assert not InvitationRequest.objects.exists()


def test_nobody_sends_anothers_code_or_one_twice(client, reader, stranger, invite_only,
                                                 smtp_server):
    theirs = Invitation.objects.create(code="theirs", source="user", owner=stranger)
    mine = Invitation.objects.create(code="mine", source="user", owner=reader)
    client.force_login(reader)

    other = client.post("/users/carol/invitations",
                        {"invitation": theirs.pk, "email": "x@example.org"})
    client.post("/users/carol/invitations", {"invitation": mine.pk, "email": "y@example.org"})
    twice = client.post("/users/carol/invitations",
                        {"invitation": mine.pk, "email": "z@example.org"})
    bad = client.post("/users/carol/invitations", {"invitation": "x", "email": "nope"})

    assert other.status_code == 400 and escape("isn't one of your invitations") in _text(other)
    assert twice.status_code == 400 and "was sent already" in _text(twice)
    assert bad.status_code == 400
    assert [m["To"] for m in smtp_server.messages] == ["y@example.org"]


def test_readers_cannot_answer_requests(client, reader, stranger, invite_only):
    client.force_login(stranger)
    _ask(client, username="dave")
    client.force_login(reader)

    response = client.post("/admin/signups", {"action": "approve",
                                              "request": InvitationRequest.objects.get().pk})

    assert response.status_code == 403
    assert InvitationRequest.objects.get().status == "pending"
    assert not Invitation.objects.exists()
    assert User.objects.count() == 2
