"""The server killed mid-write (SIGKILL to its whole process group: gunicorn's master, its
workers and the task worker, as a power cut or the OOM killer would) while clients post
works, chapters, comments, kudos, bookmarks and edits; at each crash point the database must
be consistent before anything repairs it: SQLite's integrity check passes, no half-works
(every work has its chapters, creator and search document), counters and totals equal their
rows, chapter places run 1…n, tag uses equal their taggings; every write acknowledged before
the kill is there; and the server started again on the same data answers reads and writes.

On SQLite and PostgreSQL (tests/live_archive.py gives the archive its own database). Helper
tests for importing in batches killed mid-way live with the importers (tests/formats).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.live_archive import (
    CREATED_COMMENT,
    STORM_MIX,
    LiveArchive,
    Press,
    Storm,
    comment,
    guest,
)

# Seconds after the first acknowledged write (the server is writing by then) to each kill.
CRASH_POINTS = (0.5, 1.5, 3.0)
CLIENTS = 16


@pytest.fixture
def archive(live_server_archive: LiveArchive) -> Iterator[LiveArchive]:
    yield live_server_archive
    if live_server_archive.server is None:  # killed and not started again: a failure
        live_server_archive.start()  # (the tests after this one still need it)


def test_a_server_killed_mid_write_leaves_a_consistent_archive_that_starts_again(archive):
    seeded = archive.seed_many(authors=8, readers=24)
    work_ids = [w["id"] for w in seeded["works"]]
    for point, seconds in enumerate(CRASH_POINTS):
        storm = Storm(archive, seeded, mix=STORM_MIX)
        storm.start(clients=CLIENTS, seconds=120)
        assert storm.first_write.wait(60), storm.answers
        time.sleep(seconds)
        archive.kill()
        storm.stop()
        # Presses in flight at the kill lose their connection (status 0); nothing else fails.
        assert [f for f in storm.failed if f[1] != 0] == [], (seconds, storm.failed[:10],
                                                              archive.log_tail())
        print(f"crash at {seconds} s: {sum(storm.answers.values())} presses, "
              f"{dict(sorted(storm.answers.items()))}")

        census = archive.census(work_ids + storm.new_works)
        assert census["problems"] == [], f"after the kill at {seconds} s"
        assert {str(pk) for pk in storm.new_works} <= set(census["works"])
        assert set(storm.bookmarks) <= set(census["bookmarks"])
        assert {c for made in storm.comments.values() for c in made} <= set(census["comments"])
        assert {c for made in storm.chapters.values() for c in made} <= set(census["chapters"])
        for pk, summary in storm.summaries.items():
            # The last acknowledged edit stays, unless an edit sent after it was saved as the
            # server went, its answer lost with it.
            saved = census["works"][str(pk)]["summary"]
            assert any(s in saved for s in {summary, *storm.unanswered_summaries[pk]}), (
                summary, saved)

        archive.start()
        status, _ = archive.get(f"/works/{work_ids[0]}")
        assert status == 200
        status, body = archive.post(comment(
            f"/works/{work_ids[0]}/comments", guest(90, point), f"after{point}",
            "Still standing.", as_guest=True))
        assert status == 302 and CREATED_COMMENT.search(body), (status, body)
        status, _ = archive.post(Press(f"/works/{work_ids[1]}/kudos", guest(91, point)))
        assert status == 201
