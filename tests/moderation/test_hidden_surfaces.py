"""A work a moderator hid, on every surface: gone for guests and readers (direct links are
404, listings, searches, series, bookmarks, history, inbox, API and downloads leave it out,
counts included); its creators and moderators still open it by its links; nobody's listings
count it. Unhiding brings it back everywhere, guests' cached pages included.

One table of surfaces; each is read before the work is hidden (so guests' pages are cached
under the old state), after, and after it is unhidden.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.gifts.services import gifts_set
from fichive.moderation.services import work_hide, work_unhide
from fichive.readings.services import reading_mark_for_later
from fichive.series.services import series_add_work, series_create
from fichive.subscriptions.services import subscription_create
from fichive.works.models import FilterTagging, Work
from fichive.works.services import ChapterText, chapter_add
from tests.factories import UserFactory, WorkFactory

TITLE = "The Lantern Keeper"
CREATOR = "quillwright"


@dataclass
class World:
    work: Work
    second: Work
    chapter_id: int
    series_id: int
    clients: dict[str, Client]
    moderator: object


@pytest.fixture
def world(db, run_tasks, no_comment_limit) -> World:
    creator = UserFactory(username=CREATOR)
    reader = UserFactory(username="carol")
    moderator = UserFactory(username="mona")
    moderator.is_moderator = True
    moderator.save()
    work = WorkFactory(author=creator, title=TITLE, freeforms=["Lighthouses"],
                       summary="A keeper and her lamp.")
    second = WorkFactory(author=creator, title="Second Light", freeforms=["Lighthouses"])
    WorkFactory(author=creator, title="Other Harbour", freeforms=["Lighthouses"])
    series = series_create(user=creator, title="Lamps")
    series_add_work(user=creator, series=series, work=work)
    series_add_work(user=creator, series=series, work=second)
    gifts_set(work=work, names=["carol"])
    bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                    data=BookmarkData(notes="Lovely."))
    reading_mark_for_later(user=reader, work=work)
    subscription_create(user=reader, work=work)
    comment_post(work=work, user=reader, content="Wonderful lamp.")
    chapter = chapter_add(user=creator, work=work,
                          text=ChapterText(content="<p>The second night was calmer.</p>"))
    run_tasks()  # the chapter reaches the subscriber's inbox
    clients = {"guest": Client(), "reader": Client(), "creator": Client(),
               "moderator": Client()}
    clients["reader"].force_login(reader)
    clients["creator"].force_login(creator)
    clients["moderator"].force_login(moderator)
    return World(work=Work.objects.get(pk=work.pk), second=second, chapter_id=chapter.pk,
                 series_id=series.pk, clients=clients, moderator=moderator)


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    if response.status_code == 404:
        return "404"
    assert response.status_code == 200, (url, response.status_code)
    if response["Content-Type"].startswith("application/epub"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist()
                             if n.endswith((".xhtml", ".html", ".opf", ".ncx")))
    return html.unescape(response.content.decode())


def _count(pattern: str) -> Callable[[Client, str], str]:
    def read(client: Client, url: str) -> str:
        found = re.search(pattern, _text(client, url))
        return found[1] if found else "none"
    return read


def _listing_count(client: Client, url: str) -> str:
    return _count(r"of (\d+) Works?")(client, url)


def _part_number(client: Client, url: str) -> str:
    return _count(r"Part (\d+) of")(client, url)


# Pages that show the work itself: 404 for those who may not see it.
DIRECT = {
    "work page": "/works/{w}",
    "whole work": "/works/{w}?view_full_work=true",
    "chapter page": "/works/{w}/chapters/{c}",
    "chapter index": "/works/{w}/navigate",
    "comments": "/works/{w}/comments",
    "kudos list": "/works/{w}/kudos",
    "API work": "/api/v1/works/{w}",
    "HTML download": "/downloads/{w}/story.html",
    "TXT download": "/downloads/{w}/story.txt",
    "EPUB download": "/downloads/{w}/story.epub",
    "report form": "/report/work/{w}",
}
# Pages of the work's bookmarks (listings of bookmarks): gone for everyone once it is hidden.
GONE = {
    "work's bookmarks": "/works/{w}/bookmarks",
}
# Pages that list works: the title is there before the work is hidden, gone after.
LISTED = {
    "home": "/",
    "all works": "/works",
    "sorted by title": "/works?sort=title",
    "tag listing": "/tags/Lighthouses/works",
    "search": "/works/search?q=lantern",
    "creator's works": f"/users/{CREATOR}/works",
    "creator's pseud": f"/users/{CREATOR}/pseuds/{CREATOR}",
    "series page": "/series/{s}",
    "reader's bookmarks": "/users/carol/bookmarks",
    "all bookmarks": "/bookmarks",
    "reader's gifts": "/users/carol/gifts",
    "API listing": "/api/v1/works",
    "tag feed": "/tags/Lighthouses/feed.atom",
    "search feed": "/works/search/feed.atom?q=lantern",
    "creator's feed": f"/users/{CREATOR}/works/feed.atom",
    "series feed": "/series/{s}/feed.atom",
}
# Readers' own pages (only the reader opens them).
READERS_OWN = {
    "reader's marked for later": "/users/carol/readings?show=to-read",
    "reader's inbox": "/users/carol/inbox",
}
# (name, url, reader, before, after): counts and numbers that must drop.
COUNTS = [
    ("all works count", "/works", _listing_count, "3", "2"),
    ("tag listing count", "/tags/Lighthouses/works", _listing_count, "3", "2"),
    ("search count", "/works/search?q=Lighthouses", _count(r"of (\d+) Search results"),
     "3", "2"),
    ("creator's works tab", f"/users/{CREATOR}/profile", _count(r"Works \((\d+)\)"), "3", "2"),
    ("people search", f"/people/search?q={CREATOR}", _count(r"· (\d+) works?"), "3", "2"),
    ("second work's part number", "/works/{w2}", _part_number, "2", "1"),
]


def _url(world: World, url: str) -> str:
    return url.format(w=world.work.pk, c=world.chapter_id, s=world.series_id,
                      w2=world.second.pk)


def _read_everything(world: World) -> dict[tuple[str, str], str]:
    seen = {}
    for viewer, client in world.clients.items():
        for name, url in {**DIRECT, **GONE, **LISTED}.items():
            seen[name, viewer] = _text(client, _url(world, url))
        for name, url, read, _, _ in COUNTS:
            seen[name, viewer] = read(client, _url(world, url))
    for name, url in READERS_OWN.items():
        seen[name, "reader"] = _text(world.clients["reader"], _url(world, url))
    return seen


def _problems(world: World, seen: dict[tuple[str, str], str], *, hidden: bool) -> list[str]:
    wrong = []
    for (name, viewer), text in seen.items():
        insider = viewer in ("creator", "moderator")
        if name in DIRECT:
            ok = (TITLE in text) if (insider or not hidden) else text == "404"
        elif name in GONE:
            ok = text == "404" if hidden else TITLE in text
        elif name in LISTED or name in READERS_OWN:
            ok = (TITLE not in text) if hidden else (TITLE in text)
        else:
            before, after = next((b, a) for n, _, _, b, a in COUNTS if n == name)
            ok = text == (after if hidden else before)
        if not ok:
            wrong.append(f"{name} as {viewer}: {text[:80]!r}")
    return wrong


def test_every_surface_shows_the_work_before_it_is_hidden(world):
    wrong = _problems(world, _read_everything(world), hidden=False)
    assert not wrong, "\n".join(wrong)


def test_a_hidden_work_vanishes_for_all_but_its_creators_and_moderators(world):
    _read_everything(world)  # guests' pages cached with the work in them
    work_hide(actor=world.moderator, work=world.work, reason="Plagiarised.")
    wrong = _problems(world, _read_everything(world), hidden=True)
    assert not wrong, "\n".join(wrong)


def test_unhiding_brings_it_back_everywhere(world):
    work_hide(actor=world.moderator, work=world.work, reason="Checking.")
    _read_everything(world)  # guests' pages cached without it
    work_unhide(actor=world.moderator, work=world.work, reason="It was fine.")
    wrong = _problems(world, _read_everything(world), hidden=False)
    assert not wrong, "\n".join(wrong)


def test_filter_taggings_follow_the_hidden_state(world):
    rows = FilterTagging.objects.filter(work=world.work)
    assert rows.exists() and all(rows.values_list("listed", flat=True))
    work_hide(actor=world.moderator, work=world.work, reason="x")
    assert not any(rows.values_list("listed", flat=True))
    work_unhide(actor=world.moderator, work=world.work, reason="y")
    assert all(rows.values_list("listed", flat=True))


def test_the_creator_sees_the_notice_and_finds_it_on_their_dashboard(world):
    work_hide(actor=world.moderator, work=world.work, reason="Untagged violence.")
    creator = world.clients["creator"]
    page = _text(creator, f"/works/{world.work.pk}")
    assert "This work has been hidden by a moderator" in page
    assert "Untagged violence." in page and "Edit work" in page
    dashboard = _text(creator, f"/users/{CREATOR}")
    hidden = dashboard[dashboard.index('id="hidden-works"'):dashboard.index('id="drafts"')]
    assert TITLE in hidden and "Hidden by a moderator" in hidden
    assert 'id="hidden-works"' not in _text(world.clients["reader"], f"/users/{CREATOR}")
    inbox = _text(creator, f"/users/{CREATOR}/inbox")
    assert "A moderator hid your work" in inbox and "Untagged violence." in inbox
    # The moderator sees it too (with a notice) but not in listings.
    assert "This work has been hidden by a moderator" in _text(
        world.clients["moderator"], f"/works/{world.work.pk}")


def test_editing_posting_or_adding_chapters_never_unhides_it(world):
    from fichive.works.services import work_post
    from tests.works.helpers import edit_form

    work_hide(actor=world.moderator, work=world.work, reason="x")
    creator = world.work.creatorships.get().pseud.user
    client = world.clients["creator"]
    response = client.post(f"/works/{world.work.pk}/edit",
                           edit_form(world.work, creator, summary="New summary"))
    assert response.status_code == 302
    client.post(f"/works/{world.work.pk}/post")
    work_post(user=creator, work=Work.objects.get(pk=world.work.pk))
    chapter_add(user=creator, work=Work.objects.get(pk=world.work.pk),
                text=ChapterText(content="<p>Three.</p>"))
    work = Work.objects.get(pk=world.work.pk)
    assert work.is_hidden and work.summary.startswith("<p>New summary")
    assert work.chapter_count == 3
    assert TITLE not in _text(Client(), "/works")
    assert not any(FilterTagging.objects.filter(work=work).values_list("listed", flat=True))


def test_the_api_listing_counts_leave_it_out(world):
    before = json.loads(_text(Client(), "/api/v1/works"))
    work_hide(actor=world.moderator, work=world.work, reason="x")
    after = json.loads(_text(Client(), "/api/v1/works"))
    assert TITLE in json.dumps(before) and TITLE not in json.dumps(after)


def test_a_moderator_reading_a_hidden_work_counts_no_hit(world):
    from fichive.readings.buffer import reads

    work_hide(actor=world.moderator, work=world.work, reason="x")
    hits = Work.objects.get(pk=world.work.pk).hits
    assert world.clients["moderator"].get(f"/works/{world.work.pk}").status_code == 200
    reads.flush()
    assert Work.objects.get(pk=world.work.pk).hits == hits
