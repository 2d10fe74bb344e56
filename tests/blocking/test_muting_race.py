"""Mutes at the same moment: each takes the muter's row lock in turn, so the copy the
listings read (`User.muted_ids`) keeps every one of them and the cap holds. Real concurrent
transactions need PostgreSQL (SQLite runs one writer at a time)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from fichive.accounts.models import User
from fichive.blocking.models import Mute
from fichive.blocking.services import user_mute
from tests.factories import UserFactory


def _at_once(calls: list) -> list[BaseException]:
    start = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            start.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_mutes_at_once_are_all_kept_in_the_copy():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")
    muter = UserFactory(username="carol")
    for attempt in range(5):
        others = [UserFactory(username=f"muted{attempt}x{i}") for i in range(4)]
        errors = _at_once([lambda o=o: user_mute(user=User.objects.get(pk=muter.pk), muted=o)
                           for o in others])
        assert not errors
        muter.refresh_from_db()
        rows = sorted(Mute.objects.filter(muter=muter).values_list("muted_id", flat=True))
        assert sorted(muter.muted_ids) == rows
        assert len(rows) == 4 * (attempt + 1)


@pytest.mark.django_db(transaction=True)
def test_the_cap_holds_under_mutes_at_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")
    monkeypatch.setattr("fichive.blocking.services.MAX_PER_USER", 2)
    muter = UserFactory(username="carol")
    others = [UserFactory(username=f"muted{i}") for i in range(4)]
    errors = _at_once([lambda o=o: user_mute(user=User.objects.get(pk=muter.pk), muted=o)
                       for o in others])
    assert len(errors) == 2
    assert Mute.objects.filter(muter=muter).count() == 2
