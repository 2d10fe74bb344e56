"""`fichive import-efiction`: one line per story, the summary, the exit status, and the
mapping file it writes and reads."""

from __future__ import annotations

import tomllib

import pytest

from fichive.cli import main
from fichive.works.models import Work
from tests.formats.efiction.dataset import (
    BOOKMARKS_MADE,
    FAVOURITES_SKIPPED,
    LANTERN,
    PLAIN,
    REVIEWS_KEPT,
    WORK_COUNT,
)


def _run(capsys, *argv) -> tuple[int, list[str], str]:
    status = main(["import-efiction", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


def test_lines_summary_and_failure_exit_status(db, capsys, dump_file, story_files):
    status, out, _ = _run(capsys, "--dump", dump_file, "--story-files", story_files)

    assert status == 1
    assert out[-1] == (
        f"Imported {WORK_COUNT} works, 1 failed. 4 accounts created for authors to claim at "
        f"/claim; {REVIEWS_KEPT} reviews imported as comments; {BOOKMARKS_MADE} private "
        f"bookmarks made from favourites ({FAVOURITES_SKIPPED} favourites skipped); 2 series "
        "imported.")
    assert "sid 4 “Broken Story”: error: the story has no chapters" in out
    assert any(line.startswith("sid 3 “Pending Story” → /works/") and line.endswith("(draft)")
               for line in out)


def test_second_run_skips_and_update_updates(db, capsys, dump_file, story_files):
    _run(capsys, "--dump", dump_file, "--story-files", story_files)

    status, out, _ = _run(capsys, "--dump", dump_file, "--story-files", story_files)
    assert status == 1
    # The reviews are comments already and the favourites bookmarks: nothing new is made.
    assert out[-1] == (f"Imported 0 works ({WORK_COUNT} skipped), 1 failed. 0 private "
                       f"bookmarks made from favourites ({FAVOURITES_SKIPPED} "
                       "favourites skipped); 2 series imported.")
    assert any(line.startswith("sid 1 “The Lantern Keeper”: skipped: already imported as "
                               "/works/") for line in out)

    _, out, _ = _run(capsys, "--dump", dump_file, "--story-files", story_files,
                     "--on-duplicate", "update")
    assert out[-1].startswith(f"Imported 0 works ({WORK_COUNT} updated), 1 failed.")
    assert Work.objects.count() == WORK_COUNT


def test_malformed_dump_is_one_clear_error(db, capsys, tmp_path):
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE fanfiction_authors (uid int);\n"
                   "INSERT INTO fanfiction_authors VALUES (1,'oops);\n", encoding="utf-8")

    status, out, err = _run(capsys, "--dump", bad)

    assert status == 2
    assert err.strip() == (f"error: {bad}: line 2: a string starts here and never ends; the "
                           "dump is cut short or malformed")
    assert not Work.objects.exists()


def test_write_mapping_then_edit_and_import_with_it(db, capsys, tmp_path, dump_file,
                                                    story_files):
    path = tmp_path / "mapping.toml"
    status, out, _ = _run(capsys, "--dump", dump_file, "--write-mapping", path)

    assert status == 0 and "Wrote the default mapping" in out[-1]
    assert not Work.objects.exists()
    text = path.read_text(encoding="utf-8")
    mapping = tomllib.loads(text)
    assert mapping["ratings"] == {"G": "General Audiences", "PG-13": "Teen And Up Audiences",
                                  "R": "Mature", "NC-17": "Explicit"}
    assert mapping["categories"]["Books > Harry Potter"] == ["Harry Potter"]
    assert mapping["classes"]["Warnings"]["Violence"] == [
        "warning:Graphic Depictions Of Violence"]
    assert mapping["classes"]["Genres"]["Angst"] == ["freeform:Angst"]

    edited = (text.replace('"PG-13" = "Teen And Up Audiences"', '"PG-13" = "Mature"')
              .replace('"Books > Harry Potter" = ["Harry Potter"]',
                       '"Books > Harry Potter" = ["Harry Potter - J. K. Rowling"]')
              .replace('"Angst" = ["freeform:Angst"]', '"Angst" = ["freeform:Hurt/Comfort"]')
              .replace('"Het" = ["category:F/M"]', '"Het" = []'))
    path.write_text(edited, encoding="utf-8")

    _run(capsys, "--dump", dump_file, "--story-files", story_files, "--mapping", path)

    lantern = Work.objects.get(title=LANTERN)
    names = {t.type: [] for t in lantern.tags.all()}
    for tag in lantern.tags.all():
        names[tag.type].append(tag.name)
    assert names["rating"] == ["Mature"]
    assert names["fandom"] == ["Harry Potter - J. K. Rowling"]
    assert names["freeform"] == ["Hurt/Comfort"]
    plain = Work.objects.get(title=PLAIN)
    assert not plain.tags.filter(type="category").exists()  # "Het" dropped


@pytest.mark.parametrize(("content", "message"), [
    ('[ratings]\n"G" = "Everyone"\n', "“Everyone” is not a rating"),
    ('[classes."Warnings"]\n"Violence" = ["warning:Gore"]\n', "“Gore” is not an archive warning"),
    ("[ratings\n", "not valid TOML"),
    ('colour = "blue"\n', "colour: unknown setting"),
])
def test_bad_mapping_is_a_clear_error(db, capsys, tmp_path, dump_file, content, message):
    path = tmp_path / "mapping.toml"
    path.write_text(content, encoding="utf-8")

    status, _, err = _run(capsys, "--dump", dump_file, "--mapping", path)

    assert status == 2 and message in err and str(path) in err
    assert not Work.objects.exists()


def test_needs_a_source(capsys):
    with pytest.raises(SystemExit):
        main(["import-efiction"])
    assert "one of the arguments --db --dump is required" in capsys.readouterr().err
