"""The listing sidebar: the ten most used canonical tags of each type among all the results
(not just the page shown), with counts, following the filters, each with include and exclude
boxes; the whole sidebar is a plain GET form."""

from __future__ import annotations

from fichive.tags.models import Tag
from fichive.works.listing import FACET_SIZE
from tests.factories import WorkFactory
from tests.works.listing_pages import checked, page_html, sidebar


def canonical(*names: str) -> None:
    Tag.objects.filter(name__in=names).update(canonical=True)


def test_counts_cover_every_result_not_only_the_page(client, author):
    for i in range(23):
        WorkFactory(author=author, fandoms=["Naruto"], rating="Mature",
                    characters=["Haruno Sakura"] if i % 2 else ["Uzumaki Naruto"])
    canonical("Naruto", "Haruno Sakura", "Uzumaki Naruto")

    groups = sidebar(client.get("/works"))

    assert groups["Fandoms"] == [("Naruto", 23)]
    assert groups["Characters"] == [("Uzumaki Naruto", 12), ("Haruno Sakura", 11)]
    assert groups["Ratings"] == [("Mature", 23)]
    assert groups["Archive Warnings"] == [("Creator Chose Not To Use Archive Warnings", 23)]


def test_each_type_shows_its_ten_most_used_tags_most_used_first(client, author):
    names = [f"Trope {n:02d}" for n in range(12)]
    for n, name in enumerate(names):
        for _ in range(n + 1):  # Trope 00 once … Trope 11 twelve times
            WorkFactory(author=author, freeforms=[name])
    canonical(*names)

    shown = sidebar(client.get("/works"))["Additional Tags"]

    assert len(shown) == FACET_SIZE == 10
    assert shown == [(f"Trope {n:02d}", n + 1) for n in range(11, 1, -1)]


def test_equal_counts_are_listed_by_name(client, author):
    WorkFactory(author=author, freeforms=["Zebra", "Aardvark", "Mongoose"])
    canonical("Zebra", "Aardvark", "Mongoose")

    assert sidebar(client.get("/works"))["Additional Tags"] == [
        ("Aardvark", 1), ("Mongoose", 1), ("Zebra", 1)]


def test_only_canonical_tags_are_offered(client, author):
    WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Fluff", "my own little tag"])
    canonical("Naruto", "Fluff")

    groups = sidebar(client.get("/works"))

    assert groups["Additional Tags"] == [("Fluff", 1)]
    assert "my own little tag" not in str(groups)


def test_a_synonyms_works_count_for_its_canonical_tag(client, author):
    from fichive.works.filter_tags import filter_tags_rebuild

    WorkFactory(author=author, freeforms=["Fluff"])
    synonym_work = WorkFactory(author=author, freeforms=["fluffy fluff"])
    Tag.objects.filter(name="fluffy fluff").update(merger=Tag.objects.get(name="Fluff"))
    filter_tags_rebuild(work_ids=[synonym_work.pk])
    canonical("Fluff")

    assert sidebar(client.get("/works"))["Additional Tags"] == [("Fluff", 2)]


def test_counts_follow_the_filters(client, author):
    WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Fluff"])
    WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Angst"])
    WorkFactory(author=author, fandoms=["Bleach"], freeforms=["Fluff"])
    canonical("Naruto", "Bleach", "Fluff", "Angst")

    groups = sidebar(client.get("/works?include=Fluff"))

    assert groups["Fandoms"] == [("Bleach", 1), ("Naruto", 1)]
    assert groups["Additional Tags"] == [("Fluff", 2)]


def test_an_excluded_tag_stays_in_the_sidebar_ticked_without_a_count(client, author):
    WorkFactory(author=author, freeforms=["Fluff"])
    WorkFactory(author=author, freeforms=["Angst"])
    canonical("Fluff", "Angst")

    response = client.get("/works?exclude=Angst")

    assert sidebar(response)["Additional Tags"] == [("Fluff", 1), ("Angst", None)]
    assert checked(response, "exclude") == ["Angst"]
    assert checked(response, "include") == []


def test_every_entry_has_an_include_and_an_exclude_box(client, author):
    WorkFactory(author=author, freeforms=["Fluff"])
    canonical("Fluff")

    page = page_html(client.get("/works"))

    assert '<input type="checkbox" name="include" value="Fluff">' in page
    assert ('<input type="checkbox" name="exclude" value="Fluff" aria-label="Exclude Fluff">'
            in page)


def test_the_sidebar_is_a_get_form_back_to_the_same_listing(client, author):
    WorkFactory(author=author, freeforms=["Fluff"])

    for url in ("/works", "/tags/Fluff/works", "/users/alice/works"):
        page = page_html(client.get(url))
        assert (f'<form id="work-filters" class="listing-filters" method="get" '
                f'action="{url}"') in page
        assert '<button type="submit">Sort and Filter</button>' in page
        assert f'<a href="{url}">Clear Filters</a>' in page


def test_the_sidebar_keeps_the_current_choices(client, author):
    WorkFactory(author=author, freeforms=["Fluff"])

    page = page_html(client.get("/works?sort=kudos&complete=no&crossover=only&words_from=10"
                                "&updated_to=2030-01-01&language=de&q=harbour"))

    assert '<option value="kudos" selected>Kudos</option>' in page
    assert 'name="complete" value="no" id="id_complete_2" checked' in page
    assert 'name="crossover" value="only" id="id_crossover_2" checked' in page
    assert 'name="words_from" value="10"' in page
    assert 'name="updated_to" value="2030-01-01"' in page
    assert '<option value="de" selected>Deutsch</option>' in page
    assert 'name="q" value="harbour"' in page


def test_defaults_are_shown_chosen(client, author):
    WorkFactory(author=author)

    page = page_html(client.get("/works"))

    assert '<option value="updated" selected>Date Updated</option>' in page
    assert 'name="complete" value="all" id="id_complete_0" checked' in page
    assert 'name="crossover" value="include" id="id_crossover_0" checked' in page


def test_no_results_means_no_counts(client, author):
    WorkFactory(author=author, freeforms=["Fluff"])
    canonical("Fluff")

    response = client.get("/works?include=Fluff&exclude=Fluff")

    assert sidebar(response) == {"Additional Tags": [("Fluff", None)]}
    assert checked(response, "include") == checked(response, "exclude") == ["Fluff"]
