"""/admin/signups: only admins set the policy and the daily number, send invitations now,
and invite people by email (which works while sign-ups are closed)."""

from __future__ import annotations

import pytest

from fichive.accounts.models import User
from fichive.signups.models import Invitation, InviteRequest, SignupSettings


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("who", ["guest", "reader", "moderator"])
def test_only_admins_reach_the_signups_page(client, reader, moderator, who):
    if who != "guest":
        client.force_login(reader if who == "reader" else moderator)

    get = client.get("/admin/signups")
    post = client.post("/admin/signups", {"action": "settings", "policy": "closed"})

    expected = 302 if who == "guest" else 403
    assert get.status_code == expected and post.status_code == expected
    assert not SignupSettings.objects.exists()


def test_admin_sees_the_state_of_sign_ups(client, admin, settings):
    settings.FICHIVE_SIGNUP = "invite"
    InviteRequest.objects.create(email="a@example.org")
    client.force_login(admin)

    page = _text(client.get("/admin/signups"))

    assert "Sign-ups are <strong>by invitation</strong>" in page
    assert "1 person waits in the queue" in page
    assert "up to 20 a day" in page


def test_admin_sets_the_policy_and_the_daily_number(client, admin):
    client.force_login(admin)

    response = client.post("/admin/signups", {"action": "settings", "policy": "invite",
                                              "invitations_per_day": "5"})

    assert response.status_code == 302
    row = SignupSettings.objects.get()
    assert (row.policy, row.invitations_per_day, row.updated_by) == ("invite", 5, admin)
    client.logout()
    assert "Sign-ups are by invitation" in _text(client.get("/signup"))


def test_admin_can_go_back_to_the_servers_setting(client, admin, settings):
    settings.FICHIVE_SIGNUP = "closed"
    SignupSettings.objects.create(pk=SignupSettings.ROW, policy="open")
    client.force_login(admin)

    client.post("/admin/signups", {"action": "settings", "policy": "",
                                   "invitations_per_day": ""})

    assert SignupSettings.objects.get().policy == ""
    client.logout()
    assert "Sign-ups are closed" in _text(client.get("/signup"))


@pytest.mark.parametrize(("data", "message"), [
    ({"policy": "sometimes"}, "Select a valid choice"),
    ({"policy": "open", "invitations_per_day": "-1"}, "greater than or equal to 0"),
    ({"policy": "open", "invitations_per_day": "many"}, "Enter a whole number"),
    ({"policy": "open", "invitations_per_day": "10001"}, "less than or equal to 10000"),
])
def test_bad_settings_are_refused(client, admin, data, message):
    client.force_login(admin)

    response = client.post("/admin/signups", {"action": "settings", **data})

    assert response.status_code == 400
    assert message in _text(response)
    assert not SignupSettings.objects.exists()


def test_send_now_button(client, admin, invite_only, smtp_server):
    for n in range(3):
        InviteRequest.objects.create(email=f"p{n}@example.org")
    client.force_login(admin)

    response = client.post("/admin/signups", {"action": "send", "count": "2"}, follow=True)

    assert "Sent 2 invitations; 1 waiting in the queue." in _text(response)
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize("count", ["0", "-4", "lots", "1001", ""])
def test_send_now_refuses_bad_numbers(client, admin, invite_only, count):
    InviteRequest.objects.create(email="p@example.org")
    client.force_login(admin)

    response = client.post("/admin/signups", {"action": "send", "count": count})

    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_admin_invites_someone_while_closed(client, admin, closed, smtp_server):
    client.force_login(admin)

    response = client.post("/admin/signups", {"action": "invite", "email": "new@example.org"})

    assert response.status_code == 302
    (message,) = smtp_server.to("new@example.org")
    invitation = Invitation.objects.get()
    assert invitation.source == "admin" and invitation.owner == admin
    assert f"/signup/{invitation.code}" in message.get_content()
    client.logout()
    signed = client.post(f"/signup/{invitation.code}", {
        "username": "newbie", "email": "new@example.org", "password1": "lantern-harbour-37",
        "password2": "lantern-harbour-37", "accept_terms": "on", "confirm_age": "on"})
    assert signed.status_code == 302
    assert User.objects.filter(username="newbie").exists()


def test_admin_invite_with_a_bad_address_or_failing_mail(client, admin, smtp_server):
    client.force_login(admin)

    bad = client.post("/admin/signups", {"action": "invite", "email": "nope"})
    smtp_server.refuse = 1
    failed = client.post("/admin/signups", {"action": "invite", "email": "ok@example.org"})

    assert bad.status_code == 400
    assert "Enter an email address" in _text(bad)
    assert failed.status_code == 400
    assert "The mail couldn" in _text(failed)
    assert not Invitation.objects.exists()


def test_unknown_action_or_request_is_harmless(client, admin):
    client.force_login(admin)

    assert client.post("/admin/signups", {"action": "explode"}).status_code == 200
    response = client.post("/admin/signups", {"action": "approve", "request": "abc"},
                           follow=True)
    assert "Choose a request to answer." in _text(response)
    response = client.post("/admin/signups", {"action": "approve", "request": "999"},
                           follow=True)
    assert "That request was answered already." in _text(response)
