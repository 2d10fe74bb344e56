"""The data directory and what the archive writes in it (database and its WAL, mail with reset
links, the secret key, the rate limits' store) are the archive's user's alone: the directory
0700, its files 0600, even when the process was started with a permissive umask, and a data
directory left readable by an older version is tightened. Also `check --deploy` with
production settings finds nothing to warn about.

Each check runs a fresh Python process, as `fichive serve` or a command would, with the
settings read from its environment."""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import fichive

SRC = Path(fichive.__file__).resolve().parent.parent

# Writes what the archive writes in its data dir, then reports every entry's mode (while the
# database is still open, so its WAL and shared-memory files exist).
_WRITE_AND_LIST = r"""
import json, os, stat, sys
import django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.mail import send_mail
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
send_mail("Reset your password", "https://example.org/reset/abc", "a@example.org",
          ["b@example.org"])
caches["ratelimit"].set("probe", 1)
modes = {}
for root, dirs, files in os.walk(settings.DATA_DIR):
    for name in dirs + files:
        path = os.path.join(root, name)
        modes[os.path.relpath(path, settings.DATA_DIR)] = stat.S_IMODE(os.stat(path).st_mode)
modes["."] = stat.S_IMODE(os.stat(settings.DATA_DIR).st_mode)
print(json.dumps(modes))
"""


def _environment(**settings: str) -> dict[str, str]:
    """This process's environment without its FICHIVE_* and DJANGO_* settings (the browser
    tests' DJANGO_ALLOW_ASYNC_UNSAFE, say), plus `settings`."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("FICHIVE_", "DJANGO_"))}
    env.update(PYTHONPATH=str(SRC), DJANGO_SETTINGS_MODULE="fichive.settings", **settings)
    return env


def _run(args: list[str], cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], cwd=cwd, env=_environment(**settings), umask=0o022,
        capture_output=True, text=True, timeout=120, check=False)


def test_the_data_dir_and_everything_written_in_it_are_private(tmp_path):
    data_dir, static = tmp_path / "var", tmp_path / "static"
    data_dir.mkdir()
    data_dir.chmod(0o755)  # as an older version left it: tightened

    done = _run(["-c", _WRITE_AND_LIST], tmp_path, FICHIVE_DATA_DIR=str(data_dir),
                FICHIVE_STATIC_ROOT=str(static))

    assert done.returncode == 0, done.stderr
    modes = json.loads(done.stdout.splitlines()[-1])
    assert modes.pop(".") == 0o700
    for expected in ("secret_key", "fichive.sqlite3", "fichive.sqlite3-wal", "mail",
                     "ratelimits"):
        assert expected in modes, sorted(modes)
    assert any(name.startswith("mail/") for name in modes)
    for name, mode in modes.items():
        assert mode in (0o600, 0o700), f"{name} is {oct(mode)}"
    # Collected static files are public, outside the data dir.
    assert stat.S_IMODE(static.stat().st_mode) == 0o755


def test_check_deploy_with_production_settings_is_clean(tmp_path):
    """Needs FICHIVE_HSTS_INCLUDE_SUBDOMAINS and FICHIVE_HSTS_PRELOAD (security.W005, W021)."""
    production = {
        "FICHIVE_DATA_DIR": str(tmp_path / "var"),
        "FICHIVE_SECRET_KEY": secrets.token_urlsafe(60),
        "FICHIVE_ALLOWED_HOSTS": "fics.example.org",
        "FICHIVE_SECURE_COOKIES": "1",
        "FICHIVE_SSL_REDIRECT": "1",
        "FICHIVE_HSTS_SECONDS": "31536000",
        "FICHIVE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "FICHIVE_HSTS_PRELOAD": "1",
        "FICHIVE_DEBUG": "0",
    }
    args = ["-m", "fichive.cli", "manage", "check", "--deploy", "--fail-level", "DEBUG"]

    done = _run(args, tmp_path, **production)

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
