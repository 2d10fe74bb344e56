"""Counters under concurrent writes, through the real server (`fichive serve`: two workers
with four threads each, on SQLite and on PostgreSQL): kudos, comments and replies, deletes of
comments, bookmarks made, made private or public and deleted, all pressed at the same moment by
many guests and readers (several presses each), leave each of the work's counters equal to the
rows it counts and to what the answers said was done. Then a storm: many clients for a bounded
time posting chapters, editing works, leaving kudos, comments and bookmarks on the same works;
every write the server acknowledged is in the database, and none failed with a server error.

The archive runs with its own database (tests/live_archive.py): the server's processes must
see committed rows, which the suite's per-test transactions never are. No one here comments
more than three times (comments/ratelimit.py allows three in fifteen minutes): the guests and
readers are many instead.
"""

from __future__ import annotations

import itertools
import random
import re
import secrets
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from tests.live_archive import LiveArchive, Press, live_archive

ALREADY = "You have already left kudos here. :)"
CREATED_COMMENT = re.compile(r"#comment_(\d+)$")
CREATED_BOOKMARK = re.compile(r"^/bookmarks/(\d+)$")


@pytest.fixture(scope="module")
def archive() -> Iterator[LiveArchive]:
    with live_archive(workers=2, threads=4) as running:
        yield running


def guest(block: int, n: int) -> dict[str, str]:
    """A guest of their own address (behind the proxy), with a CSRF cookie and its token."""
    token = secrets.token_hex(16)
    return {"X-Forwarded-For": f"10.{block}.{n // 250}.{n % 250 + 1}",
            "Cookie": f"csrftoken={token}", "X-CSRFToken": token}


def reader(person: dict[str, Any]) -> dict[str, str]:
    """A logged-in reader: their session and CSRF cookies, and the token."""
    return {"Cookie": person["cookie"], "X-CSRFToken": person["csrf"]}


def twice(presses: list[Press]) -> list[Press]:
    """Each press made twice, the two next to each other (so they are in flight together)."""
    return [press for press in presses for _ in range(2)]


def kudos(work_id: int, people: list[tuple[str, dict[str, str]]]) -> list[Press]:
    return [Press(f"/works/{work_id}/kudos", headers, who=f"kudos:{who}")
            for who, headers in people]


def comment(path: str, headers: dict[str, str], who: str, text: str, *,
            as_guest: bool, parent: int | None = None) -> Press:
    data = {"content": text}
    if as_guest:
        data |= {"name": who, "email": f"{who}@example.org"}
    if parent is not None:
        data["parent_id"] = str(parent)
    return Press(path, headers, data, who=f"comment:{who}")


def bookmark(work_id: int, person: dict[str, Any], *, private: bool) -> Press:
    data = {"pseud": str(person["pseud"]), "notes": "Kept for later."}
    if private:
        data["private"] = "on"
    return Press(f"/works/{work_id}/bookmarks/new", reader(person), data,
                 who=f"bookmark:{person['name']}")


def shuffled(presses: list[Press], seed: int) -> list[Press]:
    """Mixed at random, keeping each pair of twin presses together."""
    pairs = [presses[i:i + 2] for i in range(0, len(presses), 2)]
    random.Random(seed).shuffle(pairs)
    return [press for pair in pairs for press in pair]


def answers_of(presses: list[Press], answers: list[tuple[int, Any]],
               kind: str) -> list[tuple[Press, int, Any]]:
    return [(press, status, body) for press, (status, body) in zip(presses, answers, strict=True)
            if press.who.startswith(kind + ":")]


def assert_counters_are_rows(archive: LiveArchive, work_id: int, *,
                             expected: dict[str, int]) -> None:
    """Each counter on the work equals the rows it counts (and its copies), and `expected`."""
    counters = archive.counters(work_id)
    for counter, want in expected.items():
        seen = counters[counter]
        assert seen["shown"] == seen["rows"] == want, (counter, seen)
        if seen["filter_taggings"] != -1:
            assert seen["filter_taggings"] == want, (counter, seen)


def test_concurrent_kudos_comments_and_bookmarks_keep_every_counter_equal_to_its_rows(archive):
    seeded = archive.seed(readers=36)
    work, chapters, readers = seeded["work"], seeded["chapters"], seeded["readers"]
    author = reader(seeded["author"])
    on_work = f"/works/{work}/comments"
    on_chapter = [f"/works/{work}/chapters/{c}/comments" for c in chapters]

    # ------------------------------------------------------------------ first, all at once:
    # kudos from 30 guests and 12 readers, each pressed twice; two comments each from 20
    # guests and 12 readers, on the whole work and on its chapters; 16 readers bookmark it
    # (every other one privately), each pressing twice.
    first: list[Press] = twice(kudos(work, [(f"g{n}", guest(1, n)) for n in range(30)]
                                     + [(r["name"], reader(r)) for r in readers[:12]]))
    commenters = [(f"guest{n}", guest(2, n), True) for n in range(20)] + [
        (r["name"], reader(r), False) for r in readers[12:24]]
    for n, (who, headers, as_guest) in enumerate(commenters):
        pair = [comment(on_work, headers, who, f"First words from {who}.", as_guest=as_guest),
                comment(on_chapter[n % 3], headers, who, f"On chapter {n % 3 + 1}, {who}.",
                        as_guest=as_guest)]
        first += pair
    first += twice([bookmark(work, r, private=n % 2 == 1) for n, r in enumerate(readers[:16])])
    first = shuffled(first, seed=16)

    answers = archive.fire(first, concurrency=16)

    kudos_answers = answers_of(first, answers, "kudos")
    kudos_people = {press.who for press, _, _ in kudos_answers}
    assert Counter(status for _, status, _ in kudos_answers) == {
        201: len(kudos_people), 409: len(kudos_answers) - len(kudos_people)}, kudos_answers
    assert {body["message"] for _, status, body in kudos_answers if status == 409} == {ALREADY}

    comment_answers = answers_of(first, answers, "comment")
    assert all(status == 302 and CREATED_COMMENT.search(body)
               for _, status, body in comment_answers), comment_answers
    comments = [int(CREATED_COMMENT.search(body).group(1)) for _, _, body in comment_answers]
    assert len(set(comments)) == len(commenters) * 2

    bookmark_answers = answers_of(first, answers, "bookmark")
    made = {press.who: int(CREATED_BOOKMARK.match(body).group(1))
            for press, status, body in bookmark_answers
            if status == 302 and CREATED_BOOKMARK.match(body)}
    # Of each reader's two presses one made the bookmark; the other found it there (and was
    # sent to edit it) or lost the race to the database's unique constraint (and was told so).
    assert len(made) == 16, bookmark_answers
    assert all((status == 302 and (CREATED_BOOKMARK.match(body) or body.endswith("/edit")))
               or (status == 400 and "already bookmarked" in body)
               for _, status, body in bookmark_answers), bookmark_answers
    bookmark_of = {r["name"]: made[f"bookmark:{r['name']}"] for r in readers[:16]}
    public = {r["name"] for n, r in enumerate(readers[:16]) if n % 2 == 0}

    assert_counters_are_rows(archive, work, expected={
        "kudos_count": len(kudos_people), "comments_count": len(comments),
        "bookmarks_count": len(public)})

    # ------------------------------------------------------------------- then, all at once:
    # the author deletes every third comment (pressing twice) while 30 new guests reply to
    # comments (some of them those being deleted) and 12 readers comment a third time; 8
    # bookmarkers delete their bookmarks and 8 turn private ones public and public ones
    # private (pressing twice), while 12 other readers bookmark it; more kudos, old and new.
    doomed = comments[::3]
    second: list[Press] = twice([
        Press(f"/comments/{c}/delete", author, who=f"delete:{c}") for c in doomed])
    for n in range(30):
        who = f"replier{n}"
        second += [comment("/comments", guest(3, n), who, f"A reply from {who}.",
                           as_guest=True, parent=comments[(n * 7) % len(comments)]),
                   comment(on_chapter[n % 3], guest(3, n), who, f"And {who} on the chapter.",
                           as_guest=True)]
    second += [comment(on_work, reader(r), r["name"], "Third and last.", as_guest=False)
               for r in readers[12:24]]
    for n, r in enumerate(readers[:16]):
        mark = bookmark_of[r["name"]]
        if n < 8:
            second += twice([Press(f"/bookmarks/{mark}/delete", reader(r),
                                   who=f"unbookmark:{r['name']}")])
        else:
            flip = {"pseud": str(r["pseud"]), "notes": "Changed my mind."}
            if r["name"] in public:
                flip["private"] = "on"
            second += twice([Press(f"/bookmarks/{mark}/edit", reader(r), flip,
                                   who=f"rebookmark:{r['name']}")])
    second += twice([bookmark(work, r, private=n % 3 == 0)
                     for n, r in enumerate(readers[24:36])])
    second += twice(kudos(work, [(f"g{n}", guest(1, n)) for n in range(20, 40)]
                          + [(r["name"], reader(r)) for r in readers[6:18]]))
    second = shuffled(second, seed=17)

    answers = archive.fire(second, concurrency=16)

    deletes = answers_of(second, answers, "delete")
    # One of each pair deleted the comment; the other found it gone (no such comment, or a
    # redirect when it went while being read) or kept as "(Previous comment deleted.)" for
    # its replies (refused: there is nothing left to delete).
    assert all(status in (302, 403, 404) for _, status, _ in deletes), [
        (press.who, status) for press, status, _ in deletes]
    assert {press.who for press, status, _ in deletes if status == 302} == {
        f"delete:{c}" for c in doomed}
    posted = answers_of(second, answers, "comment")
    new_comments = [int(CREATED_COMMENT.search(body).group(1)) for _, status, body in posted
                    if status == 302 and CREATED_COMMENT.search(body)]
    refused = [(press, status, body) for press, status, body in posted
               if not (status == 302 and CREATED_COMMENT.search(body))]
    # Only a reply to a comment deleted first may be refused.
    assert all(press.data.get("parent_id") and int(press.data["parent_id"]) in doomed
               and status in (400, 404) for press, status, _ in refused), refused
    assert len(new_comments) >= len(posted) - sum(
        1 for press, _, _ in posted if int(press.data.get("parent_id") or 0) in doomed)

    assert all(status == 302 for _, status, _ in answers_of(second, answers, "rebookmark"))
    assert all(status in (302, 404) for _, status, _ in answers_of(second, answers, "unbookmark"))
    new_marks = {press.who for press, status, body in answers_of(second, answers, "bookmark")
                 if status == 302 and CREATED_BOOKMARK.match(body)}
    assert len(new_marks) == 12
    now_public = ({r["name"] for r in readers[8:16]} - public) | {
        r["name"] for n, r in enumerate(readers[24:36]) if n % 3 != 0}

    more_kudos = answers_of(second, answers, "kudos")
    thanked = {press.who for press, status, _ in more_kudos if status == 201}
    assert thanked == {f"kudos:g{n}" for n in range(30, 40)} | {
        f"kudos:{r['name']}" for r in readers[12:18]}
    assert Counter(status for _, status, _ in more_kudos) == {
        201: len(thanked), 409: len(more_kudos) - len(thanked)}, more_kudos

    assert_counters_are_rows(archive, work, expected={
        "kudos_count": len(kudos_people) + len(thanked),
        "comments_count": len(comments) - len(doomed) + len(new_comments),
        "bookmarks_count": len(now_public)})

    # What the author sees on the work's page (theirs is never a cached page): the same.
    counters = archive.counters(work)
    status, page = archive.get(f"/works/{work}", author)
    assert status == 200
    for name, counter in (("Comments", "comments_count"), ("Kudos", "kudos_count"),
                          ("Bookmarks", "bookmarks_count")):
        shown = re.search(rf'<dt class="{name.lower()}">{name}:</dt><dd class="{name.lower()}">'
                          r'<a href="[^"]*">([\d,]+)</a>', page)
        assert shown and int(shown.group(1).replace(",", "")) == counters[counter]["rows"], name


# The storm: how long, how many clients at once, and how often each kind of write is chosen.
STORM_SECONDS = 12
STORM_CLIENTS = 24
STORM_MIX = {"kudos": 3, "comment": 3, "bookmark": 2, "chapter": 2, "edit": 1}
CREATED_CHAPTER = re.compile(r"^/works/(\d+)/chapters/(\d+)$")
# What each kind may be answered besides its success; anything else fails the test. (429:
# a rate limit said "later", which is not a write and not an error.)
ACKNOWLEDGED = {"kudos": 201, "comment": 302, "bookmark": 302, "chapter": 302, "edit": 302}


def edit_form(work: dict[str, Any], summary: str) -> dict[str, str | list[str]]:
    """The work's edit form as its author sends it: as seeded, with a new summary."""
    author = work["author"]
    return {"title": work["title"], "creators": [str(author["pseud"])],
            "rating": "General Audiences",
            "warnings": ["Creator Chose Not To Use Archive Warnings"],
            "fandoms": "Original Work", "summary": summary, "language": "en", "fmt": "html",
            "action": "post"}


class Storm:
    """Clients pressing writes at random until the time is up; what was acknowledged."""

    def __init__(self, archive: LiveArchive, seeded: dict[str, Any], seed: int) -> None:
        self.archive = archive
        self.works = seeded["works"]
        self.random = random.Random(seed)
        pairs = [(r, w) for r in seeded["readers"] for w in self.works]
        self.random.shuffle(pairs)
        self.bookmark_pairs = pairs
        self.guests = itertools.count()
        self.lock = threading.Lock()
        # One edit of a work in flight at a time, so the last acknowledged one is what stays.
        self.edit_locks = {w["id"]: threading.Lock() for w in self.works}
        self.answers: Counter[tuple[str, int]] = Counter()
        self.failed: list[tuple[str, int, Any]] = []
        self.kudos: Counter[int] = Counter()
        self.comments: dict[int, list[int]] = defaultdict(list)
        self.public_bookmarks: Counter[int] = Counter()
        self.bookmarks: list[int] = []
        self.chapters: dict[int, list[int]] = defaultdict(list)
        self.summaries: dict[int, str] = {}

    def run(self, *, clients: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=self._client, args=(n, deadline))
                   for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 120)

    def _client(self, n: int, deadline: float) -> None:
        chooser = random.Random(n)
        kinds, weights = list(STORM_MIX), list(STORM_MIX.values())
        while time.monotonic() < deadline:
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
            if status not in (ACKNOWLEDGED[kind], 429):
                self.failed.append((kind, status, body if status >= 500 or not status
                                    else str(body)[:300]))
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
        summary = f"Summary {secrets.token_hex(4)}"
        with self.edit_locks[work["id"]]:
            status, _ = self._answer("edit", Press(
                f"/works/{work['id']}/edit", reader(work["author"]), edit_form(work, summary)))
            if status == 302:
                self.summaries[work["id"]] = summary


def test_a_storm_of_writes_loses_no_acknowledged_write_and_fails_none(archive):
    seeded = archive.seed_many(authors=12, readers=48)
    storm = Storm(archive, seeded, seed=20)

    storm.run(clients=STORM_CLIENTS, seconds=STORM_SECONDS)

    writes = sum(storm.answers.values())
    print(f"storm: {STORM_CLIENTS} clients, {STORM_SECONDS} s, {writes} writes pressed: "
          f"{dict(sorted(storm.answers.items()))}")
    assert not storm.failed, storm.failed[:10]
    for kind, status in ACKNOWLEDGED.items():
        assert storm.answers[kind, status] > 0, (kind, storm.answers)
    work_ids = [w["id"] for w in seeded["works"]]
    census = archive.census(work_ids)
    assert set(storm.bookmarks) <= set(census["bookmarks"])
    assert {c for made in storm.comments.values() for c in made} <= set(census["comments"])
    assert {c for made in storm.chapters.values() for c in made} <= set(census["chapters"])
    for work in seeded["works"]:
        pk, found = work["id"], census["works"][str(work["id"])]
        # Each counter equals its rows and what was acknowledged (nothing else wrote here).
        assert found["kudos"] == [storm.kudos[pk]] * 2, (pk, found)
        assert found["kudos_copies"] in ([], [storm.kudos[pk]]), (pk, found)
        assert found["comments"] == [len(storm.comments[pk])] * 2, (pk, found)
        assert found["bookmarks"] == [storm.public_bookmarks[pk]] * 2, (pk, found)
        chapters = len(work["chapters"]) + len(storm.chapters[pk])
        assert found["chapters"] == [chapters] * 2, (pk, found)
        assert found["positions"] == list(range(1, chapters + 1)), (pk, found)
        assert found["words"][0] == found["words"][1], (pk, found)
        if pk in storm.summaries:
            assert storm.summaries[pk] in found["summary"], (pk, found)
    assert archive.consistency() == []
