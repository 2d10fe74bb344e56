"""Counters under concurrent writes: kudos pressed at the same moment by many guests and
readers (several presses each) through the real server (`fichive serve`, two workers with four
threads each, on SQLite and on PostgreSQL) leave the work's counter equal to its rows, and
every person counted once.

The archive runs with its own database (tests/kudos/live_archive.py): the server's processes
must see committed rows, which the suite's per-test transactions never are.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.kudos.live_archive import LiveArchive, Press, live_archive

ALREADY = "You have already left kudos here. :)"


@pytest.fixture(scope="module")
def archive() -> Iterator[LiveArchive]:
    with live_archive(workers=2, threads=4) as running:
        yield running


def kudos_presses(work_id: int, readers: list[dict], *, guests: int,
                  repeats: int) -> list[Press]:
    """Every guest (an address of their own, behind the proxy) and every reader presses
    "Kudos ♥" on the work `repeats` times; the presses of one person are next to each other,
    so they are in flight together."""
    path = f"/works/{work_id}/kudos"
    people = [Press(path, {"X-Forwarded-For": f"10.1.{n // 250}.{n % 250 + 1}"}, who=f"guest{n}")
              for n in range(guests)]
    people += [Press(path, {"Cookie": r["cookie"], "X-CSRFToken": r["csrf"]}, who=r["name"])
               for r in readers]
    random.Random(16).shuffle(people)
    return [press for press in people for _ in range(repeats)]


def assert_counters_are_rows(archive: LiveArchive, work_id: int, *,
                             expected: dict[str, int]) -> None:
    """Each counter on the work equals the rows it counts (and its copies), and `expected`."""
    counters = archive.counters(work_id)
    for counter, want in expected.items():
        seen = counters[counter]
        assert seen["shown"] == seen["rows"] == want, (counter, seen)
        if seen["filter_taggings"] != -1:
            assert seen["filter_taggings"] == want, (counter, seen)


def test_concurrent_kudos_count_each_person_once_and_the_counter_is_the_rows(archive):
    seeded = archive.seed(readers=12)
    presses = kudos_presses(seeded["work"], seeded["readers"], guests=30, repeats=2)
    people = {press.who for press in presses}

    answers = archive.fire(presses, concurrency=16)

    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: len(people), 409: len(presses) - len(people)}, answers
    thanked = Counter(press.who for press, (status, _) in zip(presses, answers, strict=True)
                      if status == 201)
    assert set(thanked.values()) == {1} and set(thanked) == people
    assert {body["message"] for status, body in answers if status == 409} == {ALREADY}
    assert_counters_are_rows(archive, seeded["work"], expected={"kudos_count": len(people)})

    # The same people again, all at once: every press is a second one and nothing changes.
    again = archive.fire(presses, concurrency=16)
    assert Counter(status for status, _ in again) == {409: len(presses)}
    assert_counters_are_rows(archive, seeded["work"], expected={"kudos_count": len(people)})
