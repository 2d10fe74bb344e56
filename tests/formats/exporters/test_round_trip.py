"""Our HTML and EPUB downloads import back through our own importers (importers/ao3.py and
importers/epub.py) to the same title, creators, tags, summary, notes and chapters."""

from __future__ import annotations

import pytest

from fichive.formats import exporters
from fichive.formats.services import ImportOptions, detect_format, parse_file, works_import
from fichive.works.models import Work
from tests.factories import UserFactory
from tests.formats.exporters.conftest import book_of

TAG_TYPES = ["rating", "warning", "category", "fandom", "relationship", "character", "freeform"]


def _fields(work: Work) -> dict:
    work = Work.objects.prefetch_related("tags").get(pk=work.pk)
    return {
        "title": work.title, "summary": work.summary, "notes": work.notes,
        "end_notes": work.end_notes, "language": work.language,
        "expected_chapters": work.expected_chapters, "complete": work.complete,
        "published": work.published, "updated": work.updated,
        "word_count": work.word_count,
        "tags": {t: [tag.name for tag in work.tags_of(t)] for t in TAG_TYPES},
        "chapters": [(c.title, c.summary, c.notes, c.end_notes, c.content, c.word_count)
                     for c in work.chapters.order_by("position")],
    }


@pytest.mark.parametrize("extension", ["html", "epub"])
@pytest.mark.parametrize("fixture", ["full_work", "one_shot", "unusual_work"])
def test_download_imports_back_to_the_same_work(extension, fixture, request, db):
    original = request.getfixturevalue(fixture)
    data = exporters.export(book_of(original), extension)

    parsed = parse_file(data, filename=f"work.{extension}", options=ImportOptions())
    assert parsed.format == "ao3"
    assert parsed.creators == [p.name for p in original.pseuds()]
    importer = UserFactory(username="importer")
    # Our own download: imported only when a copy is asked for (else it points at the work).
    [refused] = works_import(data=data, filename=f"work.{extension}", user=importer,
                             options=ImportOptions())
    assert refused.copy_of == original.pk
    [result] = works_import(data=data, filename=f"work.{extension}", user=importer,
                            options=ImportOptions(allow_copy=True))
    assert result.status == "created", result.reason
    # Someone else's work: its creators are kept as the byline named them.
    assert result.work.imported_creator == ", ".join(parsed.creators)

    assert _fields(result.work) == _fields(original)


def test_html_download_is_recognised_by_content(full_work, db):
    data = exporters.export(book_of(full_work), "html")
    assert detect_format(data) == "ao3"
    assert detect_format(exporters.export(book_of(full_work), "epub")) == "epub"
