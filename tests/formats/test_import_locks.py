"""Imports hold the database's write lock only to save: while files are read and parsed,
other people's writes go through; and web imports are rate-limited per account and
address."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from fichive.formats.services import ImportOptions, works_import_files
from fichive.formats.views import IMPORT_LIMIT
from fichive.lib.visitors import address_hash
from fichive.tags.models import Tag
from fichive.works.models import Work
from tests.factories import UserFactory


def _story(title: str) -> bytes:
    return (f"{title}\n\nThe lamps came on one by one along the quay, and nobody counted "
            "them.\n").encode()


def _write_from_another_connection(outcome: dict[str, str]) -> None:
    """Write a row (SQLite: blocked while any transaction holds the write lock) and, on
    PostgreSQL, look for a transaction left open (the import's, while it parses)."""
    try:
        Tag.objects.create(name="Written While Importing", key="written while importing",
                           type=Tag.Type.FREEFORM)
        outcome["wrote"] = "yes"
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                               "current_database() AND state LIKE 'idle in transaction%%'")
                if cursor.fetchone()[0]:
                    outcome["error"] = "a transaction is open while the import parses"
    except OperationalError as exc:
        outcome["error"] = str(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_others_can_write_while_an_import_reads_and_parses_its_files():
    user = UserFactory(username="importer")
    outcome: dict[str, str] = {}

    def files():
        yield "one.txt", _story("First of the Batch")
        # The first story is parsed and waiting; the import reads the next file now.
        writer = threading.Thread(target=_write_from_another_connection, args=(outcome,))
        writer.start()
        writer.join(10)
        if "wrote" not in outcome:
            outcome.setdefault("error", "still waiting for the import's write lock")
        yield "two.txt", _story("Second of the Batch")

    results = works_import_files(files=files(), user=user,
                                 options=ImportOptions(fandoms=["Original Work"]))

    assert outcome == {"wrote": "yes"}
    assert [r.status for found in results for r in found] == ["created", "created"]
    assert Tag.objects.filter(name="Written While Importing").exists()
    assert Work.objects.count() == 2


def test_web_imports_are_limited_per_account(author_client, author):
    for _ in range(IMPORT_LIMIT.limit):
        IMPORT_LIMIT.record(IMPORT_LIMIT.keys_for(user_id=author.pk, address_hash=""))

    response = author_client.post("/works/import", {
        "file": SimpleUploadedFile("quay.txt", _story("Over the Limit")),
        "pseud": author.default_pseud.pk, "fandoms": "Original Work"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert f"You have done that {IMPORT_LIMIT.limit} times" in response.content.decode()
    assert not Work.objects.exists()


def test_web_imports_are_limited_per_address_across_accounts(client, author, co_author):
    here = address_hash({"REMOTE_ADDR": "127.0.0.1"})
    for _ in range(IMPORT_LIMIT.limit):
        IMPORT_LIMIT.record(IMPORT_LIMIT.keys_for(user_id=None, address_hash=here))
    client.force_login(co_author)

    response = client.post("/works/import", {
        "file": SimpleUploadedFile("quay.txt", _story("Over the Limit")),
        "pseud": co_author.default_pseud.pk, "fandoms": "Original Work"})

    assert response.status_code == 429
    assert not Work.objects.exists()
