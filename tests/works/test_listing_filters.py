"""Filtering /works: every parameter narrows what is listed the way a reader expects, and bad
or unknown values are explained on the page instead of failing."""

from __future__ import annotations

import datetime

import pytest

from fichive.tags.models import Tag
from fichive.works.filter_tags import filter_tags_rebuild
from tests.factories import WorkFactory
from tests.works.listing_pages import checked, heading, notices, page_html, set_counts, titles


def listed(client, query: str) -> list[str]:
    response = client.get(f"/works?{query}")
    assert response.status_code == 200, notices(response)
    return sorted(titles(response))


@pytest.fixture
def shelf(author):
    """Four works with different tags, ratings and shapes."""
    return {
        "harbour": WorkFactory(
            author=author, title="Harbour Lights", fandoms=["Naruto"], rating="Mature",
            warnings=["No Archive Warnings Apply"], categories=["F/M"],
            relationships=["Haruno Sakura/Uchiha Sasuke"], characters=["Haruno Sakura"],
            freeforms=["Fluff", "Slow Burn"], summary="<p>A lantern by the sea.</p>",
            language="en"),
        "storm": WorkFactory(
            author=author, title="Storm Ledger", fandoms=["Naruto"], rating="Explicit",
            warnings=["Major Character Death"], categories=["M/M"],
            characters=["Uchiha Sasuke", "Uzumaki Naruto"], freeforms=["Angst"],
            language="de"),
        "orchard": WorkFactory(
            author=author, title="The Winter Orchard", fandoms=["Sherlock Holmes"],
            rating="General Audiences", categories=["Gen"], characters=["John Watson"],
            freeforms=["Fluff"], language="en"),
        "bridge": WorkFactory(
            author=author, title="Paper Bridge", fandoms=["Naruto", "Sherlock Holmes"],
            rating="Teen And Up Audiences", categories=["F/F", "Gen"],
            characters=["Haruno Sakura", "John Watson"], freeforms=["Crossover Fun"]),
    }


# --- Tags: include and exclude ------------------------------------------------------------

def test_include_a_fandom(client, shelf):
    assert listed(client, "include=Naruto") == ["Harbour Lights", "Paper Bridge",
                                                "Storm Ledger"]


def test_include_a_character_a_relationship_and_a_freeform(client, shelf):
    assert listed(client, "include=Haruno Sakura") == ["Harbour Lights", "Paper Bridge"]
    assert listed(client, "include=Haruno Sakura/Uchiha Sasuke") == ["Harbour Lights"]
    assert listed(client, "include=Fluff") == ["Harbour Lights", "The Winter Orchard"]


def test_every_included_tag_must_apply(client, shelf):
    assert listed(client, "include=Naruto&include=Fluff") == ["Harbour Lights"]
    assert listed(client, "include=Naruto,Fluff,Angst") == []


def test_include_names_ignore_case_and_spacing(client, shelf):
    assert listed(client, "include=  haruno   SAKURA ") == ["Harbour Lights", "Paper Bridge"]


def test_exclude_leaves_out_works_with_any_excluded_tag(client, shelf):
    assert listed(client, "exclude=Naruto") == ["The Winter Orchard"]
    assert listed(client, "exclude=Fluff&exclude=Angst") == ["Paper Bridge"]


def test_include_and_exclude_together(client, shelf):
    assert listed(client, "include=Naruto&exclude=Haruno Sakura") == ["Storm Ledger"]


def test_a_synonym_includes_and_excludes_its_canonical_tags_works(client, shelf, author):
    modern = WorkFactory(author=author, title="Modern Days", freeforms=["Modern AU"])
    canonical = Tag.objects.create(type="freeform", name="Alternate Universe - Modern Setting",
                                   canonical=True)
    Tag.objects.filter(name="Modern AU").update(merger=canonical)
    filter_tags_rebuild(work_ids=[modern.pk])
    other = WorkFactory(author=author, title="Also Modern",
                        freeforms=["Alternate Universe - Modern Setting"])

    assert listed(client, "include=Modern AU") == ["Also Modern", "Modern Days"]
    assert "Modern Days" not in listed(client, "exclude=Modern AU")
    assert other.title not in listed(client, "exclude=Modern AU")


def test_a_meta_tags_works_include_its_sub_tags_works(client, author):
    meta = Tag.objects.create(type="freeform", name="Alternate Universe", canonical=True)
    sub_work = WorkFactory(author=author, title="Coffee Shop", freeforms=["Coffee Shop AU"])
    sub = Tag.objects.get(name="Coffee Shop AU")
    sub.canonical = True
    sub.save()
    sub.meta_tags.add(meta)
    filter_tags_rebuild(work_ids=[sub_work.pk])
    WorkFactory(author=author, title="Plain Story", freeforms=["Fluff"])

    assert listed(client, "include=Alternate Universe") == ["Coffee Shop"]
    assert listed(client, "exclude=Alternate Universe") == ["Plain Story"]


def test_an_unknown_included_tag_lists_nothing_and_says_why(client, shelf):
    response = client.get("/works?include=Naruto&include=Nonexistent Tag")

    assert response.status_code == 200
    assert titles(response) == []
    assert notices(response) == [
        "There is no tag named “Nonexistent Tag”, so no works can be found under it."]
    assert "No works match these filters." in page_html(response)


def test_an_unknown_excluded_tag_excludes_nothing_and_says_so(client, shelf):
    response = client.get("/works?exclude=Nonexistent Tag")

    assert response.status_code == 200
    assert len(titles(response)) == 4
    assert notices(response) == [
        "There is no tag named “Nonexistent Tag”, so nothing was excluded for it."]


def test_unknown_names_stay_in_the_other_tags_boxes_to_be_corrected(client, shelf):
    page = page_html(client.get("/works?include=Narutoo&exclude=Agnst"))

    assert 'id="filter-include" name="include" value="Narutoo"' in page
    assert 'id="filter-exclude" name="exclude" value="Agnst"' in page


def test_included_and_excluded_tags_are_ticked_in_the_sidebar(client, shelf):
    Tag.objects.filter(name__in=["Naruto", "Angst"]).update(canonical=True)

    response = client.get("/works?include=naruto&exclude=Angst")

    assert checked(response, "include") == ["Naruto"]
    assert checked(response, "exclude") == ["Angst"]


# --- The fixed tags ------------------------------------------------------------------------

def test_rating(client, shelf):
    assert listed(client, "rating=Mature") == ["Harbour Lights"]
    assert listed(client, "rating=General Audiences") == ["The Winter Orchard"]


def test_warning(client, shelf):
    assert listed(client, "warning=Major Character Death") == ["Storm Ledger"]


def test_category(client, shelf):
    assert listed(client, "category=Gen") == ["Paper Bridge", "The Winter Orchard"]
    assert listed(client, "category=Gen&category=F/F") == ["Paper Bridge"]


def test_excluding_a_rating(client, shelf):
    assert listed(client, "exclude=Explicit&exclude=Mature") == ["Paper Bridge",
                                                                 "The Winter Orchard"]


# --- Completion, crossovers, words, dates, language ---------------------------------------

def test_complete(client, author):
    WorkFactory(author=author, title="Finished", complete=True)
    WorkFactory(author=author, title="Ongoing", expected_chapters=3)
    WorkFactory(author=author, title="Unknown Length")

    assert listed(client, "complete=yes") == ["Finished"]
    assert listed(client, "complete=no") == ["Ongoing", "Unknown Length"]
    assert listed(client, "complete=all") == ["Finished", "Ongoing", "Unknown Length"]


def test_crossover(client, shelf):
    assert listed(client, "crossover=only") == ["Paper Bridge"]
    assert listed(client, "crossover=exclude") == ["Harbour Lights", "Storm Ledger",
                                                   "The Winter Orchard"]
    assert len(listed(client, "crossover=include")) == 4


def test_word_count_range_is_inclusive(client, author):
    for title, words in (("Short", 100), ("Middle", 1000), ("Long", 5000)):
        set_counts(WorkFactory(author=author, title=title), word_count=words)

    assert listed(client, "words_from=1000") == ["Long", "Middle"]
    assert listed(client, "words_to=1000") == ["Middle", "Short"]
    assert listed(client, "words_from=101&words_to=4999") == ["Middle"]


def test_date_updated_range_is_inclusive(client, author):
    for title, day in (("January", 1), ("February", 2), ("March", 3)):
        set_counts(WorkFactory(author=author, title=title),
                   updated=datetime.date(2024, day, 15))

    assert listed(client, "updated_from=2024-02-15") == ["February", "March"]
    assert listed(client, "updated_to=2024-02-15") == ["February", "January"]
    assert listed(client, "updated_from=2024-02-01&updated_to=2024-02-28") == ["February"]


def test_language(client, shelf):
    assert listed(client, "language=de") == ["Storm Ledger"]
    assert listed(client, "language=fr") == []


# --- Search within results -----------------------------------------------------------------

def test_query_matches_titles_summaries_and_tag_names_in_any_case(client, shelf):
    assert listed(client, "q=ORCHARD") == ["The Winter Orchard"]
    assert listed(client, "q=summary:lantern") == ["Harbour Lights"]
    assert listed(client, "q=slow burn") == ["Harbour Lights"]
    assert listed(client, "q=watson") == ["Paper Bridge", "The Winter Orchard"]


def test_every_query_word_must_match_somewhere(client, shelf):
    assert listed(client, "q=fluff winter") == ["The Winter Orchard"]
    assert listed(client, "q=fluff storm") == []


def test_query_combines_with_other_filters(client, shelf):
    assert listed(client, "q=sakura&category=F/F") == ["Paper Bridge"]


# --- Paging and the heading ----------------------------------------------------------------

def test_pages_keep_the_filters_in_their_links(client, author):
    for i in range(23):
        WorkFactory(author=author, title=f"Fluffy {i:02d}", freeforms=["Fluff"])
    WorkFactory(author=author, title="Not Fluffy")

    first = client.get("/works?include=Fluff&sort=title")
    second = client.get("/works?include=Fluff&sort=title&page=2")

    assert heading(first) == "1 - 20 of 23 Works"
    assert 'href="?include=Fluff&amp;sort=title&amp;page=2"' in page_html(first)
    assert titles(second) == ["Fluffy 20", "Fluffy 21", "Fluffy 22"]
    assert heading(second) == "21 - 23 of 23 Works"
    assert 'href="?include=Fluff&amp;sort=title&amp;page=1"' in page_html(second)


def test_a_page_past_the_end_says_so_and_links_to_the_last_page(client, author):
    for i in range(21):
        WorkFactory(author=author, title=f"Story {i:02d}")

    response = client.get("/works?sort=title&page=9")

    assert response.status_code == 200
    assert titles(response) == []
    assert heading(response) == "Works"
    assert "There are no works on page 9." in response.content.decode()
    assert 'href="?sort=title&amp;page=2"' in response.content.decode()


def test_no_works_at_all_says_so_without_mentioning_filters(client, db):
    assert "No works here yet." in page_html(client.get("/works"))


# --- Bad values ----------------------------------------------------------------------------

def test_bad_values_are_explained_on_the_page_with_status_400(client, shelf):
    response = client.get("/works?words_from=lots&sort=rating&include=Fluff")

    assert response.status_code == 400
    assert titles(response) == []
    assert notices(response) == [
        "“rating” is not a sort; choose one of relevance, updated, posted, title, creator, words, "
        "hits, kudos, comments, bookmarks.",
        "Words from must be a whole number, like 1000.",
    ]
    # The tags asked for are kept, so fixing the mistake doesn't lose them.
    assert 'id="filter-include" name="include" value="Fluff"' in page_html(response)


def test_a_bad_page_number_is_explained(client, shelf):
    response = client.get("/works?page=first")

    assert response.status_code == 400
    assert notices(response) == ["The page must be a whole number, like 2."]


def test_filters_apply_to_a_users_works_too(client, shelf, co_author):
    WorkFactory(author=co_author, title="Bob's Fluff", freeforms=["Fluff"])

    response = client.get("/users/alice/works?include=Fluff&exclude=Slow Burn")

    assert titles(response) == ["The Winter Orchard"]
    assert heading(response) == "1 - 1 of 1 Work by alice"

