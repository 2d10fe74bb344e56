"""Tag suggestions read from a story's text: fandoms, characters, relationships and
additional tags, each with a confidence and the evidence behind it. Offered to authors, never
applied on their own; only tags the viewer may know of are suggested (tags.selectors).

`suggest_tags(text=…, viewer=…)` is the one entry point (the CLI, the posting form, the import
page and the API call it)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from fichive.accounts.requests import Viewer
from fichive.tags.models import Tag, tag_key
from fichive.tags.suggestions import model as tag_model
from fichive.tags.suggestions.names import NameIndex, name_index
from fichive.tags.suggestions.scenes import Reading, read_story, sentence_at

if TYPE_CHECKING:
    from fichive.works.models import Work

DEFAULT_THRESHOLD = 0.5
MAX_TEXT_CHARS = 5_000_000
TYPES_ORDER = (Tag.Type.FANDOM, Tag.Type.RELATIONSHIP, Tag.Type.CHARACTER, Tag.Type.FREEFORM)
# How much each kind of appearance counts towards a character's score.
WEIGHT_MENTION = 1.0
WEIGHT_QUOTED = 0.5  # named by someone else in dialogue
WEIGHT_SPEAKER = 3.0
WEIGHT_ADDRESSED = 1.0
WEIGHT_POV_SCENE = 3.0
CHARACTER_SCALE = 6.0
PAIR_SCALE = 5.0
# Two characters who between them hold this share of the story's character score lead it.
LEADS_SHARE = 0.6
LEADS_BONUS = 1.3
EVIDENCE_SENTENCES = 2
TERM_MIN_TIMES = 2


@dataclass
class Suggestion:
    name: str
    type: str
    confidence: float
    evidence: list[str]
    tag_id: int
    key: str = ""
    extra: dict = field(default_factory=dict, repr=False)

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data["confidence"] = round(self.confidence, 3)
        return data


def _saturate(score: float, scale: float) -> float:
    return 1.0 - math.exp(-max(score, 0.0) / scale)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _characters(reading: Reading, index: NameIndex) -> tuple[dict[int, float],
                                                             list[Suggestion]]:
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    examples: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    names_used: dict[int, Counter[str]] = defaultdict(Counter)
    for m in reading.mentions:
        c = counts[m.character]
        c["mention"] += 1
        c["quoted" if m.quoted else "narration"] += 1
        c["speaker"] += m.speaker
        c["addressed"] += m.addressed
        c["honorific"] += bool(m.honorific)
        c["family"] += m.family
        names_used[m.character][reading.paragraphs[m.paragraph][m.start:m.end]] += 1
        rank = 0 if m.speaker else 1 if m.addressed else 2
        examples[m.character].append((rank, m.paragraph, m.start))
    scores: dict[int, float] = {}
    for char_id, c in counts.items():
        scores[char_id] = (WEIGHT_MENTION * c["narration"] + WEIGHT_QUOTED * c["quoted"]
                           + WEIGHT_SPEAKER * c["speaker"] + WEIGHT_ADDRESSED * c["addressed"]
                           + WEIGHT_POV_SCENE * reading.pov_scenes[char_id])
    top = max(scores.values(), default=0.0)
    # A short text (the posting form's first paragraphs) names its cast fewer times.
    scale = min(CHARACTER_SCALE, max(2.0, reading.words / 120))
    suggestions = []
    for char_id, score in scores.items():
        c = counts[char_id]
        confidence = _saturate(score, scale)
        if top and score < 0.05 * top:  # a passing name in a long story
            confidence *= 0.5
        parts = [_plural(c["mention"], "mention")]
        if c["speaker"]:
            parts.append(f"speaks {_plural(c['speaker'], 'time')}")
        if c["addressed"]:
            parts.append(f"addressed {_plural(c['addressed'], 'time')}")
        if c["honorific"]:
            parts.append(f"{_plural(c['honorific'], 'time')} with an honorific")
        if c["family"]:
            parts.append(f"{_plural(c['family'], 'time')} by the family name (“the …”)")
        if reading.pov_scenes[char_id]:
            parts.append(f"point of view in {reading.pov_scenes[char_id]} of "
                         f"{_plural(reading.scenes, 'scene')}")
        shown = ", ".join(f"“{n}”" for n, _ in names_used[char_id].most_common(3))
        evidence = [f"{'; '.join(parts)} (as {shown})"]
        picked = sorted(examples[char_id], key=lambda e: (e[0], e[1]))
        for _, paragraph, offset in picked[:EVIDENCE_SENTENCES]:
            sentence = sentence_at(reading.paragraphs[paragraph], offset)
            if sentence not in evidence:
                evidence.append(sentence)
        character = index.characters[char_id]
        suggestions.append(Suggestion(name=character.name, type=Tag.Type.CHARACTER,
                                      confidence=confidence, evidence=evidence,
                                      tag_id=char_id, key=tag_key(character.name),
                                      extra={"score": score}))
    return scores, suggestions


def _relationships(reading: Reading, index: NameIndex, scores: dict[int, float]
                   ) -> list[Suggestion]:
    suggestions = []
    ranked = sorted(scores, key=lambda c: -scores[c])
    total = sum(scores.values())
    leads = frozenset(ranked[:2]) if len(ranked) >= 2 and total and (
        scores[ranked[0]] + scores[ranked[1]]) >= LEADS_SHARE * total else frozenset()
    for (a, b), stats in reading.pairs.items():
        strength = (stats.paragraphs + 0.5 * stats.nearby + 2 * stats.addresses
                    + 0.5 * stats.scenes)
        if strength <= 0:
            continue
        base = _saturate(strength, PAIR_SCALE)
        romance, friendship = stats.romance, stats.friendship
        romance_share = romance / (romance + friendship + 2)
        friendship_share = friendship / (romance + friendship + 2)
        pair = frozenset((a, b))
        names = f"{index.characters[a].name} and {index.characters[b].name}"
        facts = (f"{names}: {_plural(stats.paragraphs, 'shared paragraph')}, "
                 f"{stats.nearby} in neighbouring paragraphs, "
                 f"{_plural(stats.scenes, 'shared scene')}, "
                 f"{_plural(stats.addresses, 'time')} addressing each other")
        for romantic in (True, False):
            tags = index.relationships.get((pair, romantic))
            if not tags:
                continue
            if romantic:
                confidence = base * (0.4 + 0.6 * min(1.0, 3 * romance_share))
                cues = f"{_plural(romance, 'romance word')} near them"
            else:
                confidence = base * (0.7 + 0.3 * min(1.0, 2 * friendship_share)
                                     - 0.5 * min(1.0, 3 * romance_share))
                cues = f"{_plural(friendship, 'friendship word')}, " \
                       f"{_plural(romance, 'romance word')} near them"
            if pair == leads:
                confidence = min(1.0, confidence * LEADS_BONUS)
                cues += "; the story's two leads"
            evidence = [f"{facts}; {cues}"]
            for paragraph, offset in stats.examples[:EVIDENCE_SENTENCES]:
                evidence.append(sentence_at(reading.paragraphs[paragraph], offset))
            tag = tags[0]
            suggestions.append(Suggestion(name=tag.name, type=Tag.Type.RELATIONSHIP,
                                          confidence=max(0.0, confidence), evidence=evidence,
                                          tag_id=tag.id, key=tag_key(tag.name),
                                          extra={"canonical": tag.canonical}))
    return suggestions


def _fandoms(reading: Reading, index: NameIndex, characters: list[Suggestion],
             hint: set[int]) -> tuple[list[Suggestion], list[Suggestion]]:
    """Fandoms from their characters (each character's confidence shared among its fandoms,
    combined as independent evidence) and their place and term tags named in the text; and
    those terms as additional tags."""
    scores: Counter[int] = Counter()
    doubt: dict[int, float] = defaultdict(lambda: 1.0)
    why: dict[int, list[str]] = defaultdict(list)
    for s in sorted(characters, key=lambda s: -s.confidence):
        fandoms = index.characters[s.tag_id].fandom_ids
        for fandom in fandoms:
            scores[fandom] += s.extra["score"] / len(fandoms)
            doubt[fandom] *= 1 - s.confidence / len(fandoms)
            if len(why[fandom]) < 4:
                why[fandom].append(f"{s.name} ({s.extra['score']:g})")
    terms = []
    term_by_fandom: dict[int, list[str]] = defaultdict(list)
    by_id = {term.id: term for term in index.terms.values()}
    for term_id, times in reading.terms.items():
        term = by_id[term_id]
        confidence = _saturate(times, 2.0) * 0.9
        scores[term.fandom_id] += 2 * times
        doubt[term.fandom_id] *= 1 - confidence
        term_by_fandom[term.fandom_id].append(f"{term.name} ({times})")
        if times >= TERM_MIN_TIMES:
            paragraph, offset = reading.term_examples[term_id]
            terms.append(Suggestion(
                name=term.name, type=Tag.Type.FREEFORM, confidence=confidence,
                evidence=[f"named {_plural(times, 'time')}; a term of "
                          f"{index.fandoms.get(term.fandom_id, 'its fandom')}",
                          sentence_at(reading.paragraphs[paragraph], offset)],
                tag_id=term.id, key=tag_key(term.name)))
    for fandom, times in reading.fandom_names.items():
        scores[fandom] += times
        doubt[fandom] *= 1 - _saturate(times, 3.0) * 0.5
    total = sum(scores.values())
    suggestions = []
    for fandom, score in scores.items():
        if fandom not in index.fandoms:
            continue
        share = score / total if total else 0.0
        confidence = (1 - doubt[fandom]) * min(1.0, 0.3 + share)
        if fandom in hint:
            confidence = max(confidence, 0.99)
        evidence = []
        if why[fandom]:
            evidence.append("characters: " + ", ".join(why[fandom]))
        if term_by_fandom[fandom]:
            evidence.append("terms: " + ", ".join(term_by_fandom[fandom]))
        if reading.fandom_names[fandom]:
            evidence.append(f"its name, {_plural(reading.fandom_names[fandom], 'time')}")
        name = index.fandoms[fandom]
        suggestions.append(Suggestion(name=name, type=Tag.Type.FANDOM, confidence=confidence,
                                      evidence=evidence, tag_id=fandom, key=tag_key(name)))
    return suggestions, terms


def _additional(text: str) -> list[Suggestion]:
    trained = tag_model.load()
    if trained is None or not trained.tags:
        return []
    features = tag_model.words_of(text)
    out = []
    for tag_id, probability, words in trained.predict(features)[:20]:
        entry = trained.tags[str(tag_id)]
        evidence = [f"the model trained on {trained.works} public works"
                    + (f"; telling words: {', '.join(words)}" if words else "")]
        out.append(Suggestion(name=entry["name"], type=Tag.Type.FREEFORM,
                              confidence=probability, evidence=evidence, tag_id=tag_id,
                              key=tag_key(entry["name"])))
    return out


def _hidden_names(viewer: Viewer, reading: Reading) -> frozenset[int]:
    """The synonyms this reading found names through that the viewer may not know of (used
    only on works hidden from them): such a name must not shape what they are offered."""
    from fichive.tags.selectors import tags_visible_to

    sources = {m.source for m in reading.mentions if m.source is not None}
    if not sources:
        return frozenset()
    known = set(tags_visible_to(viewer, Tag.objects.filter(pk__in=sources))
                .values_list("id", flat=True))
    return frozenset(sources - known)


def _visible(viewer: Viewer, suggestions: list[Suggestion]) -> list[Suggestion]:
    """Only tags this viewer may know of (canonical ones are public; others are checked, in
    one query), as they are now (a tag merged or retyped since the index was built is
    left out)."""
    from fichive.tags.selectors import tags_visible_to

    rows = {row[0]: row for row in Tag.objects.filter(
        pk__in={s.tag_id for s in suggestions}).values_list(
        "id", "type", "canonical", "merger_id", "name")}
    unsure = [i for i, row in rows.items() if not row[2]]
    visible = set(tags_visible_to(viewer, Tag.objects.filter(pk__in=unsure))
                  .values_list("id", flat=True)) if unsure else set()
    kept: list[Suggestion] = []
    for s in suggestions:
        row = rows.get(s.tag_id)
        if row is None or row[1] != s.type or row[3] is not None:
            continue
        if not (row[2] or s.tag_id in visible):
            continue
        s.name = row[4]
        kept.append(s)
    return kept


def suggest_tags(*, text: str, viewer: Viewer, fandom_hint: list[str] | str | None = None,
                 threshold: float = DEFAULT_THRESHOLD, index: NameIndex | None = None
                 ) -> list[Suggestion]:
    """The tags this story's text suggests, for this viewer: fandoms, relationships,
    characters and additional tags at or above `threshold` confidence (0 for all), each type
    most confident first. `fandom_hint` (fandom names) settles names the fandoms share."""
    text = (text or "")[:MAX_TEXT_CHARS]
    if not text.strip():
        return []
    index = index or name_index()
    hints = [fandom_hint] if isinstance(fandom_hint, str) else list(fandom_hint or [])
    by_key = {tag_key(name): fid for fid, name in index.fandoms.items()}
    hint = {by_key[tag_key(h)] for h in hints if tag_key(h) in by_key}
    reading = read_story(text, index, fandom_hint=hint)
    hidden = _hidden_names(viewer, reading)
    if hidden:  # read again without those names (rare: a synonym only on hidden works)
        reading = read_story(text, index, fandom_hint=hint, hidden_sources=hidden)
    scores, characters = _characters(reading, index)
    relationships = _relationships(reading, index, scores)
    fandoms, terms = _fandoms(reading, index, characters, hint)
    additional: dict[int, Suggestion] = {}
    for s in terms + _additional(text):
        if s.tag_id not in additional or additional[s.tag_id].confidence < s.confidence:
            if s.tag_id in additional:
                s.evidence = additional[s.tag_id].evidence + s.evidence
            additional[s.tag_id] = s
    everything = [s for s in fandoms + relationships + characters + list(additional.values())
                  if s.confidence >= threshold]
    everything = _visible(viewer, everything)
    everything.sort(key=lambda s: (TYPES_ORDER.index(s.type), -s.confidence, s.name))
    return everything


def suggest_tags_for_work(*, work: Work, viewer: Viewer,
                          threshold: float = DEFAULT_THRESHOLD) -> list[Suggestion]:
    """suggest_tags for a work's chapters, its own fandoms as the hint. The caller decides
    that the viewer may read the work for this (e.g. formats.services.works_editable_by)."""
    chapters = work.chapters.order_by("position").values_list("content", flat=True)
    fandoms = list(work.taggings.filter(tag__type=Tag.Type.FANDOM)
                   .values_list("tag__name", flat=True))
    return suggest_tags(text="\n".join(chapters), viewer=viewer, fandom_hint=fandoms,
                        threshold=threshold)


def ambiguous_names(*, text: str, index: NameIndex | None = None) -> dict[str, list[str]]:
    """Names in the text several characters share and nothing settled (for the CLI's notes)."""
    index = index or name_index()
    reading = read_story(text, index)
    return {name: [index.characters[c].name for c in ids]
            for name, ids in reading.ambiguous.items()}


__all__ = ["DEFAULT_THRESHOLD", "Suggestion", "ambiguous_names", "suggest_tags",
           "suggest_tags_for_work"]
