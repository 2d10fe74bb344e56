"""The API's shared ground: personal access tokens (made, checked, scoped, revoked), who the
caller is, problem details for every error, ETags, cursor links, the schema and docs page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fichive.api.models import ApiToken
from fichive.api.services import token_check, token_create, token_revoke
from tests.factories import WorkFactory


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_is_shown_once_and_stored_only_as_a_digest(reader):
    row, secret = token_create(user=reader, name="sync script", scopes=["read", "write"])

    assert secret.startswith("fichive_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=row.pk)
    assert secret not in (stored.digest, stored.lookup)
    assert stored.scopes == "read write"
    assert token_check(secret).pk == row.pk
    assert token_check(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert token_check("not-a-token") is None


def test_token_names_are_unique_per_account_and_scopes_are_checked(reader, moderator):
    token_create(user=reader, name="Kobo", scopes=["read"])

    with pytest.raises(ValidationError) as taken:
        token_create(user=reader, name="kobo", scopes=["read"])
    assert "already have a token named" in str(taken.value)
    with pytest.raises(ValidationError) as none:
        token_create(user=reader, name="x", scopes=[])
    assert "scopes" in none.value.error_dict
    with pytest.raises(ValidationError) as refused:
        token_create(user=reader, name="y", scopes=["moderate"])
    assert "can't give the “moderate” scope" in str(refused.value)
    with pytest.raises(ValidationError):
        token_create(user=reader, name="z", scopes=["archivist"])
    row, _ = token_create(user=moderator, name="queue bot", scopes=["moderate", "read"])
    assert row.scope_set == {"read", "moderate"}


def test_a_token_reads_restricted_works_as_its_user(client, author, reader):
    work = WorkFactory(author=author, restricted=True)
    _, secret = token_create(user=reader, name="app", scopes=["read"])

    assert client.get(f"/api/v1/works/{work.pk}").status_code == 404
    response = client.get(f"/api/v1/works/{work.pk}", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["restricted"] is True
    assert "Authorization" in response["Vary"]


def test_a_bad_or_revoked_token_is_refused_not_read_as_a_guest(client, author, reader):
    work = WorkFactory(author=author)
    row, secret = token_create(user=reader, name="app", scopes=["read"])

    bad = client.get(f"/api/v1/works/{work.pk}", **bearer("fichive_nope"))
    assert bad.status_code == 401
    assert bad["Content-Type"] == "application/problem+json"
    assert bad["WWW-Authenticate"].startswith("Bearer")
    assert bad.json()["status"] == 401 and "isn't valid" in bad.json()["detail"]

    token_revoke(user=reader, token_id=row.pk)
    assert client.get(f"/api/v1/works/{work.pk}", **bearer(secret)).status_code == 401


def test_a_banned_accounts_token_is_refused(client, author, banned):
    work = WorkFactory(author=author)
    _, secret = token_create(user=banned, name="app", scopes=["read"])

    response = client.get(f"/api/v1/works/{work.pk}", **bearer(secret))
    assert response.status_code == 403
    assert "banned" in response.json()["detail"]


def test_last_used_is_recorded(client, author, reader):
    work = WorkFactory(author=author)
    row, secret = token_create(user=reader, name="app", scopes=["read"])
    assert row.last_used_at is None

    client.get(f"/api/v1/works/{work.pk}", **bearer(secret))
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_reads_carry_an_etag_and_answer_304_when_unchanged(client, author):
    work = WorkFactory(author=author, title="Tide")

    first = client.get(f"/api/v1/works/{work.pk}")
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    again = client.get(f"/api/v1/works/{work.pk}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    work.title = "Ebb"
    work.save(update_fields=["title"])
    changed = client.get(f"/api/v1/works/{work.pk}", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_listings_link_to_the_next_page_by_cursor(client, author):
    for n in range(25):
        WorkFactory(author=author, title=f"Work {n:02}")

    first = client.get("/api/v1/works?sort=title&sort_direction=asc").json()
    assert first["page"] == 1 and first["previous"] is None
    assert "cursor=" in first["next"] and "sort=title" in first["next"]
    second = client.get(first["next"]).json()
    assert second["page"] == 2
    assert len(second["works"]) == 5 and second["next"] is None
    assert {w["id"] for w in second["works"]}.isdisjoint(w["id"] for w in first["works"])
    back = client.get(second["previous"]).json()
    assert [w["id"] for w in back["works"]] == [w["id"] for w in first["works"]]


def test_a_forged_cursor_is_a_validation_problem(client, db):
    response = client.get("/api/v1/works?cursor=%%%not-base64")

    assert response.status_code == 400
    assert response.json()["errors"] == {"cursor": [
        "That cursor isn't one this API gave out: follow a listing's next link, or start "
        "without one."]}


def test_malformed_parameters_are_problems_naming_the_field(client, db):
    response = client.get("/api/v1/works?page=many")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "page" in response.json()["errors"]


def test_the_schema_describes_every_operation_and_the_token(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.")
    assert "/api/v1/works/{work_id}" in schema["paths"]
    assert schema["components"]["securitySchemes"]["Bearer"]["scheme"] == "bearer"
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["properties"])


def test_the_docs_page_loads_its_assets_from_the_archive(client, db):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_a_work_reads_in_the_same_queries_whatever_its_chapters(client, author,
                                                                 django_assert_num_queries):
    short = WorkFactory(author=author, chapters=["<p>One.</p>"])
    long = WorkFactory(author=author, chapters=[f"<p>Part {n}.</p>" for n in range(30)])
    client.get(f"/api/v1/works/{short.pk}")  # (the first request's one-offs)

    with django_assert_num_queries(5):
        assert client.get(f"/api/v1/works/{short.pk}").status_code == 200
    with django_assert_num_queries(5):
        assert len(client.get(f"/api/v1/works/{long.pk}").json()["chapters"]) == 30
