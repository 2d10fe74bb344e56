"""Every OPDS feed follows the pages' visibility rules: restricted works only for logged-in
readers, drafts and hidden works never, muted creators' works and saved exclusions left out
for the reader who set them, anonymous creators never named."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.blocking.services import user_block, user_mute
from fichive.moderation.services import work_hide
from fichive.readings.services import reading_mark_for_later
from fichive.tags.services import tag_exclusion_add, tag_make_canonical, tag_set_media
from tests.factories import UserFactory, WorkFactory
from tests.opds.conftest import entry_titles, feed_of, tag

ROLES = ["guest", "reader", "creator", "blocked", "muting", "moderator", "admin"]


@pytest.fixture
def works(author, wrangler, moderator):
    """One work of each kind, in a canonical fandom sorted into a media category."""
    made = {
        "public": WorkFactory(author=author, title="Public Tale", fandoms=["Sea Stories"]),
        "restricted": WorkFactory(author=author, title="Members Tale", fandoms=["Sea Stories"],
                                  restricted=True),
        "draft": WorkFactory(author=author, title="Unfinished Tale", fandoms=["Sea Stories"],
                             post=False),
        "hidden": WorkFactory(author=author, title="Hidden Tale", fandoms=["Sea Stories"]),
    }
    work_hide(actor=moderator, work=made["hidden"], reason="Copied from a novel.")
    fandom = tag("Sea Stories")
    tag_make_canonical(actor=wrangler, tag=fandom)
    tag_set_media(actor=wrangler, fandom=fandom, media="Books & Literature")
    return made


def _client(role: str, author, moderator, admin) -> Client:
    client = Client()
    user = {
        "guest": None,
        "reader": UserFactory(username="rita"),
        "creator": author,
        "moderator": moderator,
        "admin": admin,
    }.get(role)
    if role == "blocked":
        user = UserFactory(username="blocky")
        user_block(user=author, blocked=user)
    if role == "muting":
        user = UserFactory(username="mutey")
        user_mute(user=user, muted=author)
    if user is not None:
        client.force_login(user)
    return client


# What each role finds in the archive's acquisition feeds.
EXPECTED = {
    "guest": ["Public Tale"],
    "reader": ["Members Tale", "Public Tale"],
    "creator": ["Members Tale", "Public Tale"],
    "blocked": ["Members Tale", "Public Tale"],
    "muting": [],
    "moderator": ["Members Tale", "Public Tale"],
    "admin": ["Members Tale", "Public Tale"],
}
FEEDS = ["/opds/works", "/opds/works?sort=kudos", "/opds/works?complete=no",
         "/opds/tags/Sea%20Stories/works", "/opds/search?q=tale", "/opds/search?q=fandom:sea"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_in_every_feed_what_the_listings_show_them(role, works, author,
                                                                  moderator, admin):
    client = _client(role, author, moderator, admin)

    for url in FEEDS:
        root = feed_of(client.get(url), "acquisition")
        assert sorted(entry_titles(root)) == EXPECTED[role], (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_fandom_counts_count_only_what_the_viewer_may_see(role, works, author, moderator,
                                                          admin):
    client = _client(role, author, moderator, admin)

    root = feed_of(client.get("/opds/fandoms/books-literature"), "navigation")

    entry = root.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.findtext("{http://www.w3.org/2005/Atom}content") == (
        f"{len(EXPECTED[role])} works")


def test_a_muted_creators_anonymous_work_stays_listed(author, reader_client, reader):
    WorkFactory(author=author, title="Nameless", anonymous=True)
    WorkFactory(author=author, title="Signed")
    user_mute(user=reader, muted=author)

    root = feed_of(reader_client.get("/opds/works"), "acquisition")

    assert entry_titles(root) == ["Nameless"]


def test_saved_exclusions_apply_to_the_readers_feeds(author, reader, reader_client):
    WorkFactory(author=author, title="Sad One", freeforms=["Angst"])
    WorkFactory(author=author, title="Happy One", freeforms=["Fluff"])
    tag_exclusion_add(user=reader, name="Angst")
    reader.refresh_from_db()
    reader_client.force_login(reader)

    assert entry_titles(feed_of(reader_client.get("/opds/works"), "acquisition")) == [
        "Happy One"]
    assert entry_titles(feed_of(reader_client.get("/opds/works?saved_filters=off"),
                                "acquisition")) == ["Happy One", "Sad One"]
    assert len(entry_titles(feed_of(Client().get("/opds/works"), "acquisition"))) == 2


def test_a_readers_own_lists_keep_to_works_they_may_see(author, reader, reader_client,
                                                        moderator):
    kept = WorkFactory(author=author, title="Kept")
    hidden = WorkFactory(author=author, title="Gone")
    for work in (kept, hidden):
        reading_mark_for_later(user=reader, work=work)
    work_hide(actor=moderator, work=hidden, reason="Spam.")

    root = feed_of(reader_client.get("/opds/me/later"), "acquisition")

    assert entry_titles(root) == ["Kept"]


@pytest.mark.parametrize("url", ["/opds/me/later", "/opds/me/history",
                                 "/opds/me/subscriptions", "/opds/me/bookmarks",
                                 "/opds/v2/me/later"])
def test_a_guest_is_asked_for_credentials_for_the_personal_lists(guest, url):
    response = guest.get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    assert "app password" in response.content.decode()


def test_a_restricted_tag_feed_entry_never_reaches_a_guest_through_a_character(
        guest, author, reader_client):
    WorkFactory(author=author, title="Locked", characters=["Keeper"], restricted=True)

    # (A tag used only on restricted works is unknown to guests: tags.selectors.)
    assert guest.get("/opds/tags/Keeper/works").status_code == 404
    assert entry_titles(feed_of(reader_client.get("/opds/tags/Keeper/works"),
                                "acquisition")) == ["Locked"]
