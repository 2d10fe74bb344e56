"""/opds/: the OPDS 1.2 catalog a reading app browses — navigation root, fandoms by media,
acquisition feeds with work entries, the OpenSearch search, and a walk from the root to an
EPUB download."""

from __future__ import annotations

import io
import zipfile

import feedparser
import pytest
from lxml import etree

from fichive.formats.own import work_urn
from fichive.series.services import series_add_work, series_create
from fichive.tags.services import tag_make_canonical, tag_set_media, tag_set_parents
from tests.factories import WorkFactory
from tests.formats.exporters.conftest import epubcheck
from tests.opds.conftest import (
    ACQUISITION,
    NAVIGATION,
    NS,
    OPEN_ACCESS,
    entry_link,
    entry_titles,
    feed_of,
    link_of,
    local,
    tag,
)


@pytest.fixture
def naruto(author, wrangler):
    """A canonical fandom in Anime & Manga with a character and a relationship under it."""
    WorkFactory(author=author, title="Ramen at Midnight", fandoms=["Naruto"],
                characters=["Uzumaki Naruto"],
                relationships=["Uzumaki Naruto & Uchiha Sasuke"], freeforms=["Ramen"],
                summary="<p>Two <em>friends</em> and a bowl.</p>")
    fandom = tag("Naruto")
    tag_make_canonical(actor=wrangler, tag=fandom)
    tag_set_media(actor=wrangler, fandom=fandom, media="Anime & Manga")
    for name in ("Uzumaki Naruto", "Uzumaki Naruto & Uchiha Sasuke"):
        child = tag(name)
        tag_make_canonical(actor=wrangler, tag=child)
        tag_set_parents(actor=wrangler, tag=child, fandoms=[fandom])
    return fandom


def test_the_root_is_a_navigation_feed_of_the_archives_lists(guest, work):
    root = feed_of(guest.get("/opds/"), "navigation")

    assert entry_titles(root) == ["Recently updated", "Recently posted", "Most kudos",
                                  "Most hits", "Complete works", "Browse by fandom", "Search"]
    assert link_of(root, "self") == "http://testserver/opds/"
    assert link_of(root, "start") == "http://testserver/opds/"
    assert link_of(root, "search") == "http://testserver/opds/opensearch.xml"
    recent = root.find("a:entry/a:link", NS)
    assert recent.get("type") == ACQUISITION
    assert local(recent.get("href")) == "/opds/works?sort=updated"


def test_a_logged_in_reader_also_finds_their_own_lists(reader_client):
    root = feed_of(reader_client.get("/opds/"), "navigation")

    assert entry_titles(root)[-4:] == ["Marked for Later", "History", "Subscriptions",
                                       "Bookmarks"]
    assert local(entry_link(root, "Marked for Later")) == "/opds/me/later"


def test_a_work_entry_carries_its_metadata_tags_and_downloads(guest, author):
    work = WorkFactory(author=author, title="The Lighthouse", fandoms=["Original Work"],
                       characters=["The Keeper"], freeforms=["Sea"], language="de",
                       summary="<p>She counted <strong>ships</strong>.</p><script>x()</script>",
                       chapters=["<p>One.</p>", "<p>Two three.</p>"], expected_chapters=None,
                       rating="Not Rated")

    root = feed_of(guest.get("/opds/works"), "acquisition")
    entry = root.find("a:entry", NS)

    assert entry.findtext("a:id", namespaces=NS) == work_urn(work.pk)
    assert entry.findtext("a:title", namespaces=NS) == "The Lighthouse"
    assert entry.findtext("a:author/a:name", namespaces=NS) == "alice"
    assert entry.findtext("dc:language", namespaces=NS) == "de"
    assert entry.findtext("dc:issued", namespaces=NS) == work.published.isoformat()
    assert entry.findtext("a:published", namespaces=NS).startswith(work.published.isoformat())
    assert entry.findtext("a:updated", namespaces=NS).endswith("Z")
    assert entry.findtext("a:summary", namespaces=NS) == "She counted ships."
    content = entry.find("a:content", NS)
    assert content.get("type") == "html"
    assert "<strong>ships</strong>" in content.text and "script" not in content.text
    assert "Chapters: 2/?" in content.text and "Words: " in content.text
    categories = {(c.get("term"), c.get("scheme").rsplit("/", 1)[1])
                  for c in entry.findall("a:category", NS)}
    assert {("Original Work", "fandom"), ("The Keeper", "character"), ("Sea", "freeform"),
            ("Not Rated", "rating")} <= categories
    downloads = {link.get("type"): link.get("href")
                 for link in entry.findall(f"a:link[@rel='{OPEN_ACCESS}']", NS)}
    assert set(downloads) >= {"application/epub+zip", "application/pdf", "text/html"}
    assert "/The_Lighthouse.epub?" in downloads["application/epub+zip"]
    assert all(href.endswith("&view_adult=true") or href.endswith("?view_adult=true")
               for href in downloads.values())
    alternate = entry.find("a:link[@rel='alternate']", NS)
    assert local(alternate.get("href")) == f"/works/{work.pk}"


def test_an_anonymous_work_is_by_anonymous_and_names_nobody(guest, author):
    WorkFactory(author=author, title="Unsigned", anonymous=True)

    response = guest.get("/opds/works")
    root = feed_of(response, "acquisition")

    assert root.findtext("a:entry/a:author/a:name", namespaces=NS) == "Anonymous"
    assert b"alice" not in response.content


def test_a_work_in_a_series_says_which_part_it_is(guest, author):
    first = WorkFactory(author=author, title="Beginning")
    series = series_create(user=author, title="Harbour Lights")
    series_add_work(user=author, series=series, work=first)

    root = feed_of(guest.get("/opds/works"), "acquisition")

    assert "Part 1 of Harbour Lights" in root.findtext("a:entry/a:content", namespaces=NS)


def test_feedparser_reads_every_feed(guest, naruto):
    for url in ("/opds/", "/opds/works", "/opds/fandoms", "/opds/fandoms/anime-manga",
                "/opds/tags/Naruto", "/opds/tags/Naruto/works", "/opds/search?q=ramen"):
        parsed = feedparser.parse(guest.get(url).content)
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        assert parsed.feed.title and parsed.entries, url
    works = feedparser.parse(guest.get("/opds/works").content)
    entry = works.entries[0]
    assert entry.title == "Ramen at Midnight"
    assert entry.author == "alice"
    assert {t.term for t in entry.tags} >= {"Naruto", "Uzumaki Naruto", "Ramen"}
    assert any(link.type == "application/epub+zip" for link in entry.links)


def test_walk_from_the_root_to_a_fandom_to_an_epub(guest, naruto):
    root = feed_of(guest.get("/opds/"), "navigation")
    media = feed_of(guest.get(local(entry_link(root, "Browse by fandom"))), "navigation")
    anime = feed_of(guest.get(local(entry_link(media, "Anime & Manga"))), "navigation")
    fandom = feed_of(guest.get(local(entry_link(anime, "Naruto"))), "navigation")
    assert entry_titles(fandom) == ["All works in Naruto", "Uzumaki Naruto & Uchiha Sasuke",
                                    "Uzumaki Naruto"]
    assert local(link_of(fandom, "up")) == "/opds/fandoms/anime-manga"
    character = feed_of(guest.get(local(entry_link(fandom, "Uzumaki Naruto"))), "acquisition")
    assert entry_titles(character) == ["Ramen at Midnight"]
    works = feed_of(guest.get(local(entry_link(fandom, "All works in Naruto"))), "acquisition")
    epub_link = works.find("a:entry/a:link[@type='application/epub+zip']", NS).get("href")

    download = guest.get(local(epub_link))

    assert download.status_code == 200
    data = b"".join(download.streaming_content) if download.streaming else download.content
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.namelist()[0] == "mimetype"
        assert book.read("mimetype") == b"application/epub+zip"


def test_an_adult_works_download_leads_to_the_file_not_the_notice(guest, author):
    WorkFactory(author=author, title="After Dark", rating="Explicit")
    root = feed_of(guest.get("/opds/works"), "acquisition")
    for kind in ("application/epub+zip", "application/pdf"):
        href = root.find(f"a:entry/a:link[@type='{kind}']", NS).get("href")

        response = guest.get(local(href))

        assert response.status_code == 200
        assert response["Content-Type"].startswith(kind)


def test_search_runs_through_the_opensearch_template(guest, author):
    WorkFactory(author=author, title="Dragons of the North", fandoms=["Original Work"])
    WorkFactory(author=author, title="Quiet Gardens")
    description = guest.get("/opds/opensearch.xml")
    assert description.status_code == 200
    assert description["Content-Type"].startswith("application/opensearchdescription+xml")
    doc = etree.fromstring(description.content)
    os_ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    url = doc.find(f"os:Url[@type='{ACQUISITION}']", os_ns)
    template = url.get("template")
    assert "{searchTerms}" in template

    found = feed_of(guest.get(local(template.replace("{searchTerms}", 'title:"dragons"'))),
                    "acquisition")

    assert entry_titles(found) == ["Dragons of the North"]
    assert found.findtext("a:title", namespaces=NS) == 'Search: title:"dragons"'


def test_a_navigation_feed_lists_every_media_category(guest, naruto):
    media = feed_of(guest.get("/opds/fandoms"), "navigation")

    assert "Anime & Manga" in entry_titles(media)
    assert all(link.get("type") == NAVIGATION for link in media.findall("a:entry/a:link", NS))


def test_the_epub_a_catalog_entry_links_passes_epubcheck(guest, naruto, tmp_path):
    root = feed_of(guest.get("/opds/tags/Naruto/works"), "acquisition")
    href = root.find("a:entry/a:link[@type='application/epub+zip']", NS).get("href")
    download = guest.get(local(href))
    path = tmp_path / "ramen.epub"
    path.write_bytes(b"".join(download.streaming_content) if download.streaming
                     else download.content)

    epubcheck(path)


def test_a_tag_with_a_slash_lives_at_its_escaped_catalog_address(guest, author):
    WorkFactory(author=author, title="Two Together", relationships=["Kirk/Spock"])

    nav = feed_of(guest.get("/opds/tags/Kirk*s*Spock"), "navigation")
    href = entry_link(nav, "All works in Kirk/Spock")

    assert local(href) == "/opds/tags/Kirk*s*Spock/works"
    assert entry_titles(feed_of(guest.get(local(href)), "acquisition")) == ["Two Together"]
