"""The demo archive: a dozen works loaded into an empty archive, and a demo account to log in."""

from __future__ import annotations

import re

import pytest

from fichive.demo.loader import demo_load
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory


@pytest.fixture
def loaded(db, settings, tmp_path) -> list[str]:
    settings.DATA_DIR = tmp_path
    lines: list[str] = []
    assert demo_load(out=lines.append) is True
    return lines


def _password(lines: list[str]) -> str:
    match = re.search(r"password “([^”]+)”", " ".join(lines))
    assert match, lines
    return match.group(1)


def _page(response) -> str:
    return response.content.decode()


def test_demo_loads_twelve_works(loaded):
    assert Work.objects.count() == 12
    assert "Loaded 12 demo works." in loaded[0]


def test_one_demo_work_reads_on_letter_paper_through_its_work_skin(loaded, client):
    work = Work.objects.get(title="Letters by Hawk")
    # The chapter text's container is the archive's own class (lib/css.py keeps it matching).
    assert work.work_skin.startswith(
        "#workskin :is(.userstuff, .ws-userstuff) { background-color: #fbf6e9;")
    page = _page(client.get(f"/works/{work.pk}"))
    assert '<style id="work-skin">' in page
    assert "Hide creator’s style" in page
    assert Work.objects.exclude(work_skin="").count() == 1


def test_demo_has_one_restricted_work_one_draft_and_several_multichapter_works(loaded):
    assert Work.objects.filter(restricted=True).count() == 1
    assert Work.objects.filter(state=Work.State.DRAFT).count() == 1
    assert Work.objects.filter(chapter_count__gt=1).count() >= 2


def test_guests_see_the_ten_public_demo_works(loaded, client):
    assert "1 - 10 of 10 Works" in _page(client.get("/works"))


def test_demo_user_can_log_in_with_the_printed_password(loaded, client):
    response = client.post("/login", {"username": "demo", "password": _password(loaded)})

    assert response.status_code == 302
    assert "Log out (demo)" in _page(client.get("/"))
    assert "1 - 11 of 11 Works" in _page(client.get("/works"))
    assert "Excuses, Ranked" in _page(client.get("/users/demo"))  # the draft


def test_demo_credentials_are_kept_in_the_data_dir(loaded, settings):
    kept = (settings.DATA_DIR / "demo-credentials.txt").read_text()

    assert "user name: demo" in kept
    assert f"password: {_password(loaded)}" in kept
    assert str(settings.DATA_DIR / "demo-credentials.txt") in loaded[0]


def test_demo_pages_render(loaded, client):
    for work in Work.objects.filter(state=Work.State.POSTED, restricted=False):
        assert client.get(f"/works/{work.pk}?view_full_work=true").status_code == 200
        assert client.get(f"/api/v1/works/{work.pk}").status_code == 200


def test_second_load_does_nothing(loaded):
    lines: list[str] = []

    assert demo_load(out=lines.append) is False

    assert Work.objects.count() == 12
    assert lines == []


def test_demo_is_not_loaded_into_an_archive_that_has_works(db, author, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    WorkFactory(author=author)

    assert demo_load(out=print) is False
    assert Work.objects.count() == 1
    assert not (tmp_path / "demo-credentials.txt").exists()


def test_demo_load_with_an_existing_demo_account_does_not_crash(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    UserFactory(username="demo")

    demo_load(out=lambda line: None)


def test_demo_shows_what_readers_do(loaded, client):
    """Kudos, a comment thread, a bookmark and a subscription by the demo reader, so counters
    on a new archive already move."""
    from fichive.bookmarks.models import Bookmark
    from fichive.comments.models import Comment
    from fichive.subscriptions.models import Subscription

    favourite = Work.objects.filter(kudos_count=3).get()
    assert favourite.comments_count == 2
    assert favourite.bookmarks_count == 1
    assert Comment.objects.filter(parent__isnull=False, user__username="demo").exists()
    assert Bookmark.objects.get().rec
    assert Subscription.objects.filter(work=favourite).exists()
    page = _page(client.get(f"/works/{favourite.pk}"))
    assert re.search(r"demo_reader</a> and 2 guests left kudos on this work!", page)
