"""Searching the works a visitor may see: narrowing a queryset by a parsed query, ranking the
matches, and the snippets of matching chapter text shown with them.

The queryset passed in already holds the visibility rules (works.selectors), so a search can
only ever narrow what the visitor may see.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from fichive.search.backends import backend
from fichive.search.query import Query
from fichive.search.text import CHAPTER_PARTS, Snippet, chapter_text_for_snippet, snippet
from fichive.tags.models import Tag
from fichive.works.models import Chapter, FilterTagging, Work

LOOKUPS = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "=": "exact"}


class _TextCondition(RawSQL):
    """The ids of the works matching a group of terms, as works_matching filters by them:
    marked so RankedWorks can tell them from the other conditions (_without_text)."""


def works_matching(works: QuerySet[Work], query: Query) -> QuerySet[Work]:
    """The works that match the query, among `works`."""
    engine = backend()
    for group in query.required:
        sql, params = engine.group_sql(group)
        works = works.filter(pk__in=_TextCondition(sql, params))
    if query.excluded:
        sql, params = engine.group_sql(query.excluded)
        works = works.exclude(pk__in=_TextCondition(sql, params))
    for comparison in query.comparisons:
        works = works.filter(**{f"{comparison.column}__{LOOKUPS[comparison.operator]}":
                                comparison.value})
    if query.ratings:
        works = works.filter(_rated(query.ratings))
    if query.excluded_ratings:
        works = works.exclude(_rated(query.excluded_ratings))
    if query.languages:
        works = works.filter(language__in=query.languages)
    if query.excluded_languages:
        works = works.exclude(language__in=query.excluded_languages)
    if query.complete is not None:
        works = works.filter(complete=query.complete)
    return works


def _rated(ratings: list[str]) -> Exists:
    return Exists(FilterTagging.objects.filter(work_id=OuterRef("pk"), tag__type=Tag.Type.RATING,
                                               tag__name__in=ratings))


def _scores_sql(query: Query) -> tuple[str, list[Any]]:
    return backend().scores_sql(query.positive_terms())


def ranked_ids(works: QuerySet[Work], query: Query, *, offset: int, limit: int
               ) -> list[tuple[int, float, int | None]]:
    """(work id, score, best matching chapter id or None) of `works` (already narrowed by
    works_matching) by relevance, best first, ties newest first. The chapter is None when
    no chapter matched, or when the backend's ranking doesn't name chapters
    (SCORES_NAME_BEST_CHAPTER)."""
    ids_sql, ids_params = works.order_by().values("pk").query.sql_with_params()
    scores, params = _scores_sql(query)
    sql = (f"SELECT s.id, s.score, s.best FROM ({scores}) s WHERE s.id IN ({ids_sql}) "
           "ORDER BY s.score DESC, s.id DESC LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids_params, limit, offset])
        return [(int(i), float(score), None if best is None else int(best))
                for i, score, best in cursor.fetchall()]


def scores_of(query: Query, work_ids: list[int]) -> dict[int, float]:
    """Relevance scores of some works (a page of results in another order)."""
    if not work_ids or not query.has_text:
        return {}
    scores, params = _scores_sql(query)
    marks = ", ".join(["%s"] * len(work_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.id, s.score FROM ({scores}) s WHERE s.id IN ({marks})",
                       [*params, *work_ids])
        return {int(i): float(score) for i, score in cursor.fetchall()}


def _is_text_condition(node: Any) -> bool:
    if isinstance(getattr(node, "rhs", None), _TextCondition):
        return True
    children = getattr(node, "children", None)
    return bool(getattr(node, "negated", False) and children and len(children) == 1
                and _is_text_condition(children[0]))


def _without_text(works: QuerySet[Work], query: Query) -> QuerySet[Work] | None:
    """`works` (narrowed by works_matching) without its text conditions: what the visitor may
    see under the other filters. None when they can't be told apart (then the ranking keeps
    to `works` as it is)."""
    base = works.all()
    where = base.query.where
    if where.connector != "AND" or where.negated:
        return None
    kept = [child for child in where.children if not _is_text_condition(child)]
    if len(where.children) - len(kept) != len(query.required) + bool(query.excluded):
        return None
    where.children = kept
    return base


# Rows a relevance listing's count fetches with it (the first pages' works), so that the
# count and the first page take one ranking statement.
FIRST_ROWS = 100
# Two-pass ranking (backends with FIRST_PASS_SQL): how many candidates' chapters are ranked
# at first, and how many of the first pass's rows the first statement fetches.
CANDIDATES = 200
MAX_CANDIDATES = 3200
# A round that would rank the chapters of at least this share of the works whose text
# matches ranks every matching chapter instead: through the text index, which reads only
# matching chapters, rather than through the candidates' works, which reads all of theirs
# (a word in 30,000 chapters of 16,000 works at 100,000 full texts: 0.32 s against 0.73 s).
EVERY_CHAPTER_SHARE = 0.25
# How long a ranking (count and ranked ids) is kept in the cache under the listings' version.
RANKING_CACHE_SECONDS = 300
# A first ranking keeps the ids of every match when there are at most this many, so that the
# sidebar's counts are taken over them (matches_sql) rather than by matching the text again.
MATCHES_KEPT = 100_000

Ranked = list[tuple[int, float, int | None]]


class RankedWorks:
    """A paginator's object list of works in relevance order: one statement ranks the
    matches, counts them (a window count) and returns the first FIRST_ROWS ids; slicing
    fetches a page's works with their blurb data (a page past those ranks again for it).

    The text conditions are evaluated once, in the ranking: it keeps the scored works (every
    work matching any positive term) that are among the visitor's works under the other
    filters, that match each further required group and none of the excluded terms.

    Where the backend has a cheap first pass (PostgreSQL: ranking every matching chapter
    reads every matching chapter's vector), the works are ordered by an upper bound of their
    score (the exact rank of their fields plus the most a chapter can add, when a chapter
    matches) and only the leading candidates' chapters are ranked; the result is exact: the
    candidates' exact scores are kept only when the last one wanted beats the bound of every
    work left out, else more candidates are taken.

    Rankings are kept in the cache for RANKING_CACHE_SECONDS under the exact query (the
    visitor's works under the filters, and the text conditions), the slice and `version`
    (the listings' version, see fichive.lib.cache), so a repeated search, or paging back,
    doesn't rank again until something in the archive changes; the works shown are still
    read through the visitor's query.

    A ranking made for the first pages (not one from the cache) also keeps the ids of every
    match, up to MATCHES_KEPT, for matches_sql."""

    def __init__(self, works: QuerySet[Work], query: Query, *, fetch: QuerySet[Work],
                 version: str | None = None) -> None:
        self.works, self.query, self.fetch = works, query, fetch
        self.version = version
        self.base = _without_text(works, query)
        self._total: int | None = None
        self._first: Ranked | None = None
        self._digest: str | None = None
        self._matches: list[int] | None = None
        self.best_known = backend().SCORES_NAME_BEST_CHAPTER

    def _cache_key(self, offset: int, limit: int) -> str | None:
        if self.version is None:
            return None
        if self._digest is None:
            sql, params = self.works.order_by().values("pk").query.sql_with_params()
            terms = [(t.field, t.words, t.prefix) for t in self.query.positive_terms()]
            self._digest = hashlib.sha256(
                repr((connection.vendor, sql, params, terms, self.version)).encode()).hexdigest()
        return f"search-ranking:{self._digest}:{offset}:{limit}"

    def _ranked(self, offset: int, limit: int) -> tuple[int, Ranked]:
        """(how many works match, `limit` of them from `offset` in relevance order), from
        the cache when this ranking was made lately."""
        key = self._cache_key(offset, limit)
        kept = cache.get(key) if key else None
        if kept is not None:
            total, ranked, self.best_known = kept
            return total, ranked
        total, ranked = self._rank(offset, limit)
        if key:
            cache.set(key, (total, ranked, self.best_known), RANKING_CACHE_SECONDS)
        return total, ranked

    def _statement(self, scores: str, params: list[Any], order: str, limit: int,
                   offset: int, *, text_conditions: bool = True) -> list[tuple[Any, ...]]:
        """Rows of `scores` (id first) among the visitor's works under the other filters
        (and, with `text_conditions`, the text conditions the scores don't hold), with the
        window count last."""
        assert self.base is not None  # noqa: S101
        engine = backend()
        ids_sql, ids_params = (self.base.order_by().annotate(search_id=F("pk"))
                               .values("search_id").query.sql_with_params())
        sql = (f"SELECT s.*, COUNT(*) OVER () FROM ({scores}) s "
               f"JOIN ({ids_sql}) b ON b.search_id = s.id")
        params = [*params, *ids_params]
        conditions = []
        if text_conditions and len(self.query.required) > 1:
            # (One group: the scored works are its matches.)
            for group in self.query.required:
                group_sql, group_params = engine.group_sql(group)
                conditions.append(f"s.id IN ({group_sql})")
                params += group_params
        if text_conditions and self.query.excluded:
            group_sql, group_params = engine.group_sql(self.query.excluded)
            conditions.append(f"s.id NOT IN ({group_sql})")
            params += group_params
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        sql += f" ORDER BY {order} LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset])
            return cursor.fetchall()

    def _rank(self, offset: int, limit: int) -> tuple[int, Ranked]:
        if self.base is None:
            rows = ranked_ids(self.works, self.query, offset=offset, limit=limit)
            return (self.works.count() if self._total is None else self._total), rows
        engine = backend()
        body = [t for t in self.query.positive_terms() if t.field is None]
        if getattr(engine, "FIRST_PASS_SQL", False) and body:
            return self._two_pass(offset, limit)
        scores, params = _scores_sql(self.query)
        # From the start, every match (up to MATCHES_KEPT): they are all scored and sorted
        # anyway, and their ids spare the sidebar's counts the text search.
        fetched = self._statement(scores, params, "s.score DESC, s.id DESC",
                                  max(limit, MATCHES_KEPT) if offset == 0 else limit, offset)
        self.best_known = engine.SCORES_NAME_BEST_CHAPTER
        total = int(fetched[0][-1]) if fetched else (0 if offset == 0 else self.count())
        if offset == 0:
            self._keep_matches(fetched, total)
        return total, [(int(i), float(score), None if best is None else int(best))
                       for i, score, best, _ in fetched[:limit]]

    def _two_pass(self, offset: int, limit: int) -> tuple[int, Ranked]:
        """The exact ranking, from as many of the first pass's candidates as it takes."""
        engine = backend()
        terms = self.query.positive_terms()
        body = [t for t in terms if t.field is None]
        scores, params = engine.first_pass_sql(self.query.required, self.query.excluded)
        bound = float(engine.chapter_bound(terms))
        order = f"s.score + CASE WHEN s.in_text THEN {bound!r} ELSE 0 END DESC, s.id DESC"

        def first_pass(rows: int) -> list[tuple[Any, ...]]:
            return self._statement(scores, params, order, rows, 0, text_conditions=False)

        def lowered(row: tuple[Any, ...]) -> float:
            """Minus the most the row's work can score: rows ascend by it."""
            return -(float(row[1]) + (bound if row[2] else 0.0))

        # From the start, every match (up to MATCHES_KEPT) for the sidebar's counts
        # (matches_sql): reading them costs less than matching the text again to count.
        rows = first_pass(max(MATCHES_KEPT, MAX_CANDIDATES + 1) if offset == 0
                          else MAX_CANDIDATES + 1)
        if not rows:
            return 0, []
        total = int(rows[0][-1])
        self._keep_matches(rows, total)
        wanted = offset + limit

        def reach(size: int) -> int:
            """The fewest candidates, from `size` on, that can end the ranking: none before
            the first row whose bound is below the wanted-th row's (no exact score is above
            its own bound), so ties are taken at once rather than in rounds (a word found in
            text alone bounds every work alike). Fetches every match when they run past the
            rows fetched."""
            nonlocal rows
            while True:
                if size >= len(rows) and len(rows) < total:
                    rows = first_pass(total)  # every match, then
                if not 0 < wanted < len(rows) or size >= len(rows):
                    return size
                size = bisect.bisect_right(rows, lowered(rows[wanted - 1]), lo=size,
                                           key=lowered)
                if size < len(rows) or len(rows) == total:
                    return size

        size = max(CANDIDATES, 2 * wanted)
        chapters: dict[int, tuple[float, int]] = {}
        scored: set[int] = set()
        every = False  # every matching chapter ranked
        while True:
            size = reach(size)
            candidates = rows[:size]
            new = [int(r[0]) for r in candidates if r[2] and int(r[0]) not in scored]
            if new and not every:
                # (Works whose text matches: counted when the rows hold every match.)
                in_text = sum(1 for r in rows if r[2]) if len(rows) == total else total
                if len(new) >= EVERY_CHAPTER_SHARE * in_text:
                    chapters, every = engine.chapter_scores(body, None), True
                else:
                    chapters.update(engine.chapter_scores(body, new))
            scored.update(new)
            exact = sorted(
                ((int(i), engine.add_scores(float(score), chapters.get(int(i), (0.0, None))[0]),
                  chapters.get(int(i), (0.0, None))[1]) for i, score, _, _ in candidates),
                key=lambda row: (-row[1], -row[0]))
            left_out = rows[size] if len(rows) > size else None
            if left_out is None or (len(exact) >= wanted and exact[wanted - 1][1] > (
                    -lowered(left_out))):
                self.best_known = True
                return total, exact[offset:wanted]
            size *= 4

    def _keep_matches(self, rows: list[tuple[Any, ...]], total: int) -> None:
        """Keep the ids of every match when `rows` (id first, from the first) hold them."""
        if len(rows) == total <= MATCHES_KEPT:
            self._matches = [row[0] for row in rows]

    def matches_sql(self) -> tuple[str, list[Any]] | None:
        """A SELECT of the ids of every match (for `IN (…)`), when this ranking was made
        here and kept them; else None (count them from the works query)."""
        self.count()
        return None if self._matches is None else backend().ids_sql(self._matches)

    def count(self) -> int:
        if self._total is None:
            self._total, self._first = self._ranked(0, FIRST_ROWS)
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Work]:
        if not isinstance(index, slice):
            raise TypeError("RankedWorks only takes slices")
        start, stop = index.start or 0, index.stop
        limit = (stop - start) if stop is not None else 1_000_000
        if self._first is not None and start + limit <= FIRST_ROWS:
            ranked = self._first[start:start + limit]
        else:
            total, ranked = self._ranked(start, limit)
            self._total = total if self._total is None else self._total
        found = self.fetch.in_bulk([i for i, _, _ in ranked])
        page = []
        for work_id, score, best in ranked:
            if work_id in found:
                work = found[work_id]
                work.search_score = score  # type: ignore[attr-defined]
                if self.best_known:
                    work.search_best_chapter = best  # type: ignore[attr-defined]
                page.append(work)
        return page


@dataclass(frozen=True)
class Match:
    """Where a work's chapter text matched: the chapter and a passage of it."""

    chapter: Chapter
    snippet: Snippet

    @property
    def url(self) -> str:
        return self.chapter.get_absolute_url()


def matches_of(query: Query, work_ids: list[int], *,
               known: dict[int, int | None] | None = None) -> dict[int, Match]:
    """For each of these works whose chapter text matches, the best chapter and a snippet.
    `known` gives works whose best chapter the ranking already found (None: no chapter
    matched); only the others are looked up."""
    phrases, prefixes = query.highlight()
    if not work_ids or not phrases:
        return {}
    known = known or {}
    terms = [t for t in query.positive_terms() if t.field is None]
    unknown = [work_id for work_id in work_ids if work_id not in known]
    best = backend().best_chapters(terms, unknown) if unknown else {}
    best.update({work_id: chapter for work_id, chapter in known.items()
                 if chapter is not None and work_id in work_ids})
    if not best:
        return {}
    found: dict[int, Match] = {}
    for chapter in Chapter.objects.filter(pk__in=best.values()).only(
            "id", "work_id", "position", "title", *CHAPTER_PARTS):
        text = chapter_text_for_snippet(
            {f: getattr(chapter, f) for f in ("title", *CHAPTER_PARTS)},
            phrases=phrases, prefixes=prefixes)
        passage = snippet(text, phrases=phrases, prefixes=prefixes)
        if passage is not None:
            found[chapter.work_id] = Match(chapter=chapter, snippet=passage)
    return found
