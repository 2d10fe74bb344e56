"""Hits: one per visitor (account, or a guest's address) per work per day, counted on work,
chapter and whole-work pages, from the page cache too (Django's cache hit and the WSGI fast
path), never for works the visitor can't see or for their creators; buffered and written in
batches (in process, through Redis, at shutdown)."""

from __future__ import annotations

import logging
import threading
import time

import pytest
import redis
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import OperationalError
from django.test import Client, RequestFactory

from fichive.lib.cache import CACHE_HEADER, guests_fast_path
from fichive.readings import buffer as read_buffer
from fichive.readings.buffer import ReadBuffer, reads
from fichive.readings.models import HitDay
from fichive.readings.services import Hit, day_date, day_number, hit_days_prune, hits_write
from fichive.readings.tracking import guest_visitor, user_visitor
from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.lib.test_guests_fast_path import _test_database_kept_open
from tests.ports import free_port
from tests.readings.conftest import DAY

pytestmark = pytest.mark.django_db


def hits_of(work: Work) -> int:
    return Work.objects.get(pk=work.pk).hits


@pytest.fixture
def tale(author) -> Work:
    return WorkFactory(author=author, title="Two Part Tale",
                       chapters=["<p>Alpha text here.</p>", "<p>Beta text here.</p>"])


def chapter_url(work: Work, position: int) -> str:
    return f"/works/{work.pk}/chapters/{work.chapters.get(position=position).pk}"


# --- Once per visitor per work per day ----------------------------------------------------


def test_a_guest_reading_the_same_work_again_counts_once(tale, guest, flush):
    browser = guest("203.0.113.1")
    for url in (f"/works/{tale.pk}", chapter_url(tale, 2), f"/works/{tale.pk}",
                f"/works/{tale.pk}?view_full_work=true"):
        assert browser.get(url).status_code == 200

    flush()

    assert hits_of(tale) == 1


def test_two_guests_count_twice(tale, guest, flush):
    guest("203.0.113.1").get(f"/works/{tale.pk}")
    guest("203.0.113.2").get(f"/works/{tale.pk}")

    flush()

    assert hits_of(tale) == 2


def test_a_logged_in_reader_counts_once_from_any_address(tale, reader, flush):
    for address in ("203.0.113.1", "198.51.100.7"):
        browser = Client(REMOTE_ADDR=address)
        browser.force_login(reader)
        assert browser.get(chapter_url(tale, 1)).status_code == 200

    flush()

    assert hits_of(tale) == 1


def test_the_same_visitor_counts_again_the_next_day(tale, flush, today):
    visitor = guest_visitor({"REMOTE_ADDR": "203.0.113.1"})
    reads.hit(tale.pk, visitor, at=today - DAY)
    flush(now=today - DAY)
    reads.hit(tale.pk, visitor, at=today - DAY + 60)
    flush(now=today - DAY + 60)
    assert hits_of(tale) == 1

    reads.hit(tale.pk, visitor, at=today)
    flush(now=today)

    assert hits_of(tale) == 2


def test_hits_equal_the_distinct_visitor_and_day_pairs(tale, work, flush, today):
    visits = [(tale, "u1", 0), (tale, "u1", 0), (tale, "u2", 0), (tale, "u1", 1),
              (work, "u1", 0), (work, "g" + "a" * 32, 1), (work, "g" + "a" * 32, 1)]
    for target, visitor, day in visits:
        reads.hit(target.pk, visitor, at=today - DAY + day * DAY)
        if day == 0:
            flush(now=today - DAY)  # in several batches: dedupe spans them
    flush(now=today)

    assert hits_of(tale) == len({(v, d) for t, v, d in visits if t == tale}) == 3
    assert hits_of(work) == len({(v, d) for t, v, d in visits if t == work}) == 2


def test_a_hit_written_by_another_process_is_not_counted_again(tale, today):
    day = day_number(today)
    # Two processes (without Redis) each buffered the same visitor's hit today.
    assert hits_write(hits=[Hit(day, tale.pk, "u7")], today=day) == 1
    assert hits_write(hits=[Hit(day, tale.pk, "u7"), Hit(day, tale.pk, "u8")], today=day) == 1
    assert hits_of(tale) == 2


def test_old_hit_days_are_pruned_and_too_old_hits_dropped(tale, today):
    day = day_number(today)
    hits_write(hits=[Hit(day - 5, tale.pk, "u1"), Hit(day - 2, tale.pk, "u1"),
                     Hit(day, tale.pk, "u1")], today=day)
    assert hits_of(tale) == 2  # five days old: can't be checked any more

    assert hit_days_prune(today=day + 1) == 1

    assert list(HitDay.objects.values_list("day", flat=True)) == [day_date(day)]


# --- Shown and sorted ---------------------------------------------------------------------


def test_hits_show_on_the_work_page_and_blurbs_and_sort_listings(author, reader_client, flush,
                                                                 guest):
    quiet = WorkFactory(author=author, title="Quiet Story")
    busy = WorkFactory(author=author, title="Busy Story")
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        guest(address).get(f"/works/{busy.pk}")
    guest("203.0.113.4").get(f"/works/{quiet.pk}")
    flush()

    page = reader_client.get(f"/works/{busy.pk}").content.decode()
    assert '<dd class="hits">3</dd>' in page
    listing = reader_client.get("/works?sort=hits").content.decode()
    assert "<dt class=\"hits\">Hits:</dt><dd>3</dd>" in listing
    assert listing.index("Busy Story") < listing.index("Quiet Story")


# --- From the page cache ------------------------------------------------------------------


def test_guests_served_from_djangos_page_cache_are_counted(tale, guest, flush):
    url = chapter_url(tale, 2)
    assert guest("203.0.113.1").get(url)[CACHE_HEADER] == "miss"
    cached = guest("203.0.113.2").get(url)
    again = guest("203.0.113.2").get(url)
    assert cached[CACHE_HEADER] == again[CACHE_HEADER] == "hit"

    flush()

    assert hits_of(tale) == 2


def _wsgi_get(path: str, address: str, *, method: str = "GET") -> tuple[str, bool]:
    """One request through the WSGI application as gunicorn calls it: (status, whether
    Django ran)."""
    environ = dict(RequestFactory().generic(method, path).environ)
    environ["REMOTE_ADDR"] = address
    started: list[bool] = []
    reply: dict = {}

    def on_start(**kwargs: object) -> None:
        started.append(True)

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        reply["status"] = status

    request_started.connect(on_start)
    try:
        with _test_database_kept_open():
            result = guests_fast_path(WSGIHandler())(environ, start_response)
            b"".join(result)
            getattr(result, "close", lambda: None)()
    finally:
        request_started.disconnect(on_start)
    return reply["status"], bool(started)


@pytest.mark.usefixtures("redis_cache")
def test_guests_served_by_the_wsgi_fast_path_are_counted(tale, flush):
    url = chapter_url(tale, 1)
    assert _wsgi_get(url, "203.0.113.1") == ("200 OK", True)
    for address in ("203.0.113.2", "203.0.113.3", "203.0.113.3"):
        assert _wsgi_get(url, address) == ("200 OK", False)  # before Django
    assert _wsgi_get(url, "203.0.113.4", method="HEAD") == ("200 OK", False)  # not a read

    flush()

    assert hits_of(tale) == 3


@pytest.mark.usefixtures("redis_cache")
def test_the_fast_path_does_not_count_pages_that_are_not_a_works_text(tale, flush):
    for url in ("/works", f"/works/{tale.pk}/navigate"):
        _wsgi_get(url, "203.0.113.1")
        assert _wsgi_get(url, "203.0.113.2") == ("200 OK", False)

    flush()

    assert hits_of(tale) == 0


# --- Never counted ------------------------------------------------------------------------


def test_works_a_guest_cannot_see_are_never_counted(author, guest, flush):
    locked = WorkFactory(author=author, restricted=True)
    draft = WorkFactory(author=author, post=False)
    browser = guest("203.0.113.1")
    for work in (locked, draft):
        expected = 302 if work is locked else 404  # a restricted work: log in first
        assert browser.get(f"/works/{work.pk}").status_code == expected
        assert browser.get(chapter_url(work, 1)).status_code == expected
    assert browser.get(f"/works/{draft.pk + 1000}").status_code == 404

    flush()

    assert hits_of(locked) == hits_of(draft) == 0
    assert not HitDay.objects.exists()


def test_a_logged_in_reader_counts_on_a_restricted_work(author, reader_client, flush):
    locked = WorkFactory(author=author, restricted=True)
    assert reader_client.get(f"/works/{locked.pk}").status_code == 200

    flush()

    assert hits_of(locked) == 1


def test_creators_reading_their_own_work_are_not_counted(author, co_author, flush):
    shared = WorkFactory(author=author, creators=[author.default_pseud,
                                                  co_author.default_pseud])
    for creator in (author, co_author):
        browser = Client()
        browser.force_login(creator)
        assert browser.get(f"/works/{shared.pk}").status_code == 200

    flush()

    assert hits_of(shared) == 0


def test_the_chapter_index_head_requests_and_downloads_are_not_counted(tale, guest, flush):
    browser = guest("203.0.113.1")
    assert browser.get(f"/works/{tale.pk}/navigate").status_code == 200
    assert browser.head(f"/works/{tale.pk}").status_code == 200
    download = browser.get(f"/downloads/{tale.pk}/tale.txt")
    assert download.status_code in {200, 302, 404}

    flush()

    assert hits_of(tale) == 0


# --- Buffered, written in batches ---------------------------------------------------------


def test_nothing_is_written_while_reading(tale, guest, flush):
    guest("203.0.113.1").get(f"/works/{tale.pk}")

    assert hits_of(tale) == 0
    assert reads.pending() == (1, 0)
    flush()
    assert reads.pending() == (0, 0)
    assert hits_of(tale) == 1


def test_the_shutdown_hook_writes_what_is_buffered(tale, guest):
    guest("203.0.113.1").get(f"/works/{tale.pk}")

    reads.shutdown()

    assert hits_of(tale) == 1


def _hits_when_unlocked(work) -> int:
    """hits_of, read again while the flush thread's write holds the table: the test database
    is SQLite in memory with a shared cache, where a reader meets a writer's table lock at
    once ("database table is locked") instead of waiting as it does on a file."""
    for _ in range(100):
        try:
            return hits_of(work)
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.02)
    return hits_of(work)


@pytest.mark.django_db(transaction=True)
def test_the_flush_thread_writes_every_few_seconds(settings, author):
    settings.FICHIVE_HITS_FLUSH_SECONDS = 0.05
    work = WorkFactory(author=author)
    process = ReadBuffer()
    process.background = True
    try:
        process.hit(work.pk, "u1")
        assert process.thread is not None and process.thread.daemon
        deadline = time.monotonic() + 10
        while _hits_when_unlocked(work) == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _hits_when_unlocked(work) == 1
    finally:
        process.shutdown()


@pytest.mark.usefixtures("redis_cache")
def test_through_redis_each_hit_counts_once_across_processes(tale, work, today, redis_url):
    # Two worker processes, each with its buffer, saw the same guest; one saw another too.
    first, second = ReadBuffer(), ReadBuffer()
    for process in (first, second):
        process.hit(tale.pk, "g" + "b" * 32, at=today)
    second.hit(work.pk, "u3", at=today)
    first.flush(now=today)
    second.flush(now=today)

    assert hits_of(tale) == 1
    assert hits_of(work) == 1
    client = redis.Redis.from_url(redis_url)
    try:
        pending = caches["default"].make_key(f"{read_buffer.PREFIX}:hits")
        assert client.llen(pending) == 0  # drained
        assert client.scard(caches["default"].make_key(
            f"{read_buffer.PREFIX}:seen:{day_number(today)}")) == 2
    finally:
        client.close()


@pytest.mark.usefixtures("redis_cache")
def test_through_redis_what_one_process_pushed_another_writes(tale, today):
    pushed = ReadBuffer()
    pushed.hit(tale.pk, "u5", at=today)
    queue = read_buffer._redis_queue()
    assert queue is not None
    # The first process pushed its batch and died before writing it.
    queue.push([Hit(day_number(today), tale.pk, "u5")], [])
    assert hits_of(tale) == 0

    ReadBuffer().flush(now=today)

    assert hits_of(tale) == 1


@pytest.mark.usefixtures("redis_cache")
def test_a_drain_another_process_holds_is_left_to_it(tale, today):
    queue = read_buffer._redis_queue()
    assert queue is not None
    queue.client.set(queue.lock, "someone-else", px=60_000)
    process = ReadBuffer()
    process.hit(tale.pk, "u5", at=today)

    process.flush(now=today)
    assert hits_of(tale) == 0  # queued in Redis, for the lock's holder
    queue.client.delete(queue.lock)
    ReadBuffer().flush(now=today)

    assert hits_of(tale) == 1


def test_with_redis_down_hits_go_straight_to_the_database(settings, tale, caplog, today):
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
    }}
    process = ReadBuffer()
    process.hit(tale.pk, "u9", at=today)

    with caplog.at_level(logging.WARNING, logger="fichive.readings.buffer"):
        process.flush(now=today)

    assert hits_of(tale) == 1
    assert "couldn't reach Redis" in caplog.text


def test_recording_a_hit_only_touches_memory(tale, django_assert_num_queries):
    with django_assert_num_queries(0):
        for number in range(100):
            reads.hit(tale.pk, user_visitor(number))
    assert reads.pending() == (100, 0)


def test_threads_recording_at_once_lose_no_hit(tale, today):
    # gunicorn's gthread workers record from several threads of one process.
    process = ReadBuffer()

    def record(start: int) -> None:
        for number in range(start, start + 200):
            process.hit(tale.pk, user_visitor(number), at=today)

    workers = [threading.Thread(target=record, args=(n * 200,)) for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    process.flush(now=today)

    assert hits_of(tale) == 600
