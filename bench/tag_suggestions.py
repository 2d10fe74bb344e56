"""Tag suggestions (issue 23), measured: precision and recall per tag type at the default
threshold on three labelled sets, and the time to read a 100,000-word work.

Sets (each story's real tags are known):
- demo: the demo archive's works (src/fichive/demo). The suggestions' weights were set while
  reading these, so they flatter; the additional tags are predicted leaving each work out
  of the model's training (the model never sees the work it predicts).
- held-out: stories written for this after the weights were set (bench/tag_suggestion_stories.py),
  in English, Japanese and Chinese, with names shared across fandoms.
- planted: generated prose (the corpus generator's sentences) with characters of the archive
  planted as speakers, narrators and mentions, a pair given romance or friendship sentences,
  and a character of another fandom named once in passing (a decoy that must not be
  suggested).

Usage: python bench/tag_suggestions.py [--json FILE] [--planted N] [--threshold C]
Runs on a fresh SQLite archive in a temporary directory (the demo loaded, the stories' tags
added, 5,000 extra characters in 100 more fandoms so the name index is archive-sized).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inprocess import django_setup, ms, report  # noqa: E402

TYPES = ("fandom", "relationship", "character", "freeform")


def _archive_tags() -> None:
    """The demo, the held-out stories' tags, and 5,000 characters the stories never name."""
    from tag_suggestion_stories import (
        EXTRA_CHARACTERS,
        EXTRA_RELATIONSHIPS,
        EXTRA_TERMS,
        SYNONYMS,
    )

    from fichive.demo.loader import demo_load
    from fichive.tags.models import Tag
    from fichive.tags.services import (
        tag_make_canonical,
        tag_make_synonym,
        tag_set_media,
        tag_set_parents,
        tags_find_or_create,
    )

    demo_load(out=lambda line: None)

    def canonical(name: str, tag_type: str, fandom: str | None = None) -> Tag:
        (tag,) = tags_find_or_create(tag_type=tag_type, names=[name])
        if fandom:
            tag_set_parents(actor=None, tag=tag, fandoms=[canonical(fandom, "fandom")])
        return tag if tag.canonical else tag_make_canonical(actor=None, tag=tag)

    for table, tag_type in ((EXTRA_CHARACTERS, "character"),
                            (EXTRA_RELATIONSHIPS, "relationship"), (EXTRA_TERMS, "freeform")):
        for fandom, names in table.items():
            for name in names:
                canonical(name, tag_type, fandom)
    for name, synonyms in SYNONYMS.items():
        target = Tag.objects.get(name=name)
        for synonym in synonyms:
            (tag,) = tags_find_or_create(tag_type="character", names=[synonym])
            tag_make_synonym(actor=None, tag=tag, of=target)
    canonical("Naruto", "fandom")
    tag_set_media(actor=None, fandom=Tag.objects.get(name="Naruto"), media="Anime & Manga")
    # Archive-sized: 100 more fandoms of 50 characters each, written in bulk.
    rng = random.Random(7)  # noqa: S311 - made-up names
    syllables = ["ka", "ri", "to", "mel", "an", "sor", "vi", "del", "qua", "zen", "lo", "bri"]
    start = (Tag.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    rows, parents = [], []
    used: set[str] = set()
    next_id = start
    for f in range(100):
        fandom_id = next_id
        rows.append(Tag(id=fandom_id, type="fandom", name=f"Generated Saga {f}",
                        key=f"generated saga {f}", canonical=True))
        next_id += 1
        for _ in range(50):
            name = " ".join("".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))
                            .capitalize() for _ in range(2)) + f" ({f})"
            if name.casefold() in used:
                continue
            used.add(name.casefold())
            rows.append(Tag(id=next_id, type="character", name=name, key=name.casefold(),
                            canonical=True))
            parents.append(Tag.parents.through(from_tag_id=next_id, to_tag_id=fandom_id))
            next_id += 1
    Tag.objects.bulk_create(rows)
    Tag.parents.through.objects.bulk_create(parents)


def _demo_set() -> list[dict]:
    from fichive.demo.content import DEMO_WORKS

    return [{"title": w["title"], "text": "\n\n".join(c["text"] for c in w["chapters"]),
             "fandom": set(w["fandoms"]), "relationship": set(w["relationships"]),
             "character": set(w["characters"]), "freeform": set(w["freeforms"])}
            for w in DEMO_WORKS]


def _held_out_set() -> list[dict]:
    from tag_suggestion_stories import STORIES

    return [{"title": s["title"], "text": s["text"], "fandom": set(s["fandoms"]),
             "relationship": set(s["relationships"]), "character": set(s["characters"]),
             "freeform": None} for s in STORIES]


ROMANCE_LINES = ["{a} kissed {b} before either of them could think better of it.",
                 "{a} had loved {b} for a long time, and {b} knew it.",
                 "\"Stay,\" {a} whispered, and {b} blushed and stayed."]
FRIEND_LINES = ["{a} and {b} had been friends for years, and teammates for longer.",
                "\"You're my best friend, {b},\" {a} said.",
                "{a} trusted {b} with everything; that was what friends were for."]


def _planted_story(rng: random.Random, index, fandom_id: int, words: int,
                   number: int = 0) -> dict:
    """Generated prose with a fandom's characters planted in it (see the module doc)."""
    from fichive.demo.prose import NAMES, english_sentence
    from fichive.tags.suggestions.names import _STAND_INS

    prose_names = re.compile(r"\b(?:" + "|".join(NAMES) + r")\b")

    def filler() -> str:
        """A generated sentence without the generator's own names (some are characters')."""
        return prose_names.sub("the stranger", english_sentence(rng))

    cast_ids = [c.id for c in index.characters.values() if fandom_id in c.fandom_ids
                and not _STAND_INS.search(c.name)]
    pairs = {pair: tags for (pair, _romantic), tags in index.relationships.items()
             if pair <= set(cast_ids)}
    relationship = None
    if pairs and rng.random() < 0.8:
        pair = rng.choice(sorted(pairs, key=sorted))
        tag = pairs[pair][0]
        relationship = tag
        leads = sorted(pair)
    else:
        leads = rng.sample(cast_ids, 2)
    extra = [c for c in cast_ids if c not in leads]
    cast = leads + (rng.sample(extra, 1) if extra else [])
    decoys = [c.id for c in index.characters.values() if fandom_id not in c.fandom_ids
              and not (c.fandom_ids & index.characters[cast[0]].fandom_ids)]
    decoy = rng.choice(decoys)

    def called(char_id: int) -> str:
        name = index.characters[char_id].name.split(" (")[0].split(" | ")[0]
        parts = name.split()
        return rng.choice([name, parts[-1], parts[0]] if len(parts) > 1 else [name])

    paragraphs: list[str] = []
    count = 0
    lines = ROMANCE_LINES if relationship is not None and relationship.romantic else FRIEND_LINES
    while count < words:
        roll = rng.random()
        who = rng.choice(cast[:2]) if rng.random() < 0.8 else rng.choice(cast)
        if roll < 0.35:
            text = f"\"{filler().rstrip('.')},\" {called(who)} said."
        elif roll < 0.6:
            text = f"{called(who)} looked up. {filler()}"
        elif roll < 0.7:
            a, b = (called(leads[0]), called(leads[1]))
            text = rng.choice(lines).format(a=a, b=b)
        elif roll < 0.72 and len(paragraphs) > 3:
            text = "* * *"
        else:
            text = " ".join(filler() for _ in range(rng.randint(2, 5)))
        paragraphs.append(text)
        count += len(text.split())
    at = rng.randrange(len(paragraphs))
    paragraphs[at] += f" Somewhere, {index.characters[decoy].name.split(' (')[0]} was far away."
    truth_characters = {index.characters[c].name for c in cast[:2]}
    return {"title": f"planted {number} ({index.fandoms[fandom_id]})",
            "text": "\n\n".join(paragraphs),
            "fandom": {index.fandoms[fandom_id]},
            "relationship": {relationship.name} if relationship else set(),
            "character": truth_characters, "freeform": None,
            # the third character is named less: suggesting it isn't wrong, missing it isn't
            "optional": {index.characters[c].name for c in cast[2:]}}


def _planted_set(count: int) -> list[dict]:
    from fichive.tags.suggestions.names import _STAND_INS, name_index

    index = name_index()
    rng = random.Random(23)  # noqa: S311 - generated stories
    fandoms = [fid for fid, name in index.fandoms.items()
               if not name.startswith("Generated Saga")
               and sum(1 for c in index.characters.values() if fid in c.fandom_ids
                       and not _STAND_INS.search(c.name)) >= 2]
    return [_planted_story(rng, index, rng.choice(fandoms), rng.randint(300, 1500), number)
            for number in range(count)]


def _score(stories: list[dict], suggest, *, model_for=None) -> dict[str, dict]:
    """Micro-averaged precision and recall per type (freeform only where the truth is
    known)."""
    counts = {t: {"suggested": 0, "right": 0, "truth": 0} for t in TYPES}
    misses: dict[str, list[str]] = defaultdict(list)
    for story in stories:
        found = suggest(story)
        for tag_type in TYPES:
            truth = story[tag_type]
            if truth is None:
                continue
            names = {s.name for s in found if s.type == tag_type}
            names -= story.get("optional", set()) if tag_type == "character" else set()
            counts[tag_type]["suggested"] += len(names)
            counts[tag_type]["right"] += len(names & truth)
            counts[tag_type]["truth"] += len(truth)
            for wrong in sorted(names - truth):
                misses[tag_type].append(f"{story['title']}: suggested {wrong}")
            for missed in sorted(truth - names):
                misses[tag_type].append(f"{story['title']}: missed {missed}")
    table = {}
    for tag_type, c in counts.items():
        if not c["truth"] and not c["suggested"]:
            continue
        table[tag_type] = {
            "precision": round(c["right"] / c["suggested"], 3) if c["suggested"] else None,
            "recall": round(c["right"] / c["truth"], 3) if c["truth"] else None,
            **c, "errors": misses[tag_type][:12]}
    return table


def _speed(threshold: float) -> dict:
    """A 100,000-word work: planted prose around the demo stories, read 5 times warm (the
    name index built) and once cold (the index built first)."""
    from fichive.tags.suggestions import suggest_tags
    from fichive.tags.suggestions.names import forget_index

    texts = [s["text"] for s in _demo_set()] + [s["text"] for s in _planted_set(20)]
    parts, words = [], 0
    while words < 100_000:
        for text in texts:
            parts.append(text)
            words += len(text.split())
            if words >= 100_000:
                break
    text = "\n\n* * *\n\n".join(parts)
    forget_index()
    started = time.perf_counter()
    suggest_tags(text=text, viewer=None, threshold=threshold)
    cold = time.perf_counter() - started
    warm, cpu = [], []
    for _ in range(5):
        started, used = time.perf_counter(), time.process_time()
        found = suggest_tags(text=text, viewer=None, threshold=threshold)
        warm.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    html = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    started = time.perf_counter()
    suggest_tags(text=html, viewer=None, threshold=threshold)
    as_html = time.perf_counter() - started
    return {"words": len(text.split()), "warm_median_ms": ms(statistics.median(warm)),
            "warm_cpu_median_ms": ms(statistics.median(cpu)),
            "load_average": round(os.getloadavg()[0], 1),
            "warm_max_ms": ms(max(warm)), "cold_ms_with_index_build": ms(cold),
            "as_html_ms": ms(as_html), "suggestions": len(found)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--planted", type=int, default=60, metavar="N")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fichive-suggest-") as data:
        django_setup(Path(data))
        from fichive.tags.models import Tag
        from fichive.tags.suggestions import DEFAULT_THRESHOLD, suggest_tags
        from fichive.tags.suggestions import model as tag_model

        threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
        _archive_tags()
        documents, names = tag_model.public_training_set()
        from fichive.demo.content import DEMO_WORKS
        from fichive.works.models import Work
        from fichive.works.selectors import works_visible_to

        public_titles = list(works_visible_to(None).order_by("id").values_list("title",
                                                                                flat=True))
        by_title = {w["title"]: w for w in DEMO_WORKS}
        assert set(public_titles) <= set(by_title)
        freeform_ids = dict(Tag.objects.filter(type="freeform").values_list("name", "id"))

        def demo_suggest(story: dict):
            """Leave the story's own work out of the model's training."""
            kept = [doc for title, doc in zip(public_titles, documents, strict=True)
                    if title != story["title"]]
            tag_model.save(tag_model.train(kept, names))
            return suggest_tags(text=story["text"], viewer=None, threshold=threshold)

        def plain(story: dict):
            return suggest_tags(text=story["text"], viewer=None, threshold=threshold)

        started = time.perf_counter()
        result = {
            "threshold": threshold,
            "archive": {"tags": Tag.objects.count(), "works": Work.objects.count(),
                        "freeforms_known": len(freeform_ids)},
            "demo": _score(_demo_set(), demo_suggest),
        }
        tag_model.save(tag_model.train(documents, names))
        result["held_out"] = _score(_held_out_set(), plain)
        result["planted"] = _score(_planted_set(args.planted), plain)
        result["speed_100k_words"] = _speed(threshold)
        result["seconds"] = round(time.perf_counter() - started, 1)
    _print_table(result)
    report(result, args.json)
    return 0


def _print_table(result: dict) -> None:
    print(f"Tag suggestions at threshold {result['threshold']}: precision / recall "
          "(right of suggested / right of real tags)", file=sys.stderr)
    for name in ("demo", "held_out", "planted"):
        for tag_type, row in result[name].items():
            p = "-" if row["precision"] is None else f"{row['precision']:.2f}"
            r = "-" if row["recall"] is None else f"{row['recall']:.2f}"
            print(f"  {name:<9} {tag_type:<13} P {p:>5} ({row['right']}/{row['suggested']})"
                  f"   R {r:>5} ({row['right']}/{row['truth']})", file=sys.stderr)
    speed = result["speed_100k_words"]
    print(f"  100k words: {speed['warm_median_ms']} ms warm (median of 5; "
          f"{speed['warm_cpu_median_ms']} ms of CPU, load {speed['load_average']}), "
          f"{speed['cold_ms_with_index_build']} ms cold, {speed['as_html_ms']} ms as HTML",
          file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
