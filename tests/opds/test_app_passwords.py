"""Reading apps sign in to the catalog with HTTP Basic and an app password: the personal
feeds open, restricted works are listed and downloaded, a revoked password gets 401 (the app
asks again), and the account password never works over Basic."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from fichive.apppasswords.services import app_password_create, app_password_revoke
from fichive.readings.services import reading_mark_for_later
from tests.factories import WorkFactory
from tests.opds.conftest import NS, OPEN_ACCESS, entry_titles, feed_of, local

pytestmark = pytest.mark.django_db


def basic(username: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def shelf(author, reader):
    open_work = WorkFactory(author=author, title="Open Sea")
    locked = WorkFactory(author=author, title="Locked Harbour", restricted=True)
    reading_mark_for_later(user=reader, work=locked)
    return open_work, locked


def test_an_app_password_opens_marked_for_later_and_restricted_works(reader, shelf):
    _, locked = shelf
    row, secret = app_password_create(user=reader, name="KOReader")
    app = Client()
    assert app.get("/opds/me/later").status_code == 401
    later = app.get("/opds/me/later", **basic(reader.username, secret))
    assert later.status_code == 200
    assert entry_titles(feed_of(later, "acquisition")) == ["Locked Harbour"]
    listing = feed_of(app.get("/opds/works", **basic(reader.username, secret)), "acquisition")
    assert "Locked Harbour" in entry_titles(listing)
    assert "Locked Harbour" not in entry_titles(feed_of(app.get("/opds/works"), "acquisition"))
    # The EPUB the catalog links downloads with the same credentials, and only with them.
    [href] = feed_of(later, "acquisition").xpath(
        f"//a:entry/a:link[@rel='{OPEN_ACCESS}'][@type='application/epub+zip']/@href",
        namespaces=NS)
    epub = app.get(local(href), **basic(reader.username, secret))
    assert epub.status_code == 200 and epub["Content-Type"] == "application/epub+zip"
    assert b"".join(epub.streaming_content if epub.streaming else [epub.content])[:2] == b"PK"
    assert app.get(local(href)).status_code != 200
    app_password_revoke(user=reader, app_password_id=row.pk)
    refused = app.get("/opds/me/later", **basic(reader.username, secret))
    assert refused.status_code == 401 and "Basic" in refused["WWW-Authenticate"]


def test_the_account_password_never_works_over_basic(reader, shelf):
    reader.set_password("a long account password")
    reader.save()
    response = Client().get("/opds/me/later", **basic(reader.username, "a long account password"))
    assert response.status_code == 401
