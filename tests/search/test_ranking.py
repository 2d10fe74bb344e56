"""Relevance listings: one ranking statement counts the matches and orders them; the count,
every page and the visibility rules must agree with what the query means."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.search import selectors
from fichive.works import listing
from tests.factories import WorkFactory


def api(client, q: str, **params) -> dict:
    response = client.get("/api/v1/works", {"q": q, **params})
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def every_title(client, q: str) -> list[str]:
    """The titles of all pages of a relevance search, in order."""
    first = api(client, q)
    titles = [w["title"] for w in first["works"]]
    for number in range(2, first["pages"] + 1):
        titles += [w["title"] for w in api(client, q, page=number)["works"]]
    assert len(titles) == first["total"]
    return titles


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 2 and a first ranking of 3 rows, so a few works span several pages and
    pages past the first ranking's rows."""
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    monkeypatch.setattr(selectors, "FIRST_ROWS", 3)


@pytest.fixture
def lanterns(author):
    works = {}
    for number in range(7):
        storm = " storm" if number == 4 else ""
        works[number] = WorkFactory(
            author=author, title=f"Story {number}",
            fandoms=["Naruto" if number % 2 else "Bleach"],
            summary="<p>A lantern.</p>" if number < 3 else "<p>Quiet.</p>",
            chapters=[f"<p>{'lantern ' * (number + 1)}and rain{storm}.</p>"],
            complete=number % 3 == 0)
    return works


def test_every_page_of_a_ranking_together_holds_each_match_once(client, lanterns, small_pages):
    titles = every_title(client, "lantern")
    assert sorted(titles) == sorted(f"Story {n}" for n in range(7))
    assert api(client, "lantern")["pages"] == 4


def test_pages_past_the_first_ranking_rows_continue_the_same_order(client, lanterns,
                                                                   monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    monkeypatch.setattr(selectors, "FIRST_ROWS", 100)
    whole = every_title(client, "lantern")
    monkeypatch.setattr(selectors, "FIRST_ROWS", 3)
    assert every_title(client, "lantern") == whole


def test_works_with_the_word_in_their_summary_rank_first(client, lanterns):
    titles = [w["title"] for w in api(client, "lantern")["works"]]
    assert set(titles[:3]) == {"Story 0", "Story 1", "Story 2"}


def test_the_count_keeps_to_every_required_group_and_leaves_out_exclusions(
        client, lanterns, small_pages):
    assert api(client, "lantern -storm")["total"] == 6
    assert "Story 4" not in every_title(client, "lantern -storm")
    assert sorted(every_title(client, 'fandom:Naruto lantern')) == ["Story 1", "Story 3",
                                                                    "Story 5"]
    assert api(client, "fandom:Naruto lantern -storm")["total"] == 3
    assert api(client, "fandom:Bleach lantern -storm")["total"] == 3
    assert api(client, "lantern rain storm")["total"] == 1


def test_conditions_and_listing_filters_narrow_the_ranking_and_its_count(client, lanterns,
                                                                         small_pages):
    # (Story n has n + 3 words, and Story 4 one more.)
    assert sorted(every_title(client, "words>6 lantern")) == ["Story 4", "Story 5",
                                                              "Story 6"]
    assert sorted(every_title(client, "complete:yes lantern")) == ["Story 0", "Story 3",
                                                                   "Story 6"]
    assert api(client, "lantern", complete="yes", words_from=7)["total"] == 1


def test_a_search_with_no_matches_counts_none(client, lanterns):
    result = api(client, "wyvern")
    assert result["total"] == 0
    assert result["works"] == []


def test_restricted_works_and_drafts_are_never_counted_or_ranked(client, reader, author,
                                                                 lanterns, small_pages):
    WorkFactory(author=author, title="Locked", restricted=True,
                chapters=["<p>lantern lantern lantern lantern lantern lantern lantern</p>"])
    WorkFactory(author=author, title="Draft", post=False, summary="<p>lantern</p>",
                chapters=["<p>lantern lantern lantern lantern lantern lantern lantern</p>"])
    assert api(client, "lantern")["total"] == 7
    assert "Locked" not in every_title(client, "lantern")
    client.force_login(reader)
    titles = every_title(client, "lantern")
    assert "Locked" in titles
    assert "Draft" not in titles
    assert len(titles) == 8


def test_the_page_of_a_search_shows_the_total(client, lanterns):
    page = client.get("/works/search", {"q": "lantern -storm"}).content.decode()
    assert "1 - 6 of 6 Search results" in page


@pytest.fixture(params=["candidates' chapters", "every matching chapter"])
def chapter_rounds(request, monkeypatch):
    """Both ways a two-pass round ranks chapters: the candidates' works' chapters, or (from
    EVERY_CHAPTER_SHARE of the matches on) every matching chapter at once."""
    share = float("inf") if request.param == "candidates' chapters" else 0.0
    monkeypatch.setattr(selectors, "EVERY_CHAPTER_SHARE", share)
    return request.param


def test_a_two_pass_ranking_orders_exactly_as_ranking_every_match(client, lanterns, author,
                                                                  monkeypatch, chapter_rounds):
    WorkFactory(author=author, title="Lantern", summary="<p>The lantern.</p>",
                chapters=["<p>No light.</p>"])
    WorkFactory(author=author, title="Quiet", chapters=["<p>" + "lantern " * 30 + "</p>"])
    monkeypatch.setattr(listing, "PER_PAGE", 3)
    from fichive.search.backends import backend

    engine = backend()
    if not getattr(engine, "FIRST_PASS_SQL", False):
        pytest.skip("this database ranks every match in one pass")
    monkeypatch.setattr(selectors, "CANDIDATES", 1)  # first pass: too few, then more
    two_pass = [(w["title"], w["score"]) for w in api(client, "lantern")["works"]]
    two_pass += [(w["title"], w["score"]) for w in api(client, "lantern", page=3)["works"]]
    monkeypatch.setattr(engine, "FIRST_PASS_SQL", False)
    exact = [(w["title"], w["score"]) for w in api(client, "lantern")["works"]]
    exact += [(w["title"], w["score"]) for w in api(client, "lantern", page=3)["works"]]
    assert [t for t, _ in two_pass] == [t for t, _ in exact]
    assert [s for _, s in two_pass] == pytest.approx([s for _, s in exact])


@pytest.mark.parametrize("q", ["lantern", "lantern OR rain", "lantern -storm", "lantern rain",
                               "title:story lantern", "lantern complete:yes", "rain -naruto",
                               "storm OR lantern -bleach", "fandom:naruto rain"])
def test_both_rankings_give_every_query_the_same_pages(client, lanterns, author, monkeypatch,
                                                       q, chapter_rounds):
    """The two-pass ranking orders, scores and counts exactly as ranking every match."""
    WorkFactory(author=author, title="Lantern", summary="<p>The lantern in the rain.</p>",
                chapters=["<p>No light.</p>"])
    WorkFactory(author=author, title="Quiet", chapters=["<p>" + "lantern rain " * 30 + "</p>"])
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    monkeypatch.setattr(selectors, "FIRST_ROWS", 3)
    from fichive.search.backends import backend

    engine = backend()
    if not getattr(engine, "FIRST_PASS_SQL", False):
        pytest.skip("this database ranks every match in one pass")
    monkeypatch.setattr(selectors, "CANDIDATES", 1)

    def pages() -> list[tuple[str, float]]:
        first = api(client, q)
        found = [(w["title"], w["score"]) for w in first["works"]]
        for number in range(2, first["pages"] + 1):
            found += [(w["title"], w["score"]) for w in api(client, q, page=number)["works"]]
        assert len(found) == first["total"]
        return found

    two_pass = pages()
    monkeypatch.setattr(engine, "FIRST_PASS_SQL", False)
    one_pass = pages()
    assert two_pass, q
    assert [t for t, _ in two_pass] == [t for t, _ in one_pass]
    assert [s for _, s in two_pass] == pytest.approx([s for _, s in one_pass])


def small_two_pass_pages(monkeypatch):
    """The two-pass ranking's engine, ranking pages of 3 from one candidate on (skips where
    every match is ranked in one pass)."""
    monkeypatch.setattr(listing, "PER_PAGE", 3)
    monkeypatch.setattr(selectors, "FIRST_ROWS", 3)
    monkeypatch.setattr(selectors, "CANDIDATES", 1)
    from fichive.search.backends import backend

    engine = backend()
    if not getattr(engine, "FIRST_PASS_SQL", False):
        pytest.skip("this database ranks every match in one pass")
    return engine


def test_a_work_found_by_its_text_alone_can_lead_a_two_pass_ranking(client, author,
                                                                     monkeypatch,
                                                                     chapter_rounds):
    """Works matching in their fields come first in the first pass; a work whose chapter
    alone holds the word many times still outranks weaker field matches, as when every
    match is ranked: the bound on a chapter's score lets it through."""
    for number in range(12):
        WorkFactory(author=author, title=f"Noted {number}",
                    notes=f"<p>A kettle, once{', long ago' * number}.</p>",
                    chapters=[f"<p>Nothing to see in room {number} today.</p>"])
    WorkFactory(author=author, title="Kitchen",
                chapters=["<p>" + "The kettle sang. " * 20 + "</p>"])
    WorkFactory(author=author, title="Hall", chapters=["<p>A kettle by the door.</p>"])
    for number in range(16):
        WorkFactory(author=author, title=f"Other {number}", chapters=["<p>Tea.</p>"])
    engine = small_two_pass_pages(monkeypatch)
    two_pass = [(w["title"], w["score"]) for w in api(client, "kettle")["works"]]
    monkeypatch.setattr(engine, "FIRST_PASS_SQL", False)
    one_pass = [(w["title"], w["score"]) for w in api(client, "kettle")["works"]]
    assert two_pass[0][0] == one_pass[0][0] == "Kitchen"
    assert [t for t, _ in two_pass] == [t for t, _ in one_pass]
    assert [s for _, s in two_pass] == pytest.approx([s for _, s in one_pass])


def test_a_word_found_in_text_alone_is_ranked_in_one_round(client, author, monkeypatch,
                                                          chapter_rounds):
    """When no work matches in its fields, every work's bound is the same, so no ranking can
    stop before all are ranked: their chapters are ranked in one statement, not in rounds,
    and the order is still exact."""
    for number in range(12):
        WorkFactory(author=author, title=f"Room {number}",
                    chapters=["<p>" + "A kettle. " * (number % 5 + 1) + "</p>", "<p>Tea.</p>"])
    engine = small_two_pass_pages(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        two_pass = [(w["title"], w["score"]) for w in api(client, "kettle")["works"]]
    rounds = [q["sql"] for q in queries.captured_queries if "DISTINCT ON (work_id)" in q["sql"]]
    assert len(rounds) == 1, rounds
    monkeypatch.setattr(engine, "FIRST_PASS_SQL", False)
    one_pass = [(w["title"], w["score"]) for w in api(client, "kettle")["works"]]
    assert [t for t, _ in two_pass] == [t for t, _ in one_pass]
    assert [s for _, s in two_pass] == pytest.approx([s for _, s in one_pass])


def test_chapter_scores_of_every_work_are_those_of_each(author):
    """chapter_scores(terms, None) (PostgreSQL's two-pass ranking) gives every work whose
    text matches, each as when its id is given."""
    from fichive.search.backends import backend
    from fichive.search.query import query_parse

    engine = backend()
    if not getattr(engine, "FIRST_PASS_SQL", False):
        pytest.skip("only the two-pass ranking asks for every work's chapters")
    works = [WorkFactory(author=author, title=f"Room {n}",
                         chapters=["<p>Tea.</p>", "<p>" + "A kettle. " * (n + 1) + "</p>"])
             for n in range(4)]
    WorkFactory(author=author, title="Dry", chapters=["<p>Tea.</p>"])
    terms = query_parse("kettle").positive_terms()
    assert engine.chapter_scores(terms, None) == engine.chapter_scores(
        terms, [w.pk for w in works]) != {}
    assert set(engine.chapter_scores(terms, None)) == {w.pk for w in works}


def test_chapter_scores_name_each_works_best_chapter(author):
    """Candidates' chapters are scored together: each work gets its best chapter (the first
    of equals), works without a matching chapter get nothing."""
    from fichive.search.backends import backend
    from fichive.search.query import query_parse

    works = [WorkFactory(author=author, title=f"Room {n}",
                         chapters=["<p>Tea.</p>", "<p>" + "A kettle. " * (n + 1) + "</p>",
                                   "<p>A kettle.</p>"])
             for n in range(5)]
    dry = WorkFactory(author=author, title="Dry", chapters=["<p>Tea.</p>"])
    engine = backend()
    terms = query_parse("kettle").positive_terms()
    scores = engine.chapter_scores(terms, [w.pk for w in works] + [dry.pk, 10_000_000])
    assert set(scores) == {w.pk for w in works}
    for work in works:
        assert scores[work.pk][1] == work.chapters.get(position=2).pk
    assert scores[works[4].pk][0] > scores[works[0].pk][0] > 0


def sidebar(client, q: str, **params) -> dict[str, list[tuple[str, int]]]:
    response = client.get("/works/search", {"q": q, **params})
    assert response.status_code == 200
    return {kind: [(f.name, f.count) for f in facets]
            for kind, facets in response.context["listing"].facets.items()}


@pytest.fixture
def no_kept_counts(monkeypatch):
    """Every sidebar counted afresh (none kept in the cache between requests)."""
    monkeypatch.setattr(listing, "FACET_CACHE_FROM", 10**9)
    monkeypatch.setattr(selectors, "RANKING_CACHE_SECONDS", 0)


@pytest.mark.parametrize("q", ["lantern", "lantern -storm", "fandom:naruto rain",
                               "lantern OR storm", "complete:yes lantern"])
def test_a_ranked_search_counts_its_sidebar_over_the_works_it_ranked(
        client, reader, author, lanterns, no_kept_counts, q):
    """Best Match counts the sidebar over the ranking's own matches; sorted by date, over
    the works query: the same works, so the same counts, for a guest and for a member
    (who also finds a restricted work)."""
    WorkFactory(author=author, title="Locked", restricted=True, fandoms=["Naruto"],
                complete=True, chapters=["<p>lantern and rain</p>"])
    guest = sidebar(client, q)
    assert guest == sidebar(client, q, sort="updated")
    assert any(count for facets in guest.values() for _, count in facets)
    client.force_login(reader)
    member = sidebar(client, q)
    assert member == sidebar(client, q, sort="updated")
    assert member != guest  # the restricted work counts for members only


def test_the_sidebar_of_a_ranked_search_does_not_search_the_text_again(
        client, lanterns, no_kept_counts):
    with CaptureQueriesContext(connection) as queries:
        client.get("/works/search", {"q": "lantern -storm"})
    counting = [q["sql"] for q in queries if "PARTITION BY t.type" in q["sql"]]
    assert len(counting) == 1
    assert not any(word in counting[0] for word in ("MATCH", "@@", "search_work"))


def test_more_matches_than_a_ranking_keeps_are_counted_from_the_works_query(
        client, lanterns, no_kept_counts, monkeypatch):
    expected = sidebar(client, "lantern")
    monkeypatch.setattr(selectors, "MATCHES_KEPT", 3)
    with CaptureQueriesContext(connection) as queries:
        assert sidebar(client, "lantern") == expected
    counting = [q["sql"] for q in queries if "PARTITION BY t.type" in q["sql"]]
    assert any(word in counting[0] for word in ("MATCH", "@@"))
