"""`fichive backup PATH` and `fichive restore PATH`: a populated archive (accounts, works with
chapters and tags, comments, kudos, bookmarks, the secret key, uploaded media) survives the
round trip through one file on the database the suite runs on (SQLite's backup API, or
pg_dump/pg_restore), and a restore never replaces an archive with content unless forced."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from fichive import backups, cli
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.kudos.services import kudos_leave
from tests.factories import UserFactory, WorkFactory

# Transactional: pg_dump and SQLite's backup read what is committed.
round_trip = pytest.mark.django_db(transaction=True)


def _everything() -> dict[str, list[tuple]]:
    """Every row of every table of the archive's own models, in key order."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label.startswith(("fichive", "accounts")) or \
                model.__module__.startswith("fichive."):
            rows[model._meta.db_table] = list(model.objects.order_by("pk").values_list())
    return rows


@pytest.fixture
def populated() -> Iterator[dict[str, list[tuple]]]:
    alice, carol = UserFactory(username="alice"), UserFactory(username="carol")
    work = WorkFactory(author=alice, title="The Ferryman's Ledger",
                       chapters=["<p>Fog on the river.</p>", "<p>A second crossing.</p>"],
                       freeforms=["Rivers", "Lanterns"])
    WorkFactory(author=alice, title="Members Only", restricted=True)
    WorkFactory(author=carol, title="Unfinished", post=False)
    comment_post(work=work, user=carol, pseud=carol.default_pseud, content="Lovely fog.")
    kudos_leave(work=work, user=carol)
    bookmark_create(user=carol, work=work, pseud=carol.default_pseud,
                    data=BookmarkData(notes="<p>Read it twice.</p>"))
    media = backups.media_dir()
    (media / "icons").mkdir(parents=True, exist_ok=True)
    (media / "icons" / "alice.png").write_bytes(b"\x89PNG fake icon bytes")
    yield _everything()
    shutil.rmtree(media, ignore_errors=True)


@pytest.fixture
def secret_key():
    key = backups.secret_key_file()
    kept = key.read_bytes() if key.exists() else None
    key.write_text("the-archive-secret-key-for-this-test")
    yield key
    if kept is not None:
        key.write_bytes(kept)


def _wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    backups.secret_key_file().unlink()
    if backups.media_dir().exists():
        shutil.rmtree(backups.media_dir())


@round_trip
def test_a_backup_restores_the_archive_its_secret_key_and_media(
        populated, secret_key, tmp_path, capsys):
    archive = tmp_path / "nightly" / "fichive.tar"
    assert cli.main(["backup", str(archive)]) == 0
    summary = capsys.readouterr().out
    assert f"Backed up the {connection.vendor} database" in summary
    assert "the secret key and 1 media file to" in summary
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"fichive-backup.json", "secret_key", "media/icons/alice.png"} <= names
    assert archive.stat().st_mode & 0o077 == 0

    _wipe()
    assert _everything() != populated
    assert cli.main(["restore", str(archive)]) == 0
    assert "Restored the" in capsys.readouterr().out
    assert _everything() == populated
    assert secret_key.read_text() == "the-archive-secret-key-for-this-test"
    assert (backups.media_dir() / "icons" / "alice.png").read_bytes() == (
        b"\x89PNG fake icon bytes")


@round_trip
def test_restore_refuses_to_replace_an_archive_with_content_unless_forced(
        populated, secret_key, tmp_path, capsys):
    archive = tmp_path / "fichive.tar"
    assert cli.main(["backup", str(archive)]) == 0
    WorkFactory(author=UserFactory(username="dave"), title="Posted After The Backup")
    capsys.readouterr()
    assert cli.main(["restore", str(archive)]) == 1
    error = capsys.readouterr().err
    assert "already has accounts or works" in error and "--force" in error
    assert "Traceback" not in error
    assert cli.main(["restore", "--force", str(archive)]) == 0
    assert _everything() == populated


def test_restore_says_what_is_wrong_with_a_file_that_isnt_a_backup(db, tmp_path, capsys):
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_bytes(b"just some bytes")
    assert cli.main(["restore", str(not_a_backup)]) == 1
    assert "isn't a Fichive backup" in capsys.readouterr().err
    assert cli.main(["restore", str(tmp_path / "missing.tar")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_restore_refuses_files_outside_the_archives_folders_before_changing_anything(
        db, tmp_path, capsys):
    archive = tmp_path / "fichive.tar"
    with tarfile.open(archive, "w") as tar:
        manifest = json.dumps({"format": backups.FORMAT, "vendor": connection.vendor,
                               "database": "database.sqlite3", "database_bytes": 0}).encode()
        for name, data in (("fichive-backup.json", manifest), ("database.sqlite3", b""),
                           ("media/../../escaped.txt", b"out")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    work = WorkFactory(author=UserFactory(username="erin"), title="Still Here")
    assert cli.main(["restore", "--force", str(archive)]) == 1
    assert "outside the archive's folders" in capsys.readouterr().err
    assert not (Path(backups.media_dir()).parent.parent / "escaped.txt").exists()
    work.refresh_from_db()
    assert work.title == "Still Here"
