"""A work's blurb, as listings show it (AO3's "work blurb"): what it shows, read for a whole
page in three small queries, and its HTML.

The markup lives here rather than in a template because a listing page shows twenty blurbs
and Django's template engine spent most of a page's CPU on them (about 2 ms a blurb against
~0.1 ms for these f-strings); `{% blurb work %}` (works/templatetags/fichive.py) puts one on a
page. Everything a visitor typed is escaped; summaries are stored sanitized.

What a blurb shows besides the work's own row (its tags, creators, gift recipients and
series) and its HTML are kept in this process's memory (lib/fragments.Kept, bounded;
only where fragments are, lib/fragments.fragments_on) and used again
while the work's version (lib/cache.work_versions: a change to the work, its tags, creators,
series or gifts, a kudos, comment or bookmark, and tag wrangling give it a new one) and the
row just read are the same as when they were kept: the row (counts, title, state and the
rest) is read on every page, so nothing it holds is ever shown stale, and a blurb's HTML is
kept per viewer variant (hidden tag types, language, script prefix), never for a search
result's passage or a creator's own view of an anonymous work.
"""

from __future__ import annotations

import datetime
import html
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import connections
from django.db.models import QuerySet
from django.template.defaultfilters import date as date_filter
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from fichive.accounts.models import Pseud, User
from fichive.lib.cache import work_versions
from fichive.lib.fragments import Kept, fragments_on
from fichive.tags.models import Tag, tag_to_url
from fichive.works.languages import LANGUAGE_NAMES
from fichive.works.models import Creatorship, Tagging, Work

# The work fields a blurb shows.
FIELDS = ("id", "title", "state", "restricted", "summary", "language", "word_count",
          "chapter_count", "expected_chapters", "complete", "updated", "hits", "kudos_count",
          "comments_count", "bookmarks_count", "anonymous")

NO_WARNINGS = "No Archive Warnings Apply"
CHOSE_NOT_TO_WARN = "Creator Chose Not To Use Archive Warnings"


@dataclass(slots=True)
class Blurb:
    """What one work's blurb shows. `tags` are (type, name) in the order the author typed
    them; `creators` are (pseud name, username) in byline order, empty for an anonymous work
    (the byline reads "Anonymous" for everyone: blurbs are shared between visitors), whose
    creators are kept in `own_creators` for `blurb_html(own=True)` on its creators' own
    pages."""

    id: int
    title: str
    state: str
    restricted: bool
    summary: str
    language: str
    word_count: int
    chapter_count: int
    expected_chapters: int | None
    complete: bool
    updated: Any
    hits: int
    kudos_count: int
    comments_count: int
    bookmarks_count: int
    anonymous: bool = False
    tags: list[tuple[str, str]] = field(default_factory=list)
    creators: list[tuple[str, str]] = field(default_factory=list)
    own_creators: list[tuple[str, str]] = field(default_factory=list)
    # (name, username or None for a plain name) of the recipients, in the order given.
    gifts: list[tuple[str, str | None]] = field(default_factory=list)
    # (series id, part number, series title) of the series the work is part of, oldest first.
    series: list[tuple[int, int, str]] = field(default_factory=list)
    # What the blurb was read from, (work version, row), when it may be kept (blurbs_of).
    stamp: tuple[str, tuple[Any, ...]] | None = None

    @property
    def pk(self) -> int:
        return self.id

    @property
    def is_draft(self) -> bool:
        return self.state == Work.State.DRAFT

    def names(self, tag_type: str) -> list[str]:
        return [name for kind, name in self.tags if kind == tag_type]


# A few thousand works' tags and creators (a few hundred bytes each) and blurbs (about 2 KB
# each, per viewer variant): a few MB a process at most.
KEPT_WORKS = 4000
KEPT_BLURBS = 4000
_kept_extras = Kept(KEPT_WORKS)
_kept_html = Kept(KEPT_BLURBS)


def blurbs_of(works: QuerySet[Work]) -> list[Blurb]:
    """The blurbs of these works (a page: sliced, in the order to show), in two queries: the
    works' fields, then their tags, creators, gift recipients and series together, as plain
    rows (no model instances). The second is left out when this process kept them for every
    work at its current version (see the top of this module)."""
    return blurbs_from_rows(list(works.values_list(*FIELDS)), works.db)


def blurbs_from_rows(rows: list[tuple[Any, ...]], db: str) -> list[Blurb]:
    """The blurbs of works read as rows of FIELDS (blurbs_of), from database `db`."""
    blurbs = [Blurb(*row) for row in rows]
    if not blurbs:
        return blurbs
    # Kept only where every process shares the versions (as the reading pages' fragments):
    # with each process's own memory cache, another worker's change wouldn't retire them.
    versions = work_versions(b.id for b in blurbs) if fragments_on() else {}
    missing: dict[int, Blurb] = {}
    for blurb, row in zip(blurbs, rows, strict=True):
        version = versions.get(blurb.id)
        if version is None:  # not to be kept (a replica read too soon after a change)
            missing[blurb.id] = blurb
            continue
        blurb.stamp = (version, row)
        extras = _kept_extras.get(blurb.id, version)
        if extras is None:
            missing[blurb.id] = blurb
        else:
            (blurb.tags, blurb.creators, blurb.own_creators, blurb.gifts,
             blurb.series) = (list(part) for part in extras)
    if missing:
        _extras_read(missing, db)
        for blurb in missing.values():
            if blurb.stamp is not None:
                _kept_extras.put(blurb.id, blurb.stamp[0], (
                    tuple(blurb.tags), tuple(blurb.creators), tuple(blurb.own_creators),
                    tuple(blurb.gifts), tuple(blurb.series)))
    return blurbs


def _extras_read(by_id: dict[int, Blurb], db: str) -> None:
    """Fill in these blurbs' tags, creators, gift recipients and series, in one query."""
    creators = []
    gifts = []
    tags = []
    with connections[db].cursor() as cursor:
        cursor.execute(_tags_and_creators_sql(len(by_id)),
                       [*by_id, *by_id, False, *by_id, Work.State.POSTED, *by_id])
        for work_id, tag_type, name, username, position, pk in cursor.fetchall():
            if tag_type == GIFT_ROW:
                gifts.append((pk, work_id, name, username))
            elif tag_type == SERIES_ROW:
                by_id[work_id].series.append((pk, position, name))
            elif username is None:
                tags.append((position, name, work_id, tag_type))
            else:
                creators.append((position, pk, work_id, name, username))
    for _, name, work_id, tag_type in sorted(tags):  # in the order the author typed them
        by_id[work_id].tags.append((tag_type, name))
    for _, _, work_id, name, username in sorted(creators):
        blurb = by_id[work_id]
        (blurb.own_creators if blurb.anonymous else blurb.creators).append((name, username))
    for _, work_id, name, username in sorted(gifts):
        by_id[work_id].gifts.append((name, username))
    for blurb in by_id.values():
        blurb.series.sort()


# Marks the rows of gift recipients (pseud name or plain name, username or NULL, id).
GIFT_ROW = "#gift"
# Marks the rows of series (title, NULL, part number, series id). A part's number is one more
# than the posted parts before it in the series' order (series.selectors numbers them alike).
SERIES_ROW = "#series"

# A page's tags (type, name), creators (pseud, username, position, id), gift recipients and
# series in one statement.
# Plain SQL that SQLite and PostgreSQL run alike: through the ORM these were two queries whose
# building cost more than running them.
TAGS_AND_CREATORS_SQL = """
SELECT g.work_id, t.type, t.name, NULL, g.position, NULL
FROM {tagging} g JOIN {tag} t ON t.id = g.tag_id
WHERE g.work_id IN ({ids})
UNION ALL
SELECT c.work_id, NULL, p.name, u.username, c.position, c.id
FROM {creatorship} c JOIN {pseud} p ON p.id = c.pseud_id JOIN {user} u ON u.id = p.user_id
WHERE c.work_id IN ({ids})
UNION ALL
SELECT f.work_id, '#gift', COALESCE(p.name, f.recipient_name), u.username, NULL, f.id
FROM {gift} f LEFT JOIN {pseud} p ON p.id = f.pseud_id LEFT JOIN {user} u ON u.id = p.user_id
WHERE f.refused = %s AND f.work_id IN ({ids})
UNION ALL
SELECT sp.work_id, '#series', s.title, NULL,
       1 + (SELECT COUNT(*) FROM {part} b JOIN {work} w ON w.id = b.work_id
            WHERE b.series_id = sp.series_id AND w.state = %s
              AND (b.position < sp.position OR (b.position = sp.position AND b.id < sp.id))),
       s.id
FROM {part} sp JOIN {series} s ON s.id = sp.series_id
WHERE sp.work_id IN ({ids})
"""


def _tags_and_creators_sql(count: int) -> str:
    from fichive.gifts.models import Gift  # the gifts and series apps build on works
    from fichive.series.models import Series, SeriesPart

    return TAGS_AND_CREATORS_SQL.format(
        gift=Gift._meta.db_table,
        part=SeriesPart._meta.db_table, series=Series._meta.db_table, work=Work._meta.db_table,
        tagging=Tagging._meta.db_table, tag=Tag._meta.db_table,
        creatorship=Creatorship._meta.db_table, pseud=Pseud._meta.db_table,
        user=User._meta.db_table,
        ids=", ".join(["%s"] * count))


def blurb_of(work: Work) -> Blurb:
    """A model instance's blurb, from its prefetched tags and creatorships when it has them
    (selectors.with_blurb_data)."""
    blurb = Blurb(**{name: getattr(work, name) for name in FIELDS})
    blurb.tags = [(t.type, t.name) for t in sorted(
        work.tags.all(), key=lambda t: (getattr(t, "tagging_position", 0), t.name))]
    blurb.creators = [(p.name, p.user.username) for p in work.shown_pseuds()]
    if work.anonymous:
        blurb.own_creators = [(p.name, p.user.username) for p in work.pseuds()]
    blurb.gifts = [(g.pseud.name, g.pseud.user.username) if g.pseud else (g.recipient_name, None)
                   for g in getattr(work, "shown_gifts", ())]
    # Prefetched by series.selectors.with_series when the page shows them.
    blurb.series = sorted((p.series_id, p.number, p.series.title)
                          for p in getattr(work, "shown_series_parts", ()))
    return blurb


# --------------------------------------------------------------------------------- HTML


@lru_cache(maxsize=8)
def _url_around(script_prefix: str, name: str) -> tuple[str, str]:
    slot = "0slot0"
    before, _, after = reverse(name, args=[slot]).partition(slot)
    return before, after


def _url(name: str, arg: str) -> str:
    """reverse(name, args=[arg]) for a URL with one str argument, without resolving the
    pattern each time (a page links a couple of hundred tags)."""
    if "/" in arg:  # not a path segment: let reverse() say so
        return reverse(name, args=[arg])
    before, after = _url_around(get_script_prefix(), name)
    return before + quote(arg, safe=RFC3986_SUBDELIMS + "/~:@") + after


def tag_url(name: str) -> str:
    """/tags/<name>/works, as reverse() spells it."""
    return _url("works:tag-works", tag_to_url(name))


@lru_cache(maxsize=8)
def _work_url_around(script_prefix: str) -> tuple[str, str]:
    before, _, after = reverse("works:detail", args=[987654321]).partition("987654321")
    return before, after


@lru_cache(maxsize=8)
def _series_url_around(script_prefix: str) -> tuple[str, str]:
    before, _, after = reverse("series:detail", args=[987654321]).partition("987654321")
    return before, after


def _series_url(series_id: int, script_prefix: str) -> str:
    before, after = _series_url_around(script_prefix)
    return f"{before}{series_id}{after}"


def work_url(work_id: int, script_prefix: str | None = None) -> str:
    before, after = _work_url_around(
        get_script_prefix() if script_prefix is None else script_prefix)
    return f"{before}{work_id}{after}"


def number(value: int, language: str | None = None) -> str:
    """{{ value|intcomma }}."""
    if 0 <= value < 1000:
        return str(value)
    return _grouped(get_language() if language is None else language, value)


# Formatting a number or a date looks up the active language's formats each time; a page
# shows the same few again and again. (The language is part of the key.)
@lru_cache(maxsize=4096)
def _grouped(language: str | None, value: int) -> str:
    return intcomma(value)


@lru_cache(maxsize=4096)
def _day(language: str | None, value: datetime.date | None) -> str:
    return date_filter(value, "d M Y")


def escape(text: str) -> str:
    """What autoescaping does to a plain string (django.utils.html.escape without its lazy
    string handling, which cost more than the escaping on a page of blurbs)."""
    return html.escape(text)


@lru_cache(maxsize=8)
def _sprite_url(static_url: str) -> str:
    return static("img/required-tags.svg")


def _symbol(kind: str, symbol_id: str, label: str) -> SafeString:
    """One required-tag symbol: our SVG drawing (static/img/required-tags.svg, `symbol_id`),
    an image whose <title> names it for screen readers and as the tooltip. (One copy of the
    words: a listing shows eighty of these.)"""
    href = f"{_sprite_url(settings.STATIC_URL)}#{symbol_id}"
    return mark_safe(  # noqa: S308 - escaped here
        f'<svg class="symbol {escape(kind)}" role="img" width="24" height="24">'
        f'<title>{escape(label)}</title><use href="{escape(href)}"/></svg>')


RATING_SYMBOLS = {"General Audiences": "rating-g", "Teen And Up Audiences": "rating-t",
                  "Mature": "rating-m", "Explicit": "rating-e", "Not Rated": "rating-nr"}
CATEGORY_SYMBOLS = {"F/F": "category-ff", "F/M": "category-fm", "Gen": "category-gen",
                    "M/M": "category-mm", "Multi": "category-multi", "Other": "category-other"}


# The symbols are cached by the tag names they show: a handful of combinations in all.
@lru_cache(maxsize=256)
def _rating_symbol(ratings: tuple[str, ...]) -> SafeString:
    name = ratings[0] if ratings else "Not Rated"
    return _symbol("rating", RATING_SYMBOLS.get(name, "rating-nr"), f"Rating: {name}")


def rating_symbol(ratings: list[str]) -> SafeString:
    """The rating's symbol for blurbs and work pages."""
    return _rating_symbol(tuple(ratings))


@lru_cache(maxsize=256)
def _warning_symbol(names: tuple[str, ...]) -> SafeString:
    if not names or names == (NO_WARNINGS,):
        return _symbol("warnings none", "warnings-none", f"Archive warnings: {NO_WARNINGS}")
    if names == (CHOSE_NOT_TO_WARN,):
        return _symbol("warnings choosenotto", "warnings-choosenotto",
                       f"Archive warnings: {CHOSE_NOT_TO_WARN}")
    listed = ", ".join(n for n in names if n != NO_WARNINGS)
    return _symbol("warnings yes", "warnings-yes", f"Archive warnings: {listed}")


def warning_symbol(names: list[str], *, hidden: bool = False) -> SafeString:
    """A warning triangle when the work carries archive warnings, a question mark when its
    creator chose not to warn, an empty outline when none apply; the title names them.
    `hidden`: the reader hides archive warnings, so the symbol says nothing of them."""
    return _HIDDEN_WARNINGS if hidden else _warning_symbol(tuple(names))


_HIDDEN_WARNINGS = _symbol("warnings hidden", "warnings-hidden",
                           "Archive warnings hidden by your preferences")


@lru_cache(maxsize=256)
def _category_symbol(names: tuple[str, ...]) -> SafeString:
    if not names:
        return _symbol("category none", "category-none", "Category: none")
    symbol_id = CATEGORY_SYMBOLS.get(names[0], "category-other") if len(names) == 1 \
        else "category-multi"
    listed = ", ".join(names)
    return _symbol("category", symbol_id, f"Categor{'y' if len(names) == 1 else 'ies'}: {listed}")


def category_symbol(names: list[str]) -> SafeString:
    return _category_symbol(tuple(names))


@lru_cache(maxsize=2)
def _completion_symbol(complete: bool) -> SafeString:
    if complete:
        return _symbol("iswip complete", "iswip-complete", "Complete Work")
    return _symbol("iswip wip", "iswip-wip", "Work in Progress")


def completion_symbol(complete: bool) -> SafeString:
    return _completion_symbol(complete)


def required_tags_html(ratings: list[str], warnings: list[str], categories: list[str],
                       complete: bool, *, hide_warnings: bool = False) -> str:
    """The four symbols as a list, the same on blurbs and work pages (`hide_warnings`: the
    reader hides archive warnings)."""
    return (f'<ul class="required-tags" aria-label="Required tags">'
            f"<li>{rating_symbol(ratings)}</li>"
            f"<li>{warning_symbol(warnings, hidden=hide_warnings)}</li>"
            f"<li>{category_symbol(categories)}</li><li>{completion_symbol(complete)}</li></ul>")


def gifts_html(recipients: list[tuple[str, str | None]],
               script_prefix: str | None = None) -> str:
    """"for A, B": archive users link to their gifts page, plain names are text."""
    if not recipients:
        return ""
    prefix = get_script_prefix() if script_prefix is None else script_prefix
    return "for " + ", ".join(_gift_link(prefix, name, username)
                              for name, username in recipients)


@lru_cache(maxsize=4096)
def _gift_link(script_prefix: str, name: str, username: str | None) -> str:
    if username is None:
        return escape(name)
    shown = name if name.lower() == username.lower() else f"{name} ({username})"
    return f'<a href="{escape(_url("gifts:list", username))}">{escape(shown)}</a>'


def byline_html(creators: list[tuple[str, str]], script_prefix: str | None = None) -> str:
    """Creator links, "pseud (user)" where the pseud is not the login name."""
    if not creators:
        return "Anonymous"
    prefix = get_script_prefix() if script_prefix is None else script_prefix
    return ", ".join(_creator_link(prefix, name, username) for name, username in creators)


def own_anonymous_byline_html(creators: list[tuple[str, str]],
                              script_prefix: str | None = None) -> str:
    """An anonymous work's byline as its creators see it: "Anonymous", then their names
    marked as seen only by them."""
    return (f'Anonymous <span class="anonymous-own" title="Only you and your co-creators see '
            f'your names on this anonymous work">[{byline_html(creators, script_prefix)}]</span>')


@lru_cache(maxsize=4096)
def _creator_link(script_prefix: str, name: str, username: str) -> str:
    byline = name if name.lower() == username.lower() else f"{name} ({username})"
    href = f"{_url('accounts:pseuds', username)}/{quote(name, safe=RFC3986_SUBDELIMS + '~:@')}"
    return f'<a rel="author" href="{escape(href)}">{escape(byline)}</a>'


@lru_cache(maxsize=4096)
def _tag_link(script_prefix: str, name: str) -> str:
    return f'<a class="tag" href="{escape(tag_url(name))}">{escape(name)}</a>'


def tag_link(name: str) -> str:
    """A tag's name linking to its works (the same few hundred tags fill most pages)."""
    return _tag_link(get_script_prefix(), name)


# The tag types listed after the header, with the class of their list items.
_LISTED = ((Tag.Type.WARNING, "warnings"), (Tag.Type.RELATIONSHIP, "relationships"),
           (Tag.Type.CHARACTER, "characters"), (Tag.Type.FREEFORM, "freeforms"))


# What the "Show …" control of a tag type a reader hides says (AO3's spoiler preferences).
SHOW_HIDDEN: dict[str, str] = {Tag.Type.WARNING: "Show warnings", Tag.Type.FREEFORM: "Show tags"}


def spoiler_html(summary: str, links: str) -> str:
    """Tags a reader chose to hide, behind a control that opens without JavaScript."""
    return (f'<details class="spoiler"><summary>{escape(summary)}</summary>{links}'
            "</details>")


def _listed_html(prefix: str, grouped: dict[str, list[str]], hidden: frozenset[str]) -> str:
    items = []
    for tag_type, css in _LISTED:
        names = grouped[tag_type]
        if tag_type in hidden and names:
            links = ", ".join(_tag_link(prefix, name) for name in names)
            items.append(f'<li class="{css} hidden-tags">'
                         f"{spoiler_html(SHOW_HIDDEN[tag_type], links)}</li>")
        else:
            items.extend(f'<li class="{css}">{_tag_link(prefix, name)}</li>' for name in names)
    return "".join(items)


def hidden_tag_types(*, hide_warnings: bool, hide_freeform: bool) -> frozenset[str]:
    """The tag types a reader's preferences keep behind a "Show …" control."""
    return frozenset(([Tag.Type.WARNING] if hide_warnings else [])
                     + ([Tag.Type.FREEFORM] if hide_freeform else []))


NOTHING_HIDDEN: frozenset[str] = frozenset()


def blurb_html(blurb: Blurb, match: Any = None, *, own: bool = False,
               hidden: frozenset[str] = NOTHING_HIDDEN) -> SafeString:
    """The blurb's <li>; `match` is a search result's passage (search.selectors.Match).
    `own`: the page is one of the work's creators' (never stored for guests), and an
    anonymous work shows them their names beside "Anonymous". `hidden`: the tag types the
    reader keeps behind a "Show warnings" / "Show tags" control (hidden_tag_types; only
    logged-in readers set them, so guests' shared pages never differ)."""
    b = blurb
    prefix, language = get_script_prefix(), get_language()
    if b.stamp is None or match or own:
        return _blurb_html(b, match, own=own, hidden=hidden, prefix=prefix, language=language)
    key = (b.id, prefix, language, hidden, settings.STATIC_URL)
    kept = _kept_html.get(key, b.stamp)
    if kept is None:
        kept = _blurb_html(b, None, own=False, hidden=hidden, prefix=prefix, language=language)
        _kept_html.put(key, b.stamp, kept)
    return kept


def _blurb_html(b: Blurb, match: Any, *, own: bool, hidden: frozenset[str], prefix: str,
                language: str | None) -> SafeString:
    grouped: dict[str, list[str]] = defaultdict(list)
    for tag_type, name in b.tags:
        grouped[tag_type].append(name)
    flags = (' <span class="draft-label">Draft</span>' if b.is_draft else "") + (
        ' <span class="hidden-label">Hidden by a moderator</span>'
        if b.state == Work.State.HIDDEN else "") + (
        ' <span class="lock" title="Restricted: only logged-in users can see it">🔒</span>'
        if b.restricted else "")
    listed = _listed_html(prefix, grouped, hidden)
    summary = (f'<blockquote class="userstuff summary">{b.summary}</blockquote>'
               if b.summary else "")
    snippet = ""
    if match:
        passage = match.snippet.html
        snippet = (f'<div class="snippet"><p>{passage() if callable(passage) else passage}</p>'
                   f'<p class="found-in"><a href="{escape(match.url)}">Found in '
                   f"{escape(match.chapter.full_title)}</a></p></div>")
    gifts = f" {gifts_html(b.gifts, prefix)}" if b.gifts else ""
    series = ('<h6 class="landmark heading">Series</h6><ul class="series">'
              + "".join(f"<li>Part <strong>{n}</strong> of "
                        f'<a href="{escape(_series_url(series_id, prefix))}">{escape(title)}</a>'
                        "</li>" for series_id, n, title in b.series)
              + "</ul>") if b.series else ""
    byline = (own_anonymous_byline_html(b.own_creators, prefix) if own and b.own_creators
              else byline_html(b.creators, prefix))
    required = required_tags_html(grouped[Tag.Type.RATING], grouped[Tag.Type.WARNING],
                                  grouped[Tag.Type.CATEGORY], b.complete,
                                  hide_warnings=Tag.Type.WARNING in hidden)
    expected = "?" if b.expected_chapters is None else str(b.expected_chapters)
    comments = (f'<dt class="comments">Comments:</dt>'
                f"<dd>{number(b.comments_count, language)}</dd>" if b.comments_count else "")
    kudos = (f'<dt class="kudos">Kudos:</dt><dd>{number(b.kudos_count, language)}</dd>'
             if b.kudos_count else "")
    bookmarks = (f'<dt class="bookmarks">Bookmarks:</dt>'
                 f"<dd>{number(b.bookmarks_count, language)}</dd>" if b.bookmarks_count else "")
    return mark_safe(  # noqa: S308 - every value above is escaped or stored sanitized
        f'<li class="work blurb group" id="work_{b.id}">\n'
        f'  <div class="header">\n'
        f'    <h4 class="heading"><a href="{work_url(b.id, prefix)}">{escape(b.title)}</a> by '
        f"{byline}{gifts}{flags}</h4>\n"
        f'    <h5 class="fandoms heading"><span class="landmark">Fandoms:</span> '
        f'{", ".join(_tag_link(prefix, name) for name in grouped[Tag.Type.FANDOM])}</h5>\n'
        f"    {required}\n"
        f'    <p class="datetime">{_day(language, b.updated)}</p>\n'
        f"  </div>\n"
        f'  <ul class="tags commas">{listed}</ul>\n'
        f"  {summary}\n"
        f"  {series}\n"
        f"  {snippet}\n"
        f'  <dl class="stats">\n'
        f'    <dt class="language">Language:</dt><dd lang="{escape(b.language)}">'
        f"{escape(LANGUAGE_NAMES.get(b.language, b.language))}</dd>\n"
        f'    <dt class="words">Words:</dt><dd>{number(b.word_count, language)}</dd>\n'
        f'    <dt class="chapters">Chapters:</dt><dd>{b.chapter_count}/{expected}</dd>\n'
        f"    {comments}\n"
        f"    {kudos}\n"
        f"    {bookmarks}\n"
        f'    <dt class="hits">Hits:</dt><dd>{number(b.hits, language)}</dd>\n'
        f"  </dl>\n"
        f"</li>\n"
    )
