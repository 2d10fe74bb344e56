"""An anonymous work on every surface: its creator's names appear nowhere for anyone but the
creator (who sees them beside "Anonymous"), and come back everywhere once it is revealed.

One table of (surface, viewer, what they see); the same table is read before and after the
reveal, so a page cached for guests before the reveal must not survive it.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from fichive.accounts.services import pseud_create
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.gifts.services import gifts_set
from fichive.readings.services import reading_mark_for_later
from fichive.subscriptions.services import subscription_create
from fichive.works.models import Work
from fichive.works.services import ChapterText, chapter_add
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import edit_form, html

TITLE = "The Lantern Keeper"
USERNAME = "quillwright"
PSEUD = "Nightjar Vale"
NAMES = (USERNAME, PSEUD)


@dataclass
class World:
    work: Work
    chapter_id: int
    clients: dict[str, Client]


@pytest.fixture
def world(db, run_tasks) -> World:
    creator = UserFactory(username=USERNAME)
    pseud = pseud_create(user=creator, name=PSEUD)
    reader = UserFactory(username="carol")
    work = WorkFactory(author=creator, creators=[pseud], title=TITLE, anonymous=True,
                       freeforms=["Lighthouses"], summary="A keeper and her lamp.")
    gifts_set(work=work, names=["carol"])
    bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                    data=BookmarkData(notes="Lovely."))
    reading_mark_for_later(user=reader, work=work)
    subscription_create(user=reader, work=work)
    chapter = chapter_add(user=creator, work=work,
                          text=ChapterText(content="<p>The second night was calmer.</p>"))
    run_tasks()  # the new chapter reaches the work's subscriber's inbox
    clients = {"guest": Client(), "reader": Client(), "creator": Client()}
    clients["reader"].force_login(reader)
    clients["creator"].force_login(creator)
    return World(work=Work.objects.get(pk=work.pk), chapter_id=chapter.pk, clients=clients)


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _epub_text(client: Client, url: str) -> str:
    data = client.get(url).content
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "\n".join(book.read(name).decode("utf-8", "replace")
                         for name in book.namelist() if not name.endswith((".png", ".jpg")))


def _pdf_text(client: Client, url: str) -> str:
    from pypdf import PdfReader

    data = client.get(url).content
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)


def _people_count(client: Client, url: str) -> str:
    """The people search's count for the pseud the work is under: "N works"."""
    page = html(client.get(url))
    found = re.search(rf">{PSEUD} \({USERNAME}\)</a> · (\d+) work", page)
    assert found, page
    return f"{found[1]} works"


# (surface name, URL (with {w} the work id, {c} the second chapter's id), how to read it)
Reader = Callable[[Client, str], str]
SURFACES: dict[str, tuple[str, Reader]] = {
    "work page": ("/works/{w}", _get),
    "whole work": ("/works/{w}?view_full_work=true", _get),
    "chapter page": ("/works/{w}/chapters/{c}", _get),
    "chapter index": ("/works/{w}/navigate", _get),
    "home": ("/", _get),
    "all works": ("/works", _get),
    "sorted by creator": ("/works?sort=creator", _get),
    "tag listing": ("/tags/Lighthouses/works", _get),
    "search": ("/works/search?q=lantern", _get),
    "search by creator name": (f"/works/search?q=creator:{USERNAME}", _get),
    "search by pseud name": ('/works/search?q=creator:"Nightjar Vale"', _get),
    "the creator's works": (f"/users/{USERNAME}/works", _get),
    "the creator's dashboard": (f"/users/{USERNAME}", _get),
    "people search count": (f"/people/search?q={USERNAME}", _people_count),
    "work's bookmarks": ("/works/{w}/bookmarks", _get),
    "reader's bookmarks": ("/users/carol/bookmarks", _get),
    "all bookmarks": ("/bookmarks", _get),
    "reader's gifts": ("/users/carol/gifts", _get),
    "reader's history": ("/users/carol/readings?show=to-read", _get),
    "reader's subscriptions": ("/users/carol/subscriptions", _get),
    "reader's inbox": ("/users/carol/inbox", _get),
    "API work": ("/api/v1/works/{w}", _get),
    "API listing": ("/api/v1/works", _get),
    "tag feed": ("/tags/Lighthouses/feed.atom", _get),
    "search feed": ("/works/search/feed.atom?q=lantern", _get),
    "the creator's feed": (f"/users/{USERNAME}/works/feed.atom", _get),
    "HTML download": ("/downloads/{w}/story.html", _get),
    "TXT download": ("/downloads/{w}/story.txt", _get),
    "EPUB download": ("/downloads/{w}/story.epub", _epub_text),
    "PDF download": ("/downloads/{w}/story.pdf", _pdf_text),
}

# What each viewer sees while the work is anonymous:
# "anonymous": the work, by "Anonymous", without the creator's names;
# "unlisted": the work is not there (a page about the creator, or a search by their name);
# "own": the creator's own view: the work, "Anonymous" and their names beside it;
# a count ("0 works"): the people search's count.
ROWS: list[tuple[str, str, str]] = [
    *((surface, viewer, "anonymous") for viewer in ("guest", "reader") for surface in (
        "work page", "whole work", "chapter page", "chapter index", "home", "all works",
        "sorted by creator", "tag listing", "search", "work's bookmarks", "reader's bookmarks",
        "all bookmarks", "reader's gifts", "API work", "API listing", "HTML download",
        "TXT download", "EPUB download", "PDF download", "tag feed", "search feed")),
    *((surface, "reader", "anonymous") for surface in (
        "reader's history", "reader's subscriptions", "reader's inbox")),
    *((surface, viewer, "unlisted") for viewer in ("guest", "reader") for surface in (
        "search by creator name", "search by pseud name", "the creator's works",
        "the creator's dashboard", "the creator's feed")),
    ("people search count", "guest", "0 works"),
    ("people search count", "reader", "0 works"),
    *((surface, "creator", "own") for surface in (
        "work page", "chapter page", "chapter index", "all works", "search",
        "the creator's works", "the creator's dashboard", "reader's gifts")),
    ("people search count", "creator", "1 works"),
]

# After the reveal, the same rows: names everywhere, the work listed on its creator's pages.
REVEALED = {"anonymous": "named", "unlisted": "named", "own": "named", "0 works": "1 works",
            "1 works": "1 works"}


def _read(world: World, surface: str, viewer: str) -> str:
    url, read = SURFACES[surface]
    url = url.format(w=world.work.pk, c=world.chapter_id)
    return read(world.clients[viewer], url)


def _check(text: str, expected: str, label: str) -> None:
    names_shown = [name for name in NAMES if name.lower() in text.lower()]
    if expected == "anonymous":
        assert TITLE in text, label
        assert "anonymous" in text.lower(), label  # the API says "anonymous": true
        assert not names_shown, (label, names_shown)
    elif expected == "unlisted":
        assert TITLE not in text, label
    elif expected == "own":
        assert TITLE in text, label
        assert "Anonymous" in text, label
        assert PSEUD in text, label
    elif expected == "named":
        assert TITLE in text, label
        assert PSEUD in text, label
    else:
        assert text == expected, label


@pytest.mark.parametrize(("surface", "viewer", "expected"), ROWS,
                         ids=[f"{s} ({v})" for s, v, _ in ROWS])
def test_anonymous_work_hides_its_creator(world, surface, viewer, expected):
    _check(_read(world, surface, viewer), expected, f"{surface} as {viewer}")


def test_every_surface_names_the_creator_again_after_the_reveal(world):
    # Read every row first, so guests' pages are cached under the anonymous byline.
    for surface, viewer, _ in ROWS:
        _read(world, surface, viewer)
    creator = world.clients["creator"]
    response = creator.post(f"/works/{world.work.pk}/edit",
                            edit_form(world.work, world.work.creatorships.get().pseud.user,
                                      gifts="carol"))
    assert response.status_code == 302
    work = Work.objects.get(pk=world.work.pk)
    assert not work.anonymous
    for surface, viewer, expected in ROWS:
        if surface == "reader's inbox":  # the notice was written while it was anonymous
            continue
        revealed = REVEALED[expected]
        if surface in ("search by creator name", "search by pseud name"):
            text = _read(world, surface, viewer)
            assert TITLE in text, f"{surface} as {viewer} after the reveal"
            continue
        _check(_read(world, surface, viewer), revealed, f"{surface} as {viewer} after the reveal")


def test_the_creator_sees_their_names_beside_anonymous_on_the_work_page(world):
    page = html(world.clients["creator"].get(f"/works/{world.work.pk}"))
    byline = page[page.index('class="byline heading"'):]
    byline = byline[:byline.index("</h2>")]
    assert "Anonymous" in byline and f"{PSEUD} ({USERNAME})" in byline
    assert "Edit work" in page


def test_the_api_says_the_work_is_anonymous_and_names_no_one(world):
    data = json.loads(_read(world, "API work", "guest"))
    assert data["anonymous"] is True
    assert data["creators"] == []


def test_the_epub_creator_is_anonymous(world):
    text = _read(world, "EPUB download", "guest")
    assert re.search(r"<dc:creator[^>]*>Anonymous</dc:creator>", text)
