"""HTTP Basic with app passwords on the endpoints reading apps use (downloads now; the OPDS
catalog and feeds wrap their views the same way): who gets in, who is refused and how, the
rate limit on failures, reading only, and the refusal over plain HTTP in production."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from fichive.apppasswords.auth import FAILED_LOGINS, basic_auth
from fichive.apppasswords.models import AppPassword
from fichive.apppasswords.services import app_password_create
from tests.apppasswords.conftest import basic
from tests.factories import PASSWORD, UserFactory
from tests.works.helpers import sent_to_log_in

pytestmark = pytest.mark.django_db


def _epub(work) -> str:
    return f"/downloads/{work.pk}/Members_Only.epub"


def test_an_app_password_downloads_a_restricted_epub(client, kobo, restricted):
    response = client.get(_epub(restricted), **basic("carol", kobo[1]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"
    assert response.content[:4] == b"PK\x03\x04"
    assert response["Content-Disposition"] == 'attachment; filename="Members_Only.epub"'
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_the_secret_may_be_typed_without_dashes_and_in_capitals(client, kobo, restricted):
    typed = kobo[1].replace("-", "").upper()
    assert client.get(_epub(restricted), **basic("carol", typed)).status_code == 200


def test_the_user_name_is_not_case_sensitive_but_must_be_the_owners(client, kobo, restricted,
                                                                   stranger):
    assert client.get(_epub(restricted), **basic("Carol", kobo[1])).status_code == 200
    assert client.get(_epub(restricted), **basic("dave", kobo[1])).status_code == 401


def test_the_user_is_signed_in_for_that_request_only(client, kobo, restricted):
    response = client.get(_epub(restricted), **basic("carol", kobo[1]))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert sent_to_log_in(client.get(_epub(restricted)))  # the next request is a guest's


def test_without_credentials_downloads_are_as_before(client, work, restricted):
    assert client.get(f"/downloads/{work.pk}/story.epub").status_code == 200
    assert sent_to_log_in(client.get(_epub(restricted)))


def test_a_logged_in_browser_downloads_without_credentials(reader_client, restricted):
    assert reader_client.get(_epub(restricted)).status_code == 200


def _refused(response, status: int = 401) -> bool:
    return (response.status_code == status
            and response["WWW-Authenticate"] == 'Basic realm="Fichive", charset="UTF-8"')


def test_the_account_password_never_works_over_basic(client, reader, kobo, restricted):
    response = client.get(_epub(restricted), **basic("carol", PASSWORD))

    assert _refused(response)
    assert "your account's own password doesn't work here" in response.content.decode()


@pytest.mark.parametrize("header", [
    "Basic !!!not-base64", "Basic Y2Fyb2w=",  # "carol", no colon
    "Basic OnNlY3JldA==",  # ":secret", no user name
])
def test_malformed_credentials_are_refused(header, client, restricted):
    assert _refused(client.get(_epub(restricted), HTTP_AUTHORIZATION=header))


WRONG_SECRET = "abcd-efgh-jkmn-pqrs-tuvw-xyz2"


def test_a_wrong_or_revoked_app_password_is_refused(client, reader, kobo, restricted):
    assert _refused(client.get(_epub(restricted), **basic("carol", WRONG_SECRET)))
    AppPassword.objects.filter(pk=kobo[0].pk).delete()
    assert _refused(client.get(_epub(restricted), **basic("carol", kobo[1])))


def test_wrong_credentials_are_refused_even_on_a_public_work(client, work):
    assert _refused(client.get(f"/downloads/{work.pk}/story.epub", **basic("carol", "nope")))


@pytest.mark.parametrize("field", ["banned", "is_active"])
def test_banned_and_inactive_users_are_refused(field, client, reader, kobo, restricted):
    setattr(reader, field, field == "banned")
    reader.save(update_fields=[field])
    assert _refused(client.get(_epub(restricted), **basic("carol", kobo[1])))


def test_a_suspended_user_may_still_read(client, reader, kobo, restricted):
    reader.suspended_until = timezone.now() + timedelta(days=3)
    reader.save(update_fields=["suspended_until"])
    assert client.get(_epub(restricted), **basic("carol", kobo[1])).status_code == 200


def test_failed_attempts_are_rate_limited_per_address(client, kobo, restricted):
    wrong = basic("carol", WRONG_SECRET)
    for _ in range(FAILED_LOGINS.limit):
        assert client.get(_epub(restricted), **wrong).status_code == 401

    response = client.get(_epub(restricted), **basic("carol", kobo[1]))
    assert response.status_code == 429
    assert "Too many wrong user names or app passwords" in response.content.decode()
    # The seconds until the address's window ends, not the whole window every time.
    assert 0 < int(response["Retry-After"]) <= FAILED_LOGINS.window
    # Another address is not held back, and good credentials don't count.
    other = client.get(_epub(restricted), REMOTE_ADDR="203.0.113.9", **basic("carol", kobo[1]))
    assert other.status_code == 200


def test_good_credentials_dont_count_toward_the_limit(client, kobo, restricted):
    for _ in range(FAILED_LOGINS.limit + 2):
        assert client.get(_epub(restricted), **basic("carol", kobo[1])).status_code == 200


def test_a_post_with_basic_credentials_is_refused(client, kobo, work):
    response = client.post(f"/downloads/{work.pk}/story.epub", **basic("carol", kobo[1]))
    assert response.status_code == 403
    assert "App passwords can only read" in response.content.decode()


def test_app_passwords_open_no_other_page(client, kobo, restricted):
    """Only the views wrapped in basic_auth read credentials: the work's page stays a
    guest's, and a form posted with them is a guest's (refused by CSRF/login as ever)."""
    assert sent_to_log_in(client.get(f"/works/{restricted.pk}", **basic("carol", kobo[1])))
    response = client.post("/users/carol/app-passwords", {"name": "Sneaky"},
                           **basic("carol", kobo[1]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not AppPassword.objects.filter(name="Sneaky").exists()


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SESSION_COOKIE_SECURE = True


def test_plain_http_credentials_are_refused_in_production(production, client, kobo,
                                                          restricted):
    response = client.get(_epub(restricted), **basic("carol", kobo[1]))

    assert response.status_code == 403
    assert "would travel in clear" in response.content.decode()
    assert client.get(_epub(restricted), secure=True,
                      **basic("carol", kobo[1])).status_code == 200


def test_plain_http_is_fine_for_development(settings, client, kobo, restricted):
    settings.SESSION_COOKIE_SECURE = False
    assert client.get(_epub(restricted), **basic("carol", kobo[1])).status_code == 200


def test_last_used_is_written_at_most_once_a_minute(client, kobo, restricted):
    row = kobo[0]
    client.get(_epub(restricted), **basic("carol", kobo[1]))
    first = AppPassword.objects.get(pk=row.pk).last_used_at
    assert first is not None

    recent = timezone.now() - timedelta(seconds=30)
    AppPassword.objects.filter(pk=row.pk).update(last_used_at=recent)
    client.get(_epub(restricted), **basic("carol", kobo[1]))
    assert AppPassword.objects.get(pk=row.pk).last_used_at == recent

    old = timezone.now() - timedelta(seconds=90)
    AppPassword.objects.filter(pk=row.pk).update(last_used_at=old)
    client.get(_epub(restricted), **basic("carol", kobo[1]))
    assert AppPassword.objects.get(pk=row.pk).last_used_at > recent


# ------------------------------------------------- the decorator for catalog and feed views


def _whoami(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.user.username if request.user.is_authenticated else "guest")


def _get(**headers: str) -> HttpRequest:
    request = RequestFactory().get("/opds/", **headers)
    request.user = AnonymousUser()
    return request


def test_login_required_asks_guests_for_credentials(kobo):
    view = basic_auth(login_required=True)(_whoami)

    assert _refused(view(_get()))
    response = view(_get(**basic("carol", kobo[1])))
    assert response.status_code == 200 and response.content == b"carol"


def test_without_login_required_guests_stay_guests(kobo):
    view = basic_auth(_whoami)
    assert view(_get()).content == b"guest"
    assert view(_get(**basic("carol", kobo[1]))).content == b"carol"


def test_another_authorization_scheme_is_a_guest(kobo):
    view = basic_auth(_whoami)
    assert view(_get(HTTP_AUTHORIZATION="Bearer something")).content == b"guest"


def test_an_app_password_of_a_second_account_is_its_own(client, restricted):
    dora = UserFactory(username="dora")
    _, secret = app_password_create(user=dora, name="Kobo")
    assert client.get(_epub(restricted), **basic("dora", secret)).status_code == 200
