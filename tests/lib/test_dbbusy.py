"""A database too busy to answer ("database is locked" and the like) gives a readable 503
with Retry-After, never a 500: a real lock held by another connection while a user's write
waits for it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from fichive.works.models import Work
from tests.factories import WorkFactory


def _hold_the_work_row(work_id: int, locked: threading.Event, release: threading.Event,
                       errors: list[BaseException]) -> None:
    """Another connection writes to the work's row and keeps its transaction open."""
    try:
        with transaction.atomic():
            Work.objects.filter(pk=work_id).update(kudos_count=0)
            locked.set()
            release.wait(30)
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        errors.append(exc)
        locked.set()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_write_that_cant_get_the_lock_is_told_to_try_again(client, author, reader):
    work = WorkFactory(author=author)
    client.force_login(reader)
    if connection.vendor == "sqlite":
        # Wait a moment for the lock, not the 20 s a server waits.
        connection.ensure_connection()
        connection.connection.execute("PRAGMA busy_timeout = 200")
    else:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
    locked, release, errors = threading.Event(), threading.Event(), []
    holder = threading.Thread(target=_hold_the_work_row, args=(work.pk, locked, release, errors))
    holder.start()
    try:
        assert locked.wait(30)
        assert not errors
        response = client.post(f"/works/{work.pk}/kudos")
    finally:
        release.set()
        holder.join(30)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "try again" in page
    assert "locked" not in page and "Traceback" not in page
    assert Work.objects.get(pk=work.pk).kudos_count == 0  # nothing half-done
