"""`fichive serve`: gunicorn with the workers and threads asked for, by option or environment."""

from __future__ import annotations

import os

import pytest

from fichive import cli


@pytest.fixture
def exec_args(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(argv))
    monkeypatch.delenv("FICHIVE_WORKERS", raising=False)
    monkeypatch.delenv("FICHIVE_THREADS", raising=False)
    return calls


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_serve_runs_two_single_threaded_workers_by_default(exec_args):
    cli.main(["serve"])
    assert (_option(exec_args[0], "--workers"), _option(exec_args[0], "--threads")) == ("2", "1")
    assert _option(exec_args[0], "--bind") == "127.0.0.1:8000"


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
