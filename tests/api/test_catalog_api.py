"""The JSON API's catalog: series, tags (wrangling, escaped names, visible counts), tag
search, media and the fandom index, users' profiles, pseuds and works, with the pages'
visibility (restricted, drafts, hidden, anonymous, muted)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.accounts.services import profile_update, pseud_create
from fichive.blocking.services import user_mute
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.moderation.services import work_hide
from fichive.series.services import series_add_work, series_create
from fichive.tags.models import Tag
from fichive.tags.services import (
    tag_add_meta,
    tag_make_canonical,
    tag_make_synonym,
    tag_set_media,
    tag_set_parents,
)
from tests.factories import UserFactory, WorkFactory
from tests.tags.helpers import tag

API = "/api/v1"


def _problem(response, status: int, detail: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    if detail is not None:
        assert body["detail"] == detail
    return body


def _get(client: Client, url: str):
    """GET `url` (an absolute URL an answer gave, or a path)."""
    return client.get(url.removeprefix("http://testserver"))


# ---------------------------------------------------------------------------------- series


def _series(author, *works, title="Lantern Cycle"):
    series = series_create(user=author, title=title, summary="<p>Three nights.</p>",
                           notes="<p>Read in order.</p>")
    for work in works:
        series_add_work(user=author, series=series, work=work)
    return series


def test_a_series_lists_its_parts_in_order_as_the_works_endpoint_shows_them(client, author):
    first = WorkFactory(author=author, title="Dusk", chapters=["<p>one two</p>"])
    second = WorkFactory(author=author, title="Midnight", chapters=["<p>three four five</p>"])
    series = _series(author, first, second)

    response = client.get(f"{API}/series/{series.pk}")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"id", "title", "summary", "notes", "complete", "creators", "works",
                         "words", "bookmarks", "begun", "updated", "url", "parts"}
    assert data["url"] == f"http://testserver/api/v1/series/{series.pk}"
    assert (data["id"], data["title"], data["summary"], data["notes"]) == (
        series.pk, "Lantern Cycle", "<p>Three nights.</p>", "<p>Read in order.</p>")
    assert data["creators"] == [{"pseud": "alice", "user": "alice", "byline": "alice"}]
    assert (data["works"], data["words"], data["bookmarks"], data["complete"]) == (
        2, 5, 0, False)
    assert [p["part"] for p in data["parts"]] == [1, 2]
    single = client.get(f"{API}/works/{first.pk}").json()
    single.pop("chapters")
    assert data["parts"][0]["work"] == single
    assert data["parts"][1]["work"]["title"] == "Midnight"
    assert data["parts"][1]["work"]["series"] == [
        {"id": series.pk, "title": "Lantern Cycle", "part": 2}]


def test_a_series_shows_a_guest_no_restricted_draft_or_hidden_part(client, author, reader,
                                                                    moderator):
    open_work = WorkFactory(author=author, title="Open", chapters=["<p>one</p>"])
    locked = WorkFactory(author=author, title="Locked", restricted=True,
                         chapters=["<p>two words</p>"])
    draft = WorkFactory(author=author, title="Unposted", post=False)
    hidden = WorkFactory(author=author, title="Taken Down")
    last = WorkFactory(author=author, title="Last", chapters=["<p>a b c</p>"])
    series = _series(author, open_work, locked, draft, hidden, last)
    work_hide(actor=moderator, work=hidden, reason="Spam")

    guest = client.get(f"{API}/series/{series.pk}").json()
    # Parts are numbered by the posted parts before them (the hidden one no longer is).
    assert [(p["part"], p["work"]["title"]) for p in guest["parts"]] == [
        (1, "Open"), (3, "Last")]
    assert (guest["works"], guest["words"]) == (2, 4)

    client.force_login(reader)
    logged_in = client.get(f"{API}/series/{series.pk}").json()
    assert [(p["part"], p["work"]["title"]) for p in logged_in["parts"]] == [
        (1, "Open"), (2, "Locked"), (3, "Last")]
    assert (logged_in["works"], logged_in["words"]) == (3, 6)


def test_a_series_a_guest_may_see_no_part_of_is_a_404_problem(client, author, reader):
    series = _series(author, WorkFactory(author=author, restricted=True))

    _problem(client.get(f"{API}/series/{series.pk}"), 404, "No such series.")
    client.force_login(reader)
    assert client.get(f"{API}/series/{series.pk}").status_code == 200


def test_missing_and_absurd_series_ids_are_404_problems(client, db):
    _problem(client.get(f"{API}/series/424242"), 404, "No such series.")
    _problem(client.get(f"{API}/series/99999999999999999999999"), 404)


def test_a_series_never_names_the_creator_of_its_anonymous_part(client, author):
    work = WorkFactory(author=author, title="Behind the Mask", anonymous=True)
    series = _series(author, work)

    response = client.get(f"{API}/series/{series.pk}")

    data = response.json()
    assert data["creators"] == []
    assert data["parts"][0]["work"]["anonymous"] is True
    assert data["parts"][0]["work"]["creators"] == []
    assert b"alice" not in response.content


def test_a_series_by_a_muted_user_is_a_404_for_the_muter(client, author, reader, bearer_for):
    series = _series(author, WorkFactory(author=author))
    user_mute(user=reader, muted=author)

    _problem(client.get(f"{API}/series/{series.pk}", **bearer_for(reader, "read")), 404)
    assert client.get(f"{API}/series/{series.pk}").status_code == 200


def test_a_series_costs_the_same_queries_for_one_part_or_many(client, author):
    short = _series(author, WorkFactory(author=author), title="Short")
    long = _series(author, *[WorkFactory(author=author, fandoms=[f"Fandom {i}"])
                             for i in range(4)], title="Long")
    client.get(f"{API}/series/{short.pk}")  # (first-use setup out of the way)

    with CaptureQueriesContext(connection) as one:
        client.get(f"{API}/series/{short.pk}")
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(f"{API}/series/{long.pk}").json()["parts"]) == 4

    assert len(four) == len(one)


# ------------------------------------------------------------------------------------ tags


@pytest.fixture
def naruto(author, wrangler):
    """A canonical fandom with a canonical character that has a synonym, a meta tag and
    sub tag, and a relationship; one work of each kind of visibility under it."""
    WorkFactory(author=author, title="Open", fandoms=["Naruto"], characters=["Uchiha Sasuke"],
                relationships=["Uzumaki Naruto/Uchiha Sasuke"], freeforms=["Fluff"])
    WorkFactory(author=author, title="Locked", fandoms=["Naruto"], restricted=True,
                characters=["Sasuke Uchiha"])
    WorkFactory(author=author, title="Unposted", fandoms=["Naruto"], post=False)
    fandom = tag("Naruto")
    tag_make_canonical(actor=wrangler, tag=fandom)
    tag_set_media(actor=wrangler, fandom=fandom, media="Anime & Manga")
    sasuke = tag("Uchiha Sasuke")
    tag_make_canonical(actor=wrangler, tag=sasuke)
    tag_set_parents(actor=wrangler, tag=sasuke, fandoms=[fandom])
    tag_make_synonym(actor=wrangler, tag=tag("Sasuke Uchiha"), of=sasuke)
    tag_set_parents(actor=wrangler, tag=tag("Uzumaki Naruto/Uchiha Sasuke"), fandoms=[fandom])
    tag_set_parents(actor=wrangler, tag=tag("Fluff"), fandoms=[fandom])
    (kid,) = Tag.objects.filter(name="Kid Sasuke") or [
        Tag.objects.create(name="Kid Sasuke", type=Tag.Type.CHARACTER, canonical=True)]
    tag_add_meta(actor=wrangler, sub=kid, meta=sasuke)
    return fandom


def test_a_fandom_tag_says_its_media_children_and_visible_works(client, naruto):
    response = client.get(f"{API}/tags/Naruto")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"name", "type", "status", "canonical", "synonym_of", "media",
                         "fandoms", "synonyms", "meta_tags", "sub_tags", "children", "works",
                         "works_url", "url"}
    assert (data["name"], data["type"], data["status"], data["canonical"]) == (
        "Naruto", "fandom", "canonical", True)
    assert data["media"] == "Anime & Manga"
    assert data["works"] == 1  # a guest: not the restricted work, never the draft
    assert list(data["children"]) == ["relationship", "character", "freeform"]
    assert data["children"]["relationship"] == {"total": 1, "tags": [{
        "name": "Uzumaki Naruto/Uchiha Sasuke", "type": "relationship", "canonical": False,
        "url": "http://testserver/api/v1/tags/Uzumaki%20Naruto*s*Uchiha%20Sasuke"}]}
    assert data["url"] == "http://testserver/api/v1/tags/Naruto"
    listed = _get(client, data["works_url"]).json()
    assert [w["title"] for w in listed["works"]] == ["Open"]


def test_a_tags_count_for_a_reader_includes_restricted_works(client, naruto, reader,
                                                             bearer_for):
    assert client.get(f"{API}/tags/Naruto").json()["works"] == 1
    assert client.get(f"{API}/tags/Naruto", **bearer_for(reader, "read")).json()["works"] == 2


def test_a_tags_count_leaves_out_hidden_works_and_muted_users(client, naruto, author, reader,
                                                              moderator, bearer_for):
    other = UserFactory(username="erin")
    WorkFactory(author=other, fandoms=["Naruto"])
    hidden = WorkFactory(author=other, fandoms=["Naruto"])
    work_hide(actor=moderator, work=hidden, reason="Spam")
    headers = bearer_for(reader, "read")

    assert client.get(f"{API}/tags/Naruto", **headers).json()["works"] == 3
    user_mute(user=reader, muted=other)
    assert client.get(f"{API}/tags/Naruto", **headers).json()["works"] == 2


def test_a_canonical_tag_lists_its_synonyms_fandoms_and_meta_and_sub_tags(client, naruto,
                                                                          reader, bearer_for):
    data = client.get(f"{API}/tags/Uchiha Sasuke", **bearer_for(reader, "read")).json()

    assert data["status"] == "canonical"
    assert [t["name"] for t in data["synonyms"]] == ["Sasuke Uchiha"]
    # A guest doesn't know of the synonym: its only use is on a restricted work.
    assert client.get(f"{API}/tags/Uchiha Sasuke").json()["synonyms"] == []
    assert [t["name"] for t in data["fandoms"]] == ["Naruto"]
    assert [t["name"] for t in data["sub_tags"]] == ["Kid Sasuke"]
    assert data["meta_tags"] == []
    assert data["children"] == {}
    kid = client.get(f"{API}/tags/Kid Sasuke").json()
    assert [t["name"] for t in kid["meta_tags"]] == ["Uchiha Sasuke"]


def test_a_synonym_points_at_its_canonical_and_counts_under_it(client, naruto, reader,
                                                               bearer_for):
    data = client.get(f"{API}/tags/Sasuke Uchiha", **bearer_for(reader, "read")).json()

    assert data["status"] == "synonym"
    assert data["synonym_of"] == {"name": "Uchiha Sasuke", "type": "character",
                                  "canonical": True,
                                  "url": "http://testserver/api/v1/tags/Uchiha%20Sasuke"}
    assert [t["name"] for t in data["fandoms"]] == ["Naruto"]  # the canonical's
    assert data["works"] == 2  # every work found under Uchiha Sasuke
    assert data["works_url"].endswith("/api/v1/works?tag=Uchiha+Sasuke")


def test_a_fixed_tag_says_so(client, db):
    data = client.get(f"{API}/tags/Mature").json()

    assert (data["type"], data["status"], data["works"]) == ("rating", "fixed", 0)


def test_a_tag_used_only_on_hidden_things_is_a_404_problem(client, author, reader,
                                                           bearer_for):
    WorkFactory(author=author, freeforms=["Secret Draft Tag"], post=False)
    WorkFactory(author=author, freeforms=["Members Only Tag"], restricted=True)

    _problem(client.get(f"{API}/tags/Secret Draft Tag"), 404, "No such tag.")
    _problem(client.get(f"{API}/tags/Secret Draft Tag", **bearer_for(reader, "read")), 404)
    assert client.get(f"{API}/tags/Secret Draft Tag",
                      **bearer_for(author, "read")).status_code == 200
    _problem(client.get(f"{API}/tags/Members Only Tag"), 404)
    assert client.get(f"{API}/tags/Members Only Tag",
                      **bearer_for(reader, "read")).status_code == 200
    _problem(client.get(f"{API}/tags/No Such Thing"), 404, "No such tag.")


@pytest.mark.parametrize(("name", "segment"), [
    ("Keeper/Lamplighter", "Keeper*s*Lamplighter"),
    ("Q&A", "Q*a*A"),
    ("Why Not?", "Why Not*q*"),
    ("#1 Fan", "*h*1 Fan"),
    ("Dr. Watson", "Dr*d* Watson"),
    ("Mr. & Mrs. Smith", "Mr*d* *a* Mrs*d* Smith"),
    ("東京喰種", "東京喰種"),
    ("Ünïcödé & Co./Ltd.", "Ünïcödé *a* Co*d**s*Ltd*d*"),
])
def test_unusual_names_use_the_sites_escapes_and_their_urls_lead_back(client, author, name,
                                                                      segment):
    WorkFactory(author=author, freeforms=[name])

    response = client.get(f"{API}/tags/{quote(segment, safe='*')}")

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["name"] == name
    assert data["url"] == f"http://testserver/api/v1/tags/{quote(segment, safe='*')}"
    assert _get(client, data["url"]).json()["name"] == name
    assert [w["freeforms"] for w in _get(client, data["works_url"]).json()["works"]] == [[name]]


def test_question_marks_and_hashes_may_also_be_percent_encoded(client, author):
    WorkFactory(author=author, freeforms=["Why Not?", "#1 Fan"])

    assert client.get(f"{API}/tags/Why%20Not%3F").json()["name"] == "Why Not?"
    assert client.get(f"{API}/tags/%231%20Fan").json()["name"] == "#1 Fan"


# ------------------------------------------------------------------------------ tag search


def test_tag_search_finds_every_word_canonical_first_with_visible_uses(client, naruto, reader,
                                                                       bearer_for):
    response = client.get(f"{API}/tags?q=sasuke")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"total", "page", "pages", "per_page", "next", "previous", "tags"}
    # A guest doesn't know of the synonym: its only use is on a restricted work.
    assert [(t["name"], t["canonical"], t["uses"]) for t in data["tags"]] == [
        ("Kid Sasuke", True, 0), ("Uchiha Sasuke", True, 1),
        ("Uzumaki Naruto/Uchiha Sasuke", False, 1)]
    assert set(data["tags"][0]) == {"name", "type", "canonical", "url", "synonym_of", "uses"}
    mine = client.get(f"{API}/tags?q=sasuke uchiha", **bearer_for(reader, "read")).json()
    assert [(t["name"], t["uses"]) for t in mine["tags"]] == [
        ("Uchiha Sasuke", 1), ("Sasuke Uchiha", 1), ("Uzumaki Naruto/Uchiha Sasuke", 1)]
    assert mine["tags"][1]["synonym_of"]["name"] == "Uchiha Sasuke"


def test_tag_search_narrows_by_type_and_canonical(client, naruto):
    by_type = client.get(f"{API}/tags?q=sasuke&type=relationship").json()
    canonical = client.get(f"{API}/tags?q=sasuke&canonical=true").json()

    assert [t["name"] for t in by_type["tags"]] == ["Uzumaki Naruto/Uchiha Sasuke"]
    assert [t["name"] for t in canonical["tags"]] == ["Kid Sasuke", "Uchiha Sasuke"]


def test_tag_search_leaves_out_tags_a_guest_may_not_know_of(client, author, reader,
                                                            bearer_for):
    WorkFactory(author=author, freeforms=["Lamplit Secret"], restricted=True)
    WorkFactory(author=author, freeforms=["Lamplit Draft"], post=False)

    assert client.get(f"{API}/tags?q=lamplit").json()["tags"] == []
    names = [t["name"] for t in client.get(f"{API}/tags?q=lamplit",
                                           **bearer_for(reader, "read")).json()["tags"]]
    assert names == ["Lamplit Secret"]


def test_tag_search_pages_by_cursor(client, author):
    WorkFactory(author=author, freeforms=[f"Lantern {i:02d}" for i in range(35)])

    first = client.get(f"{API}/tags?q=lantern").json()
    second = _get(client, first["next"]).json()

    assert (first["total"], first["pages"], len(first["tags"])) == (35, 2, 30)
    assert [t["name"] for t in second["tags"]] == [f"Lantern {i}" for i in range(30, 35)]
    assert second["next"] is None and second["page"] == 2


def test_tag_search_problems_name_the_field(client, db):
    assert "q" in _problem(client.get(f"{API}/tags"), 400)["errors"]
    assert _problem(client.get(f"{API}/tags?q=%20%20"), 400)["errors"] == {
        "q": ["Type part of a tag's name."]}
    assert _problem(client.get(f"{API}/tags?q=a&type=planet"), 400)["errors"] == {
        "type": ["“planet” is not a kind of tag; use one of: rating, warning, category, "
                 "fandom, relationship, character, freeform."]}
    assert "page" in _problem(client.get(f"{API}/tags?q=a&page=0"), 400)["errors"]
    assert "cursor" in _problem(client.get(f"{API}/tags?q=a&cursor=nope!"), 400)["errors"]


# ----------------------------------------------------------------------------------- media


def test_media_lists_every_category_with_its_top_fandoms_counted_for_the_visitor(
        client, naruto, reader, bearer_for):
    response = client.get(f"{API}/media")

    assert response.status_code == 200
    media = response.json()["media"]
    assert [m["name"] for m in media][:2] == ["Anime & Manga", "Books & Literature"]
    anime = media[0]
    assert anime == {
        "name": "Anime & Manga", "slug": "anime-manga", "fandoms_total": 1,
        "top": [{"name": "Naruto", "works": 1, "url": "http://testserver/api/v1/tags/Naruto"}],
        "url": "http://testserver/api/v1/media/anime-manga/fandoms"}
    mine = client.get(f"{API}/media", **bearer_for(reader, "read")).json()["media"][0]
    assert mine["top"][0]["works"] == 2


def test_a_media_category_lists_its_fandoms_a_to_z(client, author, wrangler):
    for name in ("Zelda", "Ächtung Baby", "07-Ghost", "Bleach"):
        WorkFactory(author=author, fandoms=[name], restricted=name == "Bleach")
        tag_make_canonical(actor=wrangler, tag=tag(name))
        tag_set_media(actor=wrangler, fandom=tag(name), media="Anime & Manga")

    data = client.get(f"{API}/media/anime-manga/fandoms").json()

    assert (data["name"], data["slug"]) == ("Anime & Manga", "anime-manga")
    assert [(f["letter"], f["name"], f["works"]) for f in data["fandoms"]] == [
        ("#", "07-Ghost", 1), ("A", "Ächtung Baby", 1), ("B", "Bleach", 0), ("Z", "Zelda", 1)]
    by_name = client.get(f"{API}/media/{quote('Anime & Manga')}/fandoms").json()
    assert by_name == data


def test_an_unknown_media_category_is_a_404_problem(client, db):
    body = _problem(client.get(f"{API}/media/knitting/fandoms"), 404)

    assert "Anime & Manga" in body["detail"]


# ----------------------------------------------------------------------------------- users


def test_a_profile_says_what_the_profile_page_says(client, author):
    profile_update(user=author, about_me='<p>I write <em>at night</em>.</p>'
                                         '<script>alert(1)</script>')
    pseud_create(user=author, name="Night Owl", description="<p>Owlish.</p>",
                 icon_text="an owl")
    WorkFactory(author=author)
    series_create(user=author, title="Empty")  # (not counted: nothing in it to see)

    response = client.get(f"{API}/users/ALICE")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"username", "joined", "about_me", "pseuds", "works", "series",
                         "bookmarks", "gifts", "works_url", "series_url", "url"}
    assert data["username"] == "alice"
    assert data["joined"] == author.date_joined.date().isoformat()
    assert data["about_me"].startswith("<p>I write <em>at night</em>.</p>")
    assert "script" not in data["about_me"]
    assert data["pseuds"] == [
        {"name": "alice", "byline": "alice", "default": True, "description": "",
         "icon_text": "", "works": 1,
         "url": "http://testserver/api/v1/users/alice/pseuds/alice"},
        {"name": "Night Owl", "byline": "Night Owl (alice)", "default": False,
         "description": "<p>Owlish.</p>", "icon_text": "an owl", "works": 0,
         "url": "http://testserver/api/v1/users/alice/pseuds/Night%20Owl"},
    ]
    assert (data["works"], data["series"], data["bookmarks"], data["gifts"]) == (1, 0, 0, 0)
    assert data["works_url"] == "http://testserver/api/v1/users/alice/works"


def test_a_profiles_counts_leave_out_anonymous_and_restricted_works_for_others(
        client, author, bearer_for):
    WorkFactory(author=author)
    WorkFactory(author=author, restricted=True)
    WorkFactory(author=author, anonymous=True)
    WorkFactory(author=author, post=False)

    assert client.get(f"{API}/users/alice").json()["works"] == 1
    reader_view = client.get(f"{API}/users/alice", **bearer_for(UserFactory(), "read")).json()
    assert reader_view["works"] == 2
    assert reader_view["pseuds"][0]["works"] == 2
    own = client.get(f"{API}/users/alice", **bearer_for(author, "read")).json()
    assert own["works"] == 3
    assert own["pseuds"][0]["works"] == 3


def test_suspended_and_banned_users_profiles_read_as_the_site_shows_them(client, suspended,
                                                                         banned):
    for user in (suspended, banned):
        response = client.get(f"{API}/users/{user.username}")
        assert response.status_code == 200
        assert response.json()["username"] == user.username
    assert b"Spamming" not in client.get(f"{API}/users/sus").content
    assert b"Harassing" not in client.get(f"{API}/users/gone").content


def test_unknown_and_closed_accounts_are_404_problems(client, author):
    _problem(client.get(f"{API}/users/nobody_here"), 404, "No such user.")
    author.is_active = False
    author.save(update_fields=["is_active"])
    _problem(client.get(f"{API}/users/alice"), 404, "No such user.")
    _problem(client.get(f"{API}/users/alice/works"), 404, "No such user.")
    _problem(client.get(f"{API}/users/alice/pseuds/alice"), 404, "No such user.")


def test_a_users_works_hide_anonymous_ones_from_everyone_but_them(client, author, bearer_for):
    WorkFactory(author=author, title="Signed")
    WorkFactory(author=author, title="Unsigned", anonymous=True)
    WorkFactory(author=author, title="Members", restricted=True)
    WorkFactory(author=author, title="Unposted", post=False)

    def titles(**headers) -> list[str]:
        data = client.get(f"{API}/users/alice/works?sort=title", **headers).json()
        return [w["title"] for w in data["works"]]

    assert titles() == ["Signed"]
    assert titles(**bearer_for(UserFactory(), "read")) == ["Members", "Signed"]
    assert titles(**bearer_for(author, "read")) == ["Members", "Signed", "Unsigned"]


def test_a_users_works_take_the_listing_filters_and_page_like_it(client, author):
    for i in range(22):
        WorkFactory(author=author, title=f"Story {i:02d}",
                    rating="Mature" if i % 2 else "General Audiences")
    WorkFactory(author=UserFactory(), title="Someone Else's")

    first = client.get(f"{API}/users/alice/works?sort=title&order=asc").json()
    second = _get(client, first["next"]).json()
    mature = client.get(f"{API}/users/alice/works?rating=Mature").json()

    assert set(first) == {"total", "page", "pages", "per_page", "next", "previous", "works",
                          "facets", "notices", "hidden_by_saved_filters"}
    assert (first["total"], first["pages"], len(first["works"])) == (22, 2, 20)
    assert [w["title"] for w in second["works"]] == ["Story 20", "Story 21"]
    assert mature["total"] == 11
    assert mature["facets"]["rating"] == [{"name": "Mature", "count": 11}]


def test_a_users_works_refuse_bad_filters_naming_them(client, author):
    body = _problem(client.get(f"{API}/users/alice/works?words_from=lots&sort=rating"), 400)

    assert body["errors"]["words_from"] == ["Words from must be a whole number, like 1000."]
    assert "sort" in body["errors"]


def test_a_muted_users_works_leave_the_muters_listings(client, author, reader, bearer_for):
    WorkFactory(author=author)
    user_mute(user=reader, muted=author)
    headers = bearer_for(reader, "read")

    assert client.get(f"{API}/users/alice/works", **headers).json()["works"] == []
    assert client.get(f"{API}/users/alice", **headers).json()["works"] == 0
    assert client.get(f"{API}/users/alice/works").json()["total"] == 1


def test_a_users_series_are_those_the_caller_may_see_counted_for_them(client, author,
                                                                       bearer_for):
    open_work = WorkFactory(author=author, chapters=["<p>one two</p>"])
    locked = WorkFactory(author=author, restricted=True, chapters=["<p>three</p>"])
    mixed = _series(author, open_work, locked, title="Mixed")
    _series(author, WorkFactory(author=author, restricted=True), title="Members Only")
    _series(author, WorkFactory(author=author, anonymous=True), title="Masked")
    reader_headers = bearer_for(UserFactory(), "read")

    guest = client.get(f"{API}/users/alice/series").json()
    assert set(guest) == {"total", "page", "pages", "per_page", "next", "previous", "series"}
    assert [s["title"] for s in guest["series"]] == ["Mixed"]
    entry = guest["series"][0]
    assert set(entry) == {"id", "title", "summary", "complete", "creators", "works", "words",
                          "bookmarks", "updated", "url"}
    assert (entry["id"], entry["works"], entry["words"]) == (mixed.pk, 1, 2)
    assert entry["creators"] == [{"pseud": "alice", "user": "alice", "byline": "alice"}]
    reader = client.get(f"{API}/users/alice/series", **reader_headers).json()
    assert sorted(s["title"] for s in reader["series"]) == ["Members Only", "Mixed"]
    assert {s["title"]: s["words"] for s in reader["series"]}["Mixed"] == 3
    own = client.get(f"{API}/users/alice/series", **bearer_for(author, "read")).json()
    assert sorted(s["title"] for s in own["series"]) == ["Masked", "Members Only", "Mixed"]
    assert client.get(f"{API}/users/alice", **reader_headers).json()["series"] == 2
    _problem(client.get(f"{API}/users/nobody_here/series"), 404, "No such user.")


# ---------------------------------------------------------------------------------- pseuds


def test_a_pseud_has_its_description_counts_and_latest_works(client, author, reader):
    owl = pseud_create(user=author, name="Night Owl", description="<p>Owlish.</p>")
    WorkFactory(author=author, title="By Owl", creators=[owl])
    WorkFactory(author=author, title="Owl Unsigned", creators=[owl], anonymous=True)
    WorkFactory(author=author, title="By Alice")
    work = WorkFactory(author=reader, title="Carol's")
    bookmark_create(user=author, work=work, pseud=owl, data=BookmarkData(notes="Lovely"))
    bookmark_create(user=author, work=WorkFactory(author=reader), pseud=owl,
                    data=BookmarkData(private=True))

    response = client.get(f"{API}/users/alice/pseuds/{quote('night owl')}")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"name", "byline", "default", "description", "icon_text", "works",
                         "url", "user", "bookmarks", "recent_works", "works_url"}
    assert (data["name"], data["byline"], data["user"]) == (
        "Night Owl", "Night Owl (alice)", "alice")
    assert data["description"] == "<p>Owlish.</p>"
    assert (data["works"], data["bookmarks"]) == (1, 1)
    assert [w["title"] for w in data["recent_works"]] == ["By Owl"]
    works = _get(client, data["works_url"]).json()
    assert [w["title"] for w in works["works"]] == ["By Owl"]


def test_an_unknown_pseud_is_a_404_problem(client, author):
    _problem(client.get(f"{API}/users/alice/pseuds/Nobody"), 404, "No such pseud.")
    _problem(client.get(f"{API}/users/alice/pseuds/Nobody/works"), 404, "No such pseud.")


# ---------------------------------------------------------------------------------- schema


def test_the_schema_describes_the_catalog(client, db):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    for path in ("/api/v1/series/{series_id}", "/api/v1/tags/{name}", "/api/v1/tags",
                 "/api/v1/media", "/api/v1/media/{name}/fandoms", "/api/v1/users/{username}",
                 "/api/v1/users/{username}/works", "/api/v1/users/{username}/series",
                 "/api/v1/users/{username}/pseuds/{pseud}",
                 "/api/v1/users/{username}/pseuds/{pseud}/works"):
        assert set(paths[path]) == {"get"}, path
    names = {p["name"] for p in paths["/api/v1/users/{username}/works"]["get"]["parameters"]}
    assert {"sort", "order", "include", "exclude", "rating", "warning", "category",
            "complete", "crossover", "words_from", "words_to", "updated_from", "updated_to",
            "language", "series", "q", "saved_filters", "page", "cursor"} <= names


# ---------------------------------------------------------------------------- query counts


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_listings_cost_the_same_queries_for_one_item_or_many(client, author):
    WorkFactory(author=author, freeforms=["Solo Lantern"])
    _series(author, WorkFactory(author=author), title="Solo")
    pseud_create(user=author, name="Night Owl")
    urls = {"tags": f"{API}/tags?q=lantern", "series": f"{API}/users/alice/series",
            "profile": f"{API}/users/alice", "media": f"{API}/media"}
    for url in urls.values():
        client.get(url)  # (first-use setup out of the way)
    one = {name: _queries(client, url) for name, url in urls.items()}

    WorkFactory(author=author, freeforms=[f"Lantern {i}" for i in range(5)])
    for i in range(4):
        _series(author, WorkFactory(author=author), title=f"More {i}")
        pseud_create(user=author, name=f"Pseud {i}")

    assert {name: _queries(client, url) for name, url in urls.items()} == one
