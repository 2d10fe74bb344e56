"""`fichive backup PATH` and `fichive restore PATH`: the whole archive in one tar file, the
database (SQLite's online backup API, or `pg_dump -Fc` for PostgreSQL), the secret key from
the data dir (sessions, password reset links and signed URLs keep working after a restore) and
uploaded media; and back again, into an empty archive (or over a full one with --force).

The tar holds `fichive-backup.json` (what is inside), `database.sqlite3` or `database.pgdump`,
`secret_key` and `media/…`. Generated files (downloads, static files, caches) are left out:
they are made again. A backup is taken while the archive runs; restore with the server
stopped.
"""

from __future__ import annotations

import contextlib
import datetime
import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection

MANIFEST = "fichive-backup.json"
FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
SECRET_KEY_MEMBER = "secret_key"  # noqa: S105 - a file name in the tar
MEDIA_MEMBER = "media"

# progress(what, done, total): a step's name, and how far along it is (total None: unknown).
Progress = Callable[[str, int, int | None], None]


class BackupError(Exception):
    """Why a backup or restore couldn't be done, in words for the person running it."""


@dataclass(frozen=True)
class Summary:
    vendor: str
    database_bytes: int
    secret_key: bool
    media_files: int
    seconds: float

    def line(self, verb: str, path: Path) -> str:
        key = ", the secret key" if self.secret_key else ""
        files = f"{self.media_files} media file{'' if self.media_files == 1 else 's'}"
        size = self.database_bytes / (1024 * 1024)
        return (f"{verb} the {self.vendor} database ({size:.1f} MB){key} and {files} "
                f"{'to' if verb == 'Backed up' else 'from'} {path} in {self.seconds:.1f} s.")


def media_dir() -> Path:
    """Where uploaded files live: MEDIA_ROOT when set, else DATA_DIR/media."""
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root else Path(settings.DATA_DIR) / "media"


def secret_key_file() -> Path:
    return Path(settings.DATA_DIR) / "secret_key"


def _nothing(what: str, done: int, total: int | None) -> None:
    return None


# ---------------------------------------------------------------------------- backup


def backup(path: Path, *, progress: Progress = _nothing) -> Summary:
    """Write the archive to `path` (a tar file; replaced if it exists, only once complete)."""
    started = time.monotonic()
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fichive-backup-", dir=path.parent) as scratch:
        work = Path(scratch)
        if vendor == "sqlite":
            database = work / SQLITE_MEMBER
            _sqlite_backup(database, progress)
        else:
            database = work / POSTGRES_MEMBER
            _pg_dump(database, progress)
        media = sorted(p for p in media_dir().rglob("*") if p.is_file()) \
            if media_dir().is_dir() else []
        key = secret_key_file()
        has_key = key.is_file()
        manifest: dict[str, Any] = {
            "format": FORMAT, "vendor": vendor,
            "created_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
            "database": database.name, "database_bytes": database.stat().st_size,
            "secret_key": has_key, "secret_key_from_environment": not has_key,
            "media_files": len(media),
        }
        partial = work / "backup.tar"
        with tarfile.open(partial, "w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            tar.add(database, arcname=database.name)
            if has_key:
                _add_bytes(tar, SECRET_KEY_MEMBER, key.read_bytes(), mode=0o600)
            for done, file in enumerate(media, 1):
                tar.add(file, arcname=str(PurePosixPath(MEDIA_MEMBER,
                                                        *file.relative_to(media_dir()).parts)))
                progress("Media files", done, len(media))
        partial.chmod(0o600)  # the secret key and every account's data are in it
        os.replace(partial, path)
    return Summary(vendor, manifest["database_bytes"], has_key, len(media),
                   time.monotonic() - started)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def _sqlite_backup(target: Path, progress: Progress) -> None:
    """SQLite's online backup of the live database, in one step: one read transaction, so the
    copy is of one consistent moment, and writers go on meanwhile (WAL). (In several steps a
    write by another process restarts the copy, which a busy archive could do forever.)"""
    connection.ensure_connection()
    source = connection.connection
    progress("Database", 0, None)
    with contextlib.closing(sqlite3.connect(target)) as copy:
        source.backup(copy, pages=-1)
    progress("Database", 1, 1)


def postgres_binary(name: str) -> str:
    """pg_dump or pg_restore: the newest of Debian's /usr/lib/postgresql/*/bin (a dump needs
    a pg_dump at least as new as the server), else the one on PATH."""
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda d: int(Path(d).parent.name)
                         if Path(d).parent.name.isdigit() else 0, reverse=True):
        candidate = Path(bindir, name)
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} wasn't found: install PostgreSQL's client programs (Debian: "
                          "apt install postgresql-client) and try again.")
    return found


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore from the database settings in use."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"], "--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else 'no message'}")


def _pg_dump(target: Path, progress: Progress) -> None:
    progress("Database", 0, None)
    args, env = _pg_arguments()
    _run([postgres_binary("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          "--file", str(target), *args], env, "pg_dump")
    progress("Database", 1, 1)


# ---------------------------------------------------------------------------- restore


def archive_is_empty() -> bool:
    """Whether the database in use holds no accounts and no works (or no tables yet)."""
    from django.db.utils import DatabaseError

    from fichive.accounts.models import User
    from fichive.works.models import Work

    try:
        return not (User.objects.exists() or Work.objects.exists())
    except DatabaseError:  # not migrated yet
        return True


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read())
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file.") from None
    except (tarfile.TarError, KeyError, ValueError):
        raise BackupError(f"{path} isn't a Fichive backup (made by `fichive backup`).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup in format {manifest.get('format')}, which this "
                          f"version of Fichive can't read (it reads format {FORMAT}).")
    return manifest


def restore(path: Path, *, force: bool = False, progress: Progress = _nothing) -> Summary:
    """Put the backup at `path` in place of this archive's database, secret key and media.
    Refuses (BackupError) when the archive isn't empty, unless `force`."""
    started = time.monotonic()
    path = path.resolve()
    manifest = read_manifest(path)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(f"{path} holds a {manifest['vendor']} database and this archive "
                          f"uses {vendor}: restore it into a {manifest['vendor']} archive.")
    if not force and not archive_is_empty():
        raise BackupError("This archive already has accounts or works: restoring would "
                          "replace them. Restore into an empty archive, or pass --force to "
                          "replace everything in it with the backup.")
    with tempfile.TemporaryDirectory(prefix=".fichive-restore-") as scratch, \
            tarfile.open(path, "r:*") as tar:
        members = {m.name: m for m in tar.getmembers()}
        for name, member in members.items():  # all checked before anything is replaced
            _safe_parts(name)
            if not (member.isfile() or member.isdir()):
                raise BackupError(f"The backup holds {name!r}, which isn't a plain file; it "
                                  "wasn't made by `fichive backup`.")
        if manifest["database"] not in members:
            raise BackupError("The backup is incomplete: it has no database.")
        database = Path(scratch) / manifest["database"]
        _extract_to(tar, members.get(manifest["database"]), database)
        if vendor == "sqlite":
            _sqlite_restore(database, progress)
        else:
            _pg_restore(database, progress)
        has_key = SECRET_KEY_MEMBER in members
        if has_key:
            key = secret_key_file()
            _extract_to(tar, members[SECRET_KEY_MEMBER], key)
            key.chmod(0o600)
        media = [m for name, m in members.items()
                 if name.startswith(f"{MEDIA_MEMBER}/") and m.isfile()]
        root = media_dir()
        if root.is_dir():
            shutil.rmtree(root)  # only what the backup holds
        for done, member in enumerate(media, 1):
            _extract_to(tar, member, root.joinpath(*_safe_parts(member.name)[1:]))
            progress("Media files", done, len(media))
    _forget_cached_pages()
    return Summary(vendor, int(manifest["database_bytes"]), has_key, len(media),
                   time.monotonic() - started)


def _safe_parts(name: str) -> tuple[str, ...]:
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or any(p in {"..", ""} for p in parts):
        raise BackupError(f"The backup holds a file named {name!r}, outside the archive's "
                          "folders; it wasn't made by `fichive backup`.")
    return parts


def _extract_to(tar: tarfile.TarFile, member: tarfile.TarInfo | None, target: Path) -> None:
    if member is None or not member.isfile():
        raise BackupError("The backup is incomplete: a file it lists is missing.")
    _safe_parts(member.name)
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"The backup's {member.name} can't be read.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with source, _replacing(target) as out:
        shutil.copyfileobj(source, out)


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[io.BufferedWriter]:
    """Write `target` under a temporary name and rename it into place when complete."""
    descriptor, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            yield out
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _sqlite_restore(database: Path, progress: Progress) -> None:
    """Copy the backup over the live database with the backup API (in place, through the
    connection Django uses: its WAL and journal stay consistent)."""
    connection.ensure_connection()
    target = connection.connection
    with contextlib.closing(sqlite3.connect(database)) as source:
        def step(status: int, remaining: int, total: int) -> None:
            progress("Database", total - remaining, total)

        source.backup(target, pages=256, progress=step)


def _pg_restore(database: Path, progress: Progress) -> None:
    """Empty the database's public schema, then pg_restore the dump into it in one
    transaction."""
    progress("Database", 0, None)
    from django.db.utils import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    except DatabaseError as exc:
        raise BackupError(f"The database couldn't be emptied for the restore ({exc}); the "
                          "database user needs to own the database.") from exc
    connection.close()
    args, env = _pg_arguments()
    _run([postgres_binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", *args, str(database)], env, "pg_restore")
    progress("Database", 1, 1)


def _forget_cached_pages() -> None:
    """A shared cache (Redis) holds pages of the archive as it was: retire them all."""
    from fichive.lib.cache import content_changed

    with contextlib.suppress(Exception):
        content_changed(everything=True)
