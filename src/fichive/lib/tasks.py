"""Background tasks: django-tasks (the API Django 6 adopted as `django.tasks`) with its
database backend, so tasks need no service beyond the archive's own database.

Write a task with `@retrying_task()`: an attempt that raises is logged and queued again
after a growing delay (30 s, 2 min, 8 min, …); the last attempt's failure is logged and kept
in the queue's table as FAILED, never dropped. Enqueue from services with `enqueue_on_commit`
so a task never runs for a write that was rolled back, nor before the write is visible.
`run_pending_tasks()` runs what is due in this process (tests, `fichive worker --batch`).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger("fichive.tasks")

ATTEMPTS = 5
FIRST_DELAY_SECONDS = 30
# The keyword a retried task is queued again with; tasks never see it.
_ATTEMPT = "_fichive_attempt"


def retrying_task(*, attempts: int = ATTEMPTS, priority: int = 0,
                  queue_name: str = "default") -> Callable[[Callable[..., Any]], Task]:
    """A task whose failures are logged and retried up to `attempts` times in all."""

    def decorate(function: Callable[..., Any]) -> Task:
        @wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(_ATTEMPT, 1))
            try:
                return function(*args, **kwargs)
            except Exception:
                name = f"{function.__module__}.{function.__qualname__}"
                if attempt >= attempts:
                    logger.exception("Task %s failed on attempt %d of %d; giving up (kept "
                                     "as FAILED in the task queue)", name, attempt, attempts)
                    raise
                delay = FIRST_DELAY_SECONDS * 4 ** (attempt - 1)
                logger.exception("Task %s failed on attempt %d of %d; retrying in %d s",
                                 name, attempt, attempts, delay)
                again = task_of(run).using(
                    run_after=timezone.now() + datetime.timedelta(seconds=delay))
                again.enqueue(*args, **kwargs, **{_ATTEMPT: attempt + 1})
                return None

        made = task(priority=priority, queue_name=queue_name)(run)
        _TASKS[run] = made
        return made

    return decorate


_TASKS: dict[Callable[..., Any], Task] = {}


def task_of(function: Callable[..., Any]) -> Task:
    return _TASKS[function]


def enqueue_on_commit(task_: Task, *args: Any, **kwargs: Any) -> None:
    """Queue the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_.enqueue(*args, **kwargs))


def run_pending_tasks(*, max_tasks: int | None = None) -> int:
    """Run every task that is due now in this process, as a worker would; returns how many
    ran (failed ones included)."""
    from django.db import connections
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.exclude(status="READY").count()
    worker = db_worker.Worker(queue_names=["*"], interval=0, batch=True,
                              backend_name="default", startup_delay=False,
                              max_tasks=max_tasks, worker_id="fichive-inline",
                              excluded_queue_names=[])
    if any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        # Inside a transaction (a test's): the worker's check for expired connections would
        # take the open transaction for a broken connection and close it (PostgreSQL).
        close_old_connections = db_worker.close_old_connections
        db_worker.close_old_connections = lambda **kwargs: None
        try:
            worker.run()
        finally:
            db_worker.close_old_connections = close_old_connections
    else:
        worker.run()
    return DBTaskResult.objects.exclude(status="READY").count() - before


def run_worker(*, batch: bool = False, interval: float = 1.0) -> int:
    """`fichive worker`: run tasks from the database queue until SIGTERM/SIGINT (finishing
    the task at hand), or with `batch` until none is due."""
    from django.core.management import call_command

    args = ["db_worker", "--queue-name", "*", "--interval", str(interval), "--no-reload"]
    if batch:
        args.append("--batch")
    call_command(*args)
    return 0
