"""The preferences page: site skin, reading settings, time zone, what to show, history and
mail, grouped in fieldsets; bad values are refused with a clear message and nothing saved;
only the owner can see or change them."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from fichive.accounts.models import Preference
from fichive.accounts.selectors import preferences_of
from fichive.accounts.services import preferences_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Everything the page sends as a browser sends it for a new account.
DEFAULTS = {"skin": "auto", "font_size": "100", "font_family": "serif", "line_width": "70",
            "time_zone": "UTC", "history_enabled": "on", "email_comments": "on",
            "email_replies": "on", "email_subscriptions": "on", "email_moderation": "on",
            "email_kudos": "on", "email_creator_invitations": "on"}


def text(response) -> str:
    return unescape(response.content.decode())


def url(user) -> str:
    return f"/users/{user.username}/preferences"


def test_the_page_groups_every_preference_in_fieldsets_with_legends(reader_client, reader):
    html = text(reader_client.get(url(reader)))
    legends = re.findall(r"<fieldset><legend>([^<]+)</legend>", html)
    assert legends == ["Site skin", "Reading", "Dates and times", "What to show", "History",
                       "Email me about"]
    for label in ("Follow my device", "Dark", "Text size (%)", "Sans-serif",
                  "Line width (characters)", "Time zone", "Show me adult content without asking",
                  "Hide archive warnings", "Hide additional tags", "Hide work skins",
                  "Keep my history", "Comments on my works"):
        assert label in html
    assert re.search(r'<input type="radio" name="skin" value="auto"[^>]* checked>', html)
    assert re.search(r'<option value="Europe/Berlin">Europe/Berlin</option>', html)
    assert re.search(r'<option value="UTC" selected>UTC</option>', html)
    assert re.search(r'<input type="number" name="font_size" value="100"', html)


def test_saving_every_display_preference_keeps_them_and_shows_them_again(reader_client, reader):
    data = {**DEFAULTS, "skin": "dark", "font_size": "150", "font_family": "sans",
            "line_width": "55", "time_zone": "America/New_York", "view_adult": "on",
            "hide_warnings": "on", "hide_freeform": "on", "hide_work_skins": "on"}
    del data["history_enabled"]
    response = reader_client.post(url(reader), data, follow=True)
    assert "Your preferences were saved." in text(response)
    saved = preferences_of(reader)
    assert (saved.skin, saved.font_size, saved.font_family, saved.line_width,
            saved.time_zone) == ("dark", 150, "sans", 55, "America/New_York")
    assert saved.view_adult and saved.hide_warnings and saved.hide_freeform
    assert saved.hide_work_skins and not saved.history_enabled and saved.email_kudos
    html = text(response)
    assert '<html lang="en" data-skin="dark">' in html
    assert re.search(r'<input type="radio" name="font_family" value="sans"[^>]* checked>', html)
    assert re.search(r'<option value="America/New_York" selected>', html)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("font_size", "300", "Choose a whole number from 80 to 200 %."),
    ("font_size", "79", "Choose a whole number from 80 to 200 %."),
    ("font_size", "big", "Choose a whole number from 80 to 200 %."),
    ("font_size", "", "Choose a whole number from 80 to 200 %."),
    ("line_width", "10", "Choose a whole number from 40 to 120 characters."),
    ("line_width", "121", "Choose a whole number from 40 to 120 characters."),
    ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list, such as "
                                       "Europe/Berlin or UTC."),
    ("time_zone", "", "Choose a time zone."),
    ("skin", "neon", "Choose light, dark, or follow my device."),
    ("font_family", "comic", "Choose serif or sans-serif."),
])
def test_a_bad_value_is_refused_with_a_clear_message_and_nothing_is_saved(
    reader_client, reader, field, value, message
):
    # A good change beside the bad one is not saved either.
    response = reader_client.post(url(reader), {**DEFAULTS, "hide_warnings": "on",
                                                field: value})
    assert response.status_code == 400
    html = text(response)
    assert message in html
    assert "Your preferences weren't saved" in html
    assert not Preference.objects.filter(user=reader, hide_warnings=True).exists()


@pytest.mark.parametrize(("values", "field"), [
    ({"font_size": 201}, "font_size"), ({"font_size": True}, "font_size"),
    ({"line_width": 39}, "line_width"), ({"time_zone": "Nowhere/At_All"}, "time_zone"),
    ({"skin": "neon"}, "skin"), ({"font_family": "mono"}, "font_family"),
])
def test_the_service_refuses_bad_values_before_saving_anything(reader, values, field):
    with pytest.raises(ValidationError) as raised:
        preferences_update(user=reader, hide_freeform=True, **values)
    assert field in raised.value.message_dict
    assert not Preference.objects.filter(user=reader, hide_freeform=True).exists()


def test_the_service_changes_only_what_it_is_given(reader):
    preferences_update(user=reader, time_zone="Asia/Tokyo", font_size=120)
    preferences_update(user=reader, skin="light")
    saved = preferences_of(reader)
    assert (saved.time_zone, saved.font_size, saved.skin, saved.line_width) == (
        "Asia/Tokyo", 120, "light", 70)


@pytest.mark.parametrize("role", ["reader", "stranger", "moderator", "admin"])
def test_only_the_owner_sees_or_changes_their_preferences(client, author, role):
    other = UserFactory(username=f"other_{role}")
    other.is_moderator = role == "moderator"
    other.is_staff = other.is_superuser = role == "admin"
    other.save(update_fields=["is_moderator", "is_staff", "is_superuser"])
    client.force_login(other)
    assert client.get(url(author)).status_code == 403
    assert client.post(url(author), {**DEFAULTS, "skin": "dark"}).status_code == 403
    assert preferences_of(author).skin == "auto"
    assert client.get(url(other)).status_code == 200


def test_guests_are_sent_to_log_in(client, author):
    response = client.get(url(author))
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_fields_a_request_does_not_send_keep_their_values(reader_client, reader):
    preferences_update(user=reader, skin="dark", time_zone="Asia/Tokyo", font_size=130)
    response = reader_client.post(url(reader), {"email_kudos": "on"}, follow=True)
    assert "Your preferences were saved." in text(response)
    saved = preferences_of(reader)
    assert (saved.skin, saved.time_zone, saved.font_size) == ("dark", "Asia/Tokyo", 130)
    assert saved.email_kudos and not saved.email_comments
