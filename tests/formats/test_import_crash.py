"""kill -9 in the middle of a batch import, from the command line and through the web form,
on a real archive (a SQLite file, or a database on the suite's PostgreSQL server): what the
database holds afterwards is whole works only (chapters, counts, search rows and tag counts
agree), and importing the same files again completes the import without duplicates."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.formats.builders import Ao3Chapter, ao3_html, ao3_work, prose
from tests.live_archive import ROOT, LiveArchive, _database, _free_port, _wait_until_up

# Stories per batch: the importers save 50 stories per transaction (CHUNK_STORIES, and the
# command's IMPORT_BATCH_FILES), so 105 stories commit three times (50, 50, 5).
STORIES = 105


def _story(n: int, prefix: str) -> bytes:
    work = ao3_work(title=f"{prefix} Story {n:03d}", work_id=700000 + n,
                    chapters=[Ao3Chapter(prose(1, start=n + c)) for c in range(2)])
    return ao3_html(work).encode()


@pytest.fixture(scope="module")
def archive() -> Iterator[dict[str, str]]:
    """A migrated archive's environment (FICHIVE_DATA_DIR, FICHIVE_DATABASE_URL, …)."""
    import fichive

    with tempfile.TemporaryDirectory(prefix="fichive-crash-") as temp, \
            _database(Path(temp)) as url:
        src = str(Path(fichive.__file__).resolve().parents[1])
        env = {**os.environ, "FICHIVE_DATA_DIR": temp, "FICHIVE_DATABASE_URL": url,
               "DJANGO_SETTINGS_MODULE": "fichive.settings",
               "PYTHONPATH": os.pathsep.join([src, str(ROOT)])}
        for name in ("FICHIVE_REDIS_URL", "FICHIVE_DATABASE_REPLICA_URLS"):
            env.pop(name, None)
        subprocess.run([sys.executable, "-m", "fichive.cli", "manage", "migrate",  # noqa: S603
                        "--verbosity", "0"], env=env, cwd=ROOT, check=True, timeout=300)
        yield env


def _side(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.formats.crash_archive", *args], env=env, cwd=ROOT,
        capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _works_now(env: dict[str, str], prefix: str) -> int:
    """How many of these stories' works are committed, read straight from the database."""
    url = env["FICHIVE_DATABASE_URL"]
    query = "SELECT count(*) FROM works_work WHERE title LIKE %s"
    if url.startswith("sqlite"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"),
                                                timeout=5)) as db:
            return db.execute(query.replace("%s", "?"), (f"{prefix} %",)).fetchone()[0]
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(query, (f"{prefix} %",)).fetchone()[0]


def _kill_when_some_are_in(process: subprocess.Popen, env: dict[str, str],
                           prefix: str) -> int:
    """SIGKILL the process (its whole session) once a first batch has committed; how many
    of the stories were in then."""
    deadline = time.monotonic() + 120
    while (count := _works_now(env, prefix)) == 0:
        assert process.poll() is None, "the import stopped before saving anything"
        assert time.monotonic() < deadline, "no work was saved in two minutes"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)
    return count


def _consistent(env: dict[str, str], prefix: str) -> list[str]:
    found = _side(env, "check")
    assert found["problems"] == []
    return [t for t in found["titles"] if t.startswith(f"{prefix} ")]


def test_command_line_import_killed_mid_way_leaves_whole_works_and_completes_on_rerun(
        archive, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    for n in range(STORIES):
        (folder / f"story{n:03d}.html").write_bytes(_story(n, "Cli"))
    command = [sys.executable, "-m", "fichive.cli", "import", str(folder), "--author",
               "crashtest"]

    first = subprocess.Popen(command, env=archive, cwd=ROOT,  # noqa: S603
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    in_at_kill = _kill_when_some_are_in(first, archive, "Cli")

    assert first.returncode == -signal.SIGKILL
    titles = _consistent(archive, "Cli")
    assert 0 < len(titles) == _works_now(archive, "Cli") < STORIES, in_at_kill

    again = subprocess.run(command, env=archive, cwd=ROOT, capture_output=True, text=True,  # noqa: S603
                           check=False, timeout=300)

    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.strip().splitlines()[-1] == (
        f"Imported {STORIES - len(titles)} works ({len(titles)} skipped), 0 failed.")
    assert _consistent(archive, "Cli") == [f"Cli Story {n:03d}" for n in range(STORIES)]


@contextlib.contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[tuple[LiveArchive,
                                                                subprocess.Popen]]:
    """`fichive serve` in a session of its own (SIGKILL reaches its workers too)."""
    port = _free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "fichive.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port), "--workers", "1", "--threads", "2", "--no-tasks"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    live = LiveArchive(f"http://127.0.0.1:{port}", env, log)
    try:
        _wait_until_up(live, server)
        yield live, server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)


def _upload(live: LiveArchive, who: dict[str, Any], name: str, data: bytes
            ) -> tuple[int, str]:
    boundary = uuid.uuid4().hex
    fields = {"csrfmiddlewaretoken": who["csrf"], "pseud": str(who["pseud"]),
              "on_duplicate": "skip"}
    body = b"".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n"
        .encode() for key, value in fields.items())
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
             f"filename=\"{name}\"\r\nContent-Type: application/zip\r\n\r\n").encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(  # noqa: S310 (our own server's http URL)
        live.base + "/works/import", data=body, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                 "Cookie": who["cookie"]})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_web_import_of_a_zip_killed_mid_request_leaves_whole_works_and_completes(
        archive, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as stories:
        for n in range(STORIES):
            stories.writestr(f"story{n:03d}.html", _story(n, "Web"))
    who = _side(archive, "user", "webcrash")
    log = tmp_path / "server.log"

    with _server(archive, log) as (live, server):
        answers: list[Any] = []
        upload = threading.Thread(target=lambda: answers.append(
            _catch(lambda: _upload(live, who, "stories.zip", buffer.getvalue()))))
        upload.start()
        _kill_when_some_are_in(server, archive, "Web")
        upload.join(60)
    assert answers and isinstance(answers[0], OSError)  # the connection died with the server

    titles = _consistent(archive, "Web")
    assert 0 < len(titles) < STORIES

    with _server(archive, log) as (live, _):
        status, page = _upload(live, who, "stories.zip", buffer.getvalue())

    assert status == 200, page[-2000:]
    assert page.count("already imported as") == len(titles)
    assert _consistent(archive, "Web") == [f"Web Story {n:03d}" for n in range(STORIES)]
    assert "Traceback" not in log.read_text()


def _catch(call: Any) -> Any:
    try:
        return call()
    except OSError as exc:
        return exc
