"""Guests' page cache on the embedded default (no Redis): pages and versions in the disk store
every process shares (fichive/lib/cache.py, `_DiskPages`), each process's memory in front of
it. A change made in any process or `fichive` command retires a page in every worker before
its next request; a restart retires what the store kept; memory stays within its limit.

The first tests run the WSGI application in this process (as tests/lib/test_guests_fast_path.py
does) with changes announced by another Python process on the same store; the last serves a
real archive with `fichive serve` (two workers) and changes it with a `fichive` command."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from fichive.lib import cache as page_cache
from fichive.lib.cache import CACHE_HEADER, forget_disk_pages, listings_version, work_version
from tests.factories import WorkFactory
from tests.lib.test_guests_fast_path import call
from tests.live_archive import ROOT, guest, live_archive

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def data_dir(settings, tmp_path) -> Path:
    """The default cache as settings.py makes it without Redis (the disk store in the data
    dir's `cache` folder), in a data dir of this test's own."""
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "fichive.lib.cache.SharedDiskCache", "LOCATION": str(tmp_path / "cache"),
        "OPTIONS": {"size_limit": 64 * 1024 * 1024}}}
    settings.FICHIVE_PAGE_CACHE = True
    return tmp_path


def _elsewhere(data_dir: Path, code: str) -> None:
    """Run `code` in another Python process with Django set up on the same data dir (so the
    same disk store) and `content_changed` imported."""
    env = {**os.environ, "FICHIVE_DATA_DIR": str(data_dir), "FICHIVE_CACHE": "disk",
           "DJANGO_SETTINGS_MODULE": "fichive.settings",
           "PYTHONPATH": os.pathsep.join([str(Path(page_cache.__file__).parents[2]),
                                          str(ROOT)])}
    script = ("import django; django.setup()\n"
              "from fichive.lib.cache import content_changed\n" + code)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)  # noqa: S603


@pytest.fixture
def work(author):
    return WorkFactory(author=author, title="Kept On Disk", chapters=["<p>Stored text.</p>"])


def test_a_repeat_view_is_answered_before_django(data_dir, work):
    first, repeat = call(f"/works/{work.pk}"), call(f"/works/{work.pk}")
    assert first.django_ran and first.header(CACHE_HEADER) == "miss"
    assert not repeat.django_ran and repeat.header(CACHE_HEADER) == "hit"
    assert repeat.body == first.body


def test_a_change_announced_by_another_process_retires_the_page_here(data_dir, work, author):
    other = WorkFactory(author=author, title="Left Alone", chapters=["<p>Other text.</p>"])
    for url in (f"/works/{work.pk}", f"/works/{other.pk}", "/works"):
        call(url)
        assert not call(url).django_ran

    _elsewhere(data_dir, f"content_changed(work_ids=[{work.pk}])")

    assert call(f"/works/{work.pk}").django_ran
    assert call("/works").django_ran  # every listing goes with a work
    assert not call(f"/works/{other.pk}").django_ran  # another work's pages stay


def test_tag_wrangling_in_another_process_retires_every_page(data_dir, work):
    call(f"/works/{work.pk}")
    _elsewhere(data_dir, "content_changed(everything=True)")
    assert call(f"/works/{work.pk}").django_ran


def test_versions_follow_changes_made_in_another_process(data_dir, work, author):
    other = WorkFactory(author=author, chapters=["<p>Other text.</p>"])
    before = work_version(work.pk), work_version(other.pk), listings_version()
    assert (work_version(work.pk), work_version(other.pk), listings_version()) == before

    _elsewhere(data_dir, f"content_changed(work_ids=[{work.pk}])")

    after = work_version(work.pk), work_version(other.pk), listings_version()
    assert after[0] != before[0] and after[2] != before[2]
    assert after[1] == before[1]


def test_a_page_from_before_a_restart_is_not_served_after_it(data_dir, work):
    """`fichive serve` retires every stored page as it starts (forget_disk_pages): the
    database may have changed while nothing was listening."""
    call(f"/works/{work.pk}")
    forget_disk_pages()
    assert call(f"/works/{work.pk}").django_ran


def test_memory_holds_no_more_than_its_limit_and_the_store_serves_the_rest(settings, data_dir,
                                                                          work):
    settings.FICHIVE_PAGE_CACHE_LOCAL_MB = 0
    call(f"/works/{work.pk}")
    repeat = call(f"/works/{work.pk}")
    assert not repeat.django_ran  # from the shared store, not from memory
    assert page_cache._pages().memory.size == 0  # type: ignore[union-attr]


def _guest_get(base: str, path: str) -> tuple[int, str, str]:
    """A guest's GET on a connection of its own (so either worker may answer): the status,
    the page cache's header and the text."""
    request = urllib.request.Request(base + path, headers=guest(7, 1))  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers.get(CACHE_HEADER, ""), response.read(
                ).decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get(CACHE_HEADER, ""), ""


def _fichive_shell(env: dict[str, str], code: str) -> None:
    subprocess.run([sys.executable, "-m", "fichive.cli", "manage", "shell", "-c", code],  # noqa: S603
                   env=env, cwd=ROOT, check=True, timeout=120, capture_output=True)


@pytest.mark.django_db(transaction=True)
def test_two_workers_and_a_command_share_the_page_cache():
    with live_archive(workers=2, threads=2, disk_cache=True) as archive:
        seeded = archive.seed_many(authors=2, readers=0, chapters=1)
        gone, kept = seeded["works"]
        pages = [f"/works/{gone['id']}", f"/works/{gone['id']}/chapters/{gone['chapters'][0]}",
                 "/works"]
        for path in pages:
            answers = [_guest_get(archive.base, path) for _ in range(12)]
            assert {status for status, _, _ in answers} == {200}
            assert "hit" in {header for _, header, _ in answers}, path

        # Deleted by a `fichive` command: no worker serves the work's pages or lists it.
        _fichive_shell(archive.env, (
            "from fichive.works.models import Work; from fichive.works.services import "
            f"work_delete; w = Work.objects.get(pk={gone['id']}); "
            "work_delete(user=w.creators.get().user, work=w)"))
        for _ in range(12):
            assert _guest_get(archive.base, pages[0])[0] == 404
            assert _guest_get(archive.base, pages[1])[0] == 404
            assert gone["title"] not in _guest_get(archive.base, pages[2])[2]

        # Changed behind the cache's back while the server was down: the restart retires it.
        path = f"/works/{kept['id']}"
        assert "hit" in {_guest_get(archive.base, path)[1] for _ in range(6)}
        archive.stop()
        _fichive_shell(archive.env, (
            "from fichive.works.models import Work; "
            f"Work.objects.filter(pk={kept['id']}).update(title='Retitled While Down')"))
        archive.start()
        assert "Retitled While Down" in _guest_get(archive.base, path)[2]


def test_a_readers_pages_show_a_change_announced_by_another_process(settings, data_dir, author,
                                                                    reader, client):
    """What logged-in readers' pages reuse (each work's listing blurb, the reading page's
    kept fragments) rides on the same shared versions: a freeform tag renamed behind the
    services' back shows only once another process announces a change, on the listing and
    on the work's page alike."""
    from fichive.tags.models import Tag

    settings.FICHIVE_FRAGMENT_CACHE_MB = 16
    work = WorkFactory(author=author, title="Kept For Readers", freeforms=["Quiet Evenings"])
    client.force_login(reader)
    pages = ("/works", f"/works/{work.pk}")
    for url in pages:
        client.get(url)
        assert "Quiet Evenings" in client.get(url).content.decode()

    Tag.objects.filter(name="Quiet Evenings").update(name="Loud Mornings")  # no announcement
    for url in pages:  # reused: nothing announced the change yet
        assert "Quiet Evenings" in client.get(url).content.decode()

    _elsewhere(data_dir, "content_changed(everything=True)")

    for url in pages:
        page = client.get(url).content.decode()
        assert "Loud Mornings" in page and "Quiet Evenings" not in page
