"""Tags follow the visibility gate: a tag typed only on works (or bookmarks) a visitor may not
see is a 404 to them wherever it is named, and the counts beside tags count only the works
their listings cover. Fixed and canonical tags always exist; wranglers see every tag.

(The access matrix, tests/test_access_matrix.py, reads the same surfaces for every work state
and viewer; these tests cover what it doesn't: wranglers, synonyms, a fandom's children,
bookmark tags, the counts and the query counts.)
"""

from __future__ import annotations

import pytest

from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.tags.services import tag_add_parent, tag_make_synonym
from fichive.works.services import work_post
from tests.factories import WorkFactory
from tests.tags.helpers import page, tag

SECRET = "Midnight Lighthouse Twist"


def _suggest(client, **params) -> list[dict]:
    response = client.get("/tags/autocomplete", params)
    assert response.status_code == 200
    return response.json()


def _tag_search(client, q: str) -> str:
    response = client.get("/tags/search", {"q": q})
    assert response.status_code == 200
    return page(response)


@pytest.fixture
def draft(author):
    return WorkFactory(author=author, title="Unposted", freeforms=[SECRET], post=False)


URLS = ["/tags/{t}", "/tags/{t}/works", "/tags/{t}/feed.atom", "/opds/tags/{t}",
        "/opds/tags/{t}/works", "/opds/v2/tags/{t}/works", "/api/v1/works?tag={t}"]


@pytest.mark.parametrize("url", URLS)
def test_a_tag_used_only_on_a_draft_is_404_to_others_and_shown_to_its_creator(
        draft, url, login, reader, author, wrangler, admin):
    address = url.format(t=SECRET)
    assert login(None).get(address).status_code == 404
    assert login(reader).get(address).status_code == 404
    assert login(author).get(address).status_code == 200
    assert login(wrangler).get(address).status_code == 200
    assert login(admin).get(address).status_code == 200


def test_a_tag_on_a_draft_is_left_out_of_tag_search_until_the_work_is_posted(
        draft, login, author, reader, wrangler):
    assert SECRET not in _tag_search(login(None), "lighthouse")
    assert SECRET not in _tag_search(login(reader), "lighthouse")
    assert SECRET in _tag_search(login(author), "lighthouse")
    assert SECRET in _tag_search(login(wrangler), "lighthouse")

    work_post(user=author, work=draft)

    assert SECRET in _tag_search(login(None), "lighthouse")
    assert login(None).get(f"/tags/{SECRET}").status_code == 200


def test_a_tag_only_on_restricted_works_is_404_to_guests_only(author, login, reader):
    WorkFactory(author=author, freeforms=[SECRET], restricted=True)

    assert login(None).get(f"/tags/{SECRET}").status_code == 404
    assert SECRET not in _tag_search(login(None), "midnight")
    assert login(reader).get(f"/tags/{SECRET}").status_code == 200
    assert SECRET in _tag_search(login(reader), "midnight")


def test_a_canonical_tag_without_works_and_the_fixed_tags_are_shown_to_everyone(
        make_tag, login):
    make_tag("Empty Canon", "fandom", canonical=True)
    guest = login(None)

    assert guest.get("/tags/Empty Canon").status_code == 200
    assert guest.get("/tags/Explicit").status_code == 200
    assert "Empty Canon" in _tag_search(guest, "canon")


def test_a_synonym_used_only_on_a_draft_is_neither_suggested_nor_listed_on_its_canonical(
        author, wrangler, make_tag, login):
    canonical = make_tag("Lighthouses", "freeform", canonical=True)
    WorkFactory(author=author, freeforms=["Lighthouses"])
    WorkFactory(author=author, freeforms=["Lighthouse Keepers AU"], post=False)
    tag_make_synonym(actor=wrangler, tag=tag("Lighthouse Keepers AU"), of=canonical)
    guest = login(None)

    assert [s["name"] for s in _suggest(guest, term="lighthouse")] == ["Lighthouses"]
    assert "Lighthouse Keepers AU" not in page(guest.get("/tags/Lighthouses"))
    assert [s["name"] for s in _suggest(login(wrangler), term="lighthouse")] == [
        "Lighthouses", "Lighthouse Keepers AU"]
    assert "Lighthouse Keepers AU" in page(login(wrangler).get("/tags/Lighthouses"))


def test_a_fandom_page_lists_only_the_children_the_visitor_may_know_of(
        author, wrangler, make_tag, login):
    fandom = make_tag("Sea Stories", "fandom", canonical=True)
    WorkFactory(author=author, fandoms=["Sea Stories"], freeforms=["Public Gulls"])
    WorkFactory(author=author, fandoms=["Sea Stories"], freeforms=[SECRET], post=False)
    for name in ("Public Gulls", SECRET):
        tag_add_parent(actor=wrangler, tag=tag(name), fandom=fandom)

    shown = page(login(None).get("/tags/Sea Stories"))
    assert "Public Gulls" in shown
    assert SECRET not in shown
    assert SECRET in page(login(wrangler).get("/tags/Sea Stories"))
    assert SECRET in page(login(author).get("/tags/Sea Stories"))


def test_autocomplete_counts_only_the_works_the_visitor_may_see(
        author, make_tag, login, reader, moderator):
    from fichive.moderation.services import work_hide

    make_tag("Lighthouses", "freeform", canonical=True)
    WorkFactory(author=author, freeforms=["Lighthouses"])
    WorkFactory(author=author, freeforms=["Lighthouses"], restricted=True)
    WorkFactory(author=author, freeforms=["Lighthouses"], post=False)
    hidden = WorkFactory(author=author, freeforms=["Lighthouses"])
    work_hide(actor=moderator, work=hidden, reason="Spam in the notes.")
    assert tag("Lighthouses").uses == 4

    def uses(user) -> int:
        (found,) = _suggest(login(user), term="lighth")
        return found["uses"]

    assert uses(None) == 1
    assert uses(reader) == 2
    assert uses(author) == 2  # their draft and hidden work aren't listed either
    assert uses(moderator) == 2


def test_autocomplete_leaves_out_works_by_muted_users_from_its_counts(
        author, make_tag, login, reader):
    from fichive.blocking.services import user_mute

    make_tag("Lighthouses", "freeform", canonical=True)
    WorkFactory(author=author, freeforms=["Lighthouses"])
    user_mute(user=reader, muted=author)
    reader.refresh_from_db()

    assert _suggest(login(reader), term="lighth")[0]["uses"] == 0
    assert _suggest(login(None), term="lighth")[0]["uses"] == 1


def test_a_tag_on_a_private_bookmark_only_is_404_to_others(author, reader, login):
    work = WorkFactory(author=author, title="Public")
    bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                    data=BookmarkData(tags=["Reread Every Winter"], private=True))

    assert login(None).get("/tags/Reread Every Winter").status_code == 404
    assert login(author).get("/tags/Reread Every Winter").status_code == 404
    assert login(reader).get("/tags/Reread Every Winter").status_code == 200


def test_a_tag_on_a_public_bookmark_is_shown(author, reader, login):
    work = WorkFactory(author=author, title="Public")
    bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                    data=BookmarkData(tags=["Reread Every Winter"]))

    assert login(None).get("/tags/Reread Every Winter").status_code == 200


def test_autocomplete_and_tag_search_take_a_fixed_number_of_queries(
        author, make_tag, login, django_assert_num_queries):
    for n in range(5):
        make_tag(f"Lighthouse {n}", "freeform", canonical=True)
        WorkFactory(author=author, freeforms=[f"Lighthouse {n}", f"Lighthouse unwrangled {n}"])
    guest = login(None)

    with django_assert_num_queries(2):  # the suggestions, their counts
        assert len(_suggest(guest, term="lighthouse")) == 5
    with django_assert_num_queries(2):  # the count, the page
        assert "Lighthouse unwrangled 4" in _tag_search(guest, "lighthouse")


def test_a_listing_filter_naming_a_tag_only_on_a_draft_says_there_is_no_such_tag(
        draft, author, login):
    def notices(user, **params) -> list[str]:
        response = login(user).get("/api/v1/works", params)
        assert response.status_code == 200
        return response.json()["notices"]

    unknown = f"There is no tag named “{SECRET}”, so no works can be found under it."
    assert notices(None, include=SECRET) == [unknown]
    assert notices(None, include="No Such Tag Anywhere") == [
        "There is no tag named “No Such Tag Anywhere”, so no works can be found under it."]
    assert notices(author, include=SECRET) == []  # theirs: known, though no posted work has it
