"""Counts in imported files (an AO3 download's Stats, a FanFicFare title page's Kudos, Hits,
Bookmarks and Comments lines) are the source's, not this archive's: an imported work starts
with none of its own, and its page and blurb don't show the source's numbers as ours."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest

from fichive.formats.services import ImportOptions, works_import
from fichive.works.models import Work
from tests.formats import epub_builders as build
from tests.formats.builders import ao3_html, ao3_work

SOURCE_COUNTS = {"Comments": "4,321", "Kudos": "8,765", "Bookmarks": "1,234", "Hits": "98,765"}


def _ao3_download() -> bytes:
    html = ao3_html(ao3_work(title="Counted Elsewhere"))
    stats = "\n        ".join(f"{label}: {value}" for label, value in SOURCE_COUNTS.items())
    marker = "Words: "
    assert marker in html
    at = html.index("\n", html.index(marker))
    return (html[:at] + "\n        " + stats + html[at:]).encode()


def _fanficfare_epub() -> bytes:
    book = build.FanFicFareBook()
    entries = [*book.entries, *SOURCE_COUNTS.items()]
    return build.fanficfare_epub(replace(book, title="Counted Elsewhere", entries=entries))


def _text_of(content: bytes) -> str:
    if not content.startswith(b"PK"):
        return content.decode()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode(errors="replace")
                       for name in archive.namelist())


@pytest.mark.parametrize(("name", "data"), [
    ("counted.html", _ao3_download), ("counted.epub", _fanficfare_epub),
], ids=["ao3-download", "fanficfare-epub"])
def test_imported_counts_are_not_shown_as_this_archives(client, author, name, data):
    content = data()
    assert "98,765" in _text_of(content)  # the file does carry the source's counts
    [result] = works_import(data=content, filename=name, user=author,
                            options=ImportOptions(pseud=author.default_pseud))
    assert result.status == "created", result.reason
    work = Work.objects.get(title="Counted Elsewhere")
    assert (work.kudos_count, work.hits, work.bookmarks_count, work.comments_count) == (
        0, 0, 0, 0)
    for url in (f"/works/{work.pk}", "/works"):
        page = client.get(url).content.decode()
        for value in SOURCE_COUNTS.values():
            assert value not in page
        assert '<dt class="kudos">' not in page and '<dt class="bookmarks">' not in page
