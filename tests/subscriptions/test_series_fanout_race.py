"""Two fan-outs of one work at the same moment (its posting, and its joining a series): each
takes the work's row lock in turn, so the second sees whom the first told and nobody hears
twice. Real concurrent transactions need PostgreSQL (SQLite runs one writer at a time)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from fichive.inbox import tasks
from fichive.inbox.models import InboxItem
from fichive.series.services import series_add_work, series_create
from fichive.subscriptions.models import Subscription
from tests.factories import UserFactory, WorkFactory


@pytest.mark.django_db(transaction=True)
def test_the_posting_and_the_series_fan_out_at_once_tell_each_reader_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")
    author = UserFactory(username="alice")
    readers = [UserFactory(username=f"reader{i}") for i in range(40)]
    series = series_create(user=author, title="Raced")
    series_add_work(user=author, series=series, work=WorkFactory(author=author))
    Subscription.objects.bulk_create(
        [Subscription(user=u, series=series) for u in readers]
        + [Subscription(user=u, creator=author) for u in readers])
    for attempt in range(5):
        work = WorkFactory(author=author, title=f"Race {attempt}")
        series_add_work(user=author, series=series, work=work)
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def run(function, *args, start=start, errors=errors) -> None:
            try:
                start.wait()
                function(*args)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=run, args=(tasks.deliver_new_work.func, work.pk)),
            threading.Thread(target=run, args=(tasks.deliver_series_part.func,
                                               series.pk, work.pk)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors
        items = InboxItem.objects.filter(work=work)
        assert items.count() == len(readers)
        assert set(items.values_list("kind", flat=True)) == {"part"}
