"""The listing filter set read from a query string: defaults, every parameter, and the
messages bad values get."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict

from fichive.works.listing import Filters, ListingForm


def parse(query: str) -> Filters:
    form = ListingForm.from_query(QueryDict(query))
    assert form.is_valid(), form.errors
    return form.filters()


def errors(query: str) -> dict[str, list[str]]:
    form = ListingForm.from_query(QueryDict(query))
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_an_empty_query_is_every_work_newest_update_first():
    assert parse("") == Filters(sort="updated", descending=True, page=1)


@pytest.mark.parametrize(
    ("sort", "descending"),
    [("updated", True), ("posted", True), ("title", False), ("creator", False),
     ("words", True), ("hits", True), ("kudos", True), ("comments", True),
     ("bookmarks", True)],
)
def test_each_sort_runs_in_ao3s_usual_direction(sort, descending):
    filters = parse(f"sort={sort}")

    assert filters.sort == sort
    assert filters.descending is descending


def test_order_reverses_a_sort():
    assert parse("sort=words&order=asc").descending is False
    assert parse("sort=title&order=desc").descending is True
    assert parse("sort=title&order=").descending is False


def test_include_and_exclude_repeat_and_also_split_on_commas():
    filters = parse("include=Fluff&include=Angst,+Slow Burn&exclude=Major+Character+Death"
                    "&exclude=")

    assert filters.include == ("Fluff", "Angst", "Slow Burn")
    assert filters.exclude == ("Major Character Death",)


def test_repeated_names_count_once_whatever_their_case_and_spacing():
    assert parse("include=Slow Burn&include=slow  BURN").include == ("Slow Burn",)


def test_rating_warning_and_category_are_includes_of_those_tags():
    filters = parse("rating=Mature&warning=No Archive Warnings Apply&category=F/F"
                    "&include=Fluff")

    assert filters.include == ("Fluff", "Mature", "No Archive Warnings Apply", "F/F")


def test_complete_crossover_words_dates_language_query_and_page():
    filters = parse("complete=no&crossover=only&words_from=1000&words_to=5000"
                    "&updated_from=2024-01-01&updated_to=2024-12-31&language=pt-BR"
                    "&q=+harbour   lantern+&page=3")

    assert filters.complete == "no"
    assert filters.crossover == "only"
    assert (filters.words_from, filters.words_to) == (1000, 5000)
    assert filters.updated_from == datetime.date(2024, 1, 1)
    assert filters.updated_to == datetime.date(2024, 12, 31)
    assert filters.language == "pt-BR"
    assert filters.q == "harbour lantern"
    assert filters.page == 3


def test_blank_values_mean_the_defaults():
    assert parse("sort=&complete=&crossover=&words_from=&language=&page=") == Filters()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("sort=rating", "sort", "“rating” is not a sort; choose one of relevance, updated, posted, "
                                "title, creator, words, hits, kudos, comments, bookmarks."),
        ("order=up", "order", "“up” is not a direction; use asc or desc."),
        ("complete=maybe", "complete", "“maybe” is not a completion filter; use all, yes or "
                                       "no."),
        ("crossover=yes", "crossover", "“yes” is not a crossover filter; use include, "
                                       "exclude or only."),
        ("words_from=lots", "words_from", "Words from must be a whole number, like 1000."),
        ("words_to=-5", "words_to", "Words to can't be negative."),
        ("updated_from=31/12/2024", "updated_from",
         "Updated from must be a date written YYYY-MM-DD, like 2024-05-31."),
        ("updated_to=2024-02-30", "updated_to",
         "Updated to must be a date written YYYY-MM-DD, like 2024-05-31."),
        ("language=klingon", "language", "“klingon” is not a language code the archive knows."),
        ("rating=PG-13", "rating", "“PG-13” is not a rating."),
        ("warning=Spiders", "warning", "“Spiders” is not an archive warning."),
        ("category=M/M/M", "category", "“M/M/M” is not a category."),
        ("page=two", "page", "The page must be a whole number, like 2."),
        ("page=0", "page", "Pages are numbered from 1."),
        ("q=" + "x" * 501, "q", "Keep the search within results to 500 characters."),
        ("words_from=5000&words_to=100", "words_to",
         "The end of the word count comes before its start."),
        ("updated_from=2024-06-01&updated_to=2024-01-01", "updated_to",
         "The end of the date range comes before its start."),
    ],
)
def test_bad_values_say_what_is_wrong(query, field, message):
    assert errors(query) == {field: [message]}


def test_a_tag_name_longer_than_any_tag_is_refused():
    assert errors("include=" + "a" * 151) == {"include": [
        "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is longer than any tag name (150 "
        "characters at most)."
    ]}


def test_at_most_50_tags_may_be_included():
    query = "&".join(f"include=Tag{i}" for i in range(51))

    assert errors(query) == {"include": ["Give at most 50 tags here; this has 51."]}


def test_other_parameters_are_ignored():
    assert parse("tag=Fluff&utm_source=feed") == Filters()
