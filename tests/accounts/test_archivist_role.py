"""The archivist role: granted and revoked by admins on /admin/archivists, and what it lets a
user do (give tokens the archivist scope)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fichive.accounts.services import archivist_grant, archivist_revoke
from fichive.api.models import ApiToken
from fichive.api.services import scopes_allowed, token_create


def test_only_archivists_and_admins_may_give_the_archivist_scope(reader, admin):
    assert "archivist" not in scopes_allowed(reader)
    assert "archivist" in scopes_allowed(admin)
    with pytest.raises(ValidationError):
        token_create(user=reader, name="importer", scopes=["archivist"])

    archivist_grant(actor=admin, user=reader)
    reader.refresh_from_db()
    assert reader.is_archivist
    token, _ = token_create(user=reader, name="importer", scopes=["archivist"])
    assert token.scope_set == {"archivist"}


def test_revoking_the_role_revokes_archivist_tokens_only(reader, admin):
    archivist_grant(actor=admin, user=reader)
    reader.refresh_from_db()
    token_create(user=reader, name="importer", scopes=["archivist"])
    token_create(user=reader, name="reader app", scopes=["read"])

    archivist_revoke(actor=admin, user=reader)
    assert list(ApiToken.objects.filter(user=reader).values_list("name", flat=True)) == [
        "reader app"]


def test_only_admins_grant_it(reader, moderator):
    with pytest.raises(PermissionDenied):
        archivist_grant(actor=moderator, user=reader)


def test_the_admin_page_grants_and_revokes(client, admin, reader, caplog):
    client.force_login(admin)
    assert client.get("/admin/archivists").status_code == 200

    with caplog.at_level("INFO", logger="fichive.security"):
        response = client.post("/admin/archivists", {"username": "carol", "action": "grant"},
                               follow=True)
    assert "carol is an archivist now." in response.content.decode()
    assert "role_granted" in caplog.text
    reader.refresh_from_db()
    assert reader.is_archivist
    page = client.get("/admin/archivists").content.decode()
    assert ">carol</a>" in page

    client.post("/admin/archivists", {"username": "carol", "action": "revoke"})
    reader.refresh_from_db()
    assert not reader.is_archivist


def test_the_page_is_for_admins_only(client, reader):
    client.force_login(reader)
    assert client.get("/admin/archivists").status_code == 403
