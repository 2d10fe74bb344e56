"""Loaded with `-p` before pytest-django reads the settings: a throwaway data dir for the run,
the database the suite runs on, local-memory caching with guests' page cache on (so every test
that changes something and looks again checks the cache heard of it), and no deployment's
Redis or replicas.

`FICHIVE_TEST_DB=postgres` runs the suite on PostgreSQL: the server at
`FICHIVE_TEST_POSTGRES_URL` when set (CI points it at the machine's server), otherwise a
throwaway server started here from Debian's binaries in a temp dir on a free local port and
stopped at exit. Without binaries or URL the PostgreSQL run is skipped with a message saying
what to install. The default (`sqlite`) uses a SQLite file in the data dir.

Under pytest-xdist each worker has a data dir of its own and its own test database, on the one
PostgreSQL server the main process found or started.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.ports import free_port

os.environ.setdefault("FICHIVE_DATA_DIR", tempfile.mkdtemp(prefix="fichive-test-"))

DATABASE = os.environ.get("FICHIVE_TEST_DB", "sqlite").lower()

# Under pytest-xdist (`-n 2`) each worker process runs its share of the tests against a test
# database of its own (pytest-django names it after the worker) and gets a data dir of its own
# under the run's (one per pass too): rate-limit counts, built downloads, mail and static
# files name things by ids that the workers' databases hand out independently, so a shared
# dir would mix them up.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if WORKER:
    _worker_dir = Path(os.environ["FICHIVE_DATA_DIR"]) / f"{DATABASE}-{WORKER}"
    _worker_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ["FICHIVE_DATA_DIR"] = str(_worker_dir)
_skip_reason = ""


def _postgres_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl: Debian's versioned dir, newest first, or PATH."""
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(bindir, "initdb").exists() and Path(bindir, "pg_ctl").exists():
            return Path(bindir)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def _start_postgres(bindir: Path) -> str:
    """initdb + pg_ctl start in a temp dir; returns the server's URL. PostgreSQL refuses to
    run as root, so as root the server runs as the `postgres` system user."""
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="fichive-pg-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            shutil.chown(base, user="postgres")
        except (LookupError, PermissionError) as exc:
            raise RuntimeError("running as root and there is no `postgres` user") from exc
        if not runuser:
            raise RuntimeError("running as root and `runuser` is missing")
        as_user = [runuser, "-u", "postgres", "--"]
    data = base / "data"
    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"], **quiet)
    options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off")
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                    "-l", str(base / "server.log"), "-w", "start"], **quiet)

    def stop() -> None:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(stop)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return f"postgres://postgres@127.0.0.1:{port}/postgres"


if DATABASE == "postgres":
    url = os.environ.get("FICHIVE_TEST_POSTGRES_URL", "")
    if not url and WORKER:
        # The main pytest process found (or started) the server before it started its
        # workers, and they inherit its URL: one server for the run, not one per worker.
        url = os.environ.get("FICHIVE_DATABASE_URL", "")
    if not url:
        bindir = _postgres_binaries()
        if bindir is None:
            _skip_reason = ("PostgreSQL run skipped: set FICHIVE_TEST_POSTGRES_URL or install "
                            "Debian's postgresql package (initdb and pg_ctl not found)")
        else:
            try:
                url = _start_postgres(bindir)
            except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
                detail = getattr(exc, "stderr", b"") or b""
                _skip_reason = (f"PostgreSQL run skipped: could not start a throwaway server "
                                f"({exc} {detail.decode(errors='replace').strip()})")
    if url:
        os.environ["FICHIVE_DATABASE_URL"] = url
elif DATABASE != "sqlite":
    raise pytest.UsageError(f"FICHIVE_TEST_DB must be sqlite or postgres, not {DATABASE!r}")
else:
    os.environ.pop("FICHIVE_DATABASE_URL", None)


def pytest_configure(config: pytest.Config) -> None:
    if _skip_reason:
        pytest.exit(_skip_reason, returncode=0)


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("FICHIVE_DATABASE_URL", "")
    return f"fichive database: {DATABASE}" + (f" ({url})" if url else "")
os.environ.setdefault("FICHIVE_PAGE_CACHE", "1")
# The cache in the test process's memory, emptied before each test (conftest.py); the shared
# disk store has tests of its own (tests/lib/test_disk_page_cache.py).
os.environ.setdefault("FICHIVE_CACHE", "memory")
# No flush thread for the hits buffer in the test process (a test module that imports
# fichive/wsgi.py while tests are collected would start one, writing other tests' hits outside
# their transactions); tests flush by hand, and servers they start set their own interval.
os.environ.setdefault("FICHIVE_HITS_FLUSH_SECONDS", "0")
for name in ("FICHIVE_REDIS_URL", "FICHIVE_DATABASE_REPLICA_URLS"):
    os.environ.pop(name, None)
# The search time budget is wall-clock time, and CI machines run busy: behavioural tests get a
# budget no search of theirs reaches; tests/search/test_search_limits.py sets its own.
os.environ.setdefault("FICHIVE_SEARCH_TIME_LIMIT", "60")
