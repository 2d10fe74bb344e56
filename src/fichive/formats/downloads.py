"""A work's download files, kept on disk under DATA_DIR/downloads/<work id>/ and built once per
revision of what the file shows, for a visitor who may see the work (views check with
works.selectors first).

A file's name is the digest of its content's source: the `Book` (title, creators as shown,
so an anonymous work's names none, tags, notes, chapters, series, the archive's name and
address) and FILES_VERSION. Any edit, chapter change, tag rename, pseud rename or change of
anonymity gives a new name, so a stale file is never served, on any setup (the embedded
default included: nothing depends on a cache other processes can't see). The file doesn't
depend on who asks, and only someone the selector let through gets to the lookup, so a
restricted work's file never reaches a guest.

Builds are made once across worker processes and threads: a builder holds an flock on
`<ext>.lock` in the work's folder while it typesets, and whoever asks meanwhile waits for its
file. At most FICHIVE_DOWNLOAD_BUILDS files are built at once (one flock slot each, under
downloads/.builds/); a request that finds every slot busy for FICHIVE_DOWNLOAD_WAIT_SECONDS
gets `DownloadsBusy` (the view answers 503 with Retry-After). Files are written to a temporary
name and renamed into place, so a reader never sees half a file; a new revision's build
removes the work's older files of that format.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from fichive.formats import exporters
from fichive.formats.exporters import Book
from fichive.works import selectors
from fichive.works.models import Work

logger = logging.getLogger(__name__)

# Part of every file's name: raise it when an exporter's output changes, so files built by
# the old code are replaced as they are asked for.
FILES_VERSION = 1
# A temporary file older than this is a crashed build's: removed by the next build.
_STALE_TEMP_SECONDS = 3600
_POLL_SECONDS = 0.05


class DownloadsBusy(Exception):
    """Every build slot stayed busy for the whole wait: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Every download build slot is busy.")
        self.retry_after = retry_after


@dataclass
class Download:
    """A built file, open for reading: `file` (the caller closes it, FileResponse does),
    its `size`, `etag` (its revision) and whether it was built for this request ("miss")
    or already on disk ("hit")."""

    file: BinaryIO
    size: int
    etag: str
    cache: str


def downloads_dir() -> Path:
    return Path(settings.DATA_DIR) / "downloads"


def download_file(*, work: Work, extension: str, site_url: str) -> Download:
    """The file of `work` (from works.selectors.work_for_viewer) as `extension`, built if
    this revision of it isn't on disk yet."""
    book = exporters.book_from_work(work, selectors.chapters_in_order(work),
                                    site_url=site_url, site_name=settings.FICHIVE_SITE_NAME)
    return download_of_book(book=book, extension=extension)


def book_revision(book: Book) -> str:
    """The digest of everything the file of `book` shows (its dataclass fields, in order)."""
    return hashlib.sha256(f"{FILES_VERSION}\n{book!r}".encode()).hexdigest()[:32]


def download_of_book(*, book: Book, extension: str) -> Download:
    """The file of `book` as `extension`: from disk, or built now (once across processes)."""
    revision = book_revision(book)
    folder = downloads_dir() / str(book.work_id)
    path = folder / f"{revision}.{extension}"
    found = _open(path, revision)
    if found is not None:
        return found
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + settings.FICHIVE_DOWNLOAD_WAIT_SECONDS
    # Someone building this format of this work now: wait for their file (a build
    # that outlasts the wait gives DownloadsBusy, like full slots).
    with _locked(folder / f"{extension}.lock", deadline):
        found = _open(path, revision)
        if found is not None:
            return found
        with _build_slot(deadline):
            data = exporters.export(book, extension)
        return _store(folder, path, data, revision, extension)


def _open(path: Path, revision: str) -> Download | None:
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return None
    return Download(file, os.fstat(file.fileno()).st_size, revision, "hit")


def _store(folder: Path, path: Path, data: bytes, revision: str, extension: str) -> Download:
    """Write the file under a temporary name and rename it into place; remove the work's
    older files of this format and crashed builds' leftovers (under the format's lock)."""
    descriptor, temp = tempfile.mkstemp(dir=folder, prefix=f".{extension}-", suffix=".tmp")
    file = os.fdopen(descriptor, "w+b")
    try:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        file.close()
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    file.seek(0)
    now = time.time()
    for other in folder.iterdir():
        old_revision = other.suffix == f".{extension}" and other != path
        crashed = (other.name.startswith(f".{extension}-") and other.name.endswith(".tmp")
                   and _age(other, now) > _STALE_TEMP_SECONDS)
        if old_revision or crashed:
            with contextlib.suppress(OSError):  # a reader holding it open keeps its copy
                other.unlink()
    return Download(file, len(data), revision, "miss")


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0


def _retry_after() -> int:
    """Seconds a refused visitor is asked to wait: about one build's time."""
    return max(5, int(settings.FICHIVE_DOWNLOAD_WAIT_SECONDS))


@contextlib.contextmanager
def _locked(path: Path, deadline: float) -> Iterator[None]:
    """Hold an exclusive flock on `path` (waiting until `deadline`, else DownloadsBusy)."""
    with path.open("a+b") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DownloadsBusy(_retry_after()) from None
                time.sleep(_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def slot_paths() -> list[Path]:
    """The build slots' lock files: FICHIVE_DOWNLOAD_BUILDS of them."""
    folder = downloads_dir() / ".builds"
    return [folder / f"{number}.lock"
            for number in range(max(1, settings.FICHIVE_DOWNLOAD_BUILDS))]


@contextlib.contextmanager
def _build_slot(deadline: float) -> Iterator[None]:
    """Hold one of the build slots (flocks every process shares), waiting for one to free
    until `deadline`, else DownloadsBusy."""
    paths = slot_paths()
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    handles = [path.open("a+b") for path in paths]
    try:
        while True:
            for handle in handles:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                return
            if time.monotonic() >= deadline:
                logger.warning("Every download build slot is busy; answering 503")
                raise DownloadsBusy(_retry_after())
            time.sleep(_POLL_SECONDS)
    finally:
        for handle in handles:
            handle.close()
