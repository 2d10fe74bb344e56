"""Imports never reveal other people's works: a file that matches someone else's draft,
restricted, hidden or anonymous work (the same bytes, or a crafted source URL) becomes a new
work of the importer's, and nothing names the other work; the importer's own works (and
works they co-created) are still recognised."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fichive.cli import main
from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.formats.builders import ao3_html, ao3_work

SECRET = "The Secret Lighthouse Draft"
STORY = (b"Lamps Along the Quay\n\n"
         b"The first lamp caught on the third try, and the quay woke up around it.\n")
AO3_FILE = ao3_html(ao3_work()).encode()
AO3_URL = "https://archiveofourown.org/works/4815162"  # the URL ao3_work() names

# How someone else's work is kept from the importer (each the same to them: unseen).
STATES = ["draft", "restricted", "hidden", "anonymous"]


def _someone_elses(owner, state: str, **meta) -> Work:
    work = WorkFactory(author=owner, title=SECRET, post=state != "draft",
                       restricted=state == "restricted", anonymous=state == "anonymous",
                       **meta)
    if state == "hidden":
        Work.objects.filter(pk=work.pk).update(state=Work.State.HIDDEN)
    return work


def _upload(client, user, content: bytes, name: str, **fields):
    data = {"file": SimpleUploadedFile(name, content), "pseud": user.default_pseud.pk,
            "fandoms": "Original Work", "rating": "", **fields}
    return client.post("/works/import", data)


def _says_nothing_of(response, work: Work) -> None:
    page = response.content.decode()
    assert SECRET not in page
    assert f"/works/{work.pk}" not in page
    assert "already imported" not in page


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("on_duplicate", ["skip", "update"])
def test_same_file_as_someone_elses_work_is_imported_as_new_naming_nothing(
        client, author, stranger, state, on_duplicate):
    hidden = _someone_elses(author, state, source_hash=hashlib.sha256(STORY).hexdigest())
    client.force_login(stranger)

    response = _upload(client, stranger, STORY, "quay.txt", on_duplicate=on_duplicate)

    assert response.status_code == 302
    _says_nothing_of(client.get(response["Location"]), hidden)
    mine = Work.objects.exclude(pk=hidden.pk).get()
    assert mine.is_created_by(stranger)
    hidden.refresh_from_db()
    assert hidden.title == SECRET  # never updated by someone else's import


@pytest.mark.parametrize("state", STATES)
def test_crafted_source_url_does_not_probe_someone_elses_work(client, author, stranger,
                                                              state):
    hidden = _someone_elses(author, state, source_url=AO3_URL)
    client.force_login(stranger)

    response = _upload(client, stranger, AO3_FILE, "probe.html")

    assert response.status_code == 302
    _says_nothing_of(client.get(response["Location"]), hidden)
    assert Work.objects.filter(source_url=AO3_URL).count() == 2


def test_someone_elses_posted_work_is_not_matched_either(client, author, stranger):
    public = WorkFactory(author=author, title=SECRET, source_url=AO3_URL)
    client.force_login(stranger)

    response = _upload(client, stranger, AO3_FILE, "again.html", on_duplicate="update")

    assert response.status_code == 302
    assert Work.objects.count() == 2
    public.refresh_from_db()
    assert public.title == SECRET


def test_own_draft_is_still_recognised(author_client, author):
    mine = WorkFactory(author=author, title=SECRET, post=False, source_url=AO3_URL)

    response = _upload(author_client, author, AO3_FILE, "again.html")

    assert response.status_code == 200
    assert f"already imported as /works/{mine.pk}" in response.content.decode()
    assert Work.objects.count() == 1


def test_co_creator_may_update_the_work_they_share(client, author, co_author):
    shared = WorkFactory(author=author, title=SECRET, source_url=AO3_URL,
                         creators=[author.default_pseud, co_author.default_pseud])
    client.force_login(co_author)

    response = _upload(client, co_author, AO3_FILE, "ours.html", on_duplicate="update")

    assert response.status_code == 302
    assert Work.objects.count() == 1
    shared.refresh_from_db()
    assert shared.title == "The Keeper of Gull Rock"


def test_command_line_import_does_not_skip_another_accounts_work(db, author, capsys,
                                                                 tmp_path):
    hidden = _someone_elses(author, "draft", source_url=AO3_URL)
    path = tmp_path / "story.html"
    path.write_bytes(AO3_FILE)

    assert main(["import", str(path), "--author", "importer"]) == 0

    out = capsys.readouterr().out
    assert f"/works/{hidden.pk}" not in out and "skipped" not in out
    assert Work.objects.filter(source_url=AO3_URL).count() == 2
