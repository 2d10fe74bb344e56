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

import random
import re
from collections import Counter
from typing import Any

import pytest

from tests.live_archive import (
    CREATED_BOOKMARK,
    CREATED_COMMENT,
    STORM_MIX,
    LiveArchive,
    Press,
    Storm,
    bookmark,
    comment,
    guest,
    reader,
)

ALREADY = "You have already left kudos here. :)"


@pytest.fixture
def archive(live_server_archive: LiveArchive) -> LiveArchive:
    return live_server_archive


def twice(presses: list[Press]) -> list[Press]:
    """Each press made twice, the two next to each other (so they are in flight together)."""
    return [press for press in presses for _ in range(2)]


def kudos(work_id: int, people: list[tuple[str, dict[str, str]]]) -> list[Press]:
    return [Press(f"/works/{work_id}/kudos", headers, who=f"kudos:{who}")
            for who, headers in people]


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


STORM_SECONDS = 10
STORM_CLIENTS = 24


def test_a_storm_of_writes_loses_no_acknowledged_write_and_fails_none(archive):
    seeded = archive.seed_many(authors=12, readers=48)
    storm = Storm(archive, seeded, mix=STORM_MIX)

    storm.run(clients=STORM_CLIENTS, seconds=STORM_SECONDS)

    writes = sum(storm.answers.values())
    print(f"storm: {STORM_CLIENTS} clients, {STORM_SECONDS} s, {writes} writes pressed: "
          f"{dict(sorted(storm.answers.items()))}")
    assert not storm.failed, (storm.failed[:10], archive.log_tail())
    for kind in storm.mix:
        assert storm.acknowledged(kind) > 0, (kind, storm.answers)
    work_ids = [w["id"] for w in seeded["works"]]
    census = archive.census(work_ids + storm.new_works)
    assert census["problems"] == []
    assert {str(pk) for pk in storm.new_works} <= set(census["works"])
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
