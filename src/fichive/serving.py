"""gunicorn's hooks for `fichive serve`: the master process starts `fichive worker` (the
background task runner, fichive/lib/tasks.py) beside the web workers, restarts it if it
dies, and stops it when gunicorn stops, so one command serves the archive and runs its tasks.
Loaded with `gunicorn -c python:fichive.serving` unless `fichive serve --no-tasks`."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

_worker: subprocess.Popen | None = None


def _start() -> None:
    global _worker
    _worker = subprocess.Popen([sys.executable, "-m", "fichive.cli", "worker"])  # noqa: S603


def on_starting(server: Any) -> None:
    if _worker is None or _worker.poll() is not None:
        _start()
    server.log.info("Started the task worker (pid %s)", _worker.pid if _worker else "?")


def on_reload(server: Any) -> None:
    if _worker is None or _worker.poll() is not None:
        _start()


def pre_fork(server: Any, worker: Any) -> None:
    if _worker is not None and _worker.poll() is not None:
        server.log.warning("The task worker exited (%s); starting it again", _worker.returncode)
        _start()


def on_exit(server: Any) -> None:
    if _worker is not None and _worker.poll() is None:
        _worker.terminate()
        try:
            _worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _worker.kill()
