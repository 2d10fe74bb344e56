"""Muting: the muted user's works, series, bookmarks and comments leave everything the muter
sees — listings, search, tag pages, the sidebar's counts, "N works" totals — while others
(guests, other readers, the muted user) see what they always did. A direct link still opens
a muted user's work; anonymous works stay (muting must not tell who wrote them)."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError

from fichive.accounts.models import User
from fichive.blocking.models import Mute
from fichive.blocking.services import user_mute, user_unmute
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.series.services import series_add_work, series_create
from fichive.tags.models import Tag
from tests.factories import UserFactory, WorkFactory


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def _total(page: str) -> int:
    """The listing heading's total ("1 - 3 of 3 Works"), 0 when empty."""
    found = re.search(r"\d+ - \d+ of ([\d,]+) ", page)
    return int(found.group(1).replace(",", "")) if found else 0


@pytest.fixture
def archive(author, co_author, db):
    """alice (to be muted) wrote "Alice One" and "Alice Two" and, anonymously, "Alice
    Hidden"; bob wrote "Bob One"; all in Naruto with Fluff."""
    common = {"fandoms": ["Naruto"], "freeforms": ["Fluff"]}
    WorkFactory(author=author, title="Alice One", freeforms=["Fluff", "Alice Only"],
                fandoms=["Naruto"])
    WorkFactory(author=author, title="Alice Two", **common)
    WorkFactory(author=author, title="Alice Hidden", anonymous=True, **common)
    WorkFactory(author=co_author, title="Bob One", **common)
    Tag.objects.update(canonical=True)


@pytest.fixture
def muter(reader, author) -> User:
    """carol, who mutes alice."""
    user_mute(user=reader, muted=author)
    return reader


# Services --------------------------------------------------------------------------------


def test_muting_keeps_the_copy_the_listings_read(reader, author, co_author):
    user_mute(user=reader, muted=author)
    user_mute(user=reader, muted=co_author)
    user_mute(user=reader, muted=author)  # again: nothing changes
    reader.refresh_from_db()
    assert sorted(reader.muted_ids) == sorted([author.pk, co_author.pk])
    assert Mute.objects.filter(muter=reader).count() == 2

    user_unmute(user=reader, muted=author)
    assert reader.muted_ids == [co_author.pk]  # the object given is kept in step too
    reader.refresh_from_db()
    assert reader.muted_ids == [co_author.pk]


def test_nobody_can_mute_themselves(reader):
    with pytest.raises(ValidationError, match="can't mute yourself"):
        user_mute(user=reader, muted=reader)
    reader.refresh_from_db()
    assert reader.muted_ids == []


def test_mutes_are_capped_with_a_clear_message(reader, monkeypatch):
    monkeypatch.setattr("fichive.blocking.services.MAX_PER_USER", 1)
    first, second = UserFactory(), UserFactory()
    user_mute(user=reader, muted=first)
    with pytest.raises(ValidationError, match="You have muted 1 users, the most"):
        user_mute(user=reader, muted=second)
    reader.refresh_from_db()
    assert reader.muted_ids == [first.pk]


def test_official_accounts_can_be_muted(reader, moderator):
    user_mute(user=reader, muted=moderator)
    reader.refresh_from_db()
    assert reader.muted_ids == [moderator.pk]


# Listings --------------------------------------------------------------------------------


WHO = ["guest", "reader", "muter", "author", "stranger"]


def _client(who: str, request, login):
    if who == "guest":
        return login(None)
    if who == "muter":
        return login(request.getfixturevalue("muter"))
    return login(request.getfixturevalue(who))


@pytest.mark.parametrize("url", ["/works", "/tags/Naruto/works", "/tags/Fluff/works",
                                 "/works/search?q=Naruto", "/works?include=Naruto"])
@pytest.mark.parametrize("who", WHO)
def test_muted_works_leave_listings_and_their_totals(archive, url, who, request, login):
    if who == "reader":  # another reader, whose view is kept before the muter's
        _text(login(request.getfixturevalue("stranger")).get(url))
        who = "stranger"
    page = _text(_client(who, request, login).get(url))
    muting = who == "muter"
    assert ("Alice Two" in page) is not muting
    assert "Alice Hidden" in page  # anonymous works stay
    assert "Bob One" in page
    assert _total(page) == (2 if muting else 4)


def test_a_tag_pages_kept_count_is_not_shared_with_the_muter(archive, login, muter,
                                                             stranger):
    # The stranger's visit keeps the tag's count and pages; the muter's must not reuse them,
    # and the muter's must not leak back.
    assert _total(_text(login(stranger).get("/tags/Naruto/works"))) == 4
    assert _total(_text(login(muter).get("/tags/Naruto/works"))) == 2
    assert _total(_text(login(stranger).get("/tags/Naruto/works"))) == 4
    assert _total(_text(login(None).get("/tags/Naruto/works"))) == 4


def test_the_sidebar_counts_leave_muted_works_out(archive, login, muter):
    page = login(muter).get("/tags/Naruto/works").content.decode()
    assert '<span class="name">Fluff</span> <span class="count">(2)</span>' in page
    assert "Alice Only" not in page
    page = login(None).get("/tags/Naruto/works").content.decode()
    assert '<span class="name">Fluff</span> <span class="count">(4)</span>' in page


def test_the_api_listing_leaves_muted_works_out(archive, login, muter):
    data = login(muter).get("/api/v1/works").json()
    assert data["total"] == 2
    assert {w["title"] for w in data["works"]} == {"Alice Hidden", "Bob One"}
    assert login(None).get("/api/v1/works").json()["total"] == 4


def test_unmuting_brings_them_back(archive, login, muter, author):
    client = login(muter)
    assert _total(_text(client.get("/tags/Naruto/works"))) == 2
    client.post("/users/alice/unmute")
    assert _total(_text(client.get("/tags/Naruto/works"))) == 4
    assert _total(_text(client.get("/works"))) == 4


def test_a_direct_link_still_opens_a_muted_users_work(archive, login, muter):
    from fichive.works.models import Work

    work = Work.objects.get(title="Alice Two")
    assert "Alice Two" in _text(login(muter).get(f"/works/{work.pk}"))


def test_the_muted_user_still_sees_their_own_works(archive, login, muter, author):
    assert _total(_text(login(author).get("/works"))) == 4
    assert _total(_text(login(author).get("/users/alice/works"))) == 3


# Totals: user pages, tag pages, the fandom index, people search ---------------------------


def test_co_created_works_leave_another_users_page_and_tab_counts(author, co_author, muter,
                                                                  login):
    WorkFactory(author=co_author, title="Together",
                creators=[co_author.default_pseud, author.default_pseud])
    WorkFactory(author=co_author, title="Alone")
    page = _text(login(muter).get("/users/bob/works"))
    assert "Together" not in page and "Alone" in page
    assert "Works (1)" in page and _total(page) == 1
    assert "Works (2)" in _text(login(None).get("/users/bob/works"))


def test_the_muted_users_own_pages_say_so_and_count_nothing(archive, muter, login):
    page = _text(login(muter).get("/users/alice/profile"))
    assert "You have muted alice" in page
    assert '/users/alice/unmute"' in page
    assert "Works (0)" in page


def test_tag_page_and_fandom_index_counts(archive, muter, login):
    assert "Works (2)" in _text(login(muter).get("/tags/Naruto"))
    assert "Works (4)" in _text(login(None).get("/tags/Naruto"))
    assert "Naruto</a> (2)" in _text(login(muter).get("/media/uncategorized-fandoms/fandoms"))
    assert "Naruto</a> (4)" in _text(login(None).get("/media/uncategorized-fandoms/fandoms"))


def test_people_search_counts(archive, muter, login):
    assert "· 0 works" in _text(login(muter).get("/people/search?q=alice"))
    assert "· 2 works" in _text(login(None).get("/people/search?q=alice"))


def test_the_home_page_leaves_muted_works_out(archive, muter, login):
    page = _text(login(muter).get("/"))
    assert "Alice Two" not in page and "Bob One" in page


# Bookmarks, series, comments ---------------------------------------------------------------


def test_bookmarks_by_and_of_muted_users_are_gone(archive, author, co_author, muter,
                                                  stranger, login):
    from fichive.works.models import Work

    bob_one = Work.objects.get(title="Bob One")
    alice_two = Work.objects.get(title="Alice Two")
    bookmark_create(user=author, work=bob_one, pseud=author.default_pseud,
                    data=BookmarkData(notes="Alice recommends"))
    bookmark_create(user=stranger, work=alice_two, pseud=stranger.default_pseud,
                    data=BookmarkData(notes="Dave on Alice's work"))
    bookmark_create(user=stranger, work=bob_one, pseud=stranger.default_pseud,
                    data=BookmarkData(notes="Dave on Bob's work"))

    page = _text(login(muter).get("/bookmarks"))
    assert "Dave on Bob's work" in page
    assert "Alice recommends" not in page and "Dave on Alice's work" not in page
    page = _text(login(muter).get(f"/works/{bob_one.pk}/bookmarks"))
    assert "Alice recommends" not in page and "Dave on Bob's work" in page
    page = _text(login(None).get("/bookmarks"))
    assert all(n in page for n in ("Alice recommends", "Dave on Alice's work"))


def test_series_by_muted_users_are_gone(author, co_author, muter, login):
    mine = series_create(user=author, title="Alice's Saga")
    series_add_work(user=author, series=mine, work=WorkFactory(author=author))
    # Even a series whose works someone else wrote goes when a muted user made it.
    theirs = series_create(user=co_author, title="Bob's Saga")
    series_add_work(user=co_author, series=theirs, work=WorkFactory(author=co_author))
    from fichive.series.selectors import series_blurbs, series_visible_to

    assert set(series_visible_to(muter).values_list("title", flat=True)) == {"Bob's Saga"}
    assert set(series_visible_to(None).values_list("title", flat=True)) == {
        "Alice's Saga", "Bob's Saga"}
    assert list(series_blurbs(muter, [mine.pk, theirs.pk])) == [theirs.pk]


def test_a_series_by_a_muted_user_is_gone_from_its_page_and_feed_too(author, co_author, muter,
                                                                     login):
    # Its work is by someone the muter doesn't mute: the series goes all the same.
    series = series_create(user=author, title="Alice's Saga")
    series_add_work(user=author, series=series, check_creator=False,
                    work=WorkFactory(author=co_author))
    for url in (f"/series/{series.pk}", f"/series/{series.pk}/feed.atom"):
        assert login(muter).get(url).status_code == 404
        assert login(None).get(url).status_code == 200


def test_a_series_whose_byline_hides_the_muted_user_stays(author, muter, login):
    # Its only work is anonymous, so the byline reads "Anonymous": leaving the series out
    # would tell the muter who wrote it (as anonymous works stay in their listings).
    series = series_create(user=author, title="Nameless Saga")
    series_add_work(user=author, series=series, work=WorkFactory(author=author, anonymous=True))

    for url in (f"/series/{series.pk}", f"/series/{series.pk}/feed.atom"):
        assert login(muter).get(url).status_code == 200
    from fichive.series.selectors import series_visible_to

    assert list(series_visible_to(muter).values_list("title", flat=True)) == ["Nameless Saga"]


def test_comments_by_muted_users_and_replies_to_them_are_gone(work, author, co_author,
                                                              stranger, reader, login,
                                                              monkeypatch):
    from fichive.comments import ratelimit

    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)
    muted_says = comment_post(work=work, user=co_author, content="Muted voice")
    comment_post(work=work, user=stranger, parent=muted_says, content="Reply below it")
    comment_post(work=work, user=stranger, content="Other voice")
    user_mute(user=reader, muted=co_author)

    page = _text(login(reader).get(f"/works/{work.pk}/comments"))
    assert "Other voice" in page
    assert "Muted voice" not in page and "Reply below it" not in page
    assert login(reader).get(f"/comments/{muted_says.pk}").status_code == 404
    page = _text(login(None).get(f"/works/{work.pk}/comments"))
    assert "Muted voice" in page and "Reply below it" in page


def test_the_comment_counts_leave_muted_users_threads_out(work, author, co_author, stranger,
                                                         reader, login, monkeypatch):
    from fichive.comments import ratelimit

    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)
    muted_says = comment_post(work=work, user=co_author, content="Muted voice")
    comment_post(work=work, user=stranger, parent=muted_says, content="Reply below it")
    comment_post(work=work, user=stranger, content="Other voice")
    user_mute(user=reader, muted=co_author)

    def counts(client) -> tuple[str, str]:
        page = _text(client.get(f"/works/{work.pk}"))
        heading = re.search(r"Comments \((\d+)\)", page)
        stat = re.search(r'<dd class="comments"><a href="#comments">(\d+)</a>', page)
        return (heading.group(1) if heading else "-", stat.group(1) if stat else "-")

    assert counts(login(reader)) == ("1", "1")
    assert counts(login(None)) == ("3", "3")
    assert counts(login(stranger)) == ("3", "3")


def test_an_anonymous_creators_comments_stay_for_someone_muting_them(author, reader, login,
                                                                     monkeypatch):
    from fichive.comments import ratelimit

    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)
    anon = WorkFactory(author=author, anonymous=True)
    comment_post(work=anon, user=author, content="Thanks, everyone")
    user_mute(user=reader, muted=author)
    assert "Thanks, everyone" in _text(login(reader).get(f"/works/{anon.pk}/comments"))


# Pages -----------------------------------------------------------------------------------


def test_muting_through_the_confirmation_page(author, reader, login):
    client = login(reader)
    page = _text(client.get("/users/alice/mute"))
    assert "Mute alice?" in page and "You will no longer see alice's works" in page
    response = client.post("/users/alice/mute")
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.muted_ids == [author.pk]
    assert '/users/alice/unmute"' in _text(client.get("/users/alice/profile"))


def test_only_the_owner_sees_their_muted_list(author, muter, stranger, login):
    page = _text(login(muter).get("/users/carol/muted"))
    assert "alice" in page and "/users/alice/unmute?next=" in page
    assert login(stranger).get("/users/carol/muted").status_code == 403
    assert login(author).get("/users/carol/muted").status_code == 403


# Inbox -----------------------------------------------------------------------------------


def test_no_notifications_from_muted_users_comments(work, author, co_author, reader,
                                                    run_tasks, monkeypatch):
    from fichive.comments import ratelimit
    from fichive.inbox.models import InboxItem

    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)
    mine = comment_post(work=work, user=author, content="Author's note")
    user_mute(user=author, muted=reader)
    comment_post(work=work, user=reader, content="On your work")
    comment_post(work=work, user=reader, parent=mine, content="A reply to you")
    comment_post(work=work, user=co_author, content="From someone not muted")
    run_tasks()
    assert list(InboxItem.objects.filter(user=author).values_list("kind", flat=True)) == [
        InboxItem.Kind.COMMENT]
