"""A synthetic archive for listing benchmarks: N works with heavy-tailed fandom and tag
popularity, written straight into the tables with bulk_create (works, chapters with tiny text,
creatorships, taggings, filter taggings and the tags' wrangling). A stop-gap until the corpus
generator issue brings realistic text.

    FICHIVE_DATA_DIR=/tmp/bench .venv/bin/python bench/generate_listing_corpus.py --works 100000

It writes into the database the settings point at (migrating it first) and expects an empty
archive. The same seed gives the same corpus.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")

import django  # noqa: E402

CHUNK = 2_000
TODAY = datetime.date(2025, 6, 1)
FIRST_DAY = datetime.date(2012, 1, 1)
RATING_WEIGHTS = {"General Audiences": 30, "Teen And Up Audiences": 30, "Mature": 15,
                  "Explicit": 18, "Not Rated": 7}
WARNING_WEIGHTS = {"No Archive Warnings Apply": 55,
                   "Creator Chose Not To Use Archive Warnings": 30,
                   "Graphic Depictions Of Violence": 8, "Major Character Death": 5,
                   "Rape/Non-Con": 1, "Underage Sex": 1}
CATEGORY_WEIGHTS = {"M/M": 35, "F/M": 25, "Gen": 20, "F/F": 10, "Multi": 6, "Other": 4}
LANGUAGE_WEIGHTS = {"en": 88, "es": 3, "zh": 3, "ru": 2, "fr": 2, "de": 1, "pt-BR": 1}
WORDS = ["lantern", "harbour", "ferry", "ledger", "river", "button", "winter", "orchard",
         "letter", "storm", "compass", "hollow", "ember", "quiet", "salt", "signal", "paper",
         "garden", "bridge", "tide"]
CHARACTERS_PER_FANDOM = 8
RELATIONSHIPS_PER_FANDOM = 6


def heavy_tail(rng: random.Random, n: int, skew: float) -> int:
    """An index in [0, n) where low indices are far more likely: P(index < x·n) = x^(1/skew)."""
    return min(n - 1, int(n * rng.random() ** skew))


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Vocabulary:
    """The tag ids works are tagged with, and what each one is found under."""

    fixed: dict[str, int]
    fandoms: list[int]
    characters: list[list[int]]          # per fandom
    relationships: list[list[int]]       # per fandom
    freeforms: list[int]
    found_under: dict[int, list[int]]    # own tag → filter tags (canonical + meta tags)
    count: int = 0


@dataclass
class Summary:
    works: int = 0
    users: int = 0
    tags: int = 0
    chapters: int = 0
    taggings: int = 0
    filter_taggings: int = 0
    seconds: float = 0.0
    uses: Counter = field(default_factory=Counter)


def _progress(enabled: bool):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(), disable=not enabled,
                    transient=False)


@contextmanager
def _fast_writes() -> Iterator[None]:
    """SQLite: skip fsyncs while loading (a benchmark corpus can be regenerated)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


def _make_users(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """Writers with unusable passwords; returns (pseud id, name) pairs."""
    from fichive.accounts.models import Pseud, User

    unusable = "!"  # Django's mark for "no password": nobody can log in as a writer
    users = [User(username=f"writer{i}", email=f"writer{i}@example.org", password=unusable)
             for i in range(count)]
    User.objects.bulk_create(users, batch_size=500)
    users = list(User.objects.filter(username__startswith="writer").order_by("id"))
    Pseud.objects.bulk_create(
        [Pseud(user=u, name=u.username, is_default=True) for u in users], batch_size=500
    )
    return list(Pseud.objects.filter(user__in=users).order_by("id").values_list("id", "name"))


def _make_tags(rng: random.Random, works: int) -> Vocabulary:
    """Fandoms with their characters and relationships, and freeforms: most canonical, some
    synonyms of a canonical tag, some unwrangled; a few freeforms are sub tags of others."""
    from fichive.tags.models import Tag

    fandom_count = max(20, works // 50)
    freeform_count = max(200, works // 10)
    next_id = (Tag.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    fixed = dict(Tag.objects.filter(type__in=["rating", "warning", "category"])
                 .values_list("name", "id"))
    rows: list[Tag] = []

    def add(tag_type: str, name: str, family: list[int], popular: bool = False) -> int:
        """A tag; popular ones are canonical (wranglers get to them first); of the rest, one
        in ten is a synonym of a canonical sibling in `family` (so its works are found under
        that sibling) and one in ten is unwrangled."""
        nonlocal next_id
        tag_id, next_id = next_id, next_id + 1
        roll = 1.0 if popular else rng.random()
        merger = family[rng.randrange(len(family))] if family and roll < 0.1 else None
        canonical = merger is None and roll >= 0.2
        rows.append(Tag(id=tag_id, type=tag_type, name=name, key=name.casefold(),
                        canonical=canonical, merger_id=merger))
        if canonical:
            family.append(tag_id)
        return tag_id

    fandoms: list[int] = []
    characters: list[list[int]] = []
    relationships: list[list[int]] = []
    for f in range(fandom_count):
        canon: list[int] = []
        fandoms.append(add("fandom", f"Fandom {f + 1}", [], popular=f < fandom_count // 20))
        chars: list[int] = []
        for c in range(CHARACTERS_PER_FANDOM):
            chars.append(add("character", f"Character {f + 1}-{c + 1}", canon, popular=c < 2))
        characters.append(chars)
        canon = []
        rels: list[int] = []
        for r in range(RELATIONSHIPS_PER_FANDOM):
            a, b = r % CHARACTERS_PER_FANDOM + 1, (r + 1 + r // 3) % CHARACTERS_PER_FANDOM + 1
            sep = "/" if r % 3 else " & "
            rels.append(add("relationship", f"Character {f + 1}-{a}{sep}Character {f + 1}-{b}",
                            canon, popular=r < 2))
        relationships.append(rels)
    canon = []
    freeforms = [add("freeform", f"Freeform {i + 1}", canon, popular=i < freeform_count // 50)
                 for i in range(freeform_count)]
    for start in range(0, len(rows), 5000):
        Tag.objects.bulk_create(rows[start:start + 5000])
    # Meta tags: each of the 50 most used canonical freeforms gains a few sub tags among
    # the rarer canonical freeforms; works with a sub tag are found under its meta tag too.
    canonical_freeforms = [t.id for t in rows if t.type == "freeform" and t.canonical]
    metas = canonical_freeforms[:50]
    rare = canonical_freeforms[200:]
    meta_of: dict[int, set[int]] = {}
    for meta in metas:
        for sub in rng.sample(rare, k=min(4, len(rare))):
            meta_of.setdefault(sub, set()).add(meta)
    through = Tag.meta_tags.through
    through.objects.bulk_create([through(from_tag_id=sub, to_tag_id=meta)
                                 for sub, above in meta_of.items() for meta in above])
    # What each tag's works are found under: the canonical tag (or the tag itself when it
    # is unwrangled) and that tag's meta tags.
    found_under = {tag_id: [tag_id] for tag_id in fixed.values()}
    for tag in rows:
        target = tag.merger_id or tag.id
        found_under[tag.id] = [target, *sorted(meta_of.get(target, ()))]
    return Vocabulary(fixed=fixed, fandoms=fandoms, characters=characters,
                      relationships=relationships, freeforms=freeforms,
                      found_under=found_under, count=len(rows))


def _work_tags(rng: random.Random, vocab: Vocabulary) -> tuple[list[int], bool]:
    """One work's own tags, and whether it is a crossover."""
    fixed = vocab.fixed
    tags = [fixed[weighted(rng, RATING_WEIGHTS)]]
    tags += {fixed[weighted(rng, WARNING_WEIGHTS)] for _ in range(1 + (rng.random() < 0.1))}
    tags += {fixed[weighted(rng, CATEGORY_WEIGHTS)] for _ in range(rng.choice((0, 1, 1, 1, 2)))}
    n = len(vocab.fandoms)
    fandom_indexes = {heavy_tail(rng, n, 3.0)}
    if rng.random() < 0.06:
        fandom_indexes.add(heavy_tail(rng, n, 3.0))
    for f in fandom_indexes:
        tags.append(vocab.fandoms[f])
        chars, rels = vocab.characters[f], vocab.relationships[f]
        tags += {chars[heavy_tail(rng, len(chars), 2.0)] for _ in range(rng.randint(1, 5))}
        tags += {rels[heavy_tail(rng, len(rels), 2.0)] for _ in range(rng.choice((0, 1, 1, 2)))}
    frees = vocab.freeforms
    tags += {frees[heavy_tail(rng, len(frees), 2.5)] for _ in range(rng.randint(0, 8))}
    return list(dict.fromkeys(tags)), len(fandom_indexes) > 1


def _day(rng: random.Random, start: datetime.date) -> datetime.date:
    span = (TODAY - start).days
    return start + datetime.timedelta(days=int(span * rng.random() ** 0.7))


def _make_works(rng: random.Random, count: int, vocab: Vocabulary,
                pseuds: list[tuple[int, str]], summary: Summary, progress) -> None:
    from django.db import transaction

    from fichive.works.models import Chapter, Creatorship, FilterTagging, Tagging, Work

    next_id = (Work.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    task = progress.add_task("Works", total=count)
    for start in range(0, count, CHUNK):
        works, creators, chapters, taggings, filter_rows = [], [], [], [], []
        for work_id in range(next_id + start, next_id + min(count, start + CHUNK)):
            title = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(1, 4)))
            title = f"{rng.choice(('The ', '', '', 'A '))}{title} {work_id}"
            chapter_count = 1 if rng.random() < 0.65 else 2 + heavy_tail(rng, 30, 4.0)
            complete = rng.random() < (0.9 if chapter_count == 1 else 0.45)
            expected = chapter_count if complete else rng.choice((None, None, chapter_count + 3))
            words = max(100, int(rng.lognormvariate(8.0, 1.2)))
            draft = rng.random() < 0.02
            published = None if draft else _day(rng, FIRST_DAY)
            updated = None if draft else (
                published if chapter_count == 1 else _day(rng, published))
            hits = int(rng.lognormvariate(6.5, 1.6))
            kudos = int(hits * rng.uniform(0.01, 0.12))
            tags, crossover = _work_tags(rng, vocab)
            writer = pseuds[heavy_tail(rng, len(pseuds), 1.6)]
            works.append(Work(
                id=work_id, title=title, summary=f"<p>A story about the {rng.choice(WORDS)}.</p>",
                language=weighted(rng, LANGUAGE_WEIGHTS),
                state=Work.State.DRAFT if draft else Work.State.POSTED,
                restricted=rng.random() < 0.08, expected_chapters=expected, complete=complete,
                word_count=words, chapter_count=chapter_count, published=published,
                updated=updated, crossover=crossover,
                sort_title=title.lower().removeprefix("the ").removeprefix("a "),
                sort_creator=writer[1], hits=hits, kudos_count=kudos,
                comments_count=int(kudos * rng.uniform(0, 0.4)),
                bookmarks_count=int(kudos * rng.uniform(0, 0.3)),
            ))
            creators.append(Creatorship(work_id=work_id, pseud_id=writer[0], position=0))
            if rng.random() < 0.05:
                other = pseuds[rng.randrange(len(pseuds))]
                if other != writer:
                    creators.append(Creatorship(work_id=work_id, pseud_id=other[0], position=1))
            per_chapter = max(1, words // chapter_count)
            chapters += [Chapter(work_id=work_id, position=p + 1, content="<p>Text.</p>",
                                 word_count=per_chapter, published=published)
                         for p in range(chapter_count)]
            taggings += [Tagging(work_id=work_id, tag_id=t) for t in tags]
            found = {u for t in tags for u in vocab.found_under[t]}
            filter_rows += [FilterTagging(work_id=work_id, tag_id=t) for t in found]
            summary.uses.update(tags)
        with transaction.atomic():
            Work.objects.bulk_create(works)
            Creatorship.objects.bulk_create(creators)
            Chapter.objects.bulk_create(chapters)
            Tagging.objects.bulk_create(taggings)
            FilterTagging.objects.bulk_create(filter_rows)
        summary.works += len(works)
        summary.chapters += len(chapters)
        summary.taggings += len(taggings)
        summary.filter_taggings += len(filter_rows)
        progress.update(task, advance=len(works))


def _set_uses(uses: Counter, progress) -> None:
    from django.db import transaction

    from fichive.tags.models import Tag

    items = sorted(uses.items())
    task = progress.add_task("Tag use counts", total=len(items))
    with transaction.atomic():
        for start in range(0, len(items), 2000):
            batch = [Tag(id=tag_id, uses=n) for tag_id, n in items[start:start + 2000]]
            Tag.objects.bulk_update(batch, ["uses"], batch_size=500)
            progress.update(task, advance=len(batch))


def generate(*, works: int, seed: int = 1, show_progress: bool | None = None) -> Summary:
    """Fill the (empty, migrated) database with a corpus of `works` works."""
    from fichive.works.models import Work

    if Work.objects.exists():
        raise SystemExit("The archive already has works; generate into an empty database.")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    started = time.perf_counter()
    summary = Summary()
    if show_progress is None:
        show_progress = sys.stdout.isatty()
    with _fast_writes(), _progress(show_progress) as progress:
        pseuds = _make_users(rng, max(50, works // 8))
        vocab = _make_tags(rng, works)
        _make_works(rng, works, vocab, pseuds, summary, progress)
        _set_uses(summary.uses, progress)
    summary.users, summary.tags = len(pseuds), vocab.count
    summary.seconds = time.perf_counter() - started
    return summary


def describe(summary: Summary) -> str:
    rate = summary.works / summary.seconds if summary.seconds else math.inf
    return (f"Generated {summary.works:,} works ({summary.chapters:,} chapters, "
            f"{summary.taggings:,} taggings, {summary.filter_taggings:,} filter taggings) by "
            f"{summary.users:,} writers with {summary.tags:,} tags in {summary.seconds:.0f} s "
            f"({rate:,.0f} works/s).")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=100_000, help="how many works (100,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = parser.parse_args(argv)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(describe(generate(works=args.works, seed=args.seed)))


if __name__ == "__main__":
    main()
