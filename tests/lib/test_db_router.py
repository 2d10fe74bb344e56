"""Read replicas: which database each request's queries run on. `replica0` mirrors the test
database (tests/conftest.py); committed data (transaction=True) is visible through both."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.lib import db_router
from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.works.helpers import work_form

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica0"])


@pytest.fixture(autouse=True)
def replicas(settings) -> None:
    # Transactional tests empty the database after each test, migrations' rows included.
    importlib.import_module("fichive.tags.migrations.0002_fixed_tags").create(apps, None)
    settings.FICHIVE_READ_REPLICAS = ["replica0"]
    settings.FICHIVE_PAGE_CACHE = False  # every request reaches a database


@contextmanager
def queries() -> Iterator[dict[str, CaptureQueriesContext]]:
    """The queries run on the primary and on the replica meanwhile."""
    captured = {alias: CaptureQueriesContext(connections[alias])
                for alias in ("default", "replica0")}
    for context in captured.values():
        context.__enter__()
    try:
        yield captured
    finally:
        for context in captured.values():
            context.__exit__(None, None, None)


def _count(captured: dict[str, CaptureQueriesContext]) -> tuple[int, int]:
    return len(captured["default"]), len(captured["replica0"])


def test_a_guests_page_view_reads_from_the_replica(work):
    guest = Client()
    for url in (f"/works/{work.pk}", "/works", "/users/alice/works"):
        with queries() as captured:
            response = guest.get(url)
        assert response.status_code == 200
        assert work.title in response.content.decode()
        primary, replica = _count(captured)
        assert (primary, replica > 0) == (0, True), url


def test_a_logged_in_users_page_view_reads_from_the_primary(work, reader_client):
    with queries() as captured:
        response = reader_client.get(f"/works/{work.pk}")
    assert response.status_code == 200
    primary, replica = _count(captured)
    assert (primary > 0, replica) == (True, 0)


def test_a_post_writes_to_the_primary_and_pins_the_browser_there(author, author_client):
    with queries() as captured:
        response = author_client.post("/works/new", work_form(author))
    assert response.status_code == 302
    primary, replica = _count(captured)
    assert (primary > 0, replica) == (True, 0)
    assert db_router.PIN_COOKIE in response.cookies


def test_after_a_post_the_browser_reads_from_the_primary_for_a_while(work, client, author):
    client.force_login(author)
    client.post("/logout")  # a guest again, but one who has just sent a form

    with queries() as captured:
        response = client.get(f"/works/{work.pk}")
    assert response.status_code == 200
    primary, replica = _count(captured)
    assert (primary > 0, replica) == (True, 0)

    # Another guest, who sent nothing, reads from the replica.
    with queries() as captured:
        Client().get(f"/works/{work.pk}")
    assert _count(captured)[0] == 0


def test_the_pin_lasts_only_the_configured_seconds(work, settings):
    settings.FICHIVE_REPLICA_PIN_SECONDS = 0
    guest = Client()
    guest.post("/login", {"username": "nobody", "password": "wrong"})

    with queries() as captured:
        guest.get(f"/works/{work.pk}")
    assert _count(captured)[0] == 0


def test_without_replicas_everything_reads_from_the_primary(work, settings):
    settings.FICHIVE_READ_REPLICAS = []
    with queries() as captured:
        response = Client().get(f"/works/{work.pk}")
    assert response.status_code == 200
    primary, replica = _count(captured)
    assert (primary > 0, replica) == (True, 0)
    assert db_router.PIN_COOKIE not in Client().post("/login", {}).cookies


def test_inside_a_transaction_reads_stay_on_the_primary(work):
    token = db_router._read_alias.set("replica0")
    try:
        assert Work.objects.db == "replica0"
        with transaction.atomic():
            assert Work.objects.db == "default"
        assert db_router.ReplicaRouter().db_for_write(Work, instance=work) == "default"
    finally:
        db_router._read_alias.reset(token)


def test_an_object_read_from_a_replica_is_saved_to_the_primary(author):
    WorkFactory(author=author, title="Before")
    token = db_router._read_alias.set("replica0")
    try:
        work = Work.objects.get(title="Before")
        assert work._state.db == "replica0"
        work.title = "After"
        work.save(update_fields=["title"])
    finally:
        db_router._read_alias.reset(token)
    assert Work.objects.using("default").get(pk=work.pk).title == "After"
