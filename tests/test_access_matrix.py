"""The access-control matrix: every surface × every state of a work × every kind of viewer,
each cell saying what that viewer is meant to see.

One archive is built once for the module (in a transaction rolled back at the end): for each
state a work with a unique word in its title, its own unwrangled tag and its own canonical
fandom (and a fandom and a word all six share), three chapters, a series, a public bookmark
and a comment by someone else, and the logged-in viewers subscribed to it. Pages that don't
depend on the state (listings, searches, counts) are read once per viewer and checked for
each state's work. Each surface is read through the test client as each
viewer and reduced to a short answer (see `_seen`); the table EXPECTED below holds, per
surface and state, the answers of the nine viewers in the order of VIEWERS. A failing cell is
reported as surface, state and viewer, with what was expected and what was seen.

States: posted; restricted (logged-in users only); draft (its creators only); hidden by a
moderator (its creators and moderators only, never listed); anonymous (listed, the creators'
names shown to no one else); orphaned (the creator gave it up to orphan_account; the
co-creator stays).

Viewers: guest; reader; creator (the work's first creator; after orphaning, a stranger to
it); cocreator; wrangler; moderator; admin; blocked (a reader the creator has blocked: reading
is not refused, only comments, gifts and invitations); muting (a reader who mutes the
creator: the creator's works leave their listings and counts, a direct link still opens).

Answers: "Y" the work (its title) is shown, "-" the page answers without it, "404"/"403" that
status, "in" the guest is sent to log in, a number for a count. Where a work page is shown
for the anonymous or orphaned work, names it must not show are checked too ("Y!name" when
one shows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test import Client

from fichive.blocking.services import user_block, user_mute
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.lib.tasks import run_pending_tasks
from fichive.moderation.services import work_hide
from fichive.series.services import series_add_work, series_create
from fichive.subscriptions.services import subscription_create
from fichive.tags.models import Tag, tag_to_url
from fichive.tags.services import tags_find_or_create
from fichive.works.models import Work
from fichive.works.services import ChapterText, chapter_add, work_orphan
from tests.factories import UserFactory, WorkFactory, user_with

STATES = ("posted", "restricted", "draft", "hidden", "anonymous", "orphaned")
VIEWERS = ("guest", "reader", "creator", "cocreator", "wrangler", "moderator", "admin",
           "blocked", "muting")
# A word only the state's work has in its title (and its tag, fandom and series names).
WORDS = {"posted": "Amberfall", "restricted": "Bristlecone", "draft": "Cinderwick",
         "hidden": "Duskmantle", "anonymous": "Emberglass", "orphaned": "Fernhollow"}
# The word every state's title and tags share, and the canonical fandom all six works have.
SHARED = "Quorvex"
UNIVERSE = "Quorvex Universe"
UNIVERSE_URL = quote(tag_to_url(UNIVERSE))
CREATOR, COCREATOR, BOOKWORM = "quillwright", "inkwell", "bookworm"
USERNAMES = {"reader": "carol", "creator": CREATOR, "cocreator": COCREATOR,
             "wrangler": "wendy", "moderator": "mona", "admin": "root", "blocked": "bruno",
             "muting": "muriel"}
MEDIA = "/media/uncategorized-fandoms/fandoms"


def title(state: str) -> str:
    return f"The {WORDS[state]} {SHARED} Story"


def trope(state: str) -> str:
    """The state's own unwrangled tag: it exists only because this work uses it."""
    return f"{WORDS[state]} {SHARED} Trope"


def fandom(state: str) -> str:
    """The state's own canonical fandom (which exists whether or not works use it)."""
    return f"{WORDS[state]} {SHARED} Saga"


def series_title(state: str) -> str:
    return f"{WORDS[state]} Series"


@dataclass
class Archive:
    works: dict[str, Work]
    chapters: dict[str, int]  # each work's second chapter
    series: dict[str, int]
    bookmarks: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    # (viewer, url) → (status answer or None, body): pages read once for every state.
    pages: dict[tuple[str, str], tuple[str | None, str]] = field(default_factory=dict)


def _run_tasks() -> None:
    """What a commit and `fichive worker` would do (tests/conftest.py run_tasks)."""
    while True:
        pending, connection.run_on_commit = connection.run_on_commit, []
        for _savepoints, callback, _robust in pending:
            callback()
        if not run_pending_tasks() and not pending:
            return


def _build() -> Archive:
    users = {
        "reader": UserFactory(username="carol"),
        "creator": UserFactory(username=CREATOR),
        "cocreator": UserFactory(username=COCREATOR),
        "wrangler": user_with("wendy", is_wrangler=True),
        "moderator": user_with("mona", is_moderator=True),
        "admin": user_with("root", is_staff=True),
        "blocked": UserFactory(username="bruno"),
        "muting": UserFactory(username="muriel"),
    }
    creator, cocreator = users["creator"], users["cocreator"]
    bookworm = UserFactory(username=BOOKWORM)
    archive = Archive(works={}, chapters={}, series={})
    sagas = tags_find_or_create(tag_type=Tag.Type.FANDOM,
                                names=[UNIVERSE, *(fandom(state) for state in STATES)])
    Tag.objects.filter(pk__in=[saga.pk for saga in sagas]).update(canonical=True)
    for state in STATES:
        work = WorkFactory(
            author=creator, creators=[creator.default_pseud, cocreator.default_pseud],
            title=title(state), fandoms=[fandom(state), UNIVERSE], freeforms=[trope(state)],
            chapters=["<p>The first night.</p>", "<p>The second night.</p>"],
            restricted=state == "restricted", anonymous=state == "anonymous",
            post=state != "draft")
        archive.works[state] = work
        archive.chapters[state] = work.chapters.get(position=2).pk
        series = series_create(user=creator, title=series_title(state))
        series_add_work(user=creator, series=series, work=work)
        archive.series[state] = series.pk
        if state == "draft":
            continue
        archive.bookmarks[state] = bookmark_create(
            user=bookworm, work=work, pseud=bookworm.default_pseud,
            data=BookmarkData(notes="<p>Keeping this one.</p>")).pk
        fan = UserFactory(username=f"fan{len(archive.bookmarks)}")  # (comments are rate-limited)
        archive.comments[state] = comment_post(
            work=work, user=fan, pseud=fan.default_pseud, content="<p>Lovely.</p>").pk
        for viewer in ("reader", "wrangler", "moderator", "admin", "blocked", "muting"):
            subscription_create(user=users[viewer], work=work)
        chapter_add(user=creator, work=work,
                    text=ChapterText(content="<p>The third night.</p>", title="Third"))
    _run_tasks()
    work_hide(actor=users["moderator"], work=archive.works["hidden"], reason="Spam links.")
    work_orphan(user=creator, work=archive.works["orphaned"], keep_pseud_name=False)
    user_block(user=creator, blocked=users["blocked"])
    user_mute(user=users["muting"], muted=creator)
    _run_tasks()
    archive.works = {s: Work.objects.get(pk=w.pk) for s, w in archive.works.items()}
    archive.clients["guest"] = Client()
    for viewer, user in users.items():
        user.refresh_from_db()
        archive.clients[viewer] = Client()
        archive.clients[viewer].force_login(user)
    return archive


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker) -> Iterator[Archive]:
    """The module's archive, built once in a transaction rolled back after the last test
    (each test's own changes roll back to a savepoint inside it, through `db`)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --------------------------------------------------------------------------------------------
# Reading a surface
# --------------------------------------------------------------------------------------------


@dataclass
class Look:
    """Where a cell is read: the archive, the state and the viewer."""

    archive: Archive
    state: str
    viewer: str

    @property
    def client(self) -> Client:
        return self.archive.clients[self.viewer]

    @property
    def work(self) -> Work:
        return self.archive.works[self.state]

    def get(self, template: str) -> tuple[str | None, str]:
        """(the status answer, None for a 200; the body) of the page, read once per viewer
        and URL (a page with no {…} of the state's is the same for every state)."""
        url = self.url(template)
        key = (self.viewer, url)
        if key not in self.archive.pages:
            response = self.client.get(url)
            self.archive.pages[key] = (_status(response), response.content.decode())
        return self.archive.pages[key]

    def url(self, template: str) -> str:
        state = self.state
        return template.format(
            w=self.work.pk, c=self.archive.chapters[state], s=self.archive.series[state],
            b=self.archive.bookmarks.get(state, 0), word=WORDS[state],
            comment=self.archive.comments.get(state, 0),
            trope=quote(tag_to_url(trope(state))), fandom=quote(tag_to_url(fandom(state))),
            me=USERNAMES.get(self.viewer, "nobody"))


def _hidden_names(look: Look) -> list[str]:
    """Names the work's pages must not show this viewer: an anonymous work's creators (to
    anyone but them), an orphaned work's former creator."""
    if look.state == "anonymous" and look.viewer not in ("creator", "cocreator"):
        return [CREATOR, COCREATOR]
    if look.state == "orphaned" and look.viewer != "creator":
        return [CREATOR]
    return []


def _status(response) -> str | None:
    """The answer for anything but a 200: "in" for a guest sent to log in."""
    if response.status_code == 200:
        return None
    if response.status_code == 302 and "/login" in response["Location"]:
        return "in"
    return str(response.status_code)


def shown(template: str, *, names: bool = False,
          text: Callable[[str], str] = title) -> Callable[[Look], str]:
    """Y when the page shows the work's title (or another `text` of the state), "-" when it
    answers without it (with `names`: and the names it must not show, "Y!name", see
    _hidden_names)."""

    def read(look: Look) -> str:
        status, body = look.get(template)
        if status:
            return status
        if text(look.state) not in body:
            return "-"
        if names:
            leaked = [n for n in _hidden_names(look) if re.search(rf"\b{n}\b", body)]
            if leaked:
                return "Y!" + ",".join(leaked)
        return "Y"

    return read


def status(template: str) -> Callable[[Look], str]:
    """"200" or the status: pages that don't show the title (a tag's own page)."""

    def read(look: Look) -> str:
        return look.get(template)[0] or "200"

    return read


def listed_tag(template: str) -> Callable[[Look], str]:
    """Y when tag search lists the state's own tag, "-" when not."""

    def read(look: Look) -> str:
        status, body = look.get(template)
        return status or ("Y" if f">{trope(look.state)}</a>" in body else "-")

    return read


def media_count(look: Look) -> str:
    """The count /media shows beside the state's fandom."""
    found = re.search(rf">{fandom(look.state)}</a> \((\d+)\)", look.get(MEDIA)[1])
    return found[1] if found else "absent"


def autocomplete_uses(look: Look) -> str:
    """The `uses` autocomplete gives the state's fandom."""
    found = json.loads(look.get(f"/tags/autocomplete?type=fandom&term={SHARED}")[1])
    uses = {row["name"]: row["uses"] for row in found}
    return str(uses.get(fandom(look.state), "absent"))


def api_listing(look: Look) -> str:
    """Y when the API's listing of the shared fandom has the work, "-" when not."""
    status, body = look.get(f"/api/v1/works?tag={quote(UNIVERSE)}")
    titles = [work["title"] for work in json.loads(body)["works"]] if not status else []
    return status or ("Y" if title(look.state) in titles else "-")


def api_work(look: Look) -> str:
    status, body = look.get("/api/v1/works/{w}")
    if status:
        return status
    data = json.loads(body)
    names = json.dumps(data.get("creators"))
    leaked = [n for n in _hidden_names(look) if n in names]
    return "Y!" + ",".join(leaked) if leaked else ("Y" if data["title"] == title(look.state)
                                                   else "-")


def api_listed_tag(look: Look) -> str:
    """Y when the API's tag search lists the state's own tag, "-" when not."""
    status, body = look.get(f"/api/v1/tags?q={SHARED}")
    return status or ("Y" if trope(look.state) in [t["name"] for t in json.loads(body)["tags"]]
                      else "-")


def api_fandom_count(look: Look) -> str:
    """The works count the API's fandom index gives the state's fandom."""
    status, body = look.get(f"/api/v1{MEDIA}")
    counts = {row["name"]: row["works"] for row in json.loads(body)["fandoms"]}
    return status or str(counts.get(fandom(look.state), "absent"))


def api_series(look: Look) -> str:
    """Y when the API's series has the state's work as a part, "-" when not; "Y!name" when
    it names the creators of its anonymous part."""
    status, body = look.get("/api/v1/series/{s}")
    if status:
        return status
    data = json.loads(body)
    if title(look.state) not in [part["work"]["title"] for part in data["parts"]]:
        return "-"
    names = json.dumps(data["creators"]) + json.dumps([p["work"]["creators"]
                                                        for p in data["parts"]])
    leaked = [n for n in (_hidden_names(look) if look.state == "anonymous" else [])
              if n in names]
    return "Y!" + ",".join(leaked) if leaked else "Y"


# surface → how to read it. The work's own pages, then listings and counts, tags, search,
# API, downloads, feeds and OPDS, bookmarks, series, the creator's pages, stats, inbox.
SURFACES: dict[str, Callable[[Look], str]] = {
    "work": shown("/works/{w}", names=True),
    "chapter": shown("/works/{w}/chapters/{c}", names=True),
    "entire work": shown("/works/{w}?view_full_work=true", names=True),
    "navigate": shown("/works/{w}/navigate", names=True),
    "comments": shown("/works/{w}/comments"),
    "comment": shown("/comments/{comment}"),
    "kudos": shown("/works/{w}/kudos"),
    "all works": shown("/works"),
    "home": shown("/"),
    "creator's works": shown(f"/users/{CREATOR}/works"),
    "co-creator's works": shown(f"/users/{COCREATOR}/works"),
    "creator's drafts": shown(f"/users/{CREATOR}/works/drafts"),
    "creator's dashboard": shown(f"/users/{CREATOR}"),
    "tag page": status("/tags/{trope}"),
    "tag works": shown("/tags/{trope}/works"),
    "fandom works": shown(f"/tags/{UNIVERSE_URL}/works"),
    "media count": media_count,
    "tag search": listed_tag(f"/tags/search?q={SHARED}"),
    "autocomplete uses": autocomplete_uses,
    "search": shown(f"/works/search?q={SHARED}"),
    "API work": api_work,
    "API chapter": status("/api/v1/works/{w}/chapters/2"),
    "API listing": api_listing,
    "API tag": status("/api/v1/tags/{trope}"),
    "API tag search": api_listed_tag,
    "API fandom count": api_fandom_count,
    "API series": api_series,
    "API creator's works": shown(f"/api/v1/users/{CREATOR}/works"),
    "HTML download": shown("/downloads/{w}/story.html", names=True),
    "tag feed": shown(f"/tags/{UNIVERSE_URL}/feed.atom"),
    "creator's feed": shown(f"/users/{CREATOR}/works/feed.atom"),
    "OPDS": shown(f"/opds/tags/{UNIVERSE_URL}/works"),
    "OPDS 2": shown(f"/opds/v2/tags/{UNIVERSE_URL}/works"),
    "OPDS search": shown(f"/opds/search?q={SHARED}"),
    "work's bookmarks": shown("/works/{w}/bookmarks"),
    "bookmark": shown("/bookmarks/{b}"),
    "all bookmarks": shown("/bookmarks"),
    "bookmarker's bookmarks": shown(f"/users/{BOOKWORM}/bookmarks"),
    "series": shown("/series/{s}"),
    "series feed": shown("/series/{s}/feed.atom"),
    "creator's series": shown(f"/users/{CREATOR}/series", text=series_title),
    "stats": shown(f"/users/{CREATOR}/stats"),
    "own inbox": shown("/users/{me}/inbox"),
    "own subscriptions": shown("/users/{me}/subscriptions"),
    "moderation page": shown("/moderation/works/{w}"),
    "wranglers' works": shown("/tags/wrangling/unwrangled-works"),
    "API comments": status("/api/v1/works/{w}/comments"),
    "API comment": status("/api/v1/comments/{comment}"),
    "API kudos": status("/api/v1/works/{w}/kudos"),
    "API work's bookmarks": shown("/api/v1/works/{w}/bookmarks", names=True),
    "API bookmark": shown("/api/v1/bookmarks/{b}", names=True),
    "API own inbox": shown("/api/v1/me/inbox"),
    "API own subscriptions": shown("/api/v1/me/subscriptions"),
}


# --------------------------------------------------------------------------------------------
# What each viewer is meant to see
# --------------------------------------------------------------------------------------------

# Per surface and state, the nine viewers' answers in the order of VIEWERS. Surfaces that
# follow the same rule share a block; each block says the rule.
#                  guest reader creator cocreator wrangler moderator admin blocked muting

# The work's own pages and downloads: drafts to their creators, hidden works to their
# creators and moderators, restricted ones to anyone logged in (a guest is sent to log in);
# a direct link opens for someone muting the creator; a blocked reader still reads.
READING = {
    "posted":     "Y   Y   Y Y Y   Y   Y   Y   Y",
    "restricted": "in  Y   Y Y Y   Y   Y   Y   Y",
    "draft":      "404 404 Y Y 404 404 404 404 404",
    "hidden":     "404 404 Y Y 404 Y   Y   404 404",
    "anonymous":  "Y   Y   Y Y Y   Y   Y   Y   Y",
    "orphaned":   "Y   Y   Y Y Y   Y   Y   Y   Y",
}
# The API answers 404 where a page would send a guest to log in.
API_READING = {**READING, "restricted": "404 Y Y Y Y Y Y Y Y"}
# Listings, searches and feeds of every work: posted works only (drafts and hidden works
# never, not even to their creators or moderators), restricted ones once logged in, none
# credited to a muted user (anonymous works stay: leaving them out would tell who wrote them).
LISTED = {
    "posted":     "Y Y Y Y Y Y Y Y -",
    "restricted": "- Y Y Y Y Y Y Y -",
    "draft":      "- - - - - - - - -",
    "hidden":     "- - - - - - - - -",
    "anonymous":  "Y Y Y Y Y Y Y Y Y",
    "orphaned":   "Y Y Y Y Y Y Y Y Y",
}
# The counts beside a fandom (/media, autocomplete's uses): what the listings would show.
COUNTED = {state: " ".join("1" if seen == "Y" else "0" for seen in row.split())
           for state, row in LISTED.items()}
# A user's own listings: as LISTED, but an anonymous work only for that user, and an
# orphaned work no longer the creator's.
CREATORS_LISTING = {**LISTED, "anonymous": "- - Y - - - - - -",
                    "orphaned": "- - - - - - - - -"}

EXPECTED: dict[str, dict[str, str]] = {
    **{surface: READING for surface in (
        "work", "chapter", "entire work", "navigate", "comments", "kudos", "HTML download")},
    # A comment's own page, as its work's (the draft has no comment: 404 for everyone).
    "comment": {**READING, "draft": "404 404 404 404 404 404 404 404 404"},
    "API work": API_READING,
    "API chapter": {state: " ".join("200" if seen == "Y" else seen for seen in row.split())
                    for state, row in API_READING.items()},
    **{surface: LISTED for surface in (
        "all works", "home", "fandom works", "search", "API listing", "tag feed", "OPDS",
        "OPDS 2", "OPDS search", "all bookmarks", "bookmarker's bookmarks")},
    "media count": COUNTED,
    "API fandom count": COUNTED,
    "autocomplete uses": COUNTED,
    "creator's works": CREATORS_LISTING,
    "API creator's works": CREATORS_LISTING,
    "creator's feed": CREATORS_LISTING,
    # The co-creator keeps the orphaned work.
    "co-creator's works": {**LISTED, "anonymous": "- - - Y - - - - -"},
    # The dashboard also shows its owner their drafts and hidden works.
    "creator's dashboard": {**CREATORS_LISTING, "draft": "- - Y - - - - - -",
                            "hidden": "- - Y - - - - - -"},
    # Drafts are their creator's own page; anyone else is sent to the creator's works.
    "creator's drafts": {state: f"in 302 {'Y' if state == 'draft' else '-'} 302 302 302 302 "
                                "302 302" for state in STATES},
    # A tag used only on this work: known to whoever may see the work (a muted user's tags
    # too: muting hides works from listings, not tags), and to wranglers and admins.
    "tag page": {
        "posted":     "200 200 200 200 200 200 200 200 200",
        "restricted": "404 200 200 200 200 200 200 200 200",
        "draft":      "404 404 200 200 200 404 200 404 404",
        "hidden":     "404 404 200 200 200 200 200 404 404",
        "anonymous":  "200 200 200 200 200 200 200 200 200",
        "orphaned":   "200 200 200 200 200 200 200 200 200",
    },
    # Its works: the tag page's rule for the 404s, LISTED for the works.
    "tag works": {
        "posted":     "Y   Y   Y Y Y Y   Y Y   -",
        "restricted": "404 Y   Y Y Y Y   Y Y   -",
        "draft":      "404 404 - - - 404 - 404 404",
        "hidden":     "404 404 - - - -   - 404 404",
        "anonymous":  "Y   Y   Y Y Y Y   Y Y   Y",
        "orphaned":   "Y   Y   Y Y Y Y   Y Y   Y",
    },
    # Tag search lists the tag where its page is a 200.
    "tag search": {
        "posted":     "Y Y Y Y Y Y Y Y Y",
        "restricted": "- Y Y Y Y Y Y Y Y",
        "draft":      "- - Y Y Y - Y - -",
        "hidden":     "- - Y Y Y Y Y - -",
        "anonymous":  "Y Y Y Y Y Y Y Y Y",
        "orphaned":   "Y Y Y Y Y Y Y Y Y",
    },
    # Bookmarks of a work no one may list (a draft can't be bookmarked; a hidden work's
    # bookmarks go with it) and of a muted user's works are gone, links included.
    **{surface: {
        "posted":     "Y   Y   Y   Y   Y   Y   Y   Y   404",
        "restricted": "404 Y   Y   Y   Y   Y   Y   Y   404",
        "draft":      "404 404 404 404 404 404 404 404 404",
        "hidden":     "404 404 404 404 404 404 404 404 404",
        "anonymous":  "Y   Y   Y   Y   Y   Y   Y   Y   Y",
        "orphaned":   "Y   Y   Y   Y   Y   Y   Y   Y   Y",
    } for surface in ("work's bookmarks", "bookmark")},
    # A series shows while one of its parts is listed for the visitor (its creators always
    # see it, without parts they can't list); a series by a muted user is gone, unless its
    # byline hides them (an anonymous part).
    "series": {
        "posted":     "Y   Y   Y Y Y   Y   Y   Y   404",
        "restricted": "404 Y   Y Y Y   Y   Y   Y   404",
        "draft":      "404 404 - - 404 404 404 404 404",
        "hidden":     "404 404 - - 404 404 404 404 404",
        "anonymous":  "Y   Y   Y Y Y   Y   Y   Y   Y",
        "orphaned":   "Y   Y   Y Y Y   Y   Y   Y   404",
    },
    "series feed": {
        "posted":     "Y   Y   Y   Y   Y   Y   Y   Y   404",
        "restricted": "404 Y   Y   Y   Y   Y   Y   Y   404",
        "draft":      "404 404 404 404 404 404 404 404 404",
        "hidden":     "404 404 404 404 404 404 404 404 404",
        "anonymous":  "Y   Y   Y   Y   Y   Y   Y   Y   Y",
        "orphaned":   "Y   Y   Y   Y   Y   Y   Y   Y   404",
    },
    # The creator's series (by series title): the creator stays on the series of the work
    # they orphaned; a series whose byline is "Anonymous" isn't theirs to anyone else.
    "creator's series": {
        "posted":     "Y Y Y Y Y Y Y Y -",
        "restricted": "- Y Y Y Y Y Y Y -",
        "draft":      "- - Y Y - - - - -",
        "hidden":     "- - Y Y - - - - -",
        "anonymous":  "- - Y Y - - - - -",
        "orphaned":   "Y Y Y Y Y Y Y Y -",
    },
    # Statistics are the creator's alone, of their posted works.
    "stats": {state: f"in 403 {'Y' if state in ('posted', 'restricted', 'anonymous') else '-'}"
                     " 403 403 403 403 403 403" for state in STATES},
    # Each viewer's own inbox: the new-chapter notice of the work they subscribed to (the
    # creators: the comment on it) while they may see the work.
    "own inbox": {
        "posted":     "in Y Y Y Y Y Y Y Y",
        "restricted": "in Y Y Y Y Y Y Y Y",
        "draft":      "in - - - - - - - -",
        "hidden":     "in - Y Y - Y Y - -",
        "anonymous":  "in Y Y Y Y Y Y Y Y",
        "orphaned":   "in Y Y Y Y Y Y Y Y",
    },
    # Each viewer's own subscriptions page (the creators subscribed to nothing): like a
    # listing, without works credited to a muted user.
    "own subscriptions": {
        "posted":     "in Y - - Y Y Y Y -",
        "restricted": "in Y - - Y Y Y Y -",
        "draft":      "in - - - - - - - -",
        "hidden":     "in - - - - - - - -",
        "anonymous":  "in Y - - Y Y Y Y Y",
        "orphaned":   "in Y - - Y Y Y Y Y",
    },
    # Moderators' page about a work: any posted or hidden work, to moderators and admins.
    "moderation page": {state: f"in 403 403 403 403 {'404 404' if state == 'draft' else 'Y Y'}"
                               " 403 403" for state in STATES},
    # Wranglers' list of works with unwrangled tags (each state's work has its own): what
    # the listings show wranglers and admins; nobody else may open it.
    "wranglers' works": {state: f"in 403 403 403 {row.split()[4]} 403 {row.split()[6]} 403 403"
                         for state, row in LISTED.items()},
}
# The API's tag, tag search and series read as their pages do.
EXPECTED.update({"API tag": EXPECTED["tag page"], "API tag search": EXPECTED["tag search"],
                 "API series": EXPECTED["series"]})

# The API's community reads follow the pages they mirror: 200 where the page shows the work
# (404 where it would send a guest to log in), and 401 for a guest asking for their own.
_API_STATUS = EXPECTED["API chapter"]
EXPECTED.update({
    "API comments": _API_STATUS,
    "API kudos": _API_STATUS,
    "API comment": {**_API_STATUS, "draft": "404 404 404 404 404 404 404 404 404"},
    "API work's bookmarks": EXPECTED["work's bookmarks"],
    "API bookmark": EXPECTED["bookmark"],
    "API own inbox": {state: row.replace("in", "401", 1)
                      for state, row in EXPECTED["own inbox"].items()},
    "API own subscriptions": {state: row.replace("in", "401", 1)
                              for state, row in EXPECTED["own subscriptions"].items()},
})


def _cells() -> Iterator[tuple[str, str]]:
    for surface in SURFACES:
        for state in STATES:
            yield surface, state


@pytest.mark.parametrize(("surface", "state"), list(_cells()),
                         ids=[f"{surface}-{state}" for surface, state in _cells()])
def test_access(archive, db, surface, state):
    seen = {viewer: SURFACES[surface](Look(archive, state, viewer)) for viewer in VIEWERS}
    expected = dict(zip(VIEWERS, EXPECTED[surface][state].split(), strict=True))
    wrong = {viewer: f"expected {expected[viewer]}, saw {seen[viewer]}"
             for viewer in VIEWERS if seen[viewer] != expected[viewer]}
    assert not wrong, f"{surface} × {state}: " + "; ".join(
        f"{viewer} {text}" for viewer, text in wrong.items())


# The people search's count of works under the co-creator's name counts every state's work
# at once (the co-creator stays on the orphaned work): posted and orphaned for everyone,
# restricted once logged in, their anonymous work for the co-creator alone; the one who
# mutes the creator counts only the orphaned work (the others are the creator's too).
#                    guest reader creator cocreator wrangler moderator admin blocked muting
PEOPLE_COUNT = "2 3 3 4 3 3 3 3 1"


def test_people_search_counts_what_each_viewer_may_see(archive, db):
    seen = []
    for viewer in VIEWERS:
        body = archive.clients[viewer].get("/people/search", {"q": COCREATOR}).content.decode()
        found = re.search(rf">{COCREATOR}</a> · (\d+) work", body)
        seen.append(found[1] if found else "absent")
    assert dict(zip(VIEWERS, seen, strict=True)) == dict(
        zip(VIEWERS, PEOPLE_COUNT.split(), strict=True))
