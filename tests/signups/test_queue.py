"""The invitation queue: joining by email, checking your place, the daily sending (a task,
capped per day), "send now" and the CLI, and the mail's link that opens sign-up once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from fichive import cli
from fichive.accounts.models import User
from fichive.signups.models import Invitation, InviteRequest, SignupSettings
from fichive.signups.selectors import queue_place
from fichive.signups.services import (
    invitations_schedule,
    invitations_send,
    invitations_send_daily,
    next_send_time,
)
from tests.inbox.conftest import commit_now

PASSWORD = "lantern-harbour-37"


def _text(response) -> str:
    return response.content.decode()


def _join(client, email: str):
    return client.post("/invite_requests", {"email": email})


def _queue(*emails: str) -> None:
    start = timezone.now() - datetime.timedelta(hours=1)
    for n, email in enumerate(emails):
        InviteRequest.objects.create(email=email, created_at=start + datetime.timedelta(
            seconds=n))


def _link(message) -> str:
    body = message.get_content()
    return re.search(r"https?://[^/\s]+(/signup/\S+)", body).group(1)


# --- joining -------------------------------------------------------------------------------


def test_joining_the_queue_gives_your_place(client, invite_only):
    _join(client, "first@example.org")

    response = _join(client, "second@example.org")

    assert response.status_code == 200
    assert "second@example.org is number 2 in the queue" in _text(response)
    assert list(InviteRequest.objects.order_by("pk").values_list("email", flat=True)) == [
        "first@example.org", "second@example.org"]


def test_the_queue_page_has_the_form_and_the_count(client, invite_only):
    _queue("a@example.org", "b@example.org")

    page = _text(client.get("/invite_requests"))

    assert 'name="email"' in page
    assert "2 people are waiting now" in page
    assert "20 invitations to the people who have waited longest" in page


@pytest.mark.parametrize("again", ["first@example.org", "FIRST@example.org",
                                   " first@EXAMPLE.org "])
def test_an_address_in_the_queue_is_not_added_twice(client, invite_only, again):
    _join(client, "first@example.org")

    response = _join(client, again)

    assert response.status_code == 400
    assert "That address is in the queue already, at number 1." in _text(response)
    assert InviteRequest.objects.count() == 1


@pytest.mark.parametrize(("email", "message"), [
    ("", "Enter your email address."),
    ("not-an-address", "Enter an email address, like name@example.org."),
    ("a@b", "Enter an email address, like name@example.org."),
    ("x" * 300 + "@example.org", "Enter an email address"),
])
def test_bad_addresses_are_refused(client, invite_only, email, message):
    response = _join(client, email)

    assert response.status_code == 400
    assert message in _text(response)
    assert not InviteRequest.objects.exists()


def test_an_address_with_an_account_is_sent_to_log_in(client, invite_only, reader):
    response = _join(client, reader.email)

    assert response.status_code == 400
    assert "An account uses that address already" in _text(response)


@pytest.mark.parametrize(("policy", "words"), [
    ("open", "anyone can"), ("closed", "Sign-ups are closed")])
def test_the_queue_takes_no_one_unless_invite_only(client, db, settings, policy, words):
    settings.FICHIVE_SIGNUP = policy

    assert words in _text(client.get("/invite_requests"))
    response = _join(client, "first@example.org")
    assert response.status_code == 400
    assert escape("The archive isn't taking invitation requests") in _text(response)
    assert not InviteRequest.objects.exists()


def test_checking_your_place(client, invite_only):
    _queue("a@example.org", "b@example.org", "c@example.org")

    page = _text(client.get("/invite_requests/status", {"email": "B@example.org"}))
    missing = _text(client.get("/invite_requests/status", {"email": "z@example.org"}))
    bad = client.get("/invite_requests/status", {"email": "nonsense"})

    assert "b@example.org is number 2 in the queue" in page
    assert "z@example.org is not in the queue" in missing
    assert bad.status_code == 400
    assert "Enter an email address" in _text(bad)


def test_places_move_up_as_invitations_go_out(client, invite_only, smtp_server):
    _queue("a@example.org", "b@example.org", "c@example.org")

    invitations_send(count=1)

    assert queue_place("b@example.org").position == 1
    assert queue_place("c@example.org").position == 2
    page = _text(client.get("/invite_requests/status", {"email": "a@example.org"}))
    assert "An invitation was sent to a@example.org" in page


# --- sending -------------------------------------------------------------------------------


def test_invitations_go_out_oldest_first_by_mail_with_a_link(client, invite_only,
                                                              smtp_server):
    _queue("a@example.org", "b@example.org", "c@example.org")

    result = invitations_send(count=2)

    assert (result.sent, result.failed, result.waiting) == (2, 0, 1)
    assert sorted(m["To"] for m in smtp_server.messages) == ["a@example.org", "b@example.org"]
    (message,) = smtp_server.to("a@example.org")
    assert "Your invitation" in message["Subject"]
    invitation = Invitation.objects.get(email="a@example.org")
    assert _link(message) == f"/signup/{invitation.code}"
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=14)


def test_the_daily_sending_keeps_to_the_daily_number(invite_only, settings, smtp_server):
    settings.FICHIVE_INVITATIONS_PER_DAY = 2
    _queue(*(f"p{n}@example.org" for n in range(7)))
    today = timezone.now()

    assert invitations_send_daily(today).sent == 2
    assert invitations_send_daily(today).sent == 0  # the day's number is reached
    assert len(smtp_server.messages) == 2
    tomorrow = today + datetime.timedelta(days=1)
    assert invitations_send_daily(tomorrow).sent == 2  # a new day, a new number


def test_send_now_counts_toward_the_days_number(invite_only, settings, smtp_server):
    settings.FICHIVE_INVITATIONS_PER_DAY = 3
    _queue(*(f"p{n}@example.org" for n in range(7)))

    invitations_send(count=2)
    result = invitations_send_daily()

    assert result.sent == 1
    assert result.waiting == 4


def test_the_admins_daily_number_overrides_the_environment(invite_only, smtp_server):
    SignupSettings.objects.create(pk=SignupSettings.ROW, invitations_per_day=1)
    _queue("a@example.org", "b@example.org")

    assert invitations_send_daily().sent == 1


def test_nothing_is_sent_daily_unless_invite_only(db, settings, smtp_server):
    _queue("a@example.org")
    for policy in ("open", "closed"):
        settings.FICHIVE_SIGNUP = policy
        assert invitations_send_daily().sent == 0
    assert not smtp_server.messages


def test_a_failed_mail_leaves_the_person_waiting(invite_only, smtp_server):
    _queue("a@example.org", "b@example.org")
    smtp_server.refuse = 1

    result = invitations_send(count=2)

    assert (result.sent, result.failed, result.waiting) == (0, 1, 2)
    assert not Invitation.objects.exists()
    assert invitations_send(count=2).sent == 2
    assert [m["To"] for m in smtp_server.messages] == ["a@example.org", "b@example.org"]


def test_joining_queues_the_daily_sending_once(client, invite_only):
    from django_tasks_db.models import DBTaskResult

    _join(client, "a@example.org")
    _join(client, "b@example.org")
    commit_now()

    (task,) = DBTaskResult.objects.filter(task_path__endswith="send_daily_invitations")
    assert task.run_after == next_send_time()
    assert SignupSettings.objects.get().next_send_at == next_send_time()


def test_the_daily_task_sends_and_queues_the_next_day(invite_only, settings, smtp_server):
    from django_tasks_db.models import DBTaskResult

    from fichive.signups.tasks import send_daily_invitations

    settings.FICHIVE_INVITATIONS_PER_DAY = 1
    _queue("a@example.org", "b@example.org")
    SignupSettings.objects.create(pk=SignupSettings.ROW,
                                  next_send_at=timezone.now() - datetime.timedelta(minutes=1))

    assert send_daily_invitations.call() == 1
    commit_now()

    assert [m["To"] for m in smtp_server.messages] == ["a@example.org"]
    assert DBTaskResult.objects.filter(task_path__endswith="send_daily_invitations",
                                       run_after=next_send_time()).count() == 1
    assert not invitations_schedule()  # already queued


def test_following_the_mail_link_signs_up_once(client, invite_only, smtp_server):
    _join(client, "wren@example.org")
    invitations_send(count=1)
    link = _link(smtp_server.to("wren@example.org")[0])

    form = _text(client.get(link))
    assert 'value="wren@example.org"' in form
    response = client.post(link, {"username": "wren", "email": "wren@example.org",
                                  "password1": PASSWORD, "password2": PASSWORD,
                                  "accept_terms": "on", "confirm_age": "on"})

    assert response.status_code == 302
    assert User.objects.filter(username="wren").exists()
    client.logout()
    assert client.get(link).status_code == 400


def test_the_cli_sends_invitations(invite_only, smtp_server, capsys):
    _queue("a@example.org", "b@example.org", "c@example.org")

    assert cli.main(["invitations", "send", "2"]) == 0
    assert "Sent 2 invitations; 1 waiting in the queue." in capsys.readouterr().out
    assert cli.main(["invitations", "status"]) == 0
    assert "1 waiting in the queue; 2 sent today of 20 a day" in capsys.readouterr().out
    assert cli.main(["invitations", "send", "-3"]) == 1
    assert "Send between 1 and" in capsys.readouterr().err
    assert len(smtp_server.messages) == 2


def test_one_address_may_add_only_a_few_people_at_a_time(client, invite_only):
    for n in range(3):
        assert _join(client, f"p{n}@example.org").status_code == 200

    response = _join(client, "p3@example.org")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "Too many requests from your address" in _text(response)
    assert InviteRequest.objects.count() == 3
