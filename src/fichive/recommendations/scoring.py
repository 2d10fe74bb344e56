"""How alike two works are ("More like this"), from what each work's features say, in pure
Python: no database here, so the archive's services and the offline evaluation
(bench/recommendations_eval.py) rank with the same code.

Three signals, each a cosine between 0 and 1, combined with WEIGHTS:
- tags: the canonical tags works are found under, each weighted by its rarity (inverse
  document frequency over the works compared), so sharing a rare character counts for far
  more than sharing "Fluff";
- readers: who left kudos on or bookmarked (publicly) each work, as sets: the readers in
  common over the square root of the product of the two sets' sizes;
- text: TF-IDF vectors of title, summary and the start of the text (TERMS_KEPT terms per
  work, with (1 + log tf) · idf weights; words in more than COMMON_SHARE of the works
  carry no weight).
Each match keeps the parts of its reason: the shared tags rarest first, the readers in
common, the shared words that weigh most.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# How much each signal counts (bench/recommendations_eval.py measured these).
WEIGHTS = {"tags": 0.3, "readers": 0.6, "text": 0.1}
# Terms kept per work, and the share of works a term may be in and still count.
TERMS_KEPT = 40
COMMON_SHARE = 0.2
# Works a term is looked up in (those it weighs most in): the text signal is approximate
# beyond them, and a work's comparison costs at most TERMS_KEPT times this.
POSTINGS_KEPT = 300
# A reader with more works than this (kudos on everything) says little about any of them.
READER_WORKS_MAX = 2000
# The words of a work's text read (title and summary come first).
WORDS_READ = 3000
# Readers in common count for shared / (shared + READER_SHRINK) of their cosine.
READER_SHRINK = 1.0
# Shared tags and words a reason names.
REASON_TAGS = 4
REASON_WORDS = 3

_WORD = re.compile(r"[^\W\d_]{3,}")
_TAG = re.compile(r"<[^>]*>")
# Everyday English words (and a few of fan fiction's): never a reason to read something.
_EVERYDAY = """
about above after again against all also and any are aren't because been before being below
between both but can cannot could did does doing don't down during each few for from further
had has have having her here hers herself him himself his how into its itself just let
like more most much must myself nor not now off once only other ought our ours ourselves out
over own same she should some such than that the their theirs them themselves then there
these they this those through too under until very was were what when where which while who
whom why will with would you your yours yourself yourselves one two back said says say
know knew get got going went come came see saw look looked looking still even ever never
well yes yeah okay way thing things something nothing anything everything someone anyone
time little made make around away again upon toward towards though through without within
chapter chapters story work notes summary author fic fanfic fanfiction
"""
STOPWORDS = frozenset(_EVERYDAY.split())


def words_of(text: str) -> list[str]:
    """The words of `text` (HTML tags dropped), lower-cased, three letters or more, without
    everyday words."""
    return [w for w in (m.group().lower() for m in _WORD.finditer(_TAG.sub(" ", text)))
            if w not in STOPWORDS]


def term_counts(title: str, summary: str, text: str, *, words: int = WORDS_READ) -> dict[
        str, int]:
    """The terms a work is compared on: its title and summary, then its text's first `words`
    words."""
    counted = Counter(words_of(title) + words_of(summary))
    counted.update(words_of(text)[:words])
    return dict(counted)


def _readers_score(shared: int, mine: int, theirs: int) -> float:
    """Readers in common: their cosine, shrunk while they are few (one reader in common to
    two works with one reader each is a coincidence more than a taste)."""
    if not shared:
        return 0.0
    return shared / math.sqrt(mine * theirs) * shared / (shared + READER_SHRINK)


@dataclass
class Features:
    """What one work is compared on: its canonical tags (id to name), its readers' ids and
    its terms' counts."""

    tags: Mapping[int, str] = field(default_factory=dict)
    readers: frozenset[int] = frozenset()
    terms: Mapping[str, int] = field(default_factory=dict)
    # Words never named in a reason (its creators' names).
    unsaid: frozenset[str] = frozenset()


@dataclass
class Match:
    """One similar work: its id, the combined score, each signal's and the reason's parts."""

    work_id: int
    score: float
    tags: float = 0.0
    readers: float = 0.0
    text: float = 0.0
    shared_tags: list[str] = field(default_factory=list)
    shared_tag_count: int = 0
    shared_readers: int = 0
    shared_words: list[str] = field(default_factory=list)

    def reasons(self) -> dict[str, object]:
        """The parts of the reason, as stored (recommendations.models.SimilarWork.reasons):
        the signals in the order they weigh, and what each names."""
        parts = sorted(((WEIGHTS["tags"] * self.tags, "tags"),
                        (WEIGHTS["readers"] * self.readers, "readers"),
                        (WEIGHTS["text"] * self.text, "text")), reverse=True)
        reasons: dict[str, object] = {"order": [name for weight, name in parts if weight > 0]}
        if self.shared_tag_count:
            reasons["tags"] = self.shared_tags
            reasons["tag_count"] = self.shared_tag_count
        if self.shared_readers:
            reasons["readers"] = self.shared_readers
        if self.shared_words:
            reasons["words"] = self.shared_words
        return reasons


class Index:
    """Every work's features, with what comparing one work to all the others needs: each
    tag's, term's and reader's works, and the weights and norms. Build it once, then ask
    `similar` for each work to rank."""

    def __init__(self, features: Mapping[int, Features],
                 weights: Mapping[str, float] | None = None) -> None:
        self.features = features
        self.weights = dict(weights or WEIGHTS)
        count = max(len(features), 1)
        tag_df: Counter[int] = Counter()
        term_df: Counter[str] = Counter()
        self.by_tag: dict[int, list[int]] = defaultdict(list)
        self.by_reader: dict[int, list[int]] = defaultdict(list)
        for work_id, f in features.items():
            tag_df.update(f.tags.keys())
            term_df.update(f.terms.keys())
            for tag_id in f.tags:
                self.by_tag[tag_id].append(work_id)
            for reader in f.readers:
                self.by_reader[reader].append(work_id)
        self.tag_idf = {tag_id: math.log((count + 1) / (df + 0.5)) for tag_id, df in
                        tag_df.items()}
        self.tag_norm = {work_id: math.sqrt(sum(self.tag_idf[t] ** 2 for t in f.tags)) or 1.0
                         for work_id, f in features.items()}
        common = COMMON_SHARE * count
        idf = {term: math.log(count / df) for term, df in term_df.items()
               if df <= common or count < 4}
        self.vectors: dict[int, dict[str, float]] = {}
        by_term: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for work_id, f in features.items():
            weighted = {term: (1 + math.log(n)) * idf[term] for term, n in f.terms.items()
                        if idf.get(term, 0) > 0}
            kept = dict(sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_KEPT])
            norm = math.sqrt(sum(v * v for v in kept.values())) or 1.0
            self.vectors[work_id] = {term: v / norm for term, v in kept.items()}
            for term, v in kept.items():
                by_term[term].append((-v / norm, work_id))
        # Each term's works, those it weighs most in first, at most POSTINGS_KEPT of them.
        self.by_term: dict[str, list[tuple[int, float]]] = {
            term: [(work_id, -negative) for negative, work_id in sorted(works)[:POSTINGS_KEPT]]
            for term, works in by_term.items()}

    def similar(self, work_id: int, *, limit: int = 30,
                among: Iterable[int] | None = None) -> list[Match]:
        """The `limit` works most like `work_id` (never itself), best first; `among` limits
        the candidates (default: every work in the index)."""
        own = self.features.get(work_id)
        if own is None:
            return []
        allowed = None if among is None else set(among)
        tag_scores: dict[int, float] = defaultdict(float)
        for tag_id in own.tags if self.weights["tags"] else ():
            weight = self.tag_idf[tag_id] ** 2
            for other in self.by_tag[tag_id]:
                tag_scores[other] += weight
        reader_scores: Counter[int] = Counter()
        for reader in own.readers if self.weights["readers"] else ():
            works = self.by_reader[reader]
            if len(works) <= READER_WORKS_MAX:
                reader_scores.update(works)
        text_scores: dict[int, float] = defaultdict(float)
        vectors = self.vectors
        for term, weight in vectors[work_id].items() if self.weights["text"] else ():
            for other, theirs in self.by_term[term]:
                text_scores[other] += weight * theirs
        w_tags, w_readers, w_text = (self.weights["tags"], self.weights["readers"],
                                     self.weights["text"])
        own_norm = self.tag_norm[work_id]
        own_readers = len(own.readers)
        norms = self.tag_norm
        scores: dict[int, float] = {}
        if w_tags:
            for other, shared in tag_scores.items():
                scores[other] = w_tags * shared / (own_norm * norms[other])
        if w_readers:
            features = self.features
            for other, shared in reader_scores.items():
                scores[other] = scores.get(other, 0.0) + w_readers * _readers_score(
                    shared, own_readers, len(features[other].readers))
        if w_text:
            for other, shared in text_scores.items():
                scores[other] = scores.get(other, 0.0) + w_text * min(shared, 1.0)
        scores.pop(work_id, None)
        if allowed is not None:
            scores = {other: score for other, score in scores.items() if other in allowed}
        best = heapq.nlargest(limit, ((score, -other) for other, score in scores.items()
                                      if score > 0))
        matches = []
        for score, negative in best:
            other = -negative
            f = self.features[other]
            shared = reader_scores.get(other, 0)
            matches.append(Match(
                other, score,
                tags=tag_scores.get(other, 0.0) / (own_norm * norms[other]),
                readers=_readers_score(shared, own_readers, len(f.readers)),
                text=min(text_scores.get(other, 0.0), 1.0), shared_readers=shared))
            self._explain(work_id, matches[-1])
        return matches

    def _explain(self, work_id: int, match: Match) -> None:
        own, other = self.features[work_id], self.features[match.work_id]
        shared = sorted(set(own.tags) & set(other.tags),
                        key=lambda t: (-self.tag_idf[t], own.tags[t]))
        match.shared_tag_count = len(shared)
        match.shared_tags = [own.tags[t] for t in shared[:REASON_TAGS]]
        unsaid = own.unsaid | other.unsaid
        mine, theirs = self.vectors[work_id], self.vectors[match.work_id]
        words = sorted((term for term in set(mine) & set(theirs) if term not in unsaid),
                       key=lambda term: (-mine[term] * theirs[term], term))
        match.shared_words = words[:REASON_WORDS]
