"""Atom feeds of works (a tag's, a creator's, a series', a search's): read by a real feed
client (feedparser) and an XML parser; who sees which works in them (restricted, drafts,
hidden, anonymous, muted, saved exclusions); conditional requests (304) and the guests' cache;
bad input answered 400 or 404, never 500; and the pages that link their feed.

The cache tests run with the local-memory cache and with a real Redis (`cache_backend`)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import feedparser
import pytest
from django.core.cache import cache
from django.test import Client
from lxml import etree

from fichive.blocking.services import user_mute
from fichive.lib.cache import CACHE_HEADER
from fichive.moderation.services import work_hide
from fichive.series.services import series_add_work, series_create
from fichive.tags.models import Tag
from fichive.tags.services import tag_add_meta, tag_exclusion_add, tag_make_synonym
from fichive.works.models import FilterTagging, Work
from fichive.works.services import ChapterText, chapter_add
from tests.factories import UserFactory, WorkFactory, user_with

ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Archive:
    open_work: Work
    restricted: Work
    draft: Work
    hidden: Work
    anonymous: Work
    other: Work  # by bob: muted or excluded in some tests
    series_id: int


@pytest.fixture
def archive(db, author, co_author) -> Archive:
    """alice's works in "Lighthouses" (open, restricted, draft, hidden, anonymous) and one of
    bob's tagged "Angst" too; a series of alice's open, restricted and anonymous works."""
    moderator = user_with("mona", is_moderator=True)
    common = {"freeforms": ["Lighthouses"], "fandoms": ["Original Work"]}
    open_work = WorkFactory(author=author, title="The Keeper's Lamp", expected_chapters=None,
                            summary="<p>A keeper &amp; her <em>lamp</em>.</p>",
                            characters=["Keeper"], relationships=["Keeper/Sea"], **common)
    chapter_add(user=author, work=open_work, text=ChapterText(content="<p>Night two.</p>"))
    restricted = WorkFactory(author=author, title="Locked Tower", restricted=True, **common)
    draft = WorkFactory(author=author, title="Unfinished Draft", post=False, **common)
    hidden = WorkFactory(author=author, title="Hidden Beacon", **common)
    work_hide(actor=moderator, work=hidden, reason="Checking.")
    anonymous = WorkFactory(author=author, title="Nameless Light", anonymous=True, **common)
    other = WorkFactory(author=co_author, title="Bob's Storm",
                        freeforms=["Lighthouses", "Angst"], fandoms=["Original Work"])
    Tag.objects.update(canonical=True)
    series = series_create(user=author, title="Lamps")
    for work in (open_work, restricted, anonymous):
        series_add_work(user=author, series=series, work=work)
    return Archive(open_work=Work.objects.get(pk=open_work.pk), restricted=restricted,
                   draft=draft, hidden=hidden, anonymous=anonymous, other=other,
                   series_id=series.pk)




@pytest.fixture
def guest() -> Client:
    return Client()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FEEDS = {
    "tag": "/tags/Lighthouses/feed.atom",
    "search": "/works/search/feed.atom?q=lighthouses",
    "series": None,  # the fixture's series
    "user": "/users/alice/works/feed.atom",
}


def _url(name: str, archive: Archive) -> str:
    return FEEDS[name] or f"/series/{archive.series_id}/feed.atom"


def _parsed(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def _titles(response) -> set[str]:
    return {entry.title for entry in _parsed(response).entries}


# --- What a feed reader reads --------------------------------------------------------------


def test_a_tag_feed_gives_each_work_its_fields(guest, archive):
    feed = _parsed(guest.get("/tags/Lighthouses/feed.atom"))
    assert feed.feed.title == "Fichive: Works in Lighthouses"
    assert feed.feed.id.startswith("tag:testserver,2026:")
    assert any(link.rel == "self" and link.href.endswith("/tags/Lighthouses/feed.atom")
               for link in feed.feed.links)
    assert feed.feed.link == "http://testserver/tags/Lighthouses/works"
    entry = next(e for e in feed.entries if e.title == "The Keeper's Lamp")
    work = archive.open_work
    assert entry.id == f"tag:testserver,2026:works/{work.pk}"
    assert entry.link == f"http://testserver/works/{work.pk}"
    assert [a.name for a in entry.authors] == ["alice"]
    assert entry.authors[0].href == "http://testserver/users/alice"
    assert entry.updated_parsed[:3] == work.updated.timetuple()[:3]
    assert entry.published_parsed[:3] == work.published.timetuple()[:3]
    assert entry.summary == "A keeper & her lamp."
    assert entry.summary_detail.type == "text/plain"
    content = entry.content[0]
    assert content.type == "text/html"
    for text in ("Fandoms:", ">Original Work</a>", "Relationships:", ">Keeper/Sea</a>",
                 "Characters:", "Additional Tags:", ">Lighthouses</a>", "Words:",
                 "Chapters:</strong> 2/?", "Part 1 of", ">Lamps</a>", "<em>lamp</em>",
                 'href="http://testserver/tags/Lighthouses/works"'):
        assert text in content.value, text
    terms = {tag.term for tag in entry.tags}
    assert {"Original Work", "Lighthouses", "Keeper", "Keeper/Sea",
            "General Audiences"} <= terms
    assert all(tag.scheme.startswith("tag:testserver,2026:tag-types/") for tag in entry.tags)


@pytest.mark.parametrize("name", list(FEEDS))
def test_every_feed_is_well_formed_atom(guest, archive, name):
    response = guest.get(_url(name, archive))
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for once in ("id", "title", "updated", "published", "content"):  # RFC 4287, 4.1.2
            assert len(entry.findall(f"{ATOM}{once}")) == 1, once
        for date in ("updated", "published"):
            datetime.datetime.fromisoformat(entry.find(f"{ATOM}{date}").text)
        assert entry.findall(f"{ATOM}author/{ATOM}name")
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://")
        assert all(c.get("term") for c in entry.findall(f"{ATOM}category"))
    assert _parsed(response).entries


def test_titles_tags_and_summaries_are_text_not_markup(guest, db, author):
    WorkFactory(author=author, title="<b>Bold & Brave</b>", freeforms=["Fire & Ice"],
                summary="<p>Safe <script>alert(1)</script>text.</p>")
    response = guest.get("/tags/Fire%20&%20Ice/feed.atom")
    etree.fromstring(response.content)  # well-formed
    entry = _parsed(response).entries[0]
    assert entry.title == "<b>Bold & Brave</b>"
    assert "Fire & Ice" in {tag.term for tag in entry.tags}
    content = entry.content[0].value
    assert ">Fire &amp; Ice</a>" in content
    assert "<script" not in content and "alert(1)" not in entry.summary


def test_an_anonymous_work_reads_anonymous_and_never_names_its_creator(guest, archive):
    response = guest.get("/tags/Lighthouses/feed.atom")
    entry = next(e for e in _parsed(response).entries if e.title == "Nameless Light")
    assert [a.name for a in entry.authors] == ["Anonymous"]
    assert "alice" not in entry.content[0].value
    assert "/users/alice" not in entry.content[0].value


def test_the_creator_sees_their_anonymous_work_in_their_own_feed_still_anonymous(archive,
                                                                               author):
    feed = _parsed(_client(author).get("/users/alice/works/feed.atom"))
    entry = next(e for e in feed.entries if e.title == "Nameless Light")
    assert [a.name for a in entry.authors] == ["Anonymous"]


def test_co_created_works_name_every_creator(guest, db, author, co_author):
    WorkFactory(author=author, title="Two Hands", freeforms=["Duets"],
                creators=[author.default_pseud, co_author.default_pseud])
    entry = _parsed(guest.get("/tags/Duets/feed.atom")).entries[0]
    assert [a.name for a in entry.authors] == ["alice", "bob"]


def test_a_tag_feed_has_its_synonyms_and_sub_tags_works(guest, archive):
    lamps = Tag.objects.create(name="Lamps and Lights", type=Tag.Type.FREEFORM, canonical=True)
    tag_make_synonym(actor=None, tag=Tag.objects.get(name="Lighthouses"), of=lamps)
    assert "The Keeper's Lamp" in _titles(guest.get("/tags/Lamps%20and%20Lights/feed.atom"))
    # The synonym's feed is its canonical tag's.
    assert "The Keeper's Lamp" in _titles(guest.get("/tags/Lighthouses/feed.atom"))
    light = Tag.objects.create(name="Light", type=Tag.Type.FREEFORM, canonical=True)
    tag_add_meta(actor=None, sub=lamps, meta=light)
    assert "The Keeper's Lamp" in _titles(guest.get("/tags/Light/feed.atom"))


def test_feeds_list_the_newest_update_first_and_take_listing_filters(guest, archive):
    # bob's work, dated back, comes last.
    old = datetime.date(2001, 1, 1)
    Work.objects.filter(pk=archive.other.pk).update(updated=old)
    FilterTagging.objects.filter(work_id=archive.other.pk).update(updated=old)
    titles = [e.title for e in _parsed(guest.get("/tags/Lighthouses/feed.atom")).entries]
    assert titles[-1] == "Bob's Storm"
    words = {w.title: w.word_count for w in Work.objects.all()}
    titles = [e.title for e in _parsed(
        guest.get("/tags/Lighthouses/feed.atom?sort=words&order=asc")).entries]
    assert [words[t] for t in titles] == sorted(words[t] for t in titles)
    assert titles != [e.title for e in _parsed(
        guest.get("/tags/Lighthouses/feed.atom?sort=words")).entries]
    assert _titles(guest.get("/tags/Lighthouses/feed.atom?exclude=Angst")) == {
        "The Keeper's Lamp", "Nameless Light"}


def test_a_search_feed_runs_the_archive_query_language(guest, archive):
    assert _titles(guest.get("/works/search/feed.atom?q=lighthouses -angst")) == {
        "The Keeper's Lamp", "Nameless Light"}
    assert _titles(guest.get('/works/search/feed.atom?q=title:"Bob\'s Storm"')) == {
        "Bob's Storm"}


def test_an_empty_feed_is_still_valid(guest, db):
    Tag.objects.create(name="Nothing Yet", type=Tag.Type.FREEFORM, canonical=True)
    feed = _parsed(guest.get("/tags/Nothing%20Yet/feed.atom"))
    assert feed.entries == []
    assert feed.feed.updated


# --- Visibility ----------------------------------------------------------------------------

GUEST_SEES = {
    "tag": {"The Keeper's Lamp", "Nameless Light", "Bob's Storm"},
    "search": {"The Keeper's Lamp", "Nameless Light", "Bob's Storm"},
    "series": {"The Keeper's Lamp", "Nameless Light"},
    "user": {"The Keeper's Lamp"},
}


@pytest.mark.parametrize("name", list(FEEDS))
def test_guests_get_only_open_posted_works(guest, archive, name):
    assert _titles(guest.get(_url(name, archive))) == GUEST_SEES[name]


@pytest.mark.parametrize("role", ["reader", "creator", "moderator", "admin"])
@pytest.mark.parametrize("name", list(FEEDS))
def test_logged_in_users_also_get_restricted_works_never_drafts_or_hidden(
        archive, author, reader, name, role):
    users = {"reader": reader, "creator": author,
             "moderator": user_with("mod", is_moderator=True),
             "admin": user_with("root", is_staff=True, is_superuser=True)}
    titles = _titles(_client(users[role]).get(_url(name, archive)))
    # alice's own feed shows her her anonymous work (still reading "Anonymous").
    own = {"Nameless Light"} if (name, role) == ("user", "creator") else set()
    assert titles == GUEST_SEES[name] | {"Locked Tower"} | own
    assert not titles & {"Unfinished Draft", "Hidden Beacon"}


@pytest.mark.parametrize("name", ["tag", "search"])
def test_a_reader_who_mutes_a_creator_doesnt_get_their_works(archive, reader, co_author,
                                                              name):
    user_mute(user=reader, muted=co_author)
    titles = _titles(_client(reader).get(_url(name, archive)))
    assert "Bob's Storm" not in titles
    assert "The Keeper's Lamp" in titles


def test_a_muted_creators_own_feed_is_empty_for_the_reader_who_mutes_them(archive, reader,
                                                                          author):
    user_mute(user=reader, muted=author)
    assert _titles(_client(reader).get("/users/alice/works/feed.atom")) == set()
    # The anonymous work stays (leaving it out would tell who wrote it).
    assert "Nameless Light" in _titles(_client(reader).get("/tags/Lighthouses/feed.atom"))


@pytest.mark.parametrize("name", ["tag", "search", "user", "series"])
def test_a_readers_saved_exclusions_apply_to_feeds(archive, reader, name):
    tag_exclusion_add(user=reader, name="Angst")
    WorkFactory(author=archive.open_work.pseuds()[0].user, title="Sad Lamp",
                freeforms=["Lighthouses", "Angst"])
    titles = _titles(_client(reader).get(_url(name, archive)))
    assert not titles & {"Bob's Storm", "Sad Lamp"}
    assert titles  # the rest are still there


def test_a_guest_who_follows_a_series_of_restricted_works_gets_404(guest, db, author):
    series = series_create(user=author, title="Closed")
    series_add_work(user=author, series=series,
                    work=WorkFactory(author=author, title="Shut", restricted=True))
    assert guest.get(f"/series/{series.pk}/feed.atom").status_code == 404
    assert _titles(_client(author).get(f"/series/{series.pk}/feed.atom")) == {"Shut"}


# --- Clients: conditional requests and the cache -------------------------------------------


@pytest.mark.usefixtures("cache_backend")
@pytest.mark.parametrize("name", list(FEEDS))
def test_every_feed_has_validators_and_answers_304(guest, archive, name):
    url = _url(name, archive)
    first = guest.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert guest.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert guest.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert guest.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # A logged-in reader's feed too (their own document and digest).
    reader = _client(UserFactory(username="fern"))
    theirs = reader.get(url)
    assert theirs.status_code == 200
    assert reader.get(url, headers={"If-None-Match": theirs["ETag"]}).status_code == 304


@pytest.mark.usefixtures("cache_backend")
def test_a_change_gives_the_feed_new_validators(guest, archive, author):
    url = "/tags/Lighthouses/feed.atom"
    first = guest.get(url)
    WorkFactory(author=author, title="A New Light", freeforms=["Lighthouses"])
    again = guest.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "A New Light" in _titles(again)
    assert again["ETag"] != first["ETag"]
    assert guest.get(url, headers={"If-Modified-Since": first["Last-Modified"]}
                     ).status_code in {200, 304}  # same second: the ETag decides


@pytest.mark.usefixtures("cache_backend")
@pytest.mark.parametrize("name", list(FEEDS))
def test_a_guests_second_poll_is_served_from_the_cache(guest, archive, name,
                                                       django_assert_num_queries):
    url = _url(name, archive)
    first = guest.get(url)
    assert first[CACHE_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = guest.get(url)
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    with django_assert_num_queries(0):
        assert guest.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


@pytest.mark.usefixtures("cache_backend")
def test_a_conditional_poll_that_renders_the_feed_still_stores_it(guest, archive,
                                                                  django_assert_num_queries):
    url = "/tags/Lighthouses/feed.atom"
    first = guest.get(url)
    cache.clear()  # the stored page aged out; nothing changed
    again = guest.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    with django_assert_num_queries(0):
        assert guest.get(url).content == first.content


def test_a_head_request_gets_the_validators_without_a_body(guest, archive):
    first = guest.get("/tags/Lighthouses/feed.atom")
    head = guest.head("/tags/Lighthouses/feed.atom")
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == first["ETag"]


@pytest.mark.usefixtures("cache_backend")
def test_a_logged_in_readers_feed_is_never_the_guests(guest, archive, reader):
    guest.get("/tags/Lighthouses/feed.atom")
    assert "Locked Tower" in _titles(_client(reader).get("/tags/Lighthouses/feed.atom"))
    assert "Locked Tower" not in _titles(guest.get("/tags/Lighthouses/feed.atom"))


@pytest.mark.usefixtures("redis_cache")
def test_the_fast_path_answers_a_guests_conditional_poll_without_django(archive):
    from tests.lib.test_guests_fast_path import call

    first = call("/tags/Lighthouses/feed.atom")
    assert first.status.startswith("200") and first.django_ran
    etag = first.header("ETag")
    again = call("/tags/Lighthouses/feed.atom", If_None_Match=etag)
    assert again.status.startswith("304")
    assert not again.django_ran
    assert again.body == b""
    assert again.header("ETag") == etag
    since = call("/tags/Lighthouses/feed.atom",
                 If_Modified_Since=first.header("Last-Modified"))
    assert since.status.startswith("304") and not since.django_ran
    for matching in (f'"stale", W/{etag}', "*"):  # weak comparison; any version
        assert call("/tags/Lighthouses/feed.atom",
                    If_None_Match=matching).status.startswith("304")
    full = call("/tags/Lighthouses/feed.atom", If_None_Match='"stale"')
    assert full.status.startswith("200") and not full.django_ran
    assert full.body == first.body


def test_a_tag_feed_costs_a_fixed_number_of_queries(client, archive, author, reader,
                                                    django_assert_num_queries, settings):
    settings.FICHIVE_PAGE_CACHE = False
    client.force_login(reader)
    # Session, user, tag, count, the page's blurbs (two: blurbs.blurbs_of) and their
    # publication dates; the count and the page's ids are kept a few minutes
    # (listing.TaggedWorks), not here.
    cache.clear()
    with django_assert_num_queries(7):
        client.get("/tags/Lighthouses/feed.atom")
    for n in range(5):
        WorkFactory(author=author, title=f"More Light {n}", freeforms=["Lighthouses"])
    cache.clear()
    with django_assert_num_queries(7):
        response = client.get("/tags/Lighthouses/feed.atom")
    assert len(_parsed(response).entries) == 9


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/tags/No%20Such%20Tag/feed.atom",
                                 "/users/nobody/works/feed.atom", "/series/999999/feed.atom"])
def test_unknown_things_have_no_feed(guest, archive, url):
    assert guest.get(url).status_code == 404


@pytest.mark.parametrize("url, says", [
    ("/works/search/feed.atom?q=%22unclosed", "This feed can't be made"),
    ("/works/search/feed.atom", "Give a search in q"),
    ("/works/search/feed.atom?q=+++", "Give a search in q"),
    ("/tags/Lighthouses/feed.atom?sort=sideways", "is not a sort"),
    ("/tags/Lighthouses/feed.atom?words_from=lots", "must be a whole number"),
    ("/users/alice/works/feed.atom?page=0", "Pages are numbered from 1"),
])
def test_bad_input_is_a_plain_400(guest, archive, url, says):
    response = guest.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert says in response.content.decode()
    assert b"<feed" not in response.content


# --- Pages link their feed -----------------------------------------------------------------


@pytest.mark.parametrize("page, feed", [
    ("/tags/Lighthouses/works", "/tags/Lighthouses/feed.atom"),
    ("/users/alice/works", "/users/alice/works/feed.atom"),
    ("/works/search?q=lighthouses", "/works/search/feed.atom?q=lighthouses"),
    (None, None),
])
def test_each_feeds_page_links_it(guest, archive, page, feed):
    if page is None:
        page, feed = (f"/series/{archive.series_id}", f"/series/{archive.series_id}/feed.atom")
    head = guest.get(page).content.decode().split("</head>")[0]
    found = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" '
                       r'href="([^"]*)">', head)
    assert [link.replace("&amp;", "&") for link in found] == [feed]
    assert guest.get(feed).status_code == 200


def test_pages_without_a_feed_link_none(guest, archive):
    for page in ("/works", "/works/search"):
        assert "application/atom+xml" not in guest.get(page).content.decode()


def test_control_characters_in_a_search_are_left_out_of_its_feed(guest, archive):
    """XML 1.0 can't carry most C0 controls: the search's words echoed in the feed's title
    leave them out rather than failing the feed."""
    response = guest.get("/works/search/feed.atom?q=lighthouses%1B%07")
    assert response.status_code == 200
    feed = _parsed(response)
    assert not feed.bozo
    assert "\x1b" not in feed.feed.title and "lighthouses" in feed.feed.title
