"""The parts of a work's page kept for every reader (lib/fragments.py, works/views.py
_reuse_fragments): each kind of change shows on the next page, what differs by viewer never
travels from one viewer's page to another's, and a reader's page reads the same number of
queries however much the work holds."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.accounts.services import preferences_update, pseud_update
from fichive.blocking.services import user_mute
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.kudos.services import kudos_leave
from fichive.lib.fragments import fragments_clear
from fichive.readings.services import reading_mark_for_later
from fichive.subscriptions.services import subscription_create
from fichive.tags.models import Tag
from fichive.tags.services import tag_rename
from fichive.works.models import Chapter, Work
from fichive.works.services import ChapterText, WorkMeta, chapter_update, work_orphan, work_update
from tests.factories import UserFactory, WorkFactory
from tests.live_archive import live_archive


@pytest.fixture(autouse=True)
def reuse_on(settings):
    settings.FICHIVE_FRAGMENT_CACHE_MB = 16
    fragments_clear()
    yield
    fragments_clear()


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _meta(work: Work, **changes: object) -> WorkMeta:
    return WorkMeta(**{"title": work.title, "creators": [p for p in work.pseuds()],
                       "fandoms": ["Original Work"], "rating": "General Audiences",
                       "freeforms": ["Lanterns"], **changes})


def _chapter_url(work: Work, position: int = 2) -> str:
    chapter = Chapter.objects.get(work=work, position=position)
    return f"/works/{work.pk}/chapters/{chapter.pk}"


@pytest.fixture
def tale(author) -> Work:
    return WorkFactory(author=author, title="Lantern Tale", freeforms=["Lanterns"],
                       chapters=["<p>First night.</p>", "<p>Second night.</p>"])


def _retitle(tale, author, wrangler):
    work_update(user=author, work=tale, meta=_meta(tale, title="Lamp Tale"))
    return "Lamp Tale", "Lantern Tale"


def _edit_chapter(tale, author, wrangler):
    chapter = Chapter.objects.get(work=tale, position=2)
    chapter_update(user=author, chapter=chapter, text=ChapterText(content="<p>Dawn came.</p>"))
    return "Dawn came.", "Second night."


def _rename_tag(tale, author, wrangler):
    tag_rename(actor=wrangler, tag=Tag.objects.get(name="Lanterns"), new_name="Paper Lanterns")
    return "Paper Lanterns", ">Lanterns<"


def _rename_pseud(tale, author, wrangler):
    pseud_update(user=author, pseud=author.default_pseud, name="Lamplighter")
    return "Lamplighter", ">alice<"


def _make_anonymous(tale, author, wrangler):
    work_update(user=author, work=tale, meta=_meta(tale, anonymous=True))
    return ">Anonymous<", "alice"


def _orphan(tale, author, wrangler):
    work_orphan(user=author, work=tale, keep_pseud_name=False)
    return "orphan_account", "alice"


def _restrict(tale, author, wrangler):
    work_update(user=author, work=tale, meta=_meta(tale, restricted=True))
    return 'title="Restricted"', None


def _kudos(tale, author, wrangler):
    kudos_leave(work=tale, user=UserFactory(username="kiri"))
    return ">kiri</a>", None


@pytest.mark.parametrize("change", [_retitle, _edit_chapter, _rename_tag, _rename_pseud,
                                    _make_anonymous, _orphan, _restrict, _kudos])
@pytest.mark.parametrize("position", [1, 2])
def test_a_change_shows_on_the_next_page(change: Callable, position: int, tale, author,
                                         wrangler, reader_client):
    url = _chapter_url(tale, position)
    for _ in range(3):  # the work gets a version, its parts are kept, then served kept
        _page(reader_client, url)
    shown, gone = change(tale, author, wrangler)
    page = _page(reader_client, url)
    if change is _edit_chapter and position == 1:
        shown, gone = "First night.", None
    assert shown in page
    if gone is not None:
        assert gone not in page


def test_the_kept_parts_read_as_the_page_rendered_whole(settings, tale, reader, reader_client):
    preferences_update(user=reader, hide_warnings=True, time_zone="Asia/Tokyo")
    kudos_leave(work=tale, user=UserFactory(username="kiri"))
    url = _chapter_url(tale)
    _page(reader_client, url)  # the work gets a version
    first = _page(reader_client, url)  # its parts are kept under it
    with CaptureQueriesContext(connection) as kept:
        second = _page(reader_client, url)
    settings.FICHIVE_FRAGMENT_CACHE_MB = 0
    with CaptureQueriesContext(connection) as rendered:
        whole = _page(reader_client, url)

    def same(html: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert same(first) == same(second) == same(whole)
    assert len(kept) < len(rendered)


def test_readers_preferences_never_travel_to_another_reader(tale, reader, reader_client):
    url = _chapter_url(tale)
    other = Client()
    other.force_login(UserFactory(username="dana"))
    preferences_update(user=reader, hide_warnings=True, hide_freeform=True)
    for _ in range(2):
        hiding = _page(reader_client, url)
        showing = _page(other, url)
        assert "Show warnings" in hiding and "Show tags" in hiding
        assert "Show warnings" not in showing and "Show tags" not in showing


def test_an_anonymous_works_creator_sees_their_name_and_readers_never_do(author, reader,
                                                                        guest):
    work = WorkFactory(author=author, anonymous=True, chapters=["<p>One.</p>", "<p>Two.</p>"])
    author_client, reader_client = Client(), Client()
    author_client.force_login(author)
    reader_client.force_login(reader)
    url = _chapter_url(work)
    for _ in range(2):
        assert ">alice<" not in _page(reader_client, url).split('class="byline')[1][:300]
        assert "alice" in _page(author_client, url).split('class="byline')[1][:300]
        assert "alice" not in _page(guest, url).split('class="byline')[1][:300]


def test_a_readers_mutes_change_their_comment_count_only(tale, reader, reader_client):
    loud = UserFactory(username="loud")
    for n in range(3):
        comment_post(work=tale, user=loud, content=f"<p>Comment {n}.</p>")
    url = f"/works/{tale.pk}"
    other = Client()
    other.force_login(UserFactory(username="dana"))
    _page(other, url)
    user_mute(user=reader, muted=loud)
    reader_client.force_login(type(reader).objects.get(pk=reader.pk))
    assert '<dd class="comments"' not in _page(reader_client, url)
    assert '<a href="#comments">3</a>' in _page(other, url)


def _queries(client: Client, url: str) -> int:
    for _ in range(2):  # the work gets a version, then what every reader sees is kept
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_readers_page_reads_the_same_queries_however_much_the_work_holds(author, reader,
                                                                           reader_client):
    small = WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>"])
    big = WorkFactory(author=author, chapters=[f"<p>Part {n}.</p>" for n in range(6)],
                      relationships=["A/B", "C/D"], characters=["A", "B", "C", "D"],
                      freeforms=[f"Theme {n}" for n in range(8)])
    for fan in [UserFactory() for _ in range(6)]:
        kudos_leave(work=big, user=fan)
        comment_post(work=big, user=fan, content="<p>Lovely.</p>")
        bookmark_create(user=fan, work=big, pseud=fan.default_pseud, data=BookmarkData())
    muted = UserFactory()
    for work in (small, big):
        comment_post(work=work, user=muted, content="<p>First!</p>")
        kudos_leave(work=work, user=reader)
        bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                        data=BookmarkData())
        subscription_create(user=reader, work=work)
        reading_mark_for_later(user=reader, work=work)
    user_mute(user=reader, muted=muted)
    reader_client.force_login(type(reader).objects.get(pk=reader.pk))
    assert _queries(reader_client, _chapter_url(small)) \
        == _queries(reader_client, _chapter_url(big))
    assert _queries(reader_client, f"/works/{small.pk}") \
        == _queries(reader_client, f"/works/{big.pk}")


def test_a_change_made_in_another_process_shows_on_every_workers_next_page():
    """Two `fichive serve` workers (the embedded default: versions in the disk store every
    process shares) keep a work's parts; a command in a third process changes the work: every
    worker's next page shows it."""
    with live_archive(workers=2, threads=1, disk_cache=True,
                      settings={"FICHIVE_FRAGMENT_CACHE_MB": "16"}) as archive:
        seeded = archive.seed(readers=1)
        cookie = {"Cookie": seeded["readers"][0]["cookie"]}
        url = f"/works/{seeded['work']}/chapters/{seeded['chapters'][1]}"
        for _ in range(8):  # both workers: a version, then the parts kept, then reused
            status, page = archive.get(url, cookie)
            assert status == 200 and "Pressed From Every Side" in page
        assert archive.run("retitle", str(seeded["work"]), "Pressed Anew") == "Pressed Anew"
        for _ in range(8):
            status, page = archive.get(url, cookie)
            assert status == 200
            assert "Pressed Anew" in page and "Pressed From Every Side" not in page
