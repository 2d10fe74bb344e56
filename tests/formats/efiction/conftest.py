"""Fixtures for the eFiction importer: the test archive as a dump file, its story files, and a
MySQL/MariaDB server holding it.

The server: FICHIVE_TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/) if set; otherwise a
throwaway MariaDB started in a temp dir on a free port when mariadbd and mariadb-install-db
are installed; otherwise the tests that need it are skipped. Either way the test session gets
its own database, dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.formats.efiction.dataset import Dataset, dump_sql, load_into_mysql, make_dataset
from tests.ports import free_port

SKIP_MESSAGE = "MariaDB tests skipped: set FICHIVE_TEST_MYSQL_URL or install mariadb-server"
_SBIN = ["/usr/sbin", "/usr/local/sbin", "/usr/libexec", "/usr/local/mysql/bin"]


@pytest.fixture
def dataset() -> Dataset:
    return make_dataset()


@pytest.fixture
def dump_file(tmp_path, dataset) -> Path:
    path = tmp_path / "efiction.sql"
    path.write_text(dump_sql(dataset), encoding="utf-8")
    return path


@pytest.fixture
def story_files(tmp_path, dataset) -> Path:
    """The archive's folder, holding stories/<uid>/<chapid>.txt."""
    return dataset.write_files(tmp_path / "efiction-site")


def _which(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path=os.pathsep.join(_SBIN))
        if found:
            return found
    return None


def _connect(url: str, database: str | None = None, timeout: int = 5):
    import pymysql

    parts = urlsplit(url)
    return pymysql.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 3306,
                           user=parts.username or "root", password=parts.password or "",
                           database=database, charset="utf8mb4", connect_timeout=timeout,
                           autocommit=True)


@pytest.fixture(scope="session")
def mysql_server() -> Iterator[str]:
    """The URL of a MySQL/MariaDB server, without a database name."""
    configured = os.environ.get("FICHIVE_TEST_MYSQL_URL", "").strip()
    if configured:
        yield configured
        return
    server = _which("mariadbd", "mysqld")
    install = _which("mariadb-install-db", "mysql_install_db")
    if not server or not install:
        pytest.skip(SKIP_MESSAGE)
    tmp = Path(tempfile.mkdtemp(prefix="fichive-mariadb-"))
    data = tmp / "data"
    as_root = ["--user=root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    log = tmp / "server.log"
    try:
        subprocess.run(  # noqa: S603 - our own fixed arguments
            [install, "--no-defaults", f"--datadir={data}",
             "--auth-root-authentication-method=normal", "--skip-test-db", *as_root],
            check=True, capture_output=True, timeout=180)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        output = getattr(exc, "stderr", b"") or b""
        pytest.fail(f"mariadb-install-db failed: {output.decode(errors='replace')[-500:]}")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own fixed arguments
        [server, "--no-defaults", f"--datadir={data}", f"--socket={tmp / 'mysqld.sock'}",
         f"--port={port}", "--bind-address=127.0.0.1", f"--pid-file={tmp / 'mysqld.pid'}",
         f"--log-error={log}", "--skip-grant-tables", "--skip-log-bin", *as_root],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"mysql://root@127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
                pytest.fail(f"the throwaway MariaDB server stopped at start:\n{tail}")
            try:
                _connect(url, timeout=2).close()
                break
            except Exception:
                if time.monotonic() > deadline:
                    pytest.fail("the throwaway MariaDB server didn't answer within 60 s")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def mysql_database(mysql_server) -> Iterator[str]:
    """A database of its own for this test session, holding the test archive; its URL."""
    name = f"fichive_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = _connect(mysql_server)
    except Exception as exc:
        pytest.skip(f"{SKIP_MESSAGE} (can't connect to {mysql_server}: {exc})")
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    parts = urlsplit(mysql_server)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    try:
        connection = _connect(mysql_server, database=name)
        try:
            load_into_mysql(connection, make_dataset())
        finally:
            connection.close()
        yield url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
