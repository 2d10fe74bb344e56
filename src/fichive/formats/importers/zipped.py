"""Zip files of many stories: the .txt and .html files inside, read under archive.py's limits;
the import service parses each one with the importer its content calls for."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from fichive.formats.errors import ImportFailed
from fichive.formats.importers.archive import SafeZip

STORY_EXTENSIONS = (".txt", ".html", ".htm")

# What macOS, Windows and editors leave in zips: never stories.
_JUNK_FOLDERS = frozenset({"__MACOSX", ".git", ".svn"})
_JUNK_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini", ".directory"})


def is_junk(name: str) -> bool:
    """Whether a member is system clutter: __MACOSX/, .DS_Store, "._name" resource forks…"""
    parts = name.split("/")
    base = parts[-1]
    return (
        any(part in _JUNK_FOLDERS for part in parts[:-1])
        or base.casefold() in _JUNK_FILES
        or base.startswith("._")
        or base.endswith("~")
    )


def iter_zip_texts(data: bytes, *, filename: str) -> Iterator[tuple[str, bytes]]:
    """(member name, bytes) for each .txt/.htm/.html story in a zip, in the zip's order.

    Folders, system clutter and other files are skipped. Raises ImportFailed (from the first
    ``next``) for a zip that breaks archive.py's limits or holds no story, and while iterating
    if a member turns out to break them when read. ``filename`` is the zip's, taken like every
    importer's (the reasons don't repeat it: the caller shows it with them).
    """
    with SafeZip(data) as archive:
        names = [
            name
            for name in archive.files()
            if not is_junk(name) and posixpath.splitext(name)[1].lower() in STORY_EXTENSIONS
        ]
        if not names:
            raise ImportFailed("the zip file holds no .txt or .html stories")
        for name in names:
            yield name, archive.read(name)
