"""The owner's app passwords page (/users/<name>/app-passwords): who may see it, making one
(its secret shown once, with the user name to type), the list, revoking, the cap, and what
is kept of the secret."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from fichive.apppasswords.models import AppPassword
from fichive.apppasswords.services import MAX_PER_USER, app_password_create
from tests.apppasswords.conftest import basic
from tests.factories import UserFactory, user_with
from tests.works.helpers import html

URL = "/users/carol/app-passwords"




def test_guests_are_sent_to_log_in(client, reader):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


@pytest.mark.parametrize("who", ["stranger", "moderator", "admin"])
def test_only_the_owner_sees_the_page(who, client, reader, kobo):
    other = {"stranger": lambda: UserFactory(username="dave"),
             "moderator": lambda: user_with("mona", is_moderator=True),
             "admin": lambda: user_with("root", is_staff=True)}[who]()
    client.force_login(other)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "Theirs"}).status_code == 403
    assert client.post(f"{URL}/{kobo[0].pk}/revoke").status_code == 403
    assert AppPassword.objects.filter(user=reader).count() == 1


def test_preferences_link_to_the_page(reader_client):
    page = html(reader_client.get("/users/carol/preferences"))
    assert f'href="{URL}"' in page


def test_a_new_app_password_is_shown_once_with_the_user_name(reader_client, reader):
    response = reader_client.post(URL, {"name": "KOReader"})
    page = html(response)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    row = AppPassword.objects.get(user=reader)
    secret = page.split('class="app-secret">')[1].split("<")[0]
    assert len(secret.replace("-", "")) == 24
    assert 'class="app-username">carol<' in page
    assert "shown only this once" in page

    again = html(reader_client.get(URL))
    assert secret not in again
    assert "KOReader" in again and "Never" in again  # listed, not yet used
    assert row.name == "KOReader"


def test_the_secret_is_kept_only_as_a_digest(reader):
    row, secret = app_password_create(user=reader, name="Kobo")
    stored = AppPassword.objects.filter(pk=row.pk).values().get()
    plain = secret.replace("-", "")

    assert not any(plain in str(value) or secret in str(value) for value in stored.values())
    assert stored["digest"] == hashlib.sha256(plain.encode()).hexdigest()
    assert len(stored["lookup"]) == 8


def test_two_app_passwords_have_different_secrets(reader):
    secrets = {app_password_create(user=reader, name=f"App {n}")[1] for n in range(5)}
    assert len(secrets) == 5


@pytest.mark.parametrize(("name", "message"), [
    ("", "Give the app password a name"),
    ("   ", "Give the app password a name"),
    ("x" * 101, "at most 100 characters"),
    ("kobo", "You already have an app password named"),
])
def test_a_bad_name_is_refused_with_a_message(name, message, reader_client, reader, kobo):
    response = reader_client.post(URL, {"name": name})

    assert response.status_code == 400
    assert message in html(response)
    assert "app-secret" not in html(response)
    assert AppPassword.objects.filter(user=reader).count() == 1


def test_an_account_has_at_most_the_cap(reader_client, reader):
    for n in range(MAX_PER_USER):
        app_password_create(user=reader, name=f"App {n}")
    response = reader_client.post(URL, {"name": "One more"})

    assert response.status_code == 400
    assert f"You have {MAX_PER_USER} app passwords" in html(response)
    assert AppPassword.objects.filter(user=reader).count() == MAX_PER_USER


def test_revoking_removes_it_and_apps_using_it_are_refused(reader_client, reader, kobo,
                                                           restricted):
    row, secret = kobo
    download = f"/downloads/{restricted.pk}/Members_Only.epub"
    assert reader_client.get(download, **basic("carol", secret)).status_code == 200

    response = reader_client.post(f"{URL}/{row.pk}/revoke", follow=True)

    assert "App password “Kobo” revoked" in html(response)
    assert "You have no app passwords." in html(response)
    assert not AppPassword.objects.filter(pk=row.pk).exists()
    assert reader_client.get(download, **basic("carol", secret)).status_code == 401


def test_revoking_someone_elses_or_a_missing_one_changes_nothing(reader_client, stranger):
    theirs, _ = app_password_create(user=stranger, name="Theirs")
    response = reader_client.post(f"{URL}/{theirs.pk}/revoke", follow=True)

    assert "exist (it may be revoked already)" in html(response)
    assert AppPassword.objects.filter(pk=theirs.pk).exists()


def test_revoking_needs_a_post(reader_client, kobo):
    assert reader_client.get(f"{URL}/{kobo[0].pk}/revoke").status_code == 405
    assert AppPassword.objects.filter(pk=kobo[0].pk).exists()


def test_the_list_shows_when_each_was_last_used(reader_client, reader, kobo, restricted):
    reader_client.get(f"/downloads/{restricted.pk}/Members_Only.epub",
                      **basic("carol", kobo[1]))
    row = AppPassword.objects.get(pk=kobo[0].pk)
    assert row.last_used_at is not None
    page = html(reader_client.get(URL))
    shown = timezone.localtime(row.last_used_at).strftime("%-d %b %Y, %H:%M")
    assert page.count(shown) == 2  # created and last used, the same minute


def test_the_list_costs_the_same_queries_for_many_rows(reader_client, reader,
                                                       django_assert_num_queries):
    app_password_create(user=reader, name="One")
    reader_client.get(URL)  # warm what a first request loads
    with django_assert_num_queries(5) as one:
        reader_client.get(URL)
    for n in range(10):
        app_password_create(user=reader, name=f"App {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        reader_client.get(URL)


def test_the_page_showing_a_new_secret_has_one_h1_and_labelled_fields(reader_client, kobo):
    from tests.test_finish import outline

    page = outline(reader_client.post(URL, {"name": "Thorium"}))
    assert [level for level, _ in page.headings].count(1) == 1
    assert not page.unlabelled()


def test_making_app_passwords_is_rate_limited(reader_client, reader, monkeypatch):
    from fichive.apppasswords import views
    from fichive.lib.ratelimit import RateLimit

    monkeypatch.setattr(views, "CREATES", RateLimit(views.CREATES.prefix, limit=2,
                                                    window=3600))
    for name in ("Kobo", "KOReader"):
        assert reader_client.post(URL, {"name": name}).status_code == 200

    response = reader_client.post(URL, {"name": "Third"})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "You have made 2 app passwords in the last hour" in html(response)
    assert list(AppPassword.objects.filter(user=reader).values_list("name", flat=True)
                .order_by("name")) == ["KOReader", "Kobo"]
