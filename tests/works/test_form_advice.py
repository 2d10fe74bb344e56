"""Web forms speak of their own fields: required fields are marked, and no message gives
command-line advice ("--fandom"); the command line keeps its own wording."""

from __future__ import annotations

import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from fichive.cli import main
from fichive.works.models import Work
from tests.works.helpers import html, work_form

STORY = b"The Quiet Harbour\n\nThe lantern burned low while she wrote the last letter home.\n"


def _field(page: str, name: str) -> str:
    """The HTML of one form field's block (label, input, help and errors)."""
    found = re.search(rf'<div class="field[^"]*" id="field-{name}">(.*?)</div>', page, re.S)
    assert found, name
    return found.group(1)


def _import(client, author, name: str, content: bytes, content_type: str):
    return client.post("/works/import", {
        "file": SimpleUploadedFile(name, content, content_type=content_type),
        "pseud": author.default_pseud.pk, "title": "", "fandoms": "", "rating": "",
    })


def test_posting_form_marks_required_fields_and_only_those(author_client):
    page = html(author_client.get("/works/new"))

    assert "are required" in page
    for name in ("title", "fandoms", "rating", "warnings", "chapter-content"):
        assert 'class="required"' in _field(page, name), name
    for name in ("summary", "relationships", "freeforms", "expected_chapters"):
        assert 'class="required"' not in _field(page, name), name


def test_new_chapter_form_marks_the_chapter_text_required(author_client, work):
    page = html(author_client.get(f"/works/{work.pk}/chapters/new"))

    assert 'class="required"' in _field(page, "content")
    assert 'class="required"' not in _field(page, "title")


def test_posting_without_a_fandom_names_the_field(author, author_client):
    response = author_client.post("/works/new", work_form(author, fandoms=""))

    page = html(response)
    assert "A work needs at least one fandom." in _field(page, "fandoms")
    assert "--" not in re.sub(r"<!--.*?-->", "", page.split("<main", 1)[1])
    assert not Work.objects.exists()


def test_import_without_a_fandom_asks_for_one_without_command_line_advice(author,
                                                                          author_client):
    """A text file naming no fandom comes back to be confirmed (issue 23: the tags its text
    suggests, or a fandom typed in), saying why, and with no command-line advice."""
    response = _import(author_client, author, "harbour.txt", STORY, "text/plain")

    page = html(response)
    assert "The file names no fandom, and a work needs one." in page
    assert '<input type="text" name="fandoms" id="id_fandoms"' in page
    assert "--fandom" not in page
    assert "command line" not in page
    assert not Work.objects.exists()


def test_zip_import_results_name_the_form_field_not_the_command_line(author, author_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("one.txt", STORY)
        archive.writestr("two.txt", STORY.replace(b"Quiet", b"Loud"))

    response = _import(author_client, author, "stories.zip", buffer.getvalue(),
                       "application/zip")

    page = html(response)
    assert page.count("fill in “Fandoms” and import it again") == 2
    assert "--fandom" not in page
    assert not Work.objects.exists()


def test_command_line_import_keeps_its_own_advice(db, capsys, tmp_path):
    story = tmp_path / "harbour.txt"
    story.write_bytes(STORY)

    assert main(["import", str(story)]) == 1

    assert "give one (--fandom on the command line)" in capsys.readouterr().out
