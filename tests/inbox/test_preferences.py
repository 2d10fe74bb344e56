"""The preferences page: history and which notifications come by mail, the owner's only."""

from __future__ import annotations

import re
from html import unescape

from fichive.accounts.models import Preference
from fichive.accounts.selectors import preferences_of


def text(response) -> str:
    return unescape(response.content.decode())


def test_every_switch_is_on_for_a_new_account(reader_client, reader):
    html = text(reader_client.get(f"/users/{reader.username}/preferences"))
    for name in ("history_enabled", "email_comments", "email_replies", "email_subscriptions",
                 "email_moderation", "email_kudos"):
        assert re.search(f'<input type="checkbox" name="{name}"[^>]* checked>', html)
    assert "A daily summary of kudos on my works" in html


def test_saving_turns_switches_off_and_says_so(reader_client, reader):
    response = reader_client.post(f"/users/{reader.username}/preferences",
                                  {"email_comments": "on", "email_replies": "on",
                                   "email_moderation": "on"}, follow=True)
    assert "Your preferences were saved." in text(response)
    prefs = preferences_of(reader)
    assert (prefs.history_enabled, prefs.email_subscriptions, prefs.email_kudos) == (
        False, False, False)
    assert (prefs.email_comments, prefs.email_replies, prefs.email_moderation) == (
        True, True, True)
    assert '<input type="checkbox" name="email_kudos" id="id_email_kudos">' in text(response)


def test_unknown_fields_are_ignored(reader_client, reader):
    reader_client.post(f"/users/{reader.username}/preferences",
                       {"email_kudos": "on", "is_staff": "on", "user": "1"})
    reader.refresh_from_db()
    assert not reader.is_staff
    assert Preference.objects.get(user=reader).email_kudos


def test_an_account_without_an_address_is_told_no_mail_goes(reader_client, reader):
    reader.email = ""
    reader.save(update_fields=["email"])
    html = text(reader_client.get(f"/users/{reader.username}/preferences"))
    assert "Your account has no email address, so no mail is sent" in html


def test_another_users_preferences_are_forbidden(reader_client, stranger):
    assert reader_client.get(f"/users/{stranger.username}/preferences").status_code == 403
    response = reader_client.post(f"/users/{stranger.username}/preferences", {})
    assert response.status_code == 403
    assert preferences_of(stranger).email_kudos


def test_no_such_user_is_404_and_guests_log_in_first(client, reader_client):
    assert reader_client.get("/users/nobody_here/preferences").status_code == 404
    reader_client.logout()
    response = client.get("/users/carol/preferences")
    assert response.status_code == 302
    assert "/login" in response["Location"]
