"""A Redis server for the cache tests: FICHIVE_TEST_REDIS_URL if set, else a throwaway
`redis-server` on a free local port, else none (the Redis tests skip and say why)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from tests.ports import free_port

SKIP_REASON = "Redis tests skipped: set FICHIVE_TEST_REDIS_URL or install redis-server"

@contextmanager
def redis_server() -> Iterator[str | None]:
    """The URL of a Redis to test against, or None when there is none."""
    configured = os.environ.get("FICHIVE_TEST_REDIS_URL", "").strip()
    if configured:
        yield configured
        return
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="fichive-redis-") as workdir:
        process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own arguments
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", workdir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            deadline = time.monotonic() + 10
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"redis-server didn't start on port {port}") from None
                    time.sleep(0.05)
            client.close()
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)

def key_prefix() -> str:
    """A key prefix of this test run's own, so a shared server's other keys are left alone."""
    return f"fichive-test-{uuid.uuid4().hex[:12]}"

def forget_prefix(url: str, prefix: str) -> None:
    """Delete this run's keys only (never FLUSHDB: the server may hold others' data)."""
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
