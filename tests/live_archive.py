"""A real archive for tests that need real concurrency: its own database (a SQLite file, or a
fresh database on the PostgreSQL server the suite runs on), migrated and seeded by the
`fichive` command, served by `fichive serve` (gunicorn, several workers and threads) on a
free port; requests fired at it from a thread pool; its counters read back and compared with
the rows they count.

Used by tests/test_concurrent_counts.py (kudos, comments and bookmarks); another counter
joins by adding a row to COUNTED and building its own `Press`es.

Run as a script (`python -m tests.live_archive seed|counters …`) it is the archive's side:
Django set up on the archive's database, answering in JSON on stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Each counter on Work and the rows it counts: (field, model, filter on those rows).
# (What each counts is what its app's services keep it at: every kudos; published comments
# that are not deleted; public bookmarks.)
COUNTED: list[tuple[str, str, dict[str, Any]]] = [
    ("kudos_count", "fichive.kudos.models.Kudos", {}),
    ("comments_count", "fichive.comments.models.Comment",
     {"status": "published", "deleted": False}),
    ("bookmarks_count", "fichive.bookmarks.models.Bookmark", {"private": False}),
]


@dataclass(frozen=True)
class Press:
    """One request to fire: a POST of `data` to `path` with these headers (a guest's
    X-Forwarded-For, a user's session cookie and CSRF token)."""

    path: str
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    who: str = ""  # who pressed, for the test's own bookkeeping


@dataclass
class LiveArchive:
    """A running archive: its base URL and the environment its commands run with."""

    base: str
    env: dict[str, str]
    log: Path
    seeded: int = 0

    def run(self, *args: str) -> Any:
        """Run this module's archive side with `args`; its JSON answer."""
        done = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "tests.live_archive", *args], env=self.env, cwd=ROOT,
            capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"live_archive {args[0]} failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def seed(self, *, readers: int) -> dict[str, Any]:
        """A new author's posted work of three chapters and `readers` new logged-in readers
        (call it once per test): {"work": id, "chapters": [id, …], "author": {…},
        "readers": [{"name", "pseud", "cookie", "csrf"}, …]}."""
        self.seeded += 1
        return self.run("seed", str(readers), f"t{self.seeded}")

    def counters(self, work_id: int) -> dict[str, dict[str, int]]:
        """{counter: {"shown": the work's counter, "rows": the rows it counts,
        "filter_taggings": the copies on its filter taggings (kudos) or -1}}."""
        return self.run("counters", str(work_id))

    def fire(self, presses: Sequence[Press], *, concurrency: int = 16) -> list[tuple[int, Any]]:
        """Fire every press at once (as far as `concurrency` threads go); each answer's
        status and JSON body (a redirect's: its Location; a page's: its text), in the order
        of `presses`. Redirects are not followed."""
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(self._post, presses))

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        """GET a page (as whoever `headers` say): its status and text."""
        request = urllib.request.Request(  # noqa: S310 (our own server's http URL)
            self.base + path, headers=headers or {})
        try:
            with _OPENER.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def _post(self, press: Press) -> tuple[int, Any]:
        body = urllib.parse.urlencode(press.data).encode()
        request = urllib.request.Request(  # noqa: S310 (our own server's http URL)
            self.base + press.path, data=body, method="POST",
            headers={"Accept": "application/json",
                     "Content-Type": "application/x-www-form-urlencoded", **press.headers})
        try:
            with _OPENER.open(request, timeout=60) as response:
                return response.status, _body(response.read())
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                return error.code, error.headers.get("Location", "")
            return error.code, _body(error.read())


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers (their Location says what was made)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _body(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode(errors="replace")


def _free_port() -> int:
    from tests.ports import free_port

    return free_port()


@contextlib.contextmanager
def _database(data_dir: Path) -> Iterator[str]:
    """A database URL for the archive: beside the suite's own, empty, dropped afterwards."""
    suite_url = os.environ.get("FICHIVE_DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        yield f"sqlite:///{data_dir / 'archive.sqlite3'}"
        return
    import psycopg

    name = f"fichive_live_{secrets.token_hex(4)}"
    with psycopg.connect(suite_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urllib.parse.urlsplit(suite_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(suite_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def live_archive(*, workers: int = 2, threads: int = 4) -> Iterator[LiveArchive]:
    """Migrate a fresh archive and serve it with `fichive serve` until the block ends."""
    import fichive

    with tempfile.TemporaryDirectory(prefix="fichive-live-") as temp, \
            _database(Path(temp)) as url:
        data_dir = Path(temp)
        src = str(Path(fichive.__file__).resolve().parents[1])
        env = {**os.environ, "FICHIVE_DATA_DIR": str(data_dir), "FICHIVE_DATABASE_URL": url,
               "DJANGO_SETTINGS_MODULE": "fichive.settings",
               # Guests are told apart by the last X-Forwarded-For hop, as behind nginx.
               # Guests' page cache in each process's memory is right only for one worker
               # process (`fichive serve` refuses it for more without Redis).
               "FICHIVE_BEHIND_TLS_PROXY": "on",
               "FICHIVE_PAGE_CACHE": "on" if workers == 1 else "off",
               "PYTHONPATH": os.pathsep.join([src, str(ROOT)])}
        for name in ("FICHIVE_REDIS_URL", "FICHIVE_DATABASE_REPLICA_URLS"):
            env.pop(name, None)
        subprocess.run([sys.executable, "-m", "fichive.cli", "manage", "migrate",  # noqa: S603
                        "--verbosity", "0"], env=env, cwd=ROOT, check=True, timeout=300)
        port = _free_port()
        log = data_dir / "server.log"
        with log.open("ab") as out:
            server = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "fichive.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", str(workers), "--threads", str(threads),
                 "--no-tasks"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        archive = LiveArchive(f"http://127.0.0.1:{port}", env, log)
        try:
            _wait_until_up(archive, server)
            yield archive
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(archive: LiveArchive, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{archive.log.read_text()}")
        try:
            with urllib.request.urlopen(archive.base + "/works", timeout=10) as response:  # noqa: S310
                response.read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# ------------------------------------------------------------------- the archive's side


def _logged_in(user: Any) -> dict[str, str]:
    """What a browser logged in as `user` sends: its cookies, and the CSRF token for forms
    (a 32-character secret, which Django takes as cookie and as token alike)."""
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    csrf = secrets.token_hex(16)
    return {"name": user.username, "pseud": user.default_pseud.pk, "csrf": csrf,
            "cookie": f"sessionid={browser.cookies['sessionid'].value}; csrftoken={csrf}"}


def _seed(readers: int, prefix: str) -> dict[str, Any]:
    from tests.factories import UserFactory, WorkFactory

    author = UserFactory(username=f"{prefix}author")
    work = WorkFactory(author=author, title="Pressed From Every Side",
                       chapters=[f"<p>Chapter {n} of the pressing.</p>" for n in (1, 2, 3)])
    people = [_logged_in(UserFactory(username=f"{prefix}reader{n}")) for n in range(readers)]
    return {"work": work.pk, "chapters": [c.pk for c in work.chapters.order_by("position")],
            "author": _logged_in(author), "readers": people}


def _counters(work_id: int) -> dict[str, dict[str, int]]:
    from importlib import import_module

    from fichive.works.models import FilterTagging, Work

    work = Work.objects.get(pk=work_id)
    answer = {}
    for counter, model_path, where in COUNTED:
        module, name = model_path.rsplit(".", 1)
        model = getattr(import_module(module), name)
        copies = set(FilterTagging.objects.filter(work=work).values_list(counter, flat=True)) \
            if counter == "kudos_count" else {-1}
        answer[counter] = {"shown": getattr(work, counter),
                           "rows": model.objects.filter(work=work, **where).count(),
                           "filter_taggings": copies.pop() if len(copies) == 1 else -2}
    return answer


def _stats(work_id: int) -> dict[str, dict[str, int]]:
    """{column: {"days": the sum of the work's daily rows, "rows": what it counts now}} for
    the author's stats (fichive.stats)."""
    from django.db.models import Sum

    from fichive.bookmarks.models import Bookmark
    from fichive.comments.models import Comment
    from fichive.kudos.models import Kudos
    from fichive.stats.models import WorkStatDay
    from fichive.subscriptions.models import Subscription
    from fichive.works.models import Work

    now = {"hits": Work.objects.get(pk=work_id).hits,
           "kudos": Kudos.objects.filter(work_id=work_id).count(),
           "comment_threads": Comment.objects.filter(
               work_id=work_id, parent__isnull=True, status="published", deleted=False).count(),
           "bookmarks": Bookmark.objects.filter(work_id=work_id, private=False).count(),
           "subscriptions": Subscription.objects.filter(work_id=work_id).count()}
    days = WorkStatDay.objects.filter(work_id=work_id).aggregate(
        **{column: Sum(column) for column in now})
    return {column: {"days": days[column] or 0, "rows": rows} for column, rows in now.items()}


def _hits(work_id: int, visitors: list[str]) -> int:
    """Hits from `visitors` on the work, buffered and flushed as a serving process does."""
    from fichive.readings.buffer import reads

    for visitor in visitors:
        reads.hit(work_id, visitor)
    reads.flush()
    return len(visitors)


def _subscriptions(work_id: int) -> dict[str, int]:
    from fichive.subscriptions.models import Subscription

    return {s.user.username: s.pk for s in
            Subscription.objects.filter(work_id=work_id).select_related("user")}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command, *args = argv
    if command == "seed":
        answer: Any = _seed(int(args[0]), args[1])
    elif command == "counters":
        answer = _counters(int(args[0]))
    elif command == "stats":
        answer = _stats(int(args[0]))
    elif command == "hits":
        answer = _hits(int(args[0]), args[1:])
    elif command == "subscriptions":
        answer = _subscriptions(int(args[0]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(answer))


if __name__ == "__main__":
    main(sys.argv[1:])
