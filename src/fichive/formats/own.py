"""Recognising this archive's own downloads: HTML and EPUB downloads carry a URN naming the
archive and the work (`urn:fichive:<archive>:work:<id>`), so importing one can point at the
work instead of making a copy of it under the importer's name."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

from django.conf import settings

from fichive.formats.importers.epub import is_epub

# The first bytes of an HTML download searched for the URN (it is in the <head>), and the
# most of an EPUB's package document read.
_HTML_HEAD_BYTES = 64 * 1024
_OPF_MAX_BYTES = 1024 * 1024
_URN = re.compile(rb"urn:fichive:([0-9a-f]{16}):work:([0-9]{1,18})")


def archive_id() -> str:
    """This archive's name in its URNs: derived from its secret key (one-way), so another
    Fichive's downloads are not taken for ours."""
    return hashlib.sha256(f"fichive-archive\n{settings.SECRET_KEY}".encode()).hexdigest()[:16]


def work_urn(work_id: int) -> str:
    return f"urn:fichive:{archive_id()}:work:{work_id}"


def _searched(data: bytes) -> list[bytes]:
    if not is_epub(data):
        return [data[:_HTML_HEAD_BYTES]]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return [book.read(info) for info in book.infolist()
                    if info.filename.lower().endswith(".opf")
                    and info.file_size <= _OPF_MAX_BYTES]
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return []


def own_download_of(data: bytes) -> int | None:
    """The id of the work `data` is this archive's HTML or EPUB download of, else None (the
    work may since have been deleted: callers look it up through the visibility selectors)."""
    ours = archive_id().encode()
    for blob in _searched(data):
        for match in _URN.finditer(blob):
            if match.group(1) == ours:
                return int(match.group(2))
    return None
