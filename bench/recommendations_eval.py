"""Offline evaluation of "More like this": hit rate at 10 on a generated archive whose readers
have planted tastes, against a popularity baseline. It measures; it never fails.

    .venv/bin/python bench/recommendations_eval.py
    .venv/bin/python bench/recommendations_eval.py --works 5000 --readers 3000 --seed 2

The archive is generated in memory (no database): fandoms with their own characters and
relationships, additional tags shared by all (a few common, most rare), and prose from the
demo generator (fichive/demo/prose.py) in a topic of the work's fandom. Each reader likes one
or two fandoms and one or two additional tags; most of their kudos and bookmarks go to works
that match (the rest to works picked by popularity). A share of each reader's kudos and
bookmarks is held out; the rest are the readers the recommender knows.

The recommender is the archive's own (fichive/recommendations/scoring.py, the Index the
services build from the database), fed the same features: canonical tags, readers (the kept
kudos and bookmarks) and term counts of title, summary and text. For each reader, the works
they kudosed or bookmarked (kept ones) seed it: each seed's KEPT most similar works, their
scores summed, the seeds themselves left out, top 10. The baseline recommends the 10 most
kudosed works (kept kudos) the reader hasn't read. Hit rate at 10: the share of readers with
at least one held-out work in their 10; recall at 10: the share of held-out works found.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")


def _setup() -> None:
    import tempfile

    import django

    os.environ.setdefault("FICHIVE_DATA_DIR", tempfile.mkdtemp(prefix="fichive-receval-"))
    django.setup()


def generate(*, works: int, readers: int, seed: int) -> dict:
    """The archive: each work's tags (id -> name), terms and fandom; each reader's reads."""
    from fichive.demo.prose import ProsePool
    from fichive.recommendations.scoring import term_counts

    rng = random.Random(seed)  # noqa: S311 - generated data, not a secret
    pool = ProsePool.build(rng, "en", 4000)
    fandoms = 24
    tag_names: dict[int, str] = {}
    next_id = iter(range(1, 10**6))

    def tag(name: str) -> int:
        tag_id = next(next_id)
        tag_names[tag_id] = name
        return tag_id

    fandom_tags = [tag(f"Fandom {f}") for f in range(fandoms)]
    characters = [[tag(f"Character {f}.{c}") for c in range(12)] for f in range(fandoms)]
    relationships = [[tag(f"Pairing {f}.{r}") for r in range(6)] for f in range(fandoms)]
    freeforms = [tag(f"Theme {t}") for t in range(80)]
    # Popularity of fandoms and themes: Zipf-like.
    fandom_weights = [1 / (rank + 1) ** 0.8 for rank in range(fandoms)]
    theme_weights = [1 / (rank + 1) for rank in range(len(freeforms))]

    archive_works = []
    for work_id in range(1, works + 1):
        fandom = rng.choices(range(fandoms), fandom_weights)[0]
        tags = {fandom_tags[fandom]}
        tags.update(rng.sample(characters[fandom], rng.randint(1, 3)))
        if rng.random() < 0.6:
            tags.add(rng.choice(relationships[fandom]))
        themes = set(rng.choices(range(len(freeforms)), theme_weights, k=rng.randint(1, 4)))
        tags.update(freeforms[t] for t in themes)
        topic = pool.topics[fandom % len(pool.topics)]
        paragraphs = [pool.paragraphs[rng.choice(topic if rng.random() < 0.7
                                                 else rng.choice(pool.topics))]
                      for _ in range(rng.randint(4, 12))]
        archive_works.append({
            "id": work_id, "fandom": fandom, "themes": themes,
            "tags": {t: tag_names[t] for t in tags},
            "terms": term_counts(f"Story {work_id}", "", " ".join(paragraphs)),
            "popularity": rng.paretovariate(1.2),
        })
    by_fandom = defaultdict(list)
    for work in archive_works:
        by_fandom[work["fandom"]].append(work)
    popularity = [w["popularity"] for w in archive_works]

    reads: dict[int, set[int]] = {}
    for reader in range(1, readers + 1):
        liked_fandoms = set(rng.choices(range(fandoms), fandom_weights, k=rng.randint(1, 2)))
        liked_themes = set(rng.choices(range(len(freeforms)), theme_weights,
                                       k=rng.randint(1, 2)))
        matching = [w for f in liked_fandoms for w in by_fandom[f]]
        themed = [w for w in matching if w["themes"] & liked_themes] or matching
        wanted = rng.randint(6, 30)
        read: set[int] = set()
        for _ in range(wanted * 3):
            if len(read) >= wanted:
                break
            roll = rng.random()
            if roll < 0.55 and themed:
                pick = rng.choice(themed)
            elif roll < 0.8 and matching:
                pick = rng.choice(matching)
            else:
                pick = rng.choices(archive_works, popularity)[0]
            read.add(pick["id"])
        reads[reader] = read
    return {"works": archive_works, "reads": reads}


def evaluate(archive: dict, *, hold_out: float, seed: int,
             weight_sets: dict[str, dict[str, float]]) -> dict:
    from fichive.recommendations.scoring import Features, Index
    from fichive.recommendations.services import KEPT

    rng = random.Random(seed + 1)  # noqa: S311 - generated data, not a secret
    kept: dict[int, set[int]] = {}
    held: dict[int, set[int]] = {}
    for reader, read in archive["reads"].items():
        items = sorted(read)
        rng.shuffle(items)
        count = max(1, round(len(items) * hold_out)) if len(items) >= 5 else 0
        held[reader] = set(items[:count])
        kept[reader] = set(items[count:])
    readers_of: dict[int, set[int]] = defaultdict(set)
    for reader, items in kept.items():
        for work_id in items:
            readers_of[work_id].add(reader)
    features = {w["id"]: Features(tags=w["tags"], readers=frozenset(readers_of[w["id"]]),
                                  terms=w["terms"]) for w in archive["works"]}
    evaluated = [r for r in archive["reads"] if held[r]]
    results = {}

    popular = [work_id for work_id, _ in Counter(
        {w: len(r) for w, r in readers_of.items()}).most_common()]
    hits = found = total = 0
    for reader in evaluated:
        top = [w for w in popular if w not in kept[reader]][:10]
        found_here = len(held[reader] & set(top))
        hits += bool(found_here)
        found += found_here
        total += len(held[reader])
    results["popularity"] = {"hit_rate_at_10": hits / len(evaluated),
                             "recall_at_10": found / total}

    for name, weights in weight_sets.items():
        started = time.monotonic()
        index = Index(features, weights)
        built = time.monotonic() - started
        lists: dict[int, list] = {}
        started = time.monotonic()
        hits = found = 0
        for reader in evaluated:
            scores: Counter[int] = Counter()
            for seed_work in kept[reader]:
                if seed_work not in lists:
                    lists[seed_work] = index.similar(seed_work, limit=KEPT)
                for match in lists[seed_work]:
                    scores[match.work_id] += match.score
            top = [w for w, _ in scores.most_common() if w not in kept[reader]][:10]
            found_here = len(held[reader] & set(top))
            hits += bool(found_here)
            found += found_here
        results[name] = {"hit_rate_at_10": hits / len(evaluated), "recall_at_10": found / total,
                         "index_seconds": round(built, 2),
                         "ms_per_work_ranked": round(1000 * (time.monotonic() - started)
                                                     / max(len(lists), 1), 2)}
    results["readers_evaluated"] = len(evaluated)
    results["held_out"] = total
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=3000)
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--hold-out", type=float, default=0.2,
                        help="share of each reader's kudos and bookmarks held out (0.2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    _setup()
    from fichive.recommendations.scoring import WEIGHTS

    started = time.monotonic()
    archive = generate(works=args.works, readers=args.readers, seed=args.seed)
    generated = time.monotonic() - started
    weight_sets = {
        "combined (WEIGHTS)": dict(WEIGHTS),
        "tags only": {"tags": 1.0, "readers": 0.0, "text": 0.0},
        "readers only": {"tags": 0.0, "readers": 1.0, "text": 0.0},
        "text only": {"tags": 0.0, "readers": 0.0, "text": 1.0},
    }
    results = evaluate(archive, hold_out=args.hold_out, seed=args.seed,
                       weight_sets=weight_sets)
    print(f"{args.works} works, {args.readers} readers (generated in {generated:.1f} s); "
          f"{results['readers_evaluated']} readers evaluated, {results['held_out']} "
          f"kudos/bookmarks held out ({args.hold_out:.0%})")
    print(f"{'recommender':<22} {'hit rate@10':>12} {'recall@10':>10}")
    for name in ("popularity", *weight_sets):
        figures = results[name]
        print(f"{name:<22} {figures['hit_rate_at_10']:>12.3f} {figures['recall_at_10']:>10.3f}"
              + (f"   ({figures['ms_per_work_ranked']} ms per work ranked)"
                 if "ms_per_work_ranked" in figures else ""))
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)},
                                         "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
