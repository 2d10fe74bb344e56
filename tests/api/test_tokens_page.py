"""The owner's API tokens page (/users/<name>/api-tokens): who may see it, making one (name and
the scopes the account may give; its secret shown once), the list (name, scopes, created,
last used), revoking (a POST with CSRF), the cap, the rate limit and the security log."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.utils import timezone

from fichive.api.models import ApiToken
from fichive.api.services import MAX_PER_USER, token_create
from tests.factories import UserFactory, WorkFactory, user_with
from tests.works.helpers import html

URL = "/users/carol/api-tokens"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def sync(reader):
    """The reader's read-only token named "sync": (row, secret)."""
    return token_create(user=reader, name="sync", scopes=["read"])


def test_guests_are_sent_to_log_in(client, reader):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


@pytest.mark.parametrize("who", ["stranger", "moderator", "admin"])
def test_only_the_owner_sees_the_page(who, client, reader, sync):
    other = {"stranger": lambda: UserFactory(username="dave"),
             "moderator": lambda: user_with("mona", is_moderator=True),
             "admin": lambda: user_with("root", is_staff=True)}[who]()
    client.force_login(other)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "Theirs", "scopes": ["read"]}).status_code == 403
    assert client.post(f"{URL}/{sync[0].pk}/revoke").status_code == 403
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["sync"]


def test_preferences_link_to_the_page(reader_client):
    page = html(reader_client.get("/users/carol/preferences"))

    assert f'href="{URL}"' in page


def test_the_form_offers_only_the_scopes_the_account_may_give(client, reader, moderator):
    client.force_login(reader)
    page = html(client.get(URL))
    assert 'value="read"' in page and 'value="write"' in page
    assert 'value="moderate"' not in page and 'value="archivist"' not in page

    client.force_login(moderator)
    assert 'value="moderate"' in html(client.get("/users/mona/api-tokens"))


def test_a_new_token_is_shown_once_and_works_with_its_scopes(reader_client, reader, author):
    restricted = WorkFactory(author=author, title="Members", restricted=True)

    response = reader_client.post(URL, {"name": "reading app", "scopes": ["read"]})
    page = html(response)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "shown only this once" in page
    secret = page.split('class="api-secret">')[1].split("<")[0]
    assert secret.startswith("fichive_")
    row = ApiToken.objects.get(user=reader)
    assert (row.name, row.scopes) == ("reading app", "read")
    assert secret not in (row.digest, row.lookup)

    again = html(reader_client.get(URL))
    assert secret not in again
    assert "reading app" in again and "Never" in again  # listed, not yet used

    api = Client()
    assert api.get(f"/api/v1/works/{restricted.pk}", **bearer(secret)).status_code == 200
    assert api.patch("/api/v1/me/preferences", {"font_size": 120},
                     content_type="application/json", **bearer(secret)).status_code == 403


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "scopes": ["read"]}, "Give the token a name"),
    ({"name": "   ", "scopes": ["read"]}, "Give the token a name"),
    ({"name": "x" * 101, "scopes": ["read"]}, "at most 100 characters"),
    ({"name": "SYNC", "scopes": ["read"]}, "You already have a token named"),
    ({"name": "no scope"}, "Choose at least one scope"),
    ({"name": "mod", "scopes": ["moderate"]}, "can&#x27;t give the “moderate” scope"),
    ({"name": "odd", "scopes": ["everything"]}, "“everything” scope"),
])
def test_a_bad_token_is_refused_with_a_message(data, message, reader_client, reader, sync):
    response = reader_client.post(URL, data)

    assert response.status_code == 400
    assert message in html(response)
    assert "api-secret" not in html(response)
    assert ApiToken.objects.filter(user=reader).count() == 1


def test_an_account_has_at_most_the_cap(reader_client, reader):
    for n in range(MAX_PER_USER):
        token_create(user=reader, name=f"Token {n}", scopes=["read"])

    response = reader_client.post(URL, {"name": "One more", "scopes": ["read"]})

    assert response.status_code == 400
    assert f"You have {MAX_PER_USER} tokens" in html(response)
    assert ApiToken.objects.filter(user=reader).count() == MAX_PER_USER


def test_the_list_shows_scopes_and_when_each_was_last_used(reader_client, reader, sync,
                                                           author):
    work = WorkFactory(author=author)
    Client().get(f"/api/v1/works/{work.pk}", **bearer(sync[1]))
    row = ApiToken.objects.get(pk=sync[0].pk)
    assert row.last_used_at is not None

    page = html(reader_client.get(URL))

    assert "<td>read</td>" in page
    shown = timezone.localtime(row.last_used_at).strftime("%-d %b %Y, %H:%M")
    assert page.count(shown) == 2  # created and last used, the same minute


def test_revoking_removes_it_and_programs_using_it_are_refused(reader_client, reader, sync):
    row, secret = sync
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 200

    response = reader_client.post(f"{URL}/{row.pk}/revoke", follow=True)

    assert "Token “sync” revoked" in html(response)
    assert "You have no API tokens." in html(response)
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 401


def test_revoking_someone_elses_or_a_missing_one_changes_nothing(reader_client, stranger):
    theirs, _ = token_create(user=stranger, name="Theirs", scopes=["read"])

    response = reader_client.post(f"{URL}/{theirs.pk}/revoke", follow=True)

    assert "exist (it may be revoked already)" in html(response)
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_revoking_needs_a_post_with_the_csrf_token(reader, sync):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)

    assert browser.get(f"{URL}/{sync[0].pk}/revoke").status_code == 405
    assert browser.post(f"{URL}/{sync[0].pk}/revoke").status_code == 403
    assert browser.post(URL, {"name": "no csrf", "scopes": ["read"]}).status_code == 403
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["sync"]

    page = html(browser.get(URL))
    csrf = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = browser.post(f"{URL}/{sync[0].pk}/revoke", {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_making_and_revoking_are_security_events(reader_client, reader, caplog):
    caplog.set_level(logging.INFO, logger="fichive.security")

    page = html(reader_client.post(URL, {"name": "bot", "scopes": ["read", "write"]}))
    row = ApiToken.objects.get(user=reader)
    reader_client.post(f"{URL}/{row.pk}/revoke")

    lines = [r.getMessage() for r in caplog.records if r.name == "fichive.security"]
    assert any("event=api_token_created" in line and f"user_id={reader.pk}" in line
               and "scopes=read,write" in line for line in lines)
    assert any("event=api_token_revoked" in line and f"token_id={row.pk}" in line
               for line in lines)
    secret = page.split('class="api-secret">')[1].split("<")[0]
    assert not any(secret in line for line in lines)


def test_the_page_showing_a_new_secret_has_one_h1_and_labelled_fields(reader_client, reader):
    from tests.test_finish import outline

    page = outline(reader_client.post(URL, {"name": "Thorium", "scopes": ["read"]}))

    assert [level for level, _ in page.headings].count(1) == 1
    assert not page.unlabelled()


def test_making_tokens_is_rate_limited(reader_client, reader, monkeypatch):
    from fichive.api import views
    from fichive.lib.ratelimit import RateLimit

    monkeypatch.setattr(views, "CREATES", RateLimit(views.CREATES.prefix, limit=2,
                                                    window=3600))
    for name in ("one", "two"):
        assert reader_client.post(URL, {"name": name, "scopes": ["read"]}).status_code == 200

    response = reader_client.post(URL, {"name": "three", "scopes": ["read"]})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "You have made 2 API tokens in the last hour" in html(response)
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["one", "two"]


def test_a_wrong_token_is_a_security_event_and_counts_against_the_address(client, db, caplog,
                                                                          monkeypatch):
    from fichive.api import v1
    from fichive.lib.ratelimit import RateLimit

    caplog.set_level(logging.INFO, logger="fichive.security")
    monkeypatch.setattr(v1, "API_REQUESTS", RateLimit(v1.API_REQUESTS.prefix, limit=2,
                                                      window=60, address_for_accounts=True))
    guess = bearer("fichive_" + "A" * 43)

    assert [client.get("/api/v1/me", **guess).status_code for _ in range(3)] == [401, 401, 429]
    lines = [r.getMessage() for r in caplog.records if r.name == "fichive.security"]
    assert sum("event=api_token_failed" in line for line in lines) == 3
    assert not any("AAAA" in line for line in lines)
