"""/tags/<name>/works: the works found under a tag (its synonyms and sub tags included),
filterable like every listing, with tag names escaped in URLs the AO3 way."""

from __future__ import annotations

import re

import pytest

from fichive.tags.models import Tag
from fichive.works.filter_tags import filter_tags_rebuild, works_affected_by
from tests.factories import WorkFactory
from tests.works.listing_pages import heading, sidebar, titles


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
    assert "1 - 1 of 1 Work in Naruto" in page


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


# --- Wrangling: synonyms and sub tags (the state is set up directly, then rebuilt) ----------

def _make_synonym(name: str, *, of: str) -> None:
    canonical = Tag.objects.get(name=of)
    Tag.objects.filter(name=name).update(merger=canonical, canonical=False)
    filter_tags_rebuild(work_ids=works_affected_by([Tag.objects.get(name=name).pk]))


def _make_sub_tag(name: str, *, of: str) -> None:
    sub = Tag.objects.get(name=name)
    sub.meta_tags.add(Tag.objects.get(name=of))
    filter_tags_rebuild(work_ids=works_affected_by([sub.pk]))


@pytest.fixture
def wrangled(author):
    """"Alternate Universe - Modern Setting" is canonical with the synonym "Modern AU" and
    the sub tag "Coffee Shop AU"; "Alternate Universe" is its meta tag."""
    WorkFactory(author=author, title="Canonical Story",
                freeforms=["Alternate Universe - Modern Setting"])
    WorkFactory(author=author, title="Synonym Story", freeforms=["Modern AU"])
    WorkFactory(author=author, title="Sub Tag Story", freeforms=["Coffee Shop AU"])
    WorkFactory(author=author, title="Unrelated Story", freeforms=["Fluff"])
    Tag.objects.create(type="freeform", name="Alternate Universe", canonical=True)
    Tag.objects.filter(name__in=["Alternate Universe - Modern Setting", "Coffee Shop AU",
                                 "Fluff"]).update(canonical=True)
    _make_synonym("Modern AU", of="Alternate Universe - Modern Setting")
    _make_sub_tag("Coffee Shop AU", of="Alternate Universe - Modern Setting")
    _make_sub_tag("Alternate Universe - Modern Setting", of="Alternate Universe")


def test_a_canonical_tag_lists_works_tagged_with_its_synonyms_and_sub_tags(client, wrangled):
    response = client.get("/tags/Alternate Universe - Modern Setting/works?sort=title")

    assert titles(response) == ["Canonical Story", "Sub Tag Story", "Synonym Story"]
    assert heading(response) == "1 - 3 of 3 Works in Alternate Universe - Modern Setting"


def test_a_synonyms_url_shows_its_canonical_tags_works(client, wrangled):
    response = client.get("/tags/Modern AU/works?sort=title")

    assert response.status_code == 200
    assert titles(response) == ["Canonical Story", "Sub Tag Story", "Synonym Story"]
    assert heading(response) == "1 - 3 of 3 Works in Alternate Universe - Modern Setting"


def test_a_meta_tag_lists_the_works_of_every_tag_below_it(client, wrangled):
    response = client.get("/tags/Alternate Universe/works?sort=title")

    assert titles(response) == ["Canonical Story", "Sub Tag Story", "Synonym Story"]


def test_a_sub_tag_lists_only_its_own_works(client, wrangled):
    assert titles(client.get("/tags/Coffee Shop AU/works")) == ["Sub Tag Story"]


def test_an_unwrangled_tag_lists_the_works_tagged_with_it(client, author):
    WorkFactory(author=author, title="Loose Story", freeforms=["my own little tag"])

    assert titles(client.get("/tags/my own little tag/works")) == ["Loose Story"]


def test_tag_works_take_the_listing_filters(client, wrangled):
    response = client.get("/tags/Alternate Universe/works?exclude=Coffee Shop AU&sort=title")

    assert titles(response) == ["Canonical Story", "Synonym Story"]
    assert heading(response) == "1 - 2 of 2 Works in Alternate Universe"


def test_tag_works_sidebar_counts_the_tags_works(client, wrangled):
    groups = sidebar(client.get("/tags/Alternate Universe/works"))

    assert groups["Additional Tags"] == [
        ("Alternate Universe", 3), ("Alternate Universe - Modern Setting", 3),
        ("Coffee Shop AU", 1)]


def test_tag_works_with_bad_filters_explain_them(client, wrangled):
    response = client.get("/tags/Alternate Universe/works?complete=sometimes")

    assert response.status_code == 400
    assert "“sometimes” is not a completion filter; use all, yes or no." in _page(response)
