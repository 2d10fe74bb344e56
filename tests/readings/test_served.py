"""Hits through a real server: gunicorn serving fichive/wsgi.py on an archive of its own
(SQLite in a temp dir), its flush thread writing every few seconds, and its workers writing
what they still hold when the server stops."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from fichive.cli import gunicorn_argv
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
# The archive is a SQLite file of its own whichever database the suite runs on.
pytestmark = pytest.mark.database_independent("its archive is a SQLite file of its own")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[dict[str, str], int, Path]:
    """A migrated archive with one posted work: the servers' environment, the work's id and
    the database file."""
    data = tmp_path_factory.mktemp("served-archive")
    env = {**os.environ, "FICHIVE_DATA_DIR": str(data), "PYTHONPATH": str(ROOT / "src"),
           "DJANGO_SETTINGS_MODULE": "fichive.settings", "FICHIVE_BEHIND_TLS_PROXY": "true"}
    for name in ("FICHIVE_DATABASE_URL", "FICHIVE_REDIS_URL", "FICHIVE_DATABASE_REPLICA_URLS"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "fichive.cli", "manage", "migrate", "--verbosity",
                    "0"], env=env, check=True, cwd=ROOT)
    made = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from tests.factories import UserFactory, WorkFactory; "
         "print(WorkFactory(author=UserFactory(username='alice')).pk)"],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    return env, int(made.stdout.strip().splitlines()[-1]), data / "fichive.sqlite3"


@contextmanager
def server(env: dict[str, str], flush_seconds: float) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        gunicorn_argv(host="127.0.0.1", port=port, workers=1),
        env={**env, "FICHIVE_HITS_FLUSH_SECONDS": str(flush_seconds)}, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server didn't start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        process.wait(timeout=30)


def read(base: str, path: str, address: str) -> None:
    request = urllib.request.Request(base + path, headers={"X-Forwarded-For": address})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200


def hits(database: Path, work_id: int) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT hits FROM works_work WHERE id = ?", [work_id]).fetchone()[0]


def test_a_running_server_flushes_every_few_seconds(archive):
    env, work_id, database = archive
    before = hits(database, work_id)
    with server(env, flush_seconds=0.2) as base:
        for address in ("203.0.113.1", "203.0.113.2", "203.0.113.2"):
            read(base, f"/works/{work_id}", address)
        deadline = time.monotonic() + 20
        while hits(database, work_id) < before + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert hits(database, work_id) == before + 2  # written while the server runs


def test_a_stopping_server_writes_what_it_holds(archive):
    env, work_id, database = archive
    before = hits(database, work_id)
    with server(env, flush_seconds=3600) as base:  # the thread would wait an hour
        for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
            read(base, f"/works/{work_id}", address)
        assert hits(database, work_id) == before
    assert hits(database, work_id) == before + 3
