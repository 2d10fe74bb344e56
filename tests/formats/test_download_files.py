"""Download files kept on disk (formats/downloads.py): built once per revision of what they
show, rebuilt after a change, built once across threads, at most FICHIVE_DOWNLOAD_BUILDS at
a time (503 with Retry-After beyond), streamed from disk with byte ranges."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
import time
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings

from fichive.formats import downloads, exporters
from fichive.lib import ranges
from fichive.works import selectors
from fichive.works.services import WorkMeta, work_update
from tests.factories import WorkFactory


def _files(work, extension: str) -> list[Path]:
    folder = Path(settings.DATA_DIR) / "downloads" / str(work.pk)
    return sorted(folder.glob(f"*.{extension}")) if folder.exists() else []


def _book(work):
    return exporters.book_from_work(work, selectors.chapters_in_order(work),
                                    site_url="http://testserver/", site_name="Fichive")


def test_a_download_is_built_once_and_then_served_from_disk(work, client):
    url = f"/downloads/{work.pk}/story.pdf"
    first = client.get(url)
    assert first.status_code == 200 and first["X-Fichive-Cache"] == "miss"
    [stored] = _files(work, "pdf")
    assert stored.read_bytes() == first.content
    again = client.get(url)
    assert again["X-Fichive-Cache"] == "hit" and again.content == first.content
    assert again["ETag"] == first["ETag"] == f'"{stored.stem}"'
    assert _files(work, "pdf") == [stored]


def test_an_edit_builds_a_new_file_and_removes_the_old_one(work, author, client):
    url = f"/downloads/{work.pk}/story.txt"
    client.get(url)
    [old] = _files(work, "txt")
    work_update(user=author, work=work, meta=WorkMeta(
        title="Renamed Tale", creators=[author.default_pseud], fandoms=["Original Work"],
        rating="General Audiences"))
    edited = client.get(url)
    assert edited["X-Fichive-Cache"] == "miss"
    assert edited.content.decode().startswith("Renamed Tale\n")
    [new] = _files(work, "txt")
    assert new != old and not old.exists()


def test_making_a_work_anonymous_builds_a_file_without_the_creators_name(work, author, client):
    url = f"/downloads/{work.pk}/story.txt"
    assert author.username in client.get(url).content.decode()
    work_update(user=author, work=work, meta=WorkMeta(
        title=work.title, creators=[author.default_pseud], fandoms=["Original Work"],
        rating="General Audiences", anonymous=True))
    text = client.get(url).content.decode()
    assert author.username not in text and "Anonymous" in text


@pytest.mark.django_db
def test_threads_asking_for_the_same_new_file_build_it_once(author):
    book = _book(WorkFactory(author=author, chapters=["<p>Rain on the harbour.</p>"] * 3))
    start = threading.Barrier(4)
    got: list[str] = []

    def fetch() -> None:
        start.wait()
        built = downloads.download_of_book(book=book, extension="pdf")
        built.file.close()
        got.append(built.cache)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(got) == ["hit", "hit", "hit", "miss"]


@pytest.fixture
def every_slot_busy(settings):
    """Every build slot held, as other worker processes building files would hold them (an
    flock on a file opened separately conflicts as another process's does)."""
    settings.FICHIVE_DOWNLOAD_BUILDS = 2
    settings.FICHIVE_DOWNLOAD_WAIT_SECONDS = 0.3
    paths = downloads.slot_paths()
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    handles = [path.open("a+b") for path in paths]
    for handle in handles:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def release() -> None:
        for handle in handles:
            handle.close()

    yield release
    release()


def test_when_every_build_slot_stays_busy_the_visitor_is_asked_to_come_back(
        work, client, every_slot_busy):
    before = _files(work, "txt")  # other tests' works of this id, if any
    refused = client.get(f"/downloads/{work.pk}/story.txt")
    assert refused.status_code == 503
    assert refused["Retry-After"].isdigit() and int(refused["Retry-After"]) >= 1
    assert "Downloads are busy" in refused.content.decode()
    assert "try again in" in refused.content.decode()
    assert _files(work, "txt") == before
    every_slot_busy()
    served = client.get(f"/downloads/{work.pk}/story.txt")
    assert served.status_code == 200 and served["X-Fichive-Cache"] == "miss"


def test_a_file_already_built_is_served_while_every_slot_is_busy(work, client, settings):
    url = f"/downloads/{work.pk}/story.epub"
    assert client.get(url)["X-Fichive-Cache"] == "miss"
    settings.FICHIVE_DOWNLOAD_BUILDS = 1
    settings.FICHIVE_DOWNLOAD_WAIT_SECONDS = 0.1
    [slot] = downloads.slot_paths()
    with slot.open("a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert client.get(url)["X-Fichive-Cache"] == "hit"


def _build_in_a_process(book, extension: str, results) -> None:
    """In a forked worker process: build (or find) the file, and say how it went and when
    the build ran (CLOCK_MONOTONIC is the machine's, comparable across processes)."""
    real_export = exporters.export
    ran: list[tuple[float, float]] = []

    def timed_export(book, extension):
        began = time.monotonic()
        try:
            return real_export(book, extension)
        finally:
            ran.append((began, time.monotonic()))

    exporters.export = timed_export  # only in this child process: the real build, timed
    built = downloads.download_of_book(book=book, extension=extension)
    built.file.close()
    results.put((built.cache, ran))


def _in_processes(books, extension: str) -> list[tuple[str, list[tuple[float, float]]]]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_build_in_a_process, args=(book, extension, results))
                 for book in books]
    for process in processes:
        process.start()
    got = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return got


@pytest.mark.django_db
def test_worker_processes_asking_for_the_same_new_file_build_it_once(author):
    book = _book(WorkFactory(author=author, chapters=["<p>Gulls over the pier.</p>"] * 3))
    got = _in_processes([book] * 3, "pdf")
    assert sorted(cache for cache, _ in got) == ["hit", "hit", "miss"]
    assert sum(len(ran) for _, ran in got) == 1


@pytest.mark.django_db
def test_worker_processes_take_turns_when_there_is_one_build_slot(author, settings):
    """With one slot, three processes building three different files never build at once:
    no two builds' intervals overlap."""
    settings.FICHIVE_DOWNLOAD_BUILDS = 1
    settings.FICHIVE_DOWNLOAD_WAIT_SECONDS = 60
    books = [_book(WorkFactory(author=author, chapters=[f"<p>Tide {n}.</p>"] * 2))
             for n in range(3)]
    got = _in_processes(books, "pdf")
    intervals = sorted(interval for _, ran in got for interval in ran)
    assert [cache for cache, _ in got] == ["miss"] * 3 and len(intervals) == 3
    assert all(earlier[1] <= later[0] for earlier, later in pairwise(intervals))


def test_a_big_file_streams_from_disk_and_still_resumes(work, client, monkeypatch):
    monkeypatch.setattr(ranges, "STREAM_FROM_BYTES", 0)
    url = f"/downloads/{work.pk}/story.epub"
    whole = client.get(url)
    body = whole.getvalue()
    assert whole.streaming and whole["Content-Length"] == str(len(body))
    part = client.get(url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE=whole["ETag"])
    assert part.status_code == 206 and part.content == body[100:]
    stale = client.get(url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"an-older-file"')
    assert stale.status_code == 200 and stale.getvalue() == body


def test_a_crashed_builds_leftover_is_removed_by_the_next_build(work, client):
    folder = Path(settings.DATA_DIR) / "downloads" / str(work.pk)
    folder.mkdir(parents=True, exist_ok=True)
    leftover = folder / ".txt-crashed.tmp"
    leftover.write_bytes(b"half a fi")
    hours_ago = time.time() - 7200
    os.utime(leftover, (hours_ago, hours_ago))
    assert client.get(f"/downloads/{work.pk}/story.txt").status_code == 200
    assert not leftover.exists()
