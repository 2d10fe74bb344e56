"""Importing every supported format end to end: detection by content, the works created,
re-imports that skip or update, zips of many stories, and batches that keep going."""

from __future__ import annotations

import io
import zipfile

import pytest

from fichive.cli import main
from fichive.formats.services import ImportOptions, works_import
from fichive.works.models import Chapter, Work
from tests.formats.builders import Ao3Chapter, ao3_html, ao3_work, prose
from tests.formats.epub_builders import FanFicFareBook, ao3_epub, fanficfare_epub, generic_epub3

STORY = (
    b"Lamps Along the Quay\n\n"
    b"A/N: For the harbour crowd.\n\n"
    b"The first lamp caught on the third try.\n\n"
    b"* * *\n\n"
    b"By the tenth, the whole quay was lit and nobody was watching any more.\n"
)


def _names(work: Work, tag_type: str) -> list[str]:
    return sorted(t.name for t in work.tags.filter(type=tag_type))


def _import(user, data: bytes, filename: str, **options):
    return list(works_import(data=data, filename=filename, user=user,
                             options=ImportOptions(**options)))


def test_ao3_html_download_brings_its_tags_chapters_and_source(author):
    work = ao3_work(chapters=[Ao3Chapter(prose(3), title="Low Tide"),
                              Ao3Chapter(prose(3, start=3), title="High Water")],
                    expected_chapters=None, complete=False,
                    relationships=["Ilse Brandt & Jonah Brandt"])
    [result] = _import(author, ao3_html(work).encode(), "gull-rock.html")

    assert result.status == "created"
    saved = result.work
    assert saved.title == "The Keeper of Gull Rock"
    assert _names(saved, "fandom") == ["The Tidewater Chronicles"]
    assert _names(saved, "relationship") == ["Ilse Brandt & Jonah Brandt"]
    assert _names(saved, "character") == ["Ilse Brandt", "Jonah Brandt"]
    assert _names(saved, "rating") == ["Teen And Up Audiences"]
    assert saved.chapters_display == "2/?"
    assert [c.title for c in saved.chapters.all()] == ["Low Tide", "High Water"]
    assert saved.source_url == "https://archiveofourown.org/works/4815162"
    assert str(saved.published) == "2021-03-14"


def test_plain_html_story_is_imported_with_its_scene_break(author):
    html = (b"<html><head><title>Quay Lamps</title></head><body>"
            b"<p>The first lamp caught.</p><p align='center'>* * *</p><p>The last one didn't.</p>"
            b"<script>alert(1)</script></body></html>")
    [result] = _import(author, html, "quay.html", fandoms=["Original Work"])

    content = result.work.chapters.get().content
    assert content.count("<hr") == 1
    assert "script" not in content and "alert" not in content


def test_fanficfare_epub_is_imported_with_its_metadata(author):
    [result] = _import(author, fanficfare_epub(FanFicFareBook()), "story.epub")

    assert result.status == "created", result.reason
    assert result.work.source_url
    assert result.work.chapter_count >= 1
    assert _names(result.work, "fandom")


def test_ao3_epub_is_imported_like_the_html_download(author):
    [result] = _import(author, ao3_epub(), "gull-rock.epub")

    assert result.status == "created", result.reason
    assert result.work.source_url.startswith("https://archiveofourown.org/works/")
    assert _names(result.work, "fandom")


def test_generic_epub_needs_a_fandom_from_the_importer(author):
    [failed] = _import(author, generic_epub3(), "book.epub")
    assert failed.status == "failed"
    assert "at least one fandom" in failed.reason

    [result] = _import(author, generic_epub3(), "book.epub", fandoms=["Original Work"])
    assert result.status == "created", result.reason


def test_reimporting_the_same_ao3_work_skips_or_updates(author):
    first = ao3_html(ao3_work()).encode()
    newer = ao3_html(ao3_work(title="The Keeper of Gull Rock (revised)")).encode()
    [created] = _import(author, first, "a.html")

    [skipped] = _import(author, newer, "b.html")
    assert skipped.status == "skipped"
    assert skipped.work == created.work
    assert Work.objects.count() == 1

    [updated] = _import(author, newer, "b.html", on_duplicate="update")
    assert updated.status == "updated"
    assert Work.objects.get().title == "The Keeper of Gull Rock (revised)"
    assert Work.objects.count() == 1


def test_someone_elses_import_is_not_updated_but_imported_anew(author, co_author):
    data = ao3_html(ao3_work()).encode()
    [first] = _import(author, data, "a.html")

    [result] = _import(co_author, data, "a.html", on_duplicate="update", title="Theirs")

    assert result.status == "created"
    assert result.work != first.work
    assert Work.objects.get(pk=first.work.pk).title == "The Keeper of Gull Rock"


def test_zip_of_stories_imports_each_and_reports_each(author):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stories/lamps.txt", STORY)
        archive.writestr("stories/empty.txt", b"   ")
        archive.writestr("__MACOSX/._lamps.txt", b"junk")
    results = _import(author, buffer.getvalue(), "stories.zip", fandoms=["Original Work"])

    assert [(r.name, r.status) for r in results] == [
        ("stories.zip:stories/lamps.txt", "created"),
        ("stories.zip:stories/empty.txt", "failed"),
    ]
    assert Work.objects.count() == 1


@pytest.fixture
def batch(tmp_path):
    (tmp_path / "one.txt").write_bytes(STORY)
    (tmp_path / "two.html").write_bytes(ao3_html(ao3_work()).encode())
    (tmp_path / "bad.epub").write_bytes(b"PK\x03\x04 cut off")
    return tmp_path


def test_batch_prints_a_line_per_file_and_a_rerun_completes_without_duplicates(
    db, batch, capsys
):
    assert main(["import", str(batch), "--fandom", "Original Work"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{batch / 'bad.epub'}: error:") for line in out)
    assert out[-1] == "Imported 2 works, 1 failed."
    works, chapters = Work.objects.count(), Chapter.objects.count()

    (batch / "bad.epub").unlink()  # the interrupted or failed part is fixed and run again
    assert main(["import", str(batch), "--fandom", "Original Work"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "Imported 0 works (2 skipped), 0 failed."
    assert (Work.objects.count(), Chapter.objects.count()) == (works, chapters)


def test_split_chapters_option_splits_html_at_headings(db, tmp_path, capsys):
    story = tmp_path / "two.html"
    story.write_bytes(b"<html><body><h1>Chapter 1: Salt</h1><p>One.</p>"
                      b"<h1>Chapter 2: Stone</h1><p>Two.</p></body></html>")

    assert main(["import", str(story), "--fandom", "Original Work", "--split-chapters"]) == 0

    assert [c.title for c in Work.objects.get().chapters.all()] == ["Salt", "Stone"]


def test_import_page_takes_an_epub(author, author_client):
    upload = io.BytesIO(ao3_epub())
    upload.name = "gull-rock.epub"
    response = author_client.post("/works/import", {
        "file": upload, "pseud": author.default_pseud.pk, "fandoms": "",
    })

    work = Work.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/works/{work.pk}"
