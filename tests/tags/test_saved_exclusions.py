"""Saved tag exclusions: a logged-in reader's tags kept out of every listing and search they
see (synonyms saved as their canonical tag; works found under a synonym or a sub tag are left
out too), with "N works hidden by your saved filters — show them" on each listing."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError

from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.tags.models import Tag, TagExclusion
from fichive.tags.services import (
    tag_add_meta,
    tag_exclusion_add,
    tag_exclusion_remove,
    tag_make_synonym,
)
from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.tags.helpers import tag


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def _words(page: str) -> str:
    """The page's text without its markup."""
    return re.sub(r"<[^>]+>", "", page)


def _total(page: str) -> int:
    found = re.search(r"\d+ - \d+ of ([\d,]+) ", page)
    return int(found.group(1).replace(",", "")) if found else 0


@pytest.fixture
def archive(author, wrangler):
    """Four works in Naruto: "Plain" (Fluff), "Angsty" (Angst), "Synonymous" (tagged with
    "Sad", a synonym of Angst) and "Sub" (tagged "Hurt", a sub tag of Angst)."""
    WorkFactory(author=author, title="Plain", fandoms=["Naruto"], freeforms=["Fluff"])
    WorkFactory(author=author, title="Angsty", fandoms=["Naruto"], freeforms=["Angst"])
    WorkFactory(author=author, title="Synonymous", fandoms=["Naruto"], freeforms=["Sad"])
    WorkFactory(author=author, title="Sub", fandoms=["Naruto"], freeforms=["Hurt"])
    Tag.objects.exclude(name="Sad").update(canonical=True)
    tag_make_synonym(actor=wrangler, tag=tag("Sad"), of=tag("Angst"))
    tag_add_meta(actor=wrangler, sub=tag("Hurt"), meta=tag("Angst"))


@pytest.fixture
def excluder(reader, archive):
    """carol, who excludes Angst."""
    tag_exclusion_add(user=reader, name="Angst")
    return reader


# Services --------------------------------------------------------------------------------


def test_a_synonym_is_saved_as_its_canonical_tag(reader, archive):
    saved = tag_exclusion_add(user=reader, name="  sad ")
    assert saved.name == "Angst"
    reader.refresh_from_db()
    assert reader.excluded_tag_ids == [tag("Angst").pk]
    tag_exclusion_add(user=reader, name="ANGST")  # again: nothing changes
    assert TagExclusion.objects.filter(user=reader).count() == 1


def test_unknown_and_empty_names_are_refused_clearly(reader, db):
    with pytest.raises(ValidationError, match="There is no tag named “Nope”"):
        tag_exclusion_add(user=reader, name="Nope")
    with pytest.raises(ValidationError, match="Type the name of a tag"):
        tag_exclusion_add(user=reader, name="   ")
    assert not TagExclusion.objects.exists()


def test_exclusions_are_capped(reader, archive, monkeypatch):
    monkeypatch.setattr("fichive.tags.services.MAX_EXCLUSIONS", 1)
    tag_exclusion_add(user=reader, name="Angst")
    with pytest.raises(ValidationError, match="You already exclude 1 tags"):
        tag_exclusion_add(user=reader, name="Fluff")
    reader.refresh_from_db()
    assert reader.excluded_tag_ids == [tag("Angst").pk]


def test_removing_keeps_the_copy_in_step(excluder):
    tag_exclusion_remove(user=excluder, tag=tag("Angst"))
    assert excluder.excluded_tag_ids == []
    excluder.refresh_from_db()
    assert excluder.excluded_tag_ids == []


def test_a_tag_merged_into_another_carries_the_exclusion_over(reader, author, wrangler, db):
    WorkFactory(author=author, title="Moody", fandoms=["Naruto"], freeforms=["Gloom"])
    WorkFactory(author=author, title="Doomy", fandoms=["Naruto"], freeforms=["Doom"])
    Tag.objects.update(canonical=True)
    tag_exclusion_add(user=reader, name="Gloom")
    tag_make_synonym(actor=wrangler, tag=tag("Gloom"), of=tag("Doom"))
    reader.refresh_from_db()
    assert reader.excluded_tag_ids == [tag("Doom").pk]


# Listings --------------------------------------------------------------------------------


URLS = ["/works", "/tags/Naruto/works", "/works/search?q=Naruto", "/works?include=Naruto",
        "/users/alice/works"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("who", ["guest", "reader", "creator", "excluder"])
def test_saved_exclusions_leave_works_out_of_every_listing(archive, url, who, request,
                                                           login):
    user = {"guest": None, "reader": "stranger", "creator": "author",
            "excluder": "excluder"}[who]
    client = login(request.getfixturevalue(user) if user else None)
    page = _text(client.get(url))
    if who == "excluder":
        assert "Plain" in page
        # The canonical tag, its synonym's works and its sub tag's works are all left out.
        assert not any(t in page for t in ("Angsty", "Synonymous", ">Sub<"))
        assert _total(page) == 1
        assert "3 works hidden by your saved filters — show them" in _words(page)
    else:
        assert all(t in page for t in ("Plain", "Angsty", "Synonymous"))
        assert _total(page) == 4
        assert "hidden by your saved filters" not in page


def test_show_them_turns_the_saved_filters_off_for_that_page(excluder, login):
    client = login(excluder)
    page = client.get("/tags/Naruto/works?sort=title").content.decode()
    link = re.search(r'<a href="([^"]+)">show them</a>', page).group(1)
    assert "saved_filters=off" in link and "sort=title" in link
    shown = _text(client.get("/tags/Naruto/works" + html.unescape(link)))
    assert _total(shown) == 4 and "Angsty" in shown
    assert "Your saved filters are off for this page" in _words(shown)
    assert 'name="saved_filters" value="off"' in shown  # the sidebar keeps it


def test_the_filters_own_exclusions_add_to_the_saved_ones(excluder, login):
    page = _text(login(excluder).get("/works?exclude=Fluff"))
    assert _total(page) == 0
    assert "3 works hidden by your saved filters" in _words(page)


def test_the_api_listing_applies_them_and_says_how_many(excluder, login):
    data = login(excluder).get("/api/v1/works").json()
    assert data["total"] == 1 and data["hidden_by_saved_filters"] == 3
    data = login(excluder).get("/api/v1/works?saved_filters=off").json()
    assert data["total"] == 4 and data["hidden_by_saved_filters"] == 0
    assert login(None).get("/api/v1/works").json()["total"] == 4


def test_a_bad_saved_filters_value_is_a_message(excluder, login):
    response = login(excluder).get("/works?saved_filters=maybe")
    assert response.status_code == 400
    assert "is not a saved filters setting" in html.unescape(response.content.decode())


def test_the_kept_tag_counts_are_not_shared(excluder, stranger, login):
    assert _total(_text(login(stranger).get("/tags/Naruto/works"))) == 4
    assert _total(_text(login(excluder).get("/tags/Naruto/works"))) == 1
    assert _total(_text(login(stranger).get("/tags/Naruto/works"))) == 4


def test_sidebar_counts_leave_excluded_works_out(excluder, login):
    page = login(excluder).get("/tags/Naruto/works").content.decode()
    assert '<span class="name">Naruto</span> <span class="count">(1)</span>' in page


def test_bookmark_listings_leave_out_bookmarks_of_excluded_works(excluder, stranger, login):
    for title in ("Plain", "Angsty"):
        bookmark_create(user=stranger, work=Work.objects.get(title=title),
                        pseud=stranger.default_pseud, data=BookmarkData(notes=f"On {title}"))
    page = _text(login(excluder).get("/bookmarks"))
    assert "On Plain" in page and "On Angsty" not in page
    assert "On Angsty" in _text(login(excluder).get("/bookmarks?saved_filters=off"))


# The page in preferences -----------------------------------------------------------------


def test_adding_and_removing_on_the_page(reader, archive, login):
    client = login(reader)
    page = _text(client.get("/preferences/excluded-tags"))
    assert "You don't exclude any tags yet." in page
    assert 'data-autocomplete=""' in page  # the tag autocomplete

    response = client.post("/preferences/excluded-tags", {"name": "sad"})
    assert response.status_code == 302
    page = _text(client.get("/preferences/excluded-tags"))
    assert "Works found under “Angst” are now left out of your listings." in page
    assert ">Angst</a>" in page

    response = client.post("/preferences/excluded-tags", {"remove": tag("Angst").pk})
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.excluded_tag_ids == []


@pytest.mark.parametrize("value", ["Nope", "", "x" * 5000])
def test_bad_names_on_the_page_are_messages(reader, archive, login, value):
    response = login(reader).post("/preferences/excluded-tags", {"name": value})
    assert response.status_code == 400
    assert "There is no tag named" in html.unescape(response.content.decode()) or \
        "Type the name of a tag" in html.unescape(response.content.decode())


def test_removing_nonsense_changes_nothing(excluder, login):
    for value in ("abc", "999999", ""):
        assert login(excluder).post("/preferences/excluded-tags",
                                    {"remove": value}).status_code in (200, 302, 400)
    excluder.refresh_from_db()
    assert excluder.excluded_tag_ids == [tag("Angst").pk]


def test_guests_are_sent_to_log_in(guest):
    response = guest.get("/preferences/excluded-tags")
    assert response.status_code == 302 and "/login" in response["Location"]
