"""Fan-out timing: posting a chapter (works.services.chapter_add, what the request runs,
commit and task enqueueing included) to a work with no subscribers and to one with 10,000,
median of several runs each; then how long the worker takes to put the new chapter in the
10,000 inboxes and to mail them. The request must not grow with the subscribers: it only
queues one task. It measures; it never fails on a slow figure.

    .venv/bin/python bench/fanout.py                       # a fresh SQLite archive in a temp dir
    FICHIVE_DATA_DIR=/path/to/archive .venv/bin/python bench/fanout.py   # an existing one
    FICHIVE_DATABASE_URL=postgres://… .venv/bin/python bench/fanout.py   # a migrated PostgreSQL

On an existing archive it adds its own users and works (named fanout_…) and removes them
afterwards. Mail goes to files in a temporary directory (the default file backend).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from inprocess import django_setup, ms

PREFIX = "fanout_"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7, help="chapters posted per work (7)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    temp = None
    if not os.environ.get("FICHIVE_DATA_DIR") and not os.environ.get("FICHIVE_DATABASE_URL"):
        temp = Path(tempfile.mkdtemp(prefix="fichive-fanout-"))
    mail_dir = Path(tempfile.mkdtemp(prefix="fichive-fanout-mail-"))
    try:
        django_setup(temp)
        from django.conf import settings

        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = mail_dir
        result = _measure(args.subscribers, args.runs)
    finally:
        shutil.rmtree(mail_dir, ignore_errors=True)
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"fanout ({result['database']}): chapter_add median {result['quiet_ms']} ms with 0 "
          f"subscribers, {result['busy_ms']} ms with {args.subscribers:,} "
          f"(x{result['busy_ms'] / max(result['quiet_ms'], 0.001):.2f}); the worker put it "
          f"in {result['delivered']:,} inboxes in {result['items_s']} s and mailed "
          f"{result['mailed']:,} in {result['mail_s']} s")
    return 0


def _measure(subscribers: int, runs: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from fichive.accounts.models import User
    from fichive.accounts.services import user_create
    from fichive.inbox.models import InboxItem
    from fichive.lib.tasks import run_pending_tasks
    from fichive.subscriptions.models import Subscription
    from fichive.works.services import ChapterText, WorkMeta, chapter_add, work_create

    tasks_before = set(DBTaskResult.objects.values_list("pk", flat=True))
    _cleanup()
    author = user_create(username=f"{PREFIX}author", email="fanout@example.invalid")
    pseud = author.default_pseud

    def new_work(title: str):  # noqa: ANN202
        meta = WorkMeta(title=title, creators=[pseud], fandoms=["Original Work"])
        return work_create(user=author, meta=meta, post=True,
                           chapters=[ChapterText(content="<p>It began.</p>")])

    quiet, busy = new_work(f"{PREFIX}quiet"), new_work(f"{PREFIX}busy")
    unusable = make_password(None)
    for start in range(0, subscribers, 2000):
        User.objects.bulk_create([
            User(username=f"{PREFIX}{i}", email=f"{PREFIX}{i}@example.invalid", password=unusable)
            for i in range(start, min(start + 2000, subscribers))])
    readers = User.objects.filter(username__startswith=PREFIX).exclude(pk=author.pk)
    Subscription.objects.bulk_create(
        [Subscription(user_id=pk, work=busy) for pk in readers.values_list("pk", flat=True)],
        batch_size=2000)

    def post(work) -> float:  # noqa: ANN001
        started = time.perf_counter()
        chapter_add(user=author, work=work, text=ChapterText(content="<p>More rain.</p>"))
        return time.perf_counter() - started

    post(quiet)  # warm-up
    post(busy)
    quiet_runs, busy_runs = [], []
    for _ in range(runs):  # interleaved, so both see the same machine
        quiet_runs.append(post(quiet))
        busy_runs.append(post(busy))
    # Only the last chapter's delivery is timed: forget what the timing runs queued.
    DBTaskResult.objects.exclude(pk__in=tasks_before).delete()
    post(busy)
    # The chapter also queued "More like this" comparing the work again: not what is timed.
    DBTaskResult.objects.filter(task_path__startswith="fichive.recommendations.").exclude(
        pk__in=tasks_before).delete()
    started = time.perf_counter()
    run_pending_tasks(max_tasks=1)  # the fan-out task: every inbox item
    items_s = time.perf_counter() - started
    delivered = InboxItem.objects.filter(work=busy).count()
    started = time.perf_counter()
    run_pending_tasks()  # the mail tasks, one per 1,000 items
    mail_s = time.perf_counter() - started
    mailed = InboxItem.objects.filter(work=busy, mailed_at__isnull=False).count()
    DBTaskResult.objects.exclude(pk__in=tasks_before).delete()
    _cleanup()
    return {
        "database": connection.vendor, "subscribers": subscribers, "runs": runs,
        "quiet_ms": ms(statistics.median(quiet_runs)),
        "busy_ms": ms(statistics.median(busy_runs)),
        "items_s": round(items_s, 2), "mail_s": round(mail_s, 2),
        "delivered": delivered, "mailed": mailed,
    }


def _cleanup() -> None:
    """Remove what an earlier or this run added (its works, users and their rows)."""
    from fichive.accounts.models import User
    from fichive.works.models import Work
    from fichive.works.services import work_delete

    author = User.objects.filter(username=f"{PREFIX}author").first()
    if author is not None:
        for work in Work.objects.filter(title__startswith=PREFIX,
                                        creatorships__pseud__user=author):
            work_delete(user=author, work=work)
    User.objects.filter(username__startswith=PREFIX).delete()


if __name__ == "__main__":
    sys.exit(main())
