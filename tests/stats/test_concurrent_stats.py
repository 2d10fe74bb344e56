"""Daily counts under concurrent writes, through the real server (`fichive serve`: two
workers with four threads each, on SQLite and on PostgreSQL), as tests/test_concurrent_counts.py
does for the counters: kudos, comment threads, bookmarks and subscriptions pressed at the same
moment (each press twice), and hits flushed by several processes at once with overlapping
visitors, then deletions and unsubscribes pressed twice; every column of the work's daily
rows adds up to what it counts, and the stats page shows the counters."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_archive import (
    CREATED_BOOKMARK,
    CREATED_COMMENT,
    LiveArchive,
    Press,
    bookmark,
    comment,
    guest,
    reader,
)
from tests.test_concurrent_counts import answers_of, kudos, shuffled, twice

HIT_PROCESSES = 4


@pytest.fixture
def archive(live_server_archive: LiveArchive) -> LiveArchive:
    return live_server_archive  # one archive for the session's live tests (tests/conftest.py)


def subscribe(person: dict, work_id: int) -> Press:
    return Press(f"/users/{person['name']}/subscriptions", reader(person),
                 {"work_id": str(work_id)}, who=f"subscribe:{person['name']}")


def flush_hits_at_once(archive: LiveArchive, work_id: int, start: int) -> int:
    """HIT_PROCESSES processes buffer and flush overlapping visitors' hits at the same time;
    returns how many visitors there were in all."""
    batches = [[f"u{n}" for n in range(start + k * 10, start + k * 10 + 40)]
               for k in range(HIT_PROCESSES)]
    with ThreadPoolExecutor(max_workers=HIT_PROCESSES) as pool:
        list(pool.map(lambda visitors: archive.run("hits", str(work_id), *visitors), batches))
    return len({v for batch in batches for v in batch})


def assert_days_add_up(archive: LiveArchive, work_id: int, *, hits: int) -> None:
    stats = archive.run("stats", str(work_id))
    for column, seen in stats.items():
        assert seen["days"] == seen["rows"], (column, seen)
    assert stats["hits"]["rows"] == hits


def test_concurrent_presses_and_flushes_keep_the_daily_rows_equal_to_the_counts(archive):
    seeded = archive.seed(readers=24)
    work, readers = seeded["work"], seeded["readers"]
    author = reader(seeded["author"])
    on_work = f"/works/{work}/comments"

    first: list[Press] = twice(kudos(work, [(f"g{n}", guest(5, n)) for n in range(20)]
                                     + [(r["name"], reader(r)) for r in readers[:10]]))
    for n in range(10):
        first.append(comment(on_work, guest(6, n), f"guest{n}", f"Hello from {n}.",
                             as_guest=True))
        first.append(comment(on_work, guest(6, n), f"guest{n}", f"Again from {n}.",
                             as_guest=True))
    first += twice([bookmark(work, r, private=n % 3 == 0) for n, r in enumerate(readers[:12])])
    first += twice([subscribe(r, work) for r in readers[:16]])
    first = shuffled(first, seed=31)

    with ThreadPoolExecutor(max_workers=1) as side:
        hits = side.submit(flush_hits_at_once, archive, work, 0)
        answers = archive.fire(first, concurrency=16)
        visitors = hits.result()
    assert visitors == 70

    comments = [int(CREATED_COMMENT.search(body).group(1))
                for _, status, body in answers_of(first, answers, "comment")
                if status == 302 and CREATED_COMMENT.search(body)]
    assert len(comments) == 20
    made = {press.who: int(CREATED_BOOKMARK.match(body).group(1))
            for press, status, body in answers_of(first, answers, "bookmark")
            if status == 302 and CREATED_BOOKMARK.match(body)}
    assert len(made) == 12
    assert_days_add_up(archive, work, hits=70)
    stats = archive.run("stats", str(work))
    assert stats["kudos"]["rows"] == 30 and stats["subscriptions"]["rows"] == 16
    assert stats["comment_threads"]["rows"] == 20 and stats["bookmarks"]["rows"] == 8

    # Then, at once: unsubscribes, bookmark deletes and comment deletes (each pressed twice),
    # new subscriptions and kudos, and more hits flushed by several processes.
    subscribed = archive.run("subscriptions", str(work))
    second: list[Press] = twice([
        Press(f"/users/{r['name']}/subscriptions/{subscribed[r['name']]}/delete", reader(r),
              who=f"unsubscribe:{r['name']}") for r in readers[:8]])
    mark_of = {r["name"]: made["bookmark:" + r["name"]] for r in readers[:12]}
    second += twice([Press(f"/bookmarks/{mark_of[r['name']]}/delete", reader(r),
                           who=f"unbookmark:{r['name']}") for r in readers[:6]])
    second += twice([Press(f"/comments/{c}/delete", author, who=f"delete:{c}")
                     for c in comments[::2]])
    second += twice([subscribe(r, work) for r in readers[16:24]])
    second += twice(kudos(work, [(f"g{n}", guest(5, n)) for n in range(15, 30)]))
    second = shuffled(second, seed=32)

    with ThreadPoolExecutor(max_workers=1) as side:
        hits = side.submit(flush_hits_at_once, archive, work, 50)
        archive.fire(second, concurrency=16)
        more = hits.result()
    all_visitors = len({f"u{n}" for n in range(0, 70)} | {f"u{n}" for n in range(50, 120)})
    assert more == 70
    assert_days_add_up(archive, work, hits=all_visitors)
    stats = archive.run("stats", str(work))
    assert stats["subscriptions"]["rows"] == 16
    assert stats["kudos"]["rows"] == 40
    assert stats["comment_threads"]["rows"] == 10

    # The author's stats page (all years: the counters) says the same.
    status, page = archive.get(f"/users/{seeded['author']['name']}/stats", author)
    assert status == 200
    for column in ("hits", "kudos", "comment_threads", "bookmarks", "subscriptions"):
        found = re.search(rf'<dd class="{column}">([\d,]+)</dd>', page)
        assert found and int(found.group(1).replace(",", "")) == stats[column]["rows"], column
