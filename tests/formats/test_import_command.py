"""`fichive import`: one line per file, errors for bad files, a summary, and an exit status."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fichive.accounts.models import User
from fichive.cli import main
from fichive.works.models import Work

STORY = """The Quiet Harbour

A/N: This one is for my sister, who loves boats.

"Are they back yet?" Mara asked, leaning over the harbour wall.

Her father shook his head and pointed out past the breakwater.

* * *

By morning the fog had lifted and the sea was flat as glass.
"""


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "harbour.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def _run(capsys, *argv) -> tuple[int, list[str]]:
    status = main(["import", *map(str, argv)])
    return status, capsys.readouterr().out.splitlines()


def _work_id(line: str) -> int:
    match = re.search(r"→ /works/(\d+)", line)
    assert match, line
    return int(match.group(1))


def _api(work_id: int, user: User | None = None) -> dict:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/api/v1/works/{work_id}")
    assert response.status_code == 200, response.content
    return response.json()


def test_importing_a_file_prints_its_work_and_a_summary(db, capsys, story):
    status, out = _run(capsys, story, "--fandom", "Original Work")

    assert status == 0
    assert out[-1] == "Imported 1 work, 0 failed."
    [line] = [line for line in out if "/works/" in line]
    assert line.startswith(f"{story} → /works/")
    data = _api(_work_id(line))
    assert data["title"] == "The Quiet Harbour"
    assert data["fandoms"] == ["Original Work"]
    assert data["notes"] == "<p>This one is for my sister, who loves boats.</p>"
    assert data["rating"] == "Not Rated"
    assert data["complete"] is True


def test_imported_work_is_readable_on_the_site(db, capsys, story):
    _, out = _run(capsys, story, "--fandom", "Original Work")

    # Not Rated (a text file says nothing of it): past the adult-content notice.
    page = Client().get(f"/works/{_work_id(out[-2])}?view_adult=true").content.decode()
    assert "The Quiet Harbour" in page
    assert "<hr" in page


def test_missing_author_account_is_created_without_a_usable_password(db, capsys, story):
    status, out = _run(capsys, story, "--fandom", "Original Work", "--author", "archivist")

    assert status == 0
    assert "Created the account “archivist” (it has no password yet)." in out
    user = User.objects.get(username="archivist")
    assert not user.has_usable_password()
    assert _api(_work_id(out[-2]))["creators"] == [
        {"pseud": "archivist", "user": "archivist", "byline": "archivist"},
    ]
    assert Client().post("/login", {"username": "archivist", "password": ""}).status_code == 200


def test_default_author_is_the_imported_account(db, capsys, story):
    _, out = _run(capsys, story, "--fandom", "Original Work")

    assert _api(_work_id(out[-2]))["creators"][0]["user"] == "imported"


def test_existing_author_gets_the_work_and_keeps_their_password(capsys, story, author):
    status, out = _run(capsys, story, "--fandom", "Original Work", "--author", "ALICE")

    assert status == 0
    assert not any(line.startswith("Created the account") for line in out)
    assert _api(_work_id(out[-2]))["creators"][0]["user"] == "alice"
    author.refresh_from_db()
    assert author.has_usable_password()


def test_options_title_fandoms_and_rating_take_effect(db, capsys, story):
    _, out = _run(capsys, story, "--title", "Harbour Lights", "--fandom", "Naruto",
                  "--fandom", "Original Work", "--rating", "Mature")

    data = _api(_work_id(out[-2]))
    assert data["title"] == "Harbour Lights"
    assert data["fandoms"] == ["Naruto", "Original Work"]
    assert data["rating"] == "Mature"


def test_restricted_option_hides_the_work_from_guests(db, capsys, story):
    _, out = _run(capsys, story, "--fandom", "Original Work", "--restricted")

    work_id = _work_id(out[-2])
    assert Client().get(f"/api/v1/works/{work_id}").status_code == 404
    assert _api(work_id, User.objects.get(username="imported"))["restricted"] is True


def test_draft_option_saves_drafts(db, capsys, story):
    status, out = _run(capsys, story, "--fandom", "Original Work", "--draft")

    assert status == 0
    assert out[-2].endswith("(draft)")
    work_id = _work_id(out[-2])
    assert Client().get(f"/works/{work_id}").status_code == 404
    assert _api(work_id, User.objects.get(username="imported"))["published"] is None


def test_bad_files_get_error_lines_and_a_failing_status(db, capsys, tmp_path, story):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    missing = tmp_path / "missing.txt"

    status, out = _run(capsys, story, empty, binary, missing, "--fandom", "Original Work")

    assert status == 1
    assert f"{empty}: error: the file is empty" in out
    assert f"{binary}: error: not UTF-8 or Windows-1252 text" in out
    assert f"{missing}: error: no such file" in out
    assert out[-1] == "Imported 1 work, 3 failed."
    assert Work.objects.count() == 1


def test_one_line_per_file_in_a_directory(db, capsys, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    for n in range(3):
        (folder / f"story{n}.txt").write_text(f"Story Number {n}\n\nOnce there was a lamp.\n\n"
                                              "It burned all night.\n")

    status, out = _run(capsys, folder, "--fandom", "Original Work")

    assert status == 0
    assert len([line for line in out if "→ /works/" in line]) == 3
    assert out[-1] == "Imported 3 works, 0 failed."
    assert sorted(Work.objects.values_list("title", flat=True)) == [
        "Story Number 0", "Story Number 1", "Story Number 2"]


def test_no_fandom_is_a_clear_error_and_creates_nothing(db, capsys, story):
    status, out = _run(capsys, story)

    assert status == 1
    assert f"{story}: error: a work needs at least one fandom and the file names none: give " \
           "one (--fandom on the command line)" in out
    assert out[-1] == "Imported 0 works, 1 failed."
    assert not Work.objects.exists()


def test_unknown_rating_is_refused_before_importing(db, capsys, story):
    status, out = _run(capsys, story, "--fandom", "Original Work", "--rating", "Spicy")

    assert status == 2
    assert out[0].startswith("Unknown rating “Spicy”; use one of: Not Rated,")
    assert not Work.objects.exists()


def test_file_names_with_square_brackets_are_printed_as_they_are(db, capsys, tmp_path):
    path = tmp_path / "[wip] harbour.txt"
    path.write_text(STORY, encoding="utf-8")

    _, out = _run(capsys, path, "--fandom", "Original Work")

    assert out[-2].startswith(f"{path} → /works/")



def test_an_impossible_author_name_is_an_error_not_a_traceback(db, capsys, story):
    status, out = _run(capsys, story, "--author", "a", "--fandom", "Original Work")

    assert status == 2
    assert out[-1].startswith("--author a: ")
    assert not Work.objects.exists()
