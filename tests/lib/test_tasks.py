"""Background tasks: queued in the database, run by the worker, retried and logged when they
fail, never lost."""

from __future__ import annotations

import logging

import pytest
from django_tasks_db.models import DBTaskResult

from fichive.lib.tasks import enqueue_on_commit, retrying_task

CALLS: list[str] = []


@retrying_task(attempts=2)
def remember(word: str) -> None:
    CALLS.append(word)


@retrying_task(attempts=2)
def always_fails(word: str) -> None:
    CALLS.append(word)
    raise RuntimeError(f"no {word}")


@pytest.fixture(autouse=True)
def _forget():
    CALLS.clear()


def test_a_task_waits_for_the_commit_then_runs_in_the_worker(db, run_tasks):
    enqueue_on_commit(remember, "kudos")
    assert not DBTaskResult.objects.exists()
    assert CALLS == []
    assert run_tasks() == 1
    assert CALLS == ["kudos"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_failing_task_is_retried_later_logged_and_kept_as_failed(db, run_tasks, caplog,
                                                                   monkeypatch):
    monkeypatch.setattr("fichive.lib.tasks.FIRST_DELAY_SECONDS", 0)
    with caplog.at_level(logging.ERROR, logger="fichive.tasks"):
        always_fails.enqueue("luck")
        run_tasks()
    assert CALLS == ["luck", "luck"]
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    # The first attempt queued the retry and finished; the last one is kept as FAILED.
    assert statuses == ["FAILED", "SUCCESSFUL"]
    assert "attempt 1 of 2; retrying" in caplog.text
    assert "attempt 2 of 2; giving up" in caplog.text


def test_a_retry_waits_for_its_delay(db, run_tasks):
    always_fails.enqueue("patience")
    run_tasks()
    assert CALLS == ["patience"]
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after is not None
