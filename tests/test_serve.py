"""`fichive serve`: gunicorn with the workers and threads asked for, by option or environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fichive import cli


@pytest.fixture
def exec_args(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(argv))
    monkeypatch.delenv("FICHIVE_WORKERS", raising=False)
    monkeypatch.delenv("FICHIVE_THREADS", raising=False)
    monkeypatch.delenv("FICHIVE_PAGE_CACHE", raising=False)  # the test run turns it on
    return calls


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_serve_runs_two_threaded_workers_that_keep_connections_alive_by_default(exec_args):
    cli.main(["serve"])
    assert (_option(exec_args[0], "--workers"), _option(exec_args[0], "--threads")) == ("2", "4")
    assert _option(exec_args[0], "--bind") == "127.0.0.1:8000"
    # gunicorn's sync worker would close every connection after one request.
    assert _option(exec_args[0], "--worker-class") == "gthread"
    assert int(_option(exec_args[0], "--keep-alive")) >= 2


def test_serve_keeps_connections_alive_with_a_single_thread_too(exec_args):
    cli.main(["serve", "--threads", "1"])
    assert _option(exec_args[0], "--worker-class") == "gthread"


def test_serve_takes_workers_and_threads_from_the_environment_or_options(
    exec_args, monkeypatch
):
    monkeypatch.setenv("FICHIVE_WORKERS", "5")
    monkeypatch.setenv("FICHIVE_THREADS", "4")
    cli.main(["serve"])
    cli.main(["serve", "--workers", "3", "--threads", "8"])
    assert [(_option(a, "--workers"), _option(a, "--threads")) for a in exec_args] == [
        ("5", "4"), ("3", "8")]


def test_serve_starts_the_task_worker_unless_told_not_to(exec_args):
    cli.main(["serve"])
    cli.main(["serve", "--no-tasks"])
    assert _option(exec_args[0], "--config") == "python:fichive.serving"
    assert "--config" not in exec_args[1]


def _serve(*options: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """`fichive serve` run as a command, with these settings in its environment."""
    env = {name: value for name, value in os.environ.items()
           if name not in {"FICHIVE_PAGE_CACHE", "FICHIVE_REDIS_URL", "FICHIVE_WORKERS",
                           "FICHIVE_CACHE"}}
    env.update(environ, PYTHONPATH=str(Path(cli.__file__).parents[1]))
    return subprocess.run([sys.executable, "-m", "fichive.cli", "serve", "--port", "1",  # noqa: S603
                           *options], env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def test_serve_refuses_a_page_cache_in_each_workers_memory():
    refused = _serve("--workers", "3", FICHIVE_PAGE_CACHE="on", FICHIVE_CACHE="memory")
    assert refused.returncode != 0
    assert "FICHIVE_PAGE_CACHE is on with FICHIVE_CACHE=memory" in refused.stderr
    assert "3 worker processes" in refused.stderr and "--workers 1" in refused.stderr
    assert "Traceback" not in refused.stderr and "serving on" not in refused.stdout
    by_environment = _serve(FICHIVE_PAGE_CACHE="yes", FICHIVE_WORKERS="2",
                            FICHIVE_CACHE="memory")
    assert by_environment.returncode != 0 and "2 worker processes" in by_environment.stderr


def test_serve_allows_the_page_cache_with_one_worker_the_disk_store_or_redis(exec_args,
                                                                             monkeypatch):
    monkeypatch.setenv("FICHIVE_PAGE_CACHE", "on")
    monkeypatch.setenv("FICHIVE_CACHE", "memory")
    monkeypatch.delenv("FICHIVE_REDIS_URL", raising=False)
    cli.main(["serve", "--workers", "1", "--threads", "8"])
    monkeypatch.setenv("FICHIVE_REDIS_URL", "redis://127.0.0.1:6379/0")
    cli.main(["serve", "--workers", "4"])
    monkeypatch.setenv("FICHIVE_PAGE_CACHE", "off")
    monkeypatch.delenv("FICHIVE_REDIS_URL")
    cli.main(["serve", "--workers", "4"])
    monkeypatch.setenv("FICHIVE_PAGE_CACHE", "on")
    monkeypatch.delenv("FICHIVE_CACHE")  # the default: the disk store every worker shares
    cli.main(["serve", "--workers", "4"])
    assert [_option(argv, "--workers") for argv in exec_args] == ["1", "4", "4", "4"]
