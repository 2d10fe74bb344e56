"""A real archive for tests that need real concurrency: its own database (a SQLite file, or a
fresh database on the PostgreSQL server the suite runs on), migrated and seeded by the
`fichive` command, served by `fichive serve` (gunicorn, several workers and threads) on a
free port; requests fired at it from a thread pool; its counters read back and compared with
the rows they count.

Used by tests/test_concurrent_counts.py (kudos, comments and bookmarks; a bounded storm of
every kind of write) and tests/test_crash.py (the server killed mid-write and started again
on the same data); another counter joins by adding a row to COUNTED and building its own
`Press`es.

Run as a script (`python -m tests.live_archive seed|counters …`) it is the archive's side:
Django set up on the archive's database, answering in JSON on stdout.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
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
    data: dict[str, str | list[str]] = field(default_factory=dict)
    who: str = ""  # who pressed, for the test's own bookkeeping


@dataclass
class LiveArchive:
    """A running archive: its base URL and the environment its commands run with."""

    base: str
    env: dict[str, str]
    log: Path
    seeded: int = 0
    workers: int = 2
    threads: int = 4
    tasks: bool = False
    server: subprocess.Popen | None = None

    def start(self) -> None:
        """Serve the archive (`fichive serve`, in a process group of its own) on a free
        port, and wait until it answers."""
        port = _free_port()
        with self.log.open("ab") as out:
            self.server = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "fichive.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", str(self.workers),
                 "--threads", str(self.threads), *([] if self.tasks else ["--no-tasks"])],
                env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        _wait_until_up(self, self.server)

    def kill(self) -> None:
        """SIGKILL the server's whole process group (gunicorn's master, its workers and the
        task worker) at once, as a power cut or the OOM killer would: no one cleans up."""
        if self.server is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(timeout=30)
        self.server = None

    def stop(self) -> None:
        """Stop the server the polite way (SIGTERM), then SIGKILL whatever of its process
        group is left."""
        if self.server is None:
            return
        self.server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.server.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(timeout=30)
        self.server = None

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

    def seed_many(self, *, authors: int, readers: int, chapters: int = 3) -> dict[str, Any]:
        """`authors` new authors with a posted work of `chapters` chapters each, and
        `readers` new readers: {"works": [{"id", "chapters": [id, …], "author": {…}}, …],
        "readers": [{"name", "pseud", "cookie", "csrf"}, …]}."""
        self.seeded += 1
        return self.run("seed-many", str(authors), str(readers), str(chapters),
                        f"m{self.seeded}")

    def census(self, work_ids: Sequence[int]) -> dict[str, Any]:
        """What the database holds for these works (see `_census`), and under "problems"
        every inconsistency in the whole database (see `_consistency`)."""
        return self.run("census", *map(str, work_ids))

    def log_tail(self, lines: int = 60) -> str:
        """The end of the server's log (its tracebacks, when a test failed on a 500)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def consistency(self) -> list[str]:
        """Every inconsistency found in the whole database (see `_consistency`); [] if none."""
        return self.run("consistency")

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

    def post(self, press: Press) -> tuple[int, Any]:
        """One press: its status and body (a redirect's: its Location). A connection that
        fails (the server gone) is status 0 with the error's text."""
        try:
            return self._post(press)
        except (OSError, http.client.HTTPException) as error:
            return 0, f"{type(error).__name__}: {error}"

    def _post(self, press: Press) -> tuple[int, Any]:
        body = urllib.parse.urlencode(press.data, doseq=True).encode()
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
def live_archive(*, workers: int = 2, threads: int = 4, tasks: bool = False,
                 disk_cache: bool = False,
                 settings: dict[str, str] | None = None) -> Iterator[LiveArchive]:
    """Migrate a fresh archive and serve it with `fichive serve` until the block ends (with
    its task worker when `tasks`; with `disk_cache`, the cache `make run` has: the disk store
    every process shares, and guests' page cache on for any number of workers; `settings`:
    FICHIVE_* variables of its own)."""
    import fichive

    with tempfile.TemporaryDirectory(prefix="fichive-live-") as temp, \
            _database(Path(temp)) as url:
        data_dir = Path(temp)
        src = str(Path(fichive.__file__).resolve().parents[1])
        env = {**os.environ, "FICHIVE_DATA_DIR": str(data_dir), "FICHIVE_DATABASE_URL": url,
               "DJANGO_SETTINGS_MODULE": "fichive.settings",
               # Guests are told apart by the last X-Forwarded-For hop, as behind nginx.
               # Guests' page cache in each process's memory is right only for one worker
               # process (`fichive serve` refuses it for more with FICHIVE_CACHE=memory).
               "FICHIVE_BEHIND_TLS_PROXY": "on",
               "FICHIVE_PAGE_CACHE": "on" if workers == 1 or disk_cache else "off",
               "FICHIVE_CACHE": "disk" if disk_cache else "memory",
               "PYTHONPATH": os.pathsep.join([src, str(ROOT)])}
        for name in ("FICHIVE_REDIS_URL", "FICHIVE_DATABASE_REPLICA_URLS"):
            env.pop(name, None)
        env.update(settings or {})
        subprocess.run([sys.executable, "-m", "fichive.cli", "manage", "migrate",  # noqa: S603
                        "--verbosity", "0"], env=env, cwd=ROOT, check=True, timeout=300)
        archive = LiveArchive("", env, data_dir / "server.log", workers=workers,
                              threads=threads, tasks=tasks)
        try:
            archive.start()
            yield archive
        finally:
            archive.stop()


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


# ------------------------------------------------------------------ presses and the storm


CREATED_COMMENT = re.compile(r"#comment_(\d+)$")
CREATED_BOOKMARK = re.compile(r"^/bookmarks/(\d+)$")
CREATED_CHAPTER = re.compile(r"^/works/(\d+)/chapters/(\d+)$")
CREATED_WORK = re.compile(r"^/works/(\d+)$")


def guest(block: int, n: int) -> dict[str, str]:
    """A guest of their own address (behind the proxy), with a CSRF cookie and its token."""
    token = secrets.token_hex(16)
    return {"X-Forwarded-For": f"10.{block}.{n // 250}.{n % 250 + 1}",
            "Cookie": f"csrftoken={token}", "X-CSRFToken": token}


def reader(person: dict[str, Any]) -> dict[str, str]:
    """A logged-in person (reader or author): their session and CSRF cookies, the token,
    and an address of their own (so limits per address count them apart)."""
    return {"Cookie": person["cookie"], "X-CSRFToken": person["csrf"],
            "X-Forwarded-For": person.get("address", "10.0.0.1")}


def comment(path: str, headers: dict[str, str], who: str, text: str, *,
            as_guest: bool, parent: int | None = None) -> Press:
    data: dict[str, str | list[str]] = {"content": text}
    if as_guest:
        data |= {"name": who, "email": f"{who}@example.org"}
    if parent is not None:
        data["parent_id"] = str(parent)
    return Press(path, headers, data, who=f"comment:{who}")


def bookmark(work_id: int, person: dict[str, Any], *, private: bool) -> Press:
    data: dict[str, str | list[str]] = {"pseud": str(person["pseud"]), "notes": "Kept for later."}
    if private:
        data["private"] = "on"
    return Press(f"/works/{work_id}/bookmarks/new", reader(person), data,
                 who=f"bookmark:{person['name']}")


def work_form(author: dict[str, Any], *, title: str, summary: str = "",
              content: str = "") -> dict[str, str | list[str]]:
    """The new-work form (or, without `content`, the edit form) as an author sends it:
    their default pseud, General Audiences, no warnings chosen, Original Work."""
    data: dict[str, str | list[str]] = {
        "title": title, "creators": [str(author["pseud"])], "rating": "General Audiences",
        "warnings": ["Creator Chose Not To Use Archive Warnings"], "fandoms": "Original Work",
        "summary": summary, "language": "en", "fmt": "html", "action": "post"}
    if content:
        data["chapter-content"] = content
    return data


# Each kind of write the storm presses, how often it is chosen, and the answer that
# acknowledges it. Any other answer but 429 (a rate limit said "later": not a write, not
# an error) is a failure.
STORM_MIX = {"kudos": 3, "comment": 3, "bookmark": 2, "chapter": 2, "edit": 1, "work": 1}
ACKNOWLEDGED = {"kudos": 201, "comment": 302, "bookmark": 302, "chapter": 302, "edit": 302,
                "work": 302}


_STORM_GUESTS = itertools.count()


class Storm:
    """Clients pressing writes at random on the seeded works (see LiveArchive.seed_many)
    until the time is up or `stop()`; what the server acknowledged, kind by kind.

    Kudos and comments come from a new guest address each (the comment limit is per
    person), bookmarks from each reader once per work; chapters, edits and new works from
    the works' authors. Edits of one work go one at a time, so the last acknowledged summary
    is the one that must stay."""

    def __init__(self, archive: LiveArchive, seeded: dict[str, Any],
                 mix: dict[str, int] | None = None) -> None:
        self.archive = archive
        self.works = seeded["works"]
        self.mix = mix or {k: v for k, v in STORM_MIX.items() if k != "work"}
        pairs = [(r, w) for r in seeded["readers"] for w in self.works]
        random.Random(len(pairs)).shuffle(pairs)
        self.bookmark_pairs = pairs
        self.guests = _STORM_GUESTS  # shared: no guest comes back in a later storm
        self.lock = threading.Lock()
        self.edit_locks = {w["id"]: threading.Lock() for w in self.works}
        self.stopped = threading.Event()
        self.first_write = threading.Event()  # set at the first acknowledged write
        self.threads: list[threading.Thread] = []
        self.answers: Counter[tuple[str, int]] = Counter()
        self.failed: list[tuple[str, int, Any]] = []
        self.kudos: Counter[int] = Counter()
        self.comments: dict[int, list[int]] = defaultdict(list)
        self.public_bookmarks: Counter[int] = Counter()
        self.bookmarks: list[int] = []
        self.chapters: dict[int, list[int]] = defaultdict(list)
        self.summaries: dict[int, str] = {}
        # Summaries of edits in flight when the server went (no answer): sent after the
        # last acknowledged one, each may have been saved all the same.
        self.unanswered_summaries: dict[int, set[str]] = defaultdict(set)
        self.new_works: list[int] = []

    def acknowledged(self, kind: str) -> int:
        return self.answers[kind, ACKNOWLEDGED[kind]]

    def start(self, *, clients: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        self.threads = [threading.Thread(target=self._client, args=(n, deadline))
                        for n in range(clients)]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        """Stop pressing and wait for the presses in flight to be answered."""
        self.stopped.set()
        for thread in self.threads:
            thread.join(120)

    def run(self, *, clients: int, seconds: float) -> None:
        self.start(clients=clients, seconds=seconds)
        for thread in self.threads:
            thread.join(seconds + 120)

    def _client(self, n: int, deadline: float) -> None:
        chooser = random.Random(n)
        kinds, weights = list(self.mix), list(self.mix.values())
        while time.monotonic() < deadline and not self.stopped.is_set():
            kind = chooser.choices(kinds, weights)[0]
            getattr(self, f"_{kind}")(chooser)

    def _guest(self) -> dict[str, str]:
        with self.lock:
            n = next(self.guests)
        return guest(20 + n // 60000, n % 60000)

    def _answer(self, kind: str, press: Press) -> tuple[int, Any]:
        status, body = self.archive.post(press)
        with self.lock:
            self.answers[kind, status] += 1
            if status == ACKNOWLEDGED[kind]:
                self.first_write.set()
            elif status == 0:  # the server is gone: no client presses on into the void
                self.stopped.set()
            if status not in (ACKNOWLEDGED[kind], 429):
                self.failed.append((kind, status, str(body)[:300]))
        return status, body

    def _kudos(self, chooser: random.Random) -> None:
        work = chooser.choice(self.works)["id"]
        status, _ = self._answer("kudos", Press(f"/works/{work}/kudos", self._guest()))
        if status == 201:
            with self.lock:
                self.kudos[work] += 1

    def _comment(self, chooser: random.Random) -> None:
        work = chooser.choice(self.works)
        where = chooser.choice([None, *work["chapters"]])
        path = (f"/works/{work['id']}/comments" if where is None
                else f"/works/{work['id']}/chapters/{where}/comments")
        headers = self._guest()
        who = f"storm{headers['X-Forwarded-For'].replace('.', '-')}"
        status, body = self._answer("comment", comment(path, headers, who, f"Rain, {who}.",
                                                       as_guest=True))
        made = CREATED_COMMENT.search(body) if status == 302 else None
        if made:
            with self.lock:
                self.comments[work["id"]].append(int(made.group(1)))

    def _bookmark(self, chooser: random.Random) -> None:
        with self.lock:
            if not self.bookmark_pairs:
                return
            person, work = self.bookmark_pairs.pop()
        private = chooser.random() < 0.25
        status, body = self._answer("bookmark", bookmark(work["id"], person, private=private))
        made = CREATED_BOOKMARK.match(body) if status == 302 else None
        if made:
            with self.lock:
                self.bookmarks.append(int(made.group(1)))
                self.public_bookmarks[work["id"]] += not private

    def _chapter(self, chooser: random.Random) -> None:
        work = chooser.choice(self.works)
        text = f"<p>Another chapter of rain, {chooser.randrange(10**6)} drops.</p>"
        status, body = self._answer("chapter", Press(
            f"/works/{work['id']}/chapters/new", reader(work["author"]),
            {"content": text, "fmt": "html", "action": "post"}))
        made = CREATED_CHAPTER.match(body) if status == 302 else None
        if made:
            with self.lock:
                self.chapters[work["id"]].append(int(made.group(2)))

    def _edit(self, chooser: random.Random) -> None:
        work = chooser.choice(self.works)
        summary = f"Summary {chooser.randrange(10**9)}"
        with self.edit_locks[work["id"]]:
            status, _ = self._answer("edit", Press(
                f"/works/{work['id']}/edit", reader(work["author"]),
                work_form(work["author"], title=work["title"], summary=summary)))
            if status == 302:
                self.summaries[work["id"]] = summary
                self.unanswered_summaries.pop(work["id"], None)
            elif status == 0:
                self.unanswered_summaries[work["id"]].add(summary)

    def _work(self, chooser: random.Random) -> None:
        author = chooser.choice(self.works)["author"]
        number = chooser.randrange(10**9)
        status, body = self._answer("work", Press("/works/new", reader(author), work_form(
            author, title=f"Squall {number}", summary="Blown in.",
            content=f"<p>A new work blown in by the storm, number {number}.</p>")))
        made = CREATED_WORK.match(body) if status == 302 else None
        if made:
            with self.lock:
                self.new_works.append(int(made.group(1)))


# ------------------------------------------------------------------- the archive's side


def _logged_in(user: Any) -> dict[str, str]:
    """What a browser logged in as `user` sends: its cookies, and the CSRF token for forms
    (a 32-character secret, which Django takes as cookie and as token alike)."""
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    csrf = secrets.token_hex(16)
    n = user.pk
    return {"name": user.username, "pseud": user.default_pseud.pk, "csrf": csrf,
            "cookie": f"sessionid={browser.cookies['sessionid'].value}; csrftoken={csrf}",
            "address": f"10.{200 + n // 62500}.{n // 250 % 250}.{n % 250 + 1}"}


def _seed(readers: int, prefix: str) -> dict[str, Any]:
    from tests.factories import UserFactory, WorkFactory

    author = UserFactory(username=f"{prefix}author")
    work = WorkFactory(author=author, title="Pressed From Every Side",
                       chapters=[f"<p>Chapter {n} of the pressing.</p>" for n in (1, 2, 3)])
    people = [_logged_in(UserFactory(username=f"{prefix}reader{n}")) for n in range(readers)]
    return {"work": work.pk, "chapters": [c.pk for c in work.chapters.order_by("position")],
            "author": _logged_in(author), "readers": people}


def _seed_many(authors: int, readers: int, chapters: int, prefix: str) -> dict[str, Any]:
    from tests.factories import UserFactory, WorkFactory

    works = []
    for n in range(authors):
        author = UserFactory(username=f"{prefix}author{n}")
        work = WorkFactory(author=author, title=f"Weathering Work {n}",
                           chapters=[f"<p>Chapter {c} of the weathering.</p>"
                                     for c in range(1, chapters + 1)])
        works.append({"id": work.pk, "title": work.title, "author": _logged_in(author),
                      "chapters": list(
            work.chapters.order_by("position").values_list("id", flat=True))})
    people = [_logged_in(UserFactory(username=f"{prefix}reader{n}")) for n in range(readers)]
    return {"works": works, "readers": people}


def _census(work_ids: list[int]) -> dict[str, Any]:
    """For each work: its counters beside the rows they count, its chapters' places, its
    title and summary; and the ids of every comment, bookmark and chapter that exist."""
    from django.db.models import Sum

    from fichive.bookmarks.models import Bookmark
    from fichive.comments.models import Comment
    from fichive.kudos.models import Kudos
    from fichive.works.models import Chapter, FilterTagging, Work

    answer: dict[str, Any] = {"works": {}}
    for work in Work.objects.filter(pk__in=work_ids):
        chapters = list(work.chapters.order_by("position").values_list("position", flat=True))
        answer["works"][str(work.pk)] = {
            "title": work.title, "summary": work.summary,
            "kudos": [work.kudos_count, Kudos.objects.filter(work=work).count()],
            "kudos_copies": sorted(set(FilterTagging.objects.filter(work=work)
                                       .values_list("kudos_count", flat=True))),
            "comments": [work.comments_count, Comment.objects.filter(
                work=work, status="published", deleted=False).count()],
            "bookmarks": [work.bookmarks_count,
                          Bookmark.objects.filter(work=work, private=False).count()],
            "chapters": [work.chapter_count, len(chapters)],
            "words": [work.word_count, work.chapters.aggregate(
                words=Sum("word_count"))["words"] or 0],
            "positions": chapters,
        }
    answer["comments"] = list(Comment.objects.filter(work_id__in=work_ids)
                              .values_list("id", flat=True))
    answer["bookmarks"] = list(Bookmark.objects.filter(work_id__in=work_ids)
                               .values_list("id", flat=True))
    answer["chapters"] = list(Chapter.objects.filter(work_id__in=work_ids)
                              .values_list("id", flat=True))
    answer["problems"] = _consistency()
    return answer


def _consistency() -> list[str]:
    """Every inconsistency in the whole database, as sentences; [] when there is none.

    SQLite's own checks (integrity_check, foreign_key_check, the full-text indexes' integrity
    against their content); then for every work: at least one chapter and one creator, places
    1…n, its counters and totals equal to the rows they count (and its filter taggings'
    copies), its search document and its chapters'; search documents of nothing; tag use
    counts equal to their taggings."""
    from django.db import connection
    from django.db.models import Count, Sum

    from fichive.bookmarks.models import Bookmark
    from fichive.comments.models import Comment
    from fichive.kudos.models import Kudos
    from fichive.search.models import ChapterDocument, WorkDocument
    from fichive.tags.models import Tag
    from fichive.works.models import Chapter, Creatorship, FilterTagging, Tagging, Work

    problems: list[str] = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            found = [row[0] for row in cursor.fetchall()]
            if found != ["ok"]:
                problems.append(f"integrity_check: {found[:5]}")
            cursor.execute("PRAGMA foreign_key_check")
            problems += [f"foreign key: {row}" for row in cursor.fetchall()[:5]]
            for fts in ("search_work_fts", "search_chapter_fts"):
                try:
                    # (rank 1: compare with the content too, each document tokenized again)
                    cursor.execute(f"INSERT INTO {fts}({fts}, rank) "  # noqa: S608
                                   "VALUES ('integrity-check', 1)")
                except Exception as error:  # noqa: BLE001 - reported as found
                    problems.append(f"{fts}: {error}")

    def grouped(rows: Any, key: str, value: str) -> dict[int, int]:
        return {row[key]: row[value] for row in rows}

    chapters = grouped(Chapter.objects.values("work_id").annotate(n=Count("id")),
                       "work_id", "n")
    words = grouped(Chapter.objects.values("work_id").annotate(words=Sum("word_count")),
                    "work_id", "words")
    kudos = grouped(Kudos.objects.values("work_id").annotate(n=Count("id")), "work_id", "n")
    comments = grouped(Comment.objects.filter(status="published", deleted=False)
                       .values("work_id").annotate(n=Count("id")), "work_id", "n")
    bookmarks = grouped(Bookmark.objects.filter(private=False, work_id__isnull=False)
                        .values("work_id").annotate(n=Count("id")), "work_id", "n")
    creators = set(Creatorship.objects.values_list("work_id", flat=True))
    documents = set(WorkDocument.objects.values_list("work_id", flat=True))
    positions: dict[int, list[int]] = {}
    for work_id, position in Chapter.objects.order_by("work_id", "position").values_list(
            "work_id", "position"):
        positions.setdefault(work_id, []).append(position)
    copies: dict[int, set[int]] = {}
    for work_id, count in FilterTagging.objects.values_list("work_id", "kudos_count"):
        copies.setdefault(work_id, set()).add(count)
    work_ids = set()
    for work in Work.objects.values("id", "chapter_count", "word_count", "kudos_count",
                                    "comments_count", "bookmarks_count"):
        pk = work["id"]
        work_ids.add(pk)
        for name, shown, rows in (
                ("chapters", work["chapter_count"], chapters.get(pk, 0)),
                ("words", work["word_count"], words.get(pk, 0)),
                ("kudos", work["kudos_count"], kudos.get(pk, 0)),
                ("comments", work["comments_count"], comments.get(pk, 0)),
                ("bookmarks", work["bookmarks_count"], bookmarks.get(pk, 0))):
            if shown != rows:
                problems.append(f"work {pk}: {name} counter {shown}, rows {rows}")
        if not chapters.get(pk):
            problems.append(f"work {pk}: no chapters (a half-work)")
        elif positions[pk] != list(range(1, len(positions[pk]) + 1)):
            problems.append(f"work {pk}: chapter places {positions[pk]}")
        if pk not in creators:
            problems.append(f"work {pk}: no creator")
        if pk not in documents:
            problems.append(f"work {pk}: no search document")
        if copies.get(pk, {work["kudos_count"]}) != {work["kudos_count"]}:
            problems.append(f"work {pk}: filter taggings' kudos {copies[pk]}")
    problems += [f"search document of no work: {pk}" for pk in documents - work_ids]
    missing = Chapter.objects.exclude(pk__in=ChapterDocument.objects.values("chapter_id"))
    problems += [f"chapter {pk}: no search document"
                 for pk in missing.values_list("pk", flat=True)[:20]]
    taggings = grouped(Tagging.objects.values("tag_id").annotate(n=Count("id")), "tag_id", "n")
    uses = [(name, n, taggings.get(pk, 0)) for pk, name, n in
            Tag.objects.values_list("pk", "name", "uses") if n != taggings.get(pk, 0)]
    problems += [f"tag {name!r}: uses {n}, taggings {rows}"
                 for name, n, rows in uses[:20]]
    return problems


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


def _retitle(work_id: int, title: str) -> str:
    """Give the work a new title through the works services, as its creator would."""
    from fichive.works.models import Work
    from fichive.works.services import WorkMeta, work_update

    work = Work.objects.get(pk=work_id)
    creator = work.pseuds()[0].user
    work_update(user=creator, work=work, meta=WorkMeta(
        title=title, creators=work.pseuds(), fandoms=["Original Work"],
        rating="General Audiences"))
    return Work.objects.get(pk=work_id).title


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from django.test.utils import override_settings

    # The people seeded log in by session (force_login): their password's hash is never
    # checked, so the cheapest hasher saves a second or more per person.
    cheap = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    command, *args = argv
    if command == "seed":
        with cheap:
            answer: Any = _seed(int(args[0]), args[1])
    elif command == "seed-many":
        with cheap:
            answer = _seed_many(int(args[0]), int(args[1]), int(args[2]), args[3])
    elif command == "census":
        answer = _census([int(a) for a in args])
    elif command == "consistency":
        answer = _consistency()
    elif command == "counters":
        answer = _counters(int(args[0]))
    elif command == "stats":
        answer = _stats(int(args[0]))
    elif command == "hits":
        answer = _hits(int(args[0]), args[1:])
    elif command == "subscriptions":
        answer = _subscriptions(int(args[0]))
    elif command == "retitle":
        answer = _retitle(int(args[0]), args[1])
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(answer))


if __name__ == "__main__":
    main(sys.argv[1:])
