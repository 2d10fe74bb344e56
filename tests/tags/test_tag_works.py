"""/tags/<name>/works: the works under a tag, with tag names escaped in URLs the AO3 way."""

from __future__ import annotations

import re

import pytest

from tests.factories import WorkFactory


def _page(response) -> str:
    return response.content.decode()


def _tag_links(response) -> list[str]:
    return re.findall(r'<a class="tag" href="(/tags/[^"]+/works)">', _page(response))


def test_relationship_with_a_slash_lives_at_an_escaped_url(client, author):
    WorkFactory(author=author, title="Slash Story", relationships=["A/B"])

    response = client.get("/tags/A*s*B/works")

    assert response.status_code == 200
    assert "Slash Story" in _page(response)
    assert "Works in A/B" in _page(response)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("A/B", "/tags/A*s*B/works"),
        ("Q&A Session", "/tags/Q*a*A%20Session/works"),
        ("Dr. Watson", "/tags/Dr*d*%20Watson/works"),
        ("Why Not?", "/tags/Why%20Not*q*/works"),
        ("#1 Fan", "/tags/*h*1%20Fan/works"),
        ("Fluff", "/tags/Fluff/works"),
    ],
)
def test_work_page_links_tags_to_their_escaped_urls_and_they_work(client, author, name, url):
    work = WorkFactory(author=author, title="Linked Story", freeforms=[name])

    links = _tag_links(client.get(f"/works/{work.pk}"))

    assert url in links
    response = client.get(url)
    assert response.status_code == 200
    assert "Linked Story" in _page(response)


def test_fandom_page_lists_its_works_and_not_others(client, author):
    WorkFactory(author=author, title="In Naruto", fandoms=["Naruto"])
    WorkFactory(author=author, title="In Holmes", fandoms=["Sherlock Holmes"])

    page = _page(client.get("/tags/Naruto/works"))

    assert "In Naruto" in page
    assert "In Holmes" not in page
    assert "1 - 1 of 1 Works in Naruto" in page


def test_tag_urls_ignore_case_and_extra_spaces(client, author):
    WorkFactory(author=author, title="Cased Story", freeforms=["Slow Burn"])

    assert "Cased Story" in _page(client.get("/tags/slow%20%20BURN/works"))


def test_fixed_tags_have_pages_too(client, author):
    WorkFactory(author=author, title="Rated Story", rating="Mature")

    assert "Rated Story" in _page(client.get("/tags/Mature/works"))


def test_unknown_tag_is_404(client, db):
    assert client.get("/tags/Nothing%20Here/works").status_code == 404


def test_tag_page_hides_restricted_works_from_guests(client, reader, author):
    WorkFactory(author=author, title="Locked Story", freeforms=["Shared Tag"], restricted=True)
    WorkFactory(author=author, title="Open Story", freeforms=["Shared Tag"])

    guest_page = _page(client.get("/tags/Shared%20Tag/works"))
    client.force_login(reader)
    reader_page = _page(client.get("/tags/Shared%20Tag/works"))

    assert "Open Story" in guest_page
    assert "Locked Story" not in guest_page
    assert "Open Story" in reader_page
    assert "Locked Story" in reader_page


def test_tag_page_pages_20_at_a_time(client, author):
    for _ in range(21):
        WorkFactory(author=author, freeforms=["Busy Tag"])

    first = _page(client.get("/tags/Busy%20Tag/works"))
    second = _page(client.get("/tags/Busy%20Tag/works?page=2"))

    assert first.count('class="work blurb group"') == 20
    assert second.count('class="work blurb group"') == 1
