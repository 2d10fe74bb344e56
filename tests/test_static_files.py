"""Static files: pages link hashed names that `fichive serve` sends with a year's caching and
gzip or brotli, over a connection kept open for the page's files; plain names before
collectstatic; a deploy leaves the files older stored pages link."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

import fichive
from tests.ports import free_port

SRC = Path(fichive.__file__).resolve().parents[1]
HASHED = re.compile(r'(?:href|src)="(/static/[\w/-]+\.[0-9a-f]{12}\.(?:css|js|svg|png))')


# ------------------------------------------------------------------ a real `fichive serve`


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[int]:
    """An archive set up as `make run` does (`fichive setup`: migrate, collectstatic; no demo)
    and served by `fichive serve` with its default workers and threads; yields the port."""
    data_dir = tmp_path_factory.mktemp("static-served")
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("FICHIVE_") and name != "DJANGO_SETTINGS_MODULE"}
    env.update(FICHIVE_DATA_DIR=str(data_dir), PYTHONPATH=str(SRC))
    subprocess.run([sys.executable, "-m", "fichive.cli", "setup", "--no-demo"],  # noqa: S603
                   env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    with (data_dir / "server.log").open("ab") as log:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "fichive.cli", "serve", "--port", str(port), "--no-tasks"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError((data_dir / "server.log").read_text())
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            with contextlib.suppress(OSError), contextlib.closing(probe):
                probe.request("GET", "/works")
                if probe.getresponse().status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("fichive serve didn't answer within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def _get(conn: http.client.HTTPConnection, path: str,
         encoding: str = "identity") -> http.client.HTTPResponse:
    conn.request("GET", path, headers={"Accept-Encoding": encoding})
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    return response


def test_page_and_its_files_come_over_one_kept_alive_connection(served):
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    page = _get(conn, "/works", "gzip, br")
    assert page.status == 200 and not page.will_close
    sock = conn.sock
    files = HASHED.findall(gzip.decompress(page.body).decode()
                           if page.getheader("Content-Encoding") == "gzip" else page.body.decode())
    assert any(f.startswith("/static/css/fichive.") for f in files), files
    for path in dict.fromkeys(files):
        response = _get(conn, path, "gzip, br")
        assert response.status == 200, path
        assert not response.will_close, path
    assert conn.sock is sock  # never reconnected
    conn.close()


def test_hashed_files_are_kept_for_a_year_and_sent_compressed(served):
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    page = _get(conn, "/works")
    css = next(f for f in HASHED.findall(page.body.decode()) if "/css/fichive." in f)
    plain = _get(conn, css)
    as_gzip = _get(conn, css, "gzip")
    as_brotli = _get(conn, css, "gzip, deflate, br")
    conn.close()
    for response in (plain, as_gzip, as_brotli):
        cache_control = response.getheader("Cache-Control", "")
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
        assert max_age >= 365 * 24 * 3600 and "immutable" in cache_control
        assert "public" in cache_control
        assert "Accept-Encoding" in response.getheader("Vary", "")
    assert plain.getheader("Content-Encoding") is None and b"#header" in plain.body
    assert as_gzip.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(as_gzip.body) == plain.body
    assert as_brotli.getheader("Content-Encoding") == "br"
    assert brotli.decompress(as_brotli.body) == plain.body
    assert len(as_brotli.body) < len(as_gzip.body) < len(plain.body)


def test_plain_names_are_still_served_but_briefly_cached(served):
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    response = _get(conn, "/static/css/fichive.css")
    conn.close()
    assert response.status == 200
    assert "immutable" not in response.getheader("Cache-Control", "")


# ------------------------------------------------------------------ names, in process


def test_pages_link_plain_names_before_collectstatic(client):
    # The suite's data dir has no collected files (as a fresh checkout before `fichive setup`).
    assert not (Path(staticfiles_storage.location) / "staticfiles.json").exists()
    html = client.get("/login").content.decode()
    assert 'href="/static/css/fichive.css"' in html
    assert client.get("/static/css/fichive.css").status_code == 200


@pytest.fixture
def own_static(tmp_path) -> Iterator[tuple[Path, Path]]:
    """Static files of our own (one stylesheet) collected into a STATIC_ROOT of our own."""
    source, root = tmp_path / "source", tmp_path / "root"
    (source / "css").mkdir(parents=True)
    root.mkdir()
    with override_settings(STATICFILES_DIRS=[source], STATIC_ROOT=root,
                           STATICFILES_FINDERS=[
                               "django.contrib.staticfiles.finders.FileSystemFinder"]):
        yield source, root


def test_a_name_the_manifest_lacks_links_its_plain_name(own_static):
    source, _ = own_static
    (source / "css" / "site.css").write_text("body { color: black }")
    call_command("collectstatic", interactive=False, verbosity=0)
    # Any static setting changed makes Django start a fresh storage, which reads the manifest.
    with override_settings(STATIC_URL="/static/"):
        assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css",
                            staticfiles_storage.url("css/site.css"))
        assert staticfiles_storage.url("css/added-since.css") == "/static/css/added-since.css"


def test_a_deploy_keeps_the_files_stored_pages_link(own_static):
    source, root = own_static
    stylesheet = source / "css" / "site.css"
    stylesheet.write_text("body { color: black }")
    call_command("collectstatic", interactive=False, verbosity=0)
    with override_settings(STATIC_URL="/static/"):
        before = staticfiles_storage.url("css/site.css")
    stylesheet.write_text("body { color: navy }")
    call_command("collectstatic", interactive=False, verbosity=0)
    with override_settings(STATIC_URL="/static/"):
        after = staticfiles_storage.url("css/site.css")
        assert after != before
        # A server started after the deploy serves both: a page stored before it still
        # finds its stylesheet; only the current name is kept for a year.
        served = WhiteNoiseMiddleware(lambda request: None)
        old, new = served.files.get(before), served.files.get(after)
        assert old is not None and new is not None
        assert "immutable" not in dict(old.get_response("GET", {}).headers)["Cache-Control"]
        assert "immutable" in dict(new.get_response("GET", {}).headers)["Cache-Control"]
    assert (root / before.removeprefix("/static/")).read_text() == "body { color: black }"
