"""Uploads kept between an import's two steps (the confirm step of a story with no fandom):
one file per upload in the data dir, named by a random id inside a signed token that only
the uploader's account opens, and gone after a day."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core import signing

from fichive.accounts.models import User

PENDING_DIR = "pending-imports"
KEPT_SECONDS = 24 * 3600
_SALT = "fichive.formats.pending"


def _directory() -> Path:
    path = Path(settings.DATA_DIR) / PENDING_DIR
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _forget_old(directory: Path) -> None:
    cutoff = time.time() - KEPT_SECONDS
    for entry in directory.iterdir():
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            continue


def pending_keep(*, user: User, filename: str, data: bytes) -> str:
    """Keep an upload for its uploader's next step; the token that finds it again."""
    directory = _directory()
    _forget_old(directory)
    file_id = secrets.token_hex(16)
    temporary = directory / f".{file_id}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, directory / file_id)
    return signing.dumps({"u": user.pk, "f": file_id, "n": filename[:255]}, salt=_SALT)


def _unsigned(token: str) -> dict | None:
    try:
        value = signing.loads(token, salt=_SALT, max_age=KEPT_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def pending_read(*, user: User, token: str) -> bytes | None:
    """The kept upload, for its uploader only; None when expired, done or someone else's."""
    value = _unsigned(token)
    if value is None or value.get("u") != user.pk:
        return None
    file_id = str(value.get("f", ""))
    if not file_id.isalnum():
        return None
    try:
        return (_directory() / file_id).read_bytes()
    except OSError:
        return None


def pending_name(token: str) -> str:
    value = _unsigned(token)
    return str(value.get("n", "")) if value else ""


def pending_forget(token: str) -> None:
    value = _unsigned(token)
    file_id = str(value.get("f", "")) if value else ""
    if file_id.isalnum():
        (_directory() / file_id).unlink(missing_ok=True)
