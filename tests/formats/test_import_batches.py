"""Importing many files at once: `fichive import` saves them a batch per transaction, each story
validated on its own, so one that fails leaves nothing and the others are kept."""

from __future__ import annotations

import re

from django.test import Client

from fichive.accounts.services import user_get_or_create_for_import
from fichive.cli import main
from fichive.formats.services import ImportOptions, works_import_files
from fichive.tags.models import Tag
from fichive.works.models import FilterTagging, Work
from fichive.works.services import ChapterText, NewWork, WorkMeta, works_create
from tests.formats.builders import Ao3Chapter, ao3_html, ao3_work, prose


def _text_story(title: str, body: str = "Once there was a lamp.\n\nIt burned all night.") -> bytes:
    return f"{title}\n\n{body}\n".encode()


def _run(capsys, *argv) -> tuple[int, list[str]]:
    status = main(["import", *map(str, argv)])
    return status, capsys.readouterr().out.splitlines()


def _work_id(line: str) -> int:
    match = re.search(r"→ /works/(\d+)", line)
    assert match, line
    return int(match.group(1))


def test_a_failing_file_in_a_batch_leaves_nothing_and_the_others_are_imported(
        db, capsys, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "a.txt").write_bytes(_text_story("The First Lamp"))
    # An AO3 download whose new tag is created while it is validated, then refused: its
    # only chapter has no text.
    broken = ao3_work(title="Nothing Inside", work_id=111,
                      freeforms=["A Tag Only The Broken File Has"],
                      chapters=[Ao3Chapter(html="<p> </p>")])
    (folder / "b.html").write_text(ao3_html(broken))
    (folder / "c.txt").write_bytes(_text_story("The Third Lamp"))

    status, out = _run(capsys, folder, "--fandom", "Original Work", "--author", "importer")

    assert status == 1
    assert out[-1] == "Imported 2 works, 1 failed."
    assert any(line.startswith(f"{folder / 'b.html'}: error:") for line in out), out
    assert sorted(Work.objects.values_list("title", flat=True)) == [
        "The First Lamp", "The Third Lamp"]
    assert not Tag.objects.filter(name="A Tag Only The Broken File Has").exists()
    for line in [line for line in out if "→ /works/" in line]:
        assert Client().get(f"/works/{_work_id(line)}").status_code == 200


def test_lines_come_out_in_file_order_across_batches(db, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("fichive.cli.IMPORT_BATCH_FILES", 3)
    folder = tmp_path / "stories"
    folder.mkdir()
    for n in range(7):
        (folder / f"story{n}.txt").write_bytes(_text_story(f"Story Number {n}"))
    (folder / "story3.txt").write_bytes(b"")  # fails in the middle of a batch

    status, out = _run(capsys, folder, "--fandom", "Original Work", "--author", "importer")

    assert status == 1
    assert [re.findall(r"story\d\.txt", line) for line in out[1:-1]] == [
        [f"story{n}.txt"] for n in range(7)]
    assert f"{folder / 'story3.txt'}: error: the file is empty" in out
    assert out[-1] == "Imported 6 works, 1 failed."


def test_the_same_story_twice_in_one_batch_is_imported_once(db, capsys, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "a.txt").write_bytes(_text_story("Twice Told"))
    (folder / "b.txt").write_bytes(_text_story("Twice Told"))

    status, out = _run(capsys, folder, "--fandom", "Original Work", "--author", "importer")

    assert status == 0
    first = _work_id(out[1])
    assert out[2] == f"{folder / 'b.txt'}: skipped: already imported as /works/{first}"
    assert out[-1] == "Imported 1 work (1 skipped), 0 failed."
    assert Work.objects.count() == 1


def test_an_ao3_work_twice_in_one_batch_is_updated_by_the_second_copy(db, capsys, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "a.html").write_text(ao3_html(ao3_work(title="Old Title", work_id=222)))
    (folder / "b.html").write_text(ao3_html(ao3_work(title="New Title", work_id=222)))

    status, out = _run(capsys, folder, "--author", "importer", "--on-duplicate", "update")

    assert status == 0
    assert out[-1] == "Imported 1 work (1 updated), 0 failed."
    assert list(Work.objects.values_list("title", flat=True)) == ["New Title"]


def test_works_of_one_batch_count_their_shared_tags_and_are_found(db, tmp_path):
    user, _ = user_get_or_create_for_import(username="importer")
    files = [(f"{n}.html", ao3_html(ao3_work(
        title=f"Harbour Story {n}", work_id=300 + n, freeforms=["Shared Harbour Tag"],
        fandoms=["The Tidewater Chronicles", "Another Fandom Entirely"],
        chapters=[Ao3Chapter(prose(3, start=n))])).encode()) for n in range(3)]

    results = works_import_files(files=files, user=user, options=ImportOptions())

    assert [[r.status for r in found] for found in results] == [["created"]] * 3
    shared = Tag.objects.get(name="Shared Harbour Tag")
    assert shared.uses == 3
    works = Work.objects.order_by("id")
    assert [w.title for w in works] == [f"Harbour Story {n}" for n in range(3)]
    assert all(w.crossover for w in works)
    assert FilterTagging.objects.filter(tag=shared).count() == 3
    page = Client().get(f"/tags/{shared.url_name}/works").content.decode()
    assert all(f"Harbour Story {n}" in page for n in range(3))
    found = Client().get("/works/search", {"q": 'tag:"Shared Harbour Tag"'}).content.decode()
    assert all(f"Harbour Story {n}" in found for n in range(3))


def test_queries_per_imported_work_do_not_grow_with_the_batch(
        db, django_assert_max_num_queries):
    user, _ = user_get_or_create_for_import(username="importer")
    options = ImportOptions(fandoms=["Original Work"], pseud=user.default_pseud)
    works_import_files(files=[("warm.txt", _text_story("Warming Up"))], user=user,
                       options=options)
    files = [(f"{n}.txt", _text_story(f"Story Number {n}")) for n in range(40)]

    # A fixed few statements for the whole batch, whatever its size. (SQLite takes at most
    # 999 parameters a statement, so Django splits the works' INSERT in two at 40 works of
    # today's 26 columns: one statement more. And one read of the "More like this" lists
    # that hold the new works, for the whole batch.)
    with django_assert_max_num_queries(22):
        results = works_import_files(files=files, user=user, options=options)

    assert all(found[0].status == "created" for found in results)
    assert Work.objects.count() == 41


def test_works_create_refuses_one_work_and_keeps_the_others(db, author):
    def meta(title: str, freeform: str) -> WorkMeta:
        return WorkMeta(title=title, creators=[author.default_pseud], fandoms=["Original Work"],
                        freeforms=[freeform])

    results = works_create(user=author, works=[
        NewWork(meta("Kept One", "Kept Tag"), [ChapterText("Some words here.")], True),
        NewWork(meta("Refused", "Refused Tag"), [ChapterText("<p></p>")], True),
        NewWork(meta("Kept Two", "Kept Tag"), [ChapterText("More words here.")], False),
    ])

    assert [type(r).__name__ for r in results] == ["Work", "ValidationError", "Work"]
    assert "The chapter has no text." in results[1].messages
    assert sorted(Work.objects.values_list("title", "state")) == [
        ("Kept One", "posted"), ("Kept Two", "draft")]
    assert not Tag.objects.filter(name="Refused Tag").exists()
    assert Tag.objects.get(name="Kept Tag").uses == 2


def test_a_refused_work_does_not_leave_its_new_tags_to_the_next_one(db, author):
    def meta(title: str, freeforms: list[str]) -> WorkMeta:
        return WorkMeta(title=title, creators=[author.default_pseud], fandoms=["Original Work"],
                        freeforms=freeforms)

    results = works_create(user=author, works=[
        NewWork(meta("Refused", ["Brand New Tag"]), [ChapterText("")], True),
        NewWork(meta("Kept", ["Brand New Tag"]), [ChapterText("Words at last.")], True),
    ])

    assert isinstance(results[1], Work)
    tag = Tag.objects.get(name="Brand New Tag")
    assert tag.uses == 1
    assert list(Work.objects.filter(tags=tag).values_list("title", flat=True)) == ["Kept"]


def test_stories_are_saved_in_chunks_in_file_order(db, monkeypatch):
    monkeypatch.setattr("fichive.formats.services.CHUNK_STORIES", 2)
    user, _ = user_get_or_create_for_import(username="importer")
    files = [("0.txt", _text_story("Story Zero")), ("1.txt", _text_story("Story One")),
             ("2.txt", b""), ("3.txt", _text_story("Story Zero")),
             ("4.txt", _text_story("Story Four"))]

    results = works_import_files(files=files, user=user,
                                 options=ImportOptions(fandoms=["Original Work"]))

    assert [[r.status for r in found] for found in results] == [
        ["created"], ["created"], ["failed"], ["skipped"], ["created"]]
    assert results[3][0].work == results[0][0].work
    assert list(Work.objects.order_by("id").values_list("title", flat=True)) == [
        "Story Zero", "Story One", "Story Four"]
