"""GET /api/v1/works: a listing as JSON, with the same filters, paging, sidebar counts and
visibility as the pages; bad parameters are a 400 with the messages."""

from __future__ import annotations

import pytest

from fichive.tags.models import Tag
from fichive.works.filter_tags import filter_tags_rebuild
from tests.factories import WorkFactory
from tests.works.listing_pages import set_counts

LISTED_WORK_KEYS = {
    "id", "title", "summary", "notes", "end_notes", "rating", "warnings", "categories",
    "fandoms", "relationships", "characters", "freeforms", "language", "words", "complete",
    "expected_chapters", "restricted", "published", "updated", "anonymous", "creators",
    "series", "downloads",
}
FACET_TYPES = ["rating", "warning", "category", "fandom", "relationship", "character",
               "freeform"]


@pytest.fixture
def shelf(author):
    works = [
        WorkFactory(author=author, title="Harbour Lights", fandoms=["Naruto"], rating="Mature",
                    characters=["Haruno Sakura"], freeforms=["Fluff"]),
        WorkFactory(author=author, title="Storm Ledger", fandoms=["Naruto"],
                    characters=["Uzumaki Naruto"], freeforms=["Angst"]),
        WorkFactory(author=author, title="Winter Orchard", fandoms=["Sherlock Holmes"],
                    freeforms=["Fluff"], restricted=True),
    ]
    for kudos, work in zip((5, 50, 500), works, strict=True):
        set_counts(work, kudos_count=kudos)
    Tag.objects.update(canonical=True)
    return works


def _titles(data: dict) -> list[str]:
    return [work["title"] for work in data["works"]]


def test_the_listing_has_its_documented_shape(client, shelf):
    response = client.get("/api/v1/works")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    # v1's fields, kept, plus the cursor links.
    assert set(data) == {"total", "page", "pages", "per_page", "works", "facets", "notices",
                         "hidden_by_saved_filters", "next", "previous"}
    assert (data["total"], data["page"], data["pages"], data["per_page"]) == (2, 1, 1, 20)
    assert all(set(work) == LISTED_WORK_KEYS for work in data["works"])
    assert list(data["facets"]) == FACET_TYPES
    assert data["notices"] == []


def test_each_work_says_what_its_own_page_says(client, shelf):
    listed = client.get("/api/v1/works?include=Haruno Sakura").json()["works"]
    single = client.get(f"/api/v1/works/{shelf[0].pk}").json()
    single.pop("chapters")

    assert listed == [single]


def test_filters_and_sorts_work_as_on_the_pages(client, shelf):
    assert _titles(client.get("/api/v1/works?sort=kudos").json()) == ["Storm Ledger",
                                                                      "Harbour Lights"]
    assert _titles(client.get("/api/v1/works?sort=kudos&order=asc").json()) == [
        "Harbour Lights", "Storm Ledger"]
    assert _titles(client.get("/api/v1/works?include=Fluff").json()) == ["Harbour Lights"]
    assert _titles(client.get("/api/v1/works?exclude=Fluff&rating=General Audiences").json()) == [
        "Storm Ledger"]


def test_facets_count_the_matching_works(client, shelf):
    facets = client.get("/api/v1/works?include=Naruto").json()["facets"]

    assert facets["fandom"] == [{"name": "Naruto", "count": 2}]
    assert facets["character"] == [{"name": "Haruno Sakura", "count": 1},
                                   {"name": "Uzumaki Naruto", "count": 1}]
    assert facets["rating"] == [{"name": "General Audiences", "count": 1},
                                {"name": "Mature", "count": 1}]
    assert facets["relationship"] == []


def test_logged_in_users_get_restricted_works_too(reader_client, shelf):
    data = reader_client.get("/api/v1/works?include=Fluff&sort=title").json()

    assert data["total"] == 2
    assert _titles(data) == ["Harbour Lights", "Winter Orchard"]
    assert data["facets"]["fandom"] == [{"name": "Naruto", "count": 1},
                                        {"name": "Sherlock Holmes", "count": 1}]


def test_drafts_are_never_listed(author_client, shelf, author):
    WorkFactory(author=author, title="Unposted", freeforms=["Fluff"], post=False)

    data = author_client.get("/api/v1/works?include=Fluff").json()

    assert "Unposted" not in _titles(data)
    assert data["total"] == 2


def test_tag_lists_a_tags_works_synonyms_included(client, shelf, author):
    synonym_work = WorkFactory(author=author, title="Fluffy Synonym", freeforms=["fluffy"])
    Tag.objects.filter(name="fluffy").update(merger=Tag.objects.get(name="Fluff"),
                                             canonical=False)
    filter_tags_rebuild(work_ids=[synonym_work.pk])

    by_canonical = client.get("/api/v1/works?tag=Fluff&sort=title").json()
    by_synonym = client.get("/api/v1/works?tag=FLUFFY&sort=title").json()

    assert _titles(by_canonical) == ["Fluffy Synonym", "Harbour Lights"]
    assert by_synonym == by_canonical


def test_an_unknown_tag_is_a_json_404(client, shelf):
    response = client.get("/api/v1/works?tag=Nothing Here")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not Found", "status": 404,
                               "detail": "No such tag."}


def test_unknown_tag_names_in_filters_are_notices(client, shelf):
    data = client.get("/api/v1/works?include=Narutoo&exclude=Agnst").json()

    assert data["total"] == 0
    assert data["works"] == []
    assert data["notices"] == [
        "There is no tag named “Narutoo”, so no works can be found under it.",
        "There is no tag named “Agnst”, so nothing was excluded for it.",
    ]


def test_bad_parameters_are_a_400_with_every_message(client, shelf):
    response = client.get("/api/v1/works?sort=rating&words_from=many&page=0")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["title"], problem["status"]) == (
        "/api/v1/problems#validation", "Invalid request", 400)
    assert problem["detail"].startswith("sort: “rating” is not a sort")
    assert problem["errors"] == {
        "sort": ["“rating” is not a sort; choose one of relevance, updated, posted, title, "
                 "creator, words, hits, kudos, comments, bookmarks."],
        "words_from": ["Words from must be a whole number, like 1000."],
        "page": ["Pages are numbered from 1."],
    }


@pytest.mark.parametrize("path", ["/api/v1/works", "/api/v1/users/{user}/works"])
def test_numbers_past_the_databases_integers_are_a_400_not_a_500(client, shelf, author, path):
    # (PostgreSQL's integer columns stop at 2,147,483,647: comparing past it failed there)
    response = client.get(path.format(user=author.username)
                          + "?words_from=6316366447994435&words_to=2147483648"
                            "&series=99999999999")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "words_from": ["Words from can be at most 2,147,483,647."],
        "words_to": ["Words to can be at most 2,147,483,647."],
        "series": ["There is no series of that number."],
    }


def test_pages_of_twenty(client, author):
    for i in range(25):
        WorkFactory(author=author, title=f"Story {i:02d}")

    first = client.get("/api/v1/works?sort=title").json()
    second = client.get("/api/v1/works?sort=title&page=2").json()
    beyond = client.get("/api/v1/works?sort=title&page=7").json()

    assert (first["total"], first["page"], first["pages"]) == (25, 1, 2)
    assert len(first["works"]) == 20
    assert _titles(second) == [f"Story {i:02d}" for i in range(20, 25)]
    # Past the last page: that page, empty (as the HTML listings say "no works on page 7").
    assert (beyond["total"], beyond["page"], beyond["pages"]) == (25, 7, 2)
    assert beyond["works"] == []
