"""The additional-tags model: for each additional tag enough public works carry, a
small linear classifier over the words a story uses (Bernoulli naive Bayes on its most telling
words), trained by `fichive train-tag-model` on the works every visitor may see and kept as
JSON in the data dir."""

from __future__ import annotations

import json
import math
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from fichive.tags.suggestions.names import WORD, word_set

MODEL_FILE = "tag-model.json"
MODEL_VERSION = 1
MIN_WORKS = 3  # a tag on fewer public works isn't learnt
FEATURES_PER_TAG = 40
MAX_WORDS_PER_WORK = 20_000  # words read from each work, for training and predicting alike
SMOOTHING = 0.5
STOPWORDS = word_set("""
the and that with was for his her she him they them their you your are but not had have has
this from what when then there were been one all out who into would could said like just
about over only down back before after than its our can will more some time now very even
well much any how here where which while also too upon did does don didn yes
""")


def words_of(text: str) -> set[str]:
    """The features of a text: the distinct lowercased words of three letters or more, of
    its first MAX_WORDS_PER_WORK words."""
    words = WORD.findall(text.lower())
    if len(words) > MAX_WORDS_PER_WORK:
        del words[MAX_WORDS_PER_WORK:]
    return {w for w in set(words) if len(w) >= 3} - STOPWORDS


@dataclass
class TagModel:
    """One classifier per tag: a bias, the weight of each telling word present, and the sum
    of the absent weights folded into the bias (so predicting reads only the words present)."""

    tags: dict[str, dict]  # str(tag id) → {"name", "bias", "weights": {word: weight}}
    works: int
    trained_on: str

    def predict(self, features: set[str]) -> list[tuple[int, float, list[str]]]:
        """(tag id, probability, the words that spoke for it) for every tag, most likely
        first."""
        out = []
        for tag_id, entry in self.tags.items():
            score = entry["bias"]
            telling = []
            for word, (present, absent) in entry["weights"].items():
                if word in features:
                    score += present - absent
                    if present > 0:
                        telling.append((present, word))
            probability = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))
            telling.sort(reverse=True)
            out.append((int(tag_id), probability, [w for _, w in telling[:5]]))
        out.sort(key=lambda row: -row[1])
        return out


def _fit(docs: list[tuple[set[str], set[int]]], names: dict[int, str], *, min_works: int,
         features_per_tag: int, scale: float) -> dict[str, dict]:
    total = len(docs)
    df: Counter[str] = Counter()
    tag_docs: dict[int, list[int]] = {}
    for number, (features, tag_ids) in enumerate(docs):
        df.update(features)
        for tag_id in tag_ids:
            tag_docs.setdefault(tag_id, []).append(number)
    tags: dict[str, dict] = {}
    for tag_id, members in tag_docs.items():
        positives = len(members)
        negatives = total - positives
        if positives < min_works or negatives < 1 or tag_id not in names:
            continue
        in_tag: Counter[str] = Counter()
        for number in members:
            in_tag.update(docs[number][0])
        candidates = []
        for word, count in in_tag.items():
            if count < 2:
                continue
            p = (count + SMOOTHING) / (positives + 2 * SMOOTHING)
            q = (df[word] - count + SMOOTHING) / (negatives + 2 * SMOOTHING)
            present = math.log(p / q)
            if present <= 0:
                continue
            absent = math.log((1 - p) / (1 - q))
            candidates.append((present * (count / positives), word, present, absent))
        candidates.sort(reverse=True)
        chosen = candidates[:features_per_tag]
        prior = math.log((positives + SMOOTHING) / (negatives + SMOOTHING))
        weights = {word: [round(present * scale, 4), round(absent * scale, 4)]
                   for _, word, present, absent in chosen}
        bias = prior + sum(absent for _, absent in weights.values())
        tags[str(tag_id)] = {"name": names[tag_id], "bias": round(bias, 4), "weights": weights}
    return tags


# Naive Bayes counts words that travel together as separate evidence, so its raw odds are far
# too sure; the evidence is scaled by the factor that predicts held-out works best.
SCALES = (0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)


def _held_out_loss(train_docs: list[tuple[set[str], set[int]]],
                   test_docs: list[tuple[set[str], set[int]]], names: dict[int, str], *,
                   min_works: int, features_per_tag: int, scale: float) -> float:
    model = TagModel(tags=_fit(train_docs, names, min_works=min_works,
                               features_per_tag=features_per_tag, scale=scale),
                     works=len(train_docs), trained_on="")
    loss = 0.0
    for features, tag_ids in test_docs:
        for tag_id, probability, _ in model.predict(features):
            p = min(max(probability, 1e-6), 1 - 1e-6)
            loss -= math.log(p if tag_id in tag_ids else 1 - p)
    return loss


def train(documents: Iterable[tuple[set[str], set[int]]], names: dict[int, str], *,
          min_works: int = MIN_WORKS, features_per_tag: int = FEATURES_PER_TAG) -> TagModel:
    """Learn a classifier for each tag on at least `min_works` of the documents (each its
    word set and the tag ids it carries), its evidence scaled by the factor that predicts
    the other half of the documents best from the first and the first from the other."""
    docs = list(documents)
    halves = (docs[0::2], docs[1::2])
    best_scale = 0.1
    if len(docs) >= 4 * min_works:
        losses = {}
        for scale in SCALES:
            losses[scale] = sum(
                _held_out_loss(halves[i], halves[1 - i], names, min_works=max(2, min_works // 2),
                               features_per_tag=features_per_tag, scale=scale)
                for i in (0, 1))
        best_scale = min(losses, key=lambda k: losses[k])
    from django.utils import timezone

    return TagModel(tags=_fit(docs, names, min_works=min_works,
                              features_per_tag=features_per_tag, scale=best_scale),
                    works=len(docs), trained_on=timezone.now().isoformat())


def model_path() -> Path:
    return Path(settings.DATA_DIR) / MODEL_FILE


def save(model: TagModel, path: Path | None = None) -> Path:
    """Write the model atomically (a reader never sees half a file)."""
    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"version": MODEL_VERSION, "works": model.works,
                                     "trained_on": model.trained_on, "tags": model.tags}))
    os.replace(temporary, path)
    return path


_kept: dict[str, object] = {}
_lock = threading.Lock()


def load(path: Path | None = None) -> TagModel | None:
    """The trained model, read again when its file changed; None before the first training
    (or when the file isn't one this version reads)."""
    path = path or model_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    with _lock:
        if _kept.get("path") == str(path) and _kept.get("stamp") == stamp:
            return _kept["model"]  # type: ignore[return-value]
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != MODEL_VERSION:
        return None
    model = TagModel(tags=data["tags"], works=data["works"], trained_on=data["trained_on"])
    with _lock:
        _kept.update(path=str(path), stamp=stamp, model=model)
    return model


def public_training_set(progress: Callable[[int, int], None] | None = None
                        ) -> tuple[list[tuple[set[str], set[int]]], dict[int, str]]:
    """Every work a guest may see (works.selectors: posted, not restricted, not hidden) as
    its words and its additional tags (a synonym counts as its canonical): so the model
    knows no tag that only works hidden from some visitors carry. (A tag can still become
    hidden after training, when its public works go; suggest_tags checks again.)"""
    from fichive.formats.exporters.txt import html_to_plain
    from fichive.tags.models import Tag
    from fichive.works.models import Chapter, Tagging
    from fichive.works.selectors import works_visible_to

    work_ids = list(works_visible_to(None).order_by("id").values_list("id", flat=True))
    # Canonical and unwrangled additional tags (a synonym stands for its canonical).
    names = dict(Tag.objects.filter(type=Tag.Type.FREEFORM, merger__isnull=True)
                 .values_list("id", "name"))
    tags: dict[int, set[int]] = {}
    documents: list[tuple[set[str], set[int]]] = []
    step = 500
    for at in range(0, len(work_ids), step):
        chunk = work_ids[at:at + step]
        tags = {}
        for work_id, tag_id, merger_id in Tagging.objects.filter(
                work_id__in=chunk, tag__type=Tag.Type.FREEFORM).values_list(
                "work_id", "tag_id", "tag__merger_id"):
            target = merger_id or tag_id
            if target in names:
                tags.setdefault(work_id, set()).add(target)
        texts: dict[int, list[str]] = {}
        for work_id, content in Chapter.objects.filter(work_id__in=chunk).order_by(
                "work_id", "position").values_list("work_id", "content"):
            texts.setdefault(work_id, []).append(html_to_plain(content))
        for work_id in chunk:
            documents.append((words_of("\n\n".join(texts.get(work_id, []))),
                              tags.get(work_id, set())))
        if progress is not None:
            progress(min(at + step, len(work_ids)), len(work_ids))
    return documents, names


def train_from_archive(progress: Callable[[int, int], None] | None = None) -> TagModel:
    documents, names = public_training_set(progress)
    model = train(documents, names)
    save(model)
    return model
