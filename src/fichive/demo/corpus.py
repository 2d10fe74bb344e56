"""Generating a large synthetic archive (`fichive generate`): users with pseuds, wrangled tags,
and works with chapters, taggings and filter taggings, written with bulk inserts (executemany on
SQLite, COPY on PostgreSQL) while keeping every derived column as the services would.

Shape: fandom, character, relationship and freeform popularity follow Zipf laws; a few authors
write many works; ratings, warnings and categories in AO3-like proportions; many one-shots and
a long tail of 100k+ word epics; hits, kudos, bookmarks and comments heavy-tailed and
correlated; some restricted works and drafts; mostly English, with other languages (accents,
Cyrillic, CJK). A fraction of works get generated prose as chapter text (`ProsePool`: each in
one or two topics, so story words are found in some works only); the rest get a one-paragraph
placeholder and keep their nominal word counts (see `generate`).
The same seed and options give the same archive.
"""

from __future__ import annotations

import bisect
import datetime
import html
import itertools
import json
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from fichive.accounts.models import Pseud, User
from fichive.demo import GENERATOR_VERSION
from fichive.demo.prose import FOREIGN, NAMES, ProsePool, sentence, title
from fichive.tags.models import UNCATEGORIZED, Tag, tag_key
from fichive.tags.relationships import relationship_character_names
from fichive.works.models import Chapter, Creatorship, FilterTagging, Tagging, Work
from fichive.works.services import sort_title

FIRST_DAY = datetime.date(2009, 11, 1)
LAST_DAY = datetime.date(2025, 12, 31)
# Django's mark for "no password": nobody logs in as a generated user.
UNUSABLE_PASSWORD = "!"  # noqa: S105

RATING_WEIGHTS = {"General Audiences": 22, "Teen And Up Audiences": 28, "Mature": 15,
                  "Explicit": 23, "Not Rated": 12}
WARNING_WEIGHTS = {"No Archive Warnings Apply": 58,
                   "Creator Chose Not To Use Archive Warnings": 30,
                   "Graphic Depictions Of Violence": 7, "Major Character Death": 3,
                   "Rape/Non-Con": 1, "Underage Sex": 1}
CATEGORY_WEIGHTS = {"M/M": 45, "F/M": 20, "Gen": 18, "F/F": 9, "Multi": 6, "Other": 2}
LANGUAGE_WEIGHTS = {"en": 86, "es": 3, "zh": 3, "ru": 2, "fr": 2, "de": 1, "pt-BR": 1,
                    "ja": 1, "ko": 1}
MEDIA_WEIGHTS = {"Anime & Manga": 18, "Books & Literature": 16, "TV Shows": 20,
                 "Movies": 12, "Video Games": 14, "Cartoons & Comics & Graphic Novels": 8,
                 "Celebrities & Real People": 4, "Music & Bands": 3, "Theater": 1,
                 "Other Media": 2, UNCATEGORIZED: 2}
MEDIA_SUFFIX = {"TV Shows": " (TV)", "Movies": " (Movie)", "Video Games": " (Video Game)",
                "Anime & Manga": " (Anime)", "Books & Literature": "",
                "Cartoons & Comics & Graphic Novels": " (Comics)", "Theater": " - Musical"}
SYLLABLES = ["al", "an", "ar", "bel", "bri", "ca", "cor", "da", "del", "el", "en", "fa",
             "fin", "ga", "hal", "is", "ka", "kel", "la", "lin", "ma", "mer", "na", "nor",
             "o", "pa", "per", "ra", "ren", "sa", "sel", "ta", "tor", "u", "va", "vin", "wen",
             "ya", "zor", "th", "mi", "ro"]
ACCENTED = ["Zoë", "Renée", "Joaquín", "Søren", "Björn", "Anaïs", "Élodie", "Ånund",
            "Mikaël", "Iñaki", "Chloé", "Dvořák"]
TROPES = ["Fluff", "Angst", "Hurt/Comfort", "Slow Burn", "Found Family", "Friends to Lovers",
          "Enemies to Lovers", "Alternate Universe - Modern Setting", "Alternate Universe - "
          "Coffee Shops & Cafés", "Alternate Universe - Canon Divergence", "Established "
          "Relationship", "Pining", "Mutual Pining", "Humor", "Romance", "Smut", "Canon "
          "Compliant", "Post-Canon", "Pre-Canon", "Fix-It", "Hurt No Comfort", "Angst with a "
          "Happy Ending", "Domestic Fluff", "Fake/Pretend Relationship", "Time Travel",
          "Soulmates", "Soulmate-Identifying Marks", "Dragons", "Magic", "Kissing", "First "
          "Kiss", "Love Confessions", "Sharing a Bed", "Letters", "Tea", "Rain", "Winter",
          "Christmas", "Halloween", "Road Trips", "Hogwarts Era", "Minor Character Death",
          "Character Study", "Introspection", "Drabble", "Crack", "Crack Treated Seriously",
          "Whump", "Protective", "Sickfic", "Nightmares", "Comfort", "Getting Together",
          "Alternate Universe - Royalty", "Alternate Universe - College/University",
          "Alternate Universe - Fantasy", "Alternate Universe - Soulmates", "Dark", "Mystery",
          "Case Fic", "Adventure", "Drama", "Family", "Friendship", "Grief/Mourning"]
FREEFORM_WORDS = ["Lanterns", "Harbours", "Ferries", "Ledgers", "Rivers", "Buttons",
                  "Orchards", "Storms", "Compasses", "Embers", "Salt", "Signals", "Paper",
                  "Gardens", "Bridges", "Tides", "Wyverns", "Clockwork", "Libraries", "Bakeries",
                  "Knights", "Ghosts", "Witches", "Trains", "Lighthouses", "Maps", "Honey"]
FREEFORM_SHAPES = ["{a}", "{a} and {b}", "Alternate Universe - {a}", "{a} as a Metaphor",
                   "Everyone Loves {a}", "Accidental {a}", "Not Actually {a}", "{a} Kink",
                   "Background {a}", "Angst about {a}", "{a} Are Involved"]


# ----------------------------------------------------------------------------- sampling


class Zipf:
    """Picks items with probability proportional to 1 / rank^s (rank 1 = first item)."""

    def __init__(self, items: Sequence[Any], s: float = 1.0) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(1.0 / (rank ** s)
                                             for rank in range(1, len(self.items) + 1)))

    def pick(self, rng: random.Random) -> Any:
        index = bisect.bisect_left(self.cum, rng.random() * self.cum[-1])
        return self.items[min(index, len(self.items) - 1)]


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(rng: random.Random, start: datetime.date, end: datetime.date = LAST_DAY,
         recent: float = 0.6) -> datetime.date:
    """A day in [start, end], more likely near the end (archives grow over the years)."""
    span = max(0, (end - start).days)
    return start + datetime.timedelta(days=int(span * rng.random() ** recent))


# ------------------------------------------------------------------------------ writing


class Writer:
    """Bulk inserts of plain tuples: COPY on PostgreSQL, executemany on SQLite. Columns the
    caller doesn't give are filled with the model field's default (auto_now fields: now)."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    def insert(self, model: type[models.Model], names: Sequence[str],
               rows: Iterable[Sequence[Any]]) -> int:
        meta = model._meta
        given: list[models.Field] = [meta.get_field(n) for n in names]  # type: ignore[misc]
        extra: list[Any] = []
        extra_fields: list[models.Field] = []
        for f in meta.concrete_fields:
            if f in given or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = self.now
            else:
                value = f.get_default()
                if isinstance(f, models.JSONField):  # as text: both COPY and SQLite take it
                    value = json.dumps(value)
            extra_fields.append(f)
            extra.append(value)
        fields = given + extra_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        tail = tuple(extra)
        count = 0
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, *tail))
                        count += 1
                return count
            adapt = self._sqlite_adapters(fields)
            marks = ", ".join(["%s"] * len(fields))
            if adapt:
                prepared = [self._adapt(tuple(row) + tail, adapt) for row in rows]
            else:
                prepared = [tuple(row) + tail for row in rows]
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our names
            cursor.executemany(sql, prepared)
            return len(prepared)

    @staticmethod
    def _sqlite_adapters(fields: list[models.Field]) -> list[tuple[int, Callable]]:
        ops = connection.ops
        adapters: list[tuple[int, Callable]] = []
        for i, f in enumerate(fields):
            if isinstance(f, models.DateTimeField):
                adapters.append((i, ops.adapt_datetimefield_value))
            elif isinstance(f, models.DateField):
                adapters.append((i, ops.adapt_datefield_value))
        return adapters

    @staticmethod
    def _adapt(row: tuple, adapters: list[tuple[int, Callable]]) -> tuple:
        values = list(row)
        for i, adapt in adapters:
            if values[i] is not None:
                values[i] = adapt(values[i])
        return tuple(values)

    def update_uses(self, uses: Counter) -> None:
        table = connection.ops.quote_name(Tag._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET uses = %s WHERE id = %s",  # noqa: S608
                               [(n, tag_id) for tag_id, n in sorted(uses.items())])

    def reset_sequences(self, model_list: list[type[models.Model]]) -> None:
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), model_list)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _next_id(model: type[models.Model]) -> int:
    last = model._default_manager.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


# --------------------------------------------------------------------------------- tags


@dataclass
class FandomTags:
    fandom: Zipf                      # picks a fandom index
    fandom_ids: list[int]
    fandom_alias: dict[int, int]      # canonical fandom id → a synonym tag id
    characters: list[Zipf]            # per fandom: picks a character tag id
    relationships: list[Zipf | None]  # per fandom: picks a relationship tag id
    freeform: Zipf
    fixed: dict[str, int]
    synonym_of: dict[int, int]        # canonical id → a synonym id authors sometimes use
    found_under: dict[int, tuple[int, ...]]
    effective: dict[int, int]         # tag id → canonical id (itself unless a synonym)
    count: int = 0
    top_fandom: str = ""


class _TagMaker:
    def __init__(self, rng: random.Random, writer: Writer) -> None:
        self.rng = rng
        self.writer = writer
        self.next_id = _next_id(Tag)
        self.keys = set(Tag.objects.values_list("key", flat=True))
        self.rows: list[tuple] = []
        self.info: dict[int, tuple[str, str, bool, int | None]] = {}  # id → type,name,can,merger
        self.parents: list[tuple[int, int]] = []
        self.metas: list[tuple[int, int]] = []

    def add(self, tag_type: str, name: str, *, canonical: bool = True,
            merger: int | None = None, media: str = UNCATEGORIZED,
            disambiguate: str = "") -> int | None:
        name = " ".join(name.split())[:150]
        key = tag_key(name)
        if key in self.keys and disambiguate:
            name = f"{name} ({disambiguate})"[:150]
            key = tag_key(name)
        if key in self.keys:
            return None
        self.keys.add(key)
        tag_id, self.next_id = self.next_id, self.next_id + 1
        self.rows.append((tag_id, tag_type, name, key, canonical and merger is None, merger,
                          media, 0))
        self.info[tag_id] = (tag_type, name, canonical and merger is None, merger)
        return tag_id

    def unique(self, tag_type: str, make: Callable[[], str], **kwargs: Any) -> int:
        for attempt in range(50):
            suffix = "" if attempt < 5 else f" {attempt - 3}"
            tag_id = self.add(tag_type, make() + suffix, **kwargs)
            if tag_id is not None:
                return tag_id
        # Huge archives exhaust the word combinations: number the name after its id.
        for _ in range(50):
            tag_id = self.add(tag_type, f"{make()} {self.next_id}", **kwargs)
            if tag_id is not None:
                return tag_id
        raise RuntimeError("could not find a free tag name")


def _person(rng: random.Random, given: list[str], family: list[str]) -> str:
    return f"{rng.choice(given)} {rng.choice(family)}"


def _syllable_names(rng: random.Random, count: int) -> list[str]:
    names: dict[str, None] = {}
    while len(names) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        names[word.capitalize()] = None
    return list(names)


def make_tags(rng: random.Random, works: int, writer: Writer) -> FandomTags:
    """Fandoms with their characters and relationships, freeforms, wrangling (synonyms,
    parents, meta tags), and for each tag the filter tags a work with it is found under."""
    maker = _TagMaker(rng, writer)
    fixed = dict(Tag.objects.filter(type__in=["rating", "warning", "category"])
                 .values_list("name", "id"))
    given = NAMES + ACCENTED + _syllable_names(rng, 400)
    family = _syllable_names(rng, 600)
    fandom_count = max(20, works // 40)
    fandom_ids: list[int] = []
    fandom_alias: dict[int, int] = {}
    characters: list[Zipf] = []
    relationships: list[Zipf | None] = []
    synonym_of: dict[int, int] = {}
    for rank in range(fandom_count):
        media = weighted(rng, MEDIA_WEIGHTS)
        suffix = MEDIA_SUFFIX.get(media, "")
        # No commas: tag fields and listing filters take comma-separated names.
        fandom = maker.unique("fandom", lambda: title(rng).replace(",", "") + suffix,  # noqa: B023
                              media=media)
        fandom_ids.append(fandom)
        fandom_name = maker.info[fandom][1]
        if rng.random() < 0.05:  # an abbreviation wranglers made a synonym
            initials = "".join(w[0] for w in fandom_name.split() if w[0].isalpha()).upper()
            alias = maker.add("fandom", f"{initials} - {fandom_name}", canonical=False,
                              merger=fandom)
            if alias:
                fandom_alias[fandom] = alias
        n_chars = max(4, min(60, int(60 / (1 + rank) ** 0.4)))
        chars: list[int] = []
        char_names: list[str] = []
        for c in range(n_chars):
            canonical = c < 3 or rng.random() < 0.9
            char = maker.unique("character", lambda: _person(rng, given, family),
                                canonical=canonical, disambiguate=fandom_name)
            chars.append(char)
            char_names.append(maker.info[char][1])
            if canonical:
                maker.parents.append((char, fandom))
                if rng.random() < 0.1:
                    first, _, last = maker.info[char][1].partition(" ")
                    alias = maker.add("character", f"{last} {first}", canonical=False,
                                      merger=char)
                    if alias:
                        synonym_of[char] = alias
        characters.append(Zipf(chars, 1.2))
        rels: list[int] = []
        pick_char = Zipf(range(n_chars), 1.0)
        for _ in range(max(1, int(n_chars * 0.8))):
            a, b = pick_char.pick(rng), pick_char.pick(rng)
            if a == b:
                continue
            sep = "/" if rng.random() < 0.7 else " & "
            names = [char_names[a], char_names[b]]
            if rng.random() < 0.03:
                names.append(char_names[pick_char.pick(rng)])
            canonical = rng.random() < 0.92
            rel = maker.add("relationship", sep.join(dict.fromkeys(names)), canonical=canonical)
            if rel is None:
                continue
            rels.append(rel)
            if canonical:
                maker.parents.append((rel, fandom))
                if rng.random() < 0.1 and len(names) == 2:
                    alias = maker.add("relationship", sep.join(reversed(names)),
                                      canonical=False, merger=rel)
                    if alias:
                        synonym_of[rel] = alias
        relationships.append(Zipf(rels, 1.0) if rels else None)

    freeform_count = max(300, works // 10)
    freeforms: list[int] = []
    au_meta = maker.add("freeform", "Alternate Universe")
    assert au_meta is not None
    for trope in TROPES:
        tag_id = maker.add("freeform", trope)
        if tag_id:
            freeforms.append(tag_id)
            if trope.startswith("Alternate Universe - "):
                maker.metas.append((tag_id, au_meta))
    canonical_pool = list(freeforms)
    while len(freeforms) < freeform_count:
        roll = rng.random()
        words = rng.sample(FREEFORM_WORDS, 2)
        make = lambda w=words: rng.choice(FREEFORM_SHAPES).format(a=w[0], b=w[1])  # noqa: E731
        if roll < 0.1:
            tag_id = maker.unique("freeform", make, canonical=False,
                                  merger=rng.choice(canonical_pool))
        else:
            canonical = roll > 0.35 or len(freeforms) < 200
            tag_id = maker.unique("freeform", make, canonical=canonical)
            if canonical:
                canonical_pool.append(tag_id)
                if tag_id and maker.info[tag_id][1].startswith("Alternate Universe - "):
                    maker.metas.append((tag_id, au_meta))
        freeforms.append(tag_id)
    # Meta tags: each of the 40 most used canonical freeforms gains a few rarer sub tags.
    rare = canonical_pool[200:]
    for meta in canonical_pool[:40]:
        for sub in rng.sample(rare, k=min(3, len(rare))):
            if sub != meta:
                maker.metas.append((sub, meta))

    tag_fields = ["id", "type", "name", "key", "canonical", "merger", "media", "uses"]
    writer.insert(Tag, tag_fields, sorted(maker.rows, key=lambda r: r[5] is not None))
    through_parent = Tag.parents.through
    writer.insert(through_parent, ["from_tag", "to_tag"], maker.parents)
    through_meta = Tag.meta_tags.through
    writer.insert(through_meta, ["from_tag", "to_tag"], sorted(set(maker.metas)))

    # What each tag's works are found under, exactly as filter_tags_rebuild computes it.
    above: dict[int, set[int]] = {}
    for sub, meta in set(maker.metas):
        above.setdefault(sub, set()).add(meta)

    def closure(tag_id: int, path: frozenset[int] = frozenset()) -> set[int]:
        result: set[int] = set()
        for meta in above.get(tag_id, ()):
            if meta not in path:
                result |= {meta} | closure(meta, path | {tag_id})
        return result

    character_by_key = {tag_key(name): (merger or tag_id)
                        for tag_id, (kind, name, _, merger) in maker.info.items()
                        if kind == "character"}
    effective: dict[int, int] = {t: t for t in fixed.values()}
    found_under: dict[int, tuple[int, ...]] = {t: (t,) for t in fixed.values()}
    for tag_id, (kind, _name, _canonical, merger) in maker.info.items():
        target = merger or tag_id
        effective[tag_id] = target
        own = {target}
        target_kind, target_name, target_canonical, _ = maker.info[target]
        if kind == "relationship" and target_canonical:
            for char_name in relationship_character_names(target_name):
                found_char = character_by_key.get(tag_key(char_name))
                if found_char is not None:
                    own.add(found_char)
        found: set[int] = set()
        for t in own:
            found |= {t} | closure(t)
        found_under[tag_id] = tuple(sorted(found))
    return FandomTags(
        fandom=Zipf(range(fandom_count), 1.0), fandom_ids=fandom_ids, fandom_alias=fandom_alias,
        characters=characters, relationships=relationships, freeform=Zipf(freeforms, 0.9),
        fixed=fixed, synonym_of=synonym_of, found_under=found_under, effective=effective,
        count=len(maker.rows), top_fandom=maker.info[fandom_ids[0]][1],
    )


# -------------------------------------------------------------------------------- users


@dataclass
class Writers:
    pick: Zipf                                 # picks a user index
    pseuds: list[list[tuple[int, str]]]        # per user: (pseud id, name), default first
    count: int = 0


def make_users(rng: random.Random, works: int, writer: Writer) -> Writers:
    """Authors with unusable passwords; one in five has extra pseuds."""
    count = max(50, works // 5)
    next_user, next_pseud = _next_id(User), _next_id(Pseud)
    taken = {u.casefold() for u in User.objects.values_list("username", flat=True)}
    given = [n for n in NAMES] + _syllable_names(rng, 300)
    users: list[tuple] = []
    pseud_rows: list[tuple] = []
    pseuds: list[list[tuple[int, str]]] = []
    for i in range(count):
        base = f"{rng.choice(given)}{rng.choice(('', '_', ''))}{rng.choice(SYLLABLES)}"
        username = f"{base}{i}" if rng.random() < 0.7 else f"{base}_{i}"
        username = username[:40]
        if username.casefold() in taken:
            username = f"writer_{i}"
        taken.add(username.casefold())
        user_id = next_user + i
        joined = datetime.datetime.combine(_day(rng, FIRST_DAY, recent=0.7),
                                           datetime.time(12), tzinfo=datetime.UTC)
        users.append((user_id, UNUSABLE_PASSWORD, username, f"{username}@example.org", joined))
        own = [(next_pseud, username, True)]
        next_pseud += 1
        if rng.random() < 0.2:
            for extra in range(rng.randint(1, 4)):
                name = f"{rng.choice(given + ACCENTED)} {rng.choice(SYLLABLES)}{extra}"
                own.append((next_pseud, name[:40], False))
                next_pseud += 1
        pseud_rows += [(pid, user_id, name, default) for pid, name, default in own]
        pseuds.append([(pid, name) for pid, name, _ in own])
    writer.insert(User, ["id", "password", "username", "email", "date_joined"], users)
    writer.insert(Pseud, ["id", "user", "name", "is_default"], pseud_rows)
    return Writers(pick=Zipf(range(count), 0.9), pseuds=pseuds, count=count)


# -------------------------------------------------------------------------------- works


@dataclass
class Summary:
    works: int = 0
    users: int = 0
    tags: int = 0
    chapters: int = 0
    with_text: int = 0
    words: int = 0
    taggings: int = 0
    filter_taggings: int = 0
    seconds: float = 0.0
    first_work_id: int = 0
    last_work_id: int = 0
    top_fandom: str = ""
    uses: Counter = field(default_factory=Counter)

    def line(self) -> str:
        rate = self.works / self.seconds if self.seconds else math.inf
        return (f"Generated {self.works:,} works ({self.with_text:,} with text, "
                f"{self.chapters:,} chapters, {self.taggings:,} taggings, "
                f"{self.filter_taggings:,} filter taggings) by {self.users:,} writers with "
                f"{self.tags:,} tags in {self.seconds:,.0f} s ({rate:,.0f} works/s).")


def _work_tags(rng: random.Random, tags: FandomTags) -> list[int]:
    """One work's own tags (ids, in AO3's display order)."""
    fixed = tags.fixed
    chosen = [fixed[weighted(rng, RATING_WEIGHTS)]]
    chosen += sorted({fixed[weighted(rng, WARNING_WEIGHTS)]
                      for _ in range(1 + (rng.random() < 0.12))})
    fandom_indexes = [tags.fandom.pick(rng)]
    if rng.random() < 0.05:
        fandom_indexes.append(tags.fandom.pick(rng))
    fandoms, rels, chars = [], [], []
    for f in dict.fromkeys(fandom_indexes):
        fandom_id = tags.fandom_ids[f]
        alias = tags.fandom_alias.get(fandom_id)
        fandoms.append(alias if alias and rng.random() < 0.15 else fandom_id)
        chars += [tags.characters[f].pick(rng) for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 6)))]
        if tags.relationships[f] is not None:
            rel_zipf = tags.relationships[f]
            assert rel_zipf is not None
            rels += [rel_zipf.pick(rng) for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3)))]
    n_categories = rng.choice((0, 1, 1, 1, 1, 2))
    if not rels:
        categories = {fixed["Gen"]} if rng.random() < 0.8 else set()
    else:
        categories = {fixed[weighted(rng, CATEGORY_WEIGHTS)] for _ in range(n_categories)}
    chosen += sorted(categories)
    frees = [tags.freeform.pick(rng) for _ in range(min(30, int(rng.expovariate(1 / 5))))]

    def maybe_synonym(tag_id: int) -> int:
        alias = tags.synonym_of.get(tag_id)
        return alias if alias and rng.random() < 0.2 else tag_id

    chosen += fandoms + [maybe_synonym(t) for t in rels + chars] + frees
    return list(dict.fromkeys(chosen))


def _placeholder(position: int, words: int) -> str:
    return (f"<p>[Generated placeholder: chapter {position} of this work stands for "
            f"{words} words of text.]</p>")


class WorkMaker:
    """Builds batches of works with everything that hangs off them, and writes them."""

    def __init__(self, rng: random.Random, tags: FandomTags, writers: Writers,
                 text_fraction: float, writer: Writer, summary: Summary) -> None:
        self.rng, self.tags, self.writers, self.writer = rng, tags, writers, writer
        self.text_fraction = text_fraction
        self.summary = summary
        self.next_work = _next_id(Work)
        self.pools: dict[str, ProsePool] = {}
        pool_rng = random.Random(rng.random())  # noqa: S311 - reproducible, not secret
        for language in LANGUAGE_WEIGHTS:
            size = 12000 if language == "en" else 300  # (English: 250 a topic)
            self.pools[language] = ProsePool.build(pool_rng, language, size)
        self.languages = list(LANGUAGE_WEIGHTS)
        self.language_cum = list(itertools.accumulate(LANGUAGE_WEIGHTS.values()))
        self.popularity = {fid: 1.0 / (1 + i) ** 0.3 for i, fid in enumerate(tags.fandom_ids)}

    def batch(self, count: int) -> None:
        rng, tags = self.rng, self.tags
        works, creators, chapters, taggings, filters = [], [], [], [], []
        for _ in range(count):
            work_id = self.next_work
            self.next_work += 1
            language = rng.choices(self.languages, cum_weights=self.language_cum)[0]
            name = title(rng, language)
            one_shot = rng.random() < 0.62
            chapter_count = 1 if one_shot else min(400, 1 + int(2 * rng.paretovariate(1.5)))
            complete = rng.random() < (0.97 if one_shot else 0.5)
            expected = chapter_count if complete else (
                None if rng.random() < 0.5 else chapter_count + rng.randint(1, 12))
            draft = rng.random() < 0.02
            restricted = rng.random() < 0.06
            published = None if draft else _day(rng, FIRST_DAY)
            updated = None
            if published is not None:
                updated = published if one_shot else _day(rng, published, recent=0.8)
            with_text = rng.random() < self.text_fraction
            pool = self.pools[language]
            topics = pool.pick_topics(rng) if with_text else None
            total = 0
            span = (updated - published).days if published and updated else 0
            for position in range(1, chapter_count + 1):
                target = max(50, int(rng.lognormvariate(7.7, 1.0) if one_shot
                                     else rng.lognormvariate(7.6, 0.7)))
                if with_text:
                    content, words = pool.chapter(rng, target, topics)
                else:
                    content, words = _placeholder(position, target), target
                total += words
                chapter_day = None
                if published is not None:
                    chapter_day = published + datetime.timedelta(
                        days=span * (position - 1) // max(1, chapter_count - 1))
                chapter_title = (title(rng, language) if chapter_count > 1
                                 and rng.random() < 0.3 else "")
                chapters.append((work_id, position, chapter_title, content, words, chapter_day))
            own_tags = _work_tags(rng, tags)
            fandoms = {tags.effective[t] for t in own_tags if t in self.popularity
                       or tags.effective[t] in self.popularity}
            user = self.writers.pick.pick(rng)
            user_pseuds = self.writers.pseuds[user]
            pseud = user_pseuds[0] if rng.random() < 0.75 else rng.choice(user_pseuds)
            byline = [pseud]
            if rng.random() < 0.04:
                other = self.writers.pseuds[rng.randrange(self.writers.count)][0]
                if other[0] != pseud[0]:
                    byline.append(other)
            # Engagement: hits grow with fandom size, length and age; the rest follow hits.
            stats = (0, 0, 0, 0)
            if not draft:
                assert published is not None
                age = (LAST_DAY - published).days / 365 + 0.2
                pop = max(self.popularity.get(f, 0.05) for f in fandoms) if fandoms else 0.05
                base = 4.5 + 1.5 * pop + 0.35 * math.log(total / 1000 + 1) + 0.25 * math.log(age)
                hits = int(rng.lognormvariate(base, 1.25) * (0.5 if restricted else 1.0))
                kudos = int(hits * min(0.5, rng.lognormvariate(math.log(0.06), 0.6)))
                bookmarks = int(kudos * min(1.0, rng.lognormvariate(math.log(0.12), 0.6)))
                comments = int(kudos * min(2.0, rng.lognormvariate(math.log(0.1), 0.8))
                               * math.sqrt(chapter_count))
                stats = (hits, kudos, comments, bookmarks)
            summary = " ".join(sentence(rng, language) for _ in range(rng.randint(1, 3)))
            notes = ""
            if rng.random() < 0.2:
                notes = f"<p>{html.escape(sentence(rng, language), quote=False)}</p>"
            works.append((
                work_id, name, f"<p>{html.escape(summary, quote=False)}</p>", notes, language,
                Work.State.DRAFT.value if draft else Work.State.POSTED.value, restricted,
                expected, expected == chapter_count, total, chapter_count, published, updated,
                len(fandoms) > 1, sort_title(name), byline[0][1].casefold()[:40], *stats,
            ))
            creators += [(work_id, p[0], i) for i, p in enumerate(byline)]
            taggings += [(work_id, t) for t in own_tags]
            found: set[int] = set()
            for t in own_tags:
                found.update(tags.found_under[t])
            # Filter taggings carry copies of the work's listing fields (FilterTagging).
            filters += [(work_id, t, not draft, restricted, updated, stats[1])
                        for t in sorted(found)]
            self.summary.uses.update(own_tags)
            self.summary.with_text += with_text
            self.summary.words += total
        w = self.writer
        with transaction.atomic():
            w.insert(Work, ["id", "title", "summary", "notes", "language", "state", "restricted",
                            "expected_chapters", "complete", "word_count", "chapter_count",
                            "published", "updated", "crossover", "sort_title", "sort_creator",
                            "hits", "kudos_count", "comments_count", "bookmarks_count"], works)
            w.insert(Creatorship, ["work", "pseud", "position"], creators)
            w.insert(Chapter, ["work", "position", "title", "content", "word_count",
                               "published"], chapters)
            w.insert(Tagging, ["work", "tag"], taggings)
            w.insert(FilterTagging, ["work", "tag", "listed", "restricted", "updated",
                                     "kudos_count"], filters)
        s = self.summary
        s.works += len(works)
        s.chapters += len(chapters)
        s.taggings += len(taggings)
        s.filter_taggings += len(filters)


# ---------------------------------------------------------------------------- the whole


def _progress(enabled: bool) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                    TimeRemainingColumn(), disable=not enabled)


class _FastWrites:
    """SQLite: no fsync while loading (a generated archive can be generated again)."""

    def __enter__(self) -> None:
        self.sqlite = connection.vendor == "sqlite" and not connection.in_atomic_block
        if self.sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")

    def __exit__(self, *exc: object) -> None:
        if self.sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=NORMAL")


def after_bulk_load(work_ids_range: range,
                    progress: Callable[[int, int], None] | None = None) -> None:
    """Called after works were written in bulk (bypassing the services): refresh what the
    database and other subsystems derive from them: the search index (rebuilt whole: the
    archive was empty; `progress(done, total)` after each batch) and the planner's
    statistics."""
    from fichive.search.services import search_reindex

    del work_ids_range  # the whole archive is new

    def analyze(*, vacuum: bool = False) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # VACUUM also sets the visibility map, without which index-only scans (a
                # tag's count, its page of ids) read every row from the table: counting a
                # fandom of 90,000 works at a million took 540 ms instead of 12. (Not
                # inside a transaction, where PostgreSQL refuses it: ANALYZE alone there.)
                vacuum = vacuum and not connection.in_atomic_block
                cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA optimize")

    # Statistics first: without them PostgreSQL reads the reindex's batches of taggings by
    # scanning the whole table (a million works: 0.8 s a batch instead of a few ms).
    analyze()
    search_reindex(batch=500, progress=progress)
    analyze(vacuum=True)


def generate(*, works: int, seed: int = 1, text_fraction: float = 0.1, batch: int = 2000,
             show_progress: bool | None = None) -> Summary:
    """Fill the archive (migrated, without works) with `works` generated works.

    Works with generated prose have exact word counts; the others have a placeholder
    paragraph per chapter and keep the chapter lengths they stand for as their word counts,
    so listings, filters and sorts behave as on a real archive. Everything else derived
    (chapter counts, sort keys, filter taggings, crossover flags, tag use counts) is what the
    services would compute."""
    if Work.objects.exists():
        raise ValueError("The archive already has works; generate into an empty archive.")
    if works < 1 or batch < 1 or not 0 <= text_fraction <= 1:
        raise ValueError("Use --works ≥ 1, --batch ≥ 1 and a text fraction from 0 to 1.")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    started = time.perf_counter()
    summary = Summary()
    writer = Writer()
    if show_progress is None:
        show_progress = sys.stdout.isatty()
    with _FastWrites(), _progress(show_progress) as progress:
        setup = progress.add_task("Users and tags", total=2, rate="")
        with transaction.atomic():
            writers = make_users(rng, works, writer)
            progress.advance(setup)
            tags = make_tags(rng, works, writer)
            progress.advance(setup)
        maker = WorkMaker(rng, tags, writers, text_fraction, writer, summary)
        summary.first_work_id = maker.next_work
        task = progress.add_task("Works", total=works, rate="")
        done = 0
        while done < works:
            n = min(batch, works - done)
            maker.batch(n)
            done += n
            elapsed = time.perf_counter() - started
            progress.update(task, advance=n, rate=f"{done / elapsed:,.0f} works/s")
        summary.last_work_id = maker.next_work - 1
        with transaction.atomic():
            writer.update_uses(summary.uses)
            writer.reset_sequences([User, Pseud, Tag, Work])
        index = progress.add_task("Search index, statistics", total=works, rate="")
        indexing = time.perf_counter()

        def indexed(done: int, total: int) -> None:
            rate = done / max(1e-9, time.perf_counter() - indexing)
            progress.update(index, completed=done, total=total, rate=f"{rate:,.0f} works/s")

        after_bulk_load(range(summary.first_work_id, summary.last_work_id + 1), indexed)
    summary.users, summary.tags = writers.count, tags.count
    summary.top_fandom = tags.top_fandom
    summary.seconds = time.perf_counter() - started
    return summary


__all__ = ["FOREIGN", "GENERATOR_VERSION", "Summary", "after_bulk_load", "generate"]
