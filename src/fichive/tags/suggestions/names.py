"""The names a story may call the archive's characters by, read from the wrangled tags:
canonical character tags and their synonyms, in the variants fan fiction uses (either order,
given or family name alone, CJK names without spaces); the existing relationship tags by the
characters they pair; and the place and term tags of each fandom. Built once per process and
rebuilt when the wrangling changes (`name_index`)."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum

from fichive.tags.models import Tag, tag_key
from fichive.tags.relationships import relationship_character_names

# A Latin-script word: letters only (apostrophes and hyphens split "Sakura's", "Sasuke-kun").
WORD = re.compile(r"[^\W\d_]+")
def word_set(text: str) -> frozenset[str]:
    """A set of the words of a text (word lists written as prose)."""
    return frozenset(text.split())


# Han, kana and hangul: written without spaces, so their names are found as substrings.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Separators inside CJK names: the katakana middle dot, full-width and ordinary spaces.
_CJK_SEPARATORS = re.compile(r"[\s・·＝=]+")
_DISAMBIGUATION = re.compile(r"\s*\([^)]*\)\s*$")
# Words of a character's name that never stand alone for them.
TITLES = word_set("""
mr mrs ms miss mx dr doctor prof professor inspector detective captain capt lieutenant
sergeant general admiral colonel major lady lord sir dame madam madame monsieur mademoiselle
king queen prince princess duke duchess count countess emperor empress aunt uncle saint st
father mother brother sister master mistress young old little big the of and de da di du
del della van von der den le la les el al bin ibn san
""")
GENERIC = word_set("""
original character characters female male other others reader you everyone ensemble cast
team family various minor oc ofc omc unnamed narrator
""")
# Characters whose tag is a stand-in, not a name a story uses.
_STAND_INS = re.compile(r"(?i)\boriginal\b.*\bcharacters?\b|^reader$|^you$|^everyone$|"
                        r"\bcharacter\(s\)")
_INDEX_SECONDS = 600  # rebuilt at least this often even if the fingerprint didn't change
MIN_PART_LENGTH = 2


def is_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def bare_name(name: str) -> str:
    """A tag name without its fandom disambiguation: "Sakura (Cardcaptor)" → "Sakura"."""
    return _DISAMBIGUATION.sub("", unicodedata.normalize("NFC", name)).strip() or name


@dataclass
class Character:
    id: int
    name: str
    fandom_ids: frozenset[int]
    families: frozenset[str] = frozenset()


@dataclass
class Alias:
    """One way of naming: the characters it may mean, whether it is a whole name (else a
    part: a given or family name alone) and the synonym tag it came from (None: the
    canonical's own name), per character."""

    characters: dict[int, int | None] = field(default_factory=dict)
    full: bool = False


@dataclass
class RelationshipTag:
    id: int
    name: str
    canonical: bool
    romantic: bool  # "A/B"; else "A & B"


@dataclass
class Term:
    """A place or term tag of one fandom ("Konoha", "221B Baker Street")."""

    id: int
    name: str
    fandom_id: int


@dataclass
class NameIndex:
    characters: dict[int, Character] = field(default_factory=dict)
    # Latin names as word tuples: ("Uchiha", "Sasuke"), ("Sasuke",), …
    words: dict[tuple[str, ...], Alias] = field(default_factory=dict)
    longest: int = 1
    first_words: frozenset[str] = frozenset()
    cjk: dict[str, Alias] = field(default_factory=dict)
    cjk_pattern: re.Pattern[str] | None = None
    relationships: dict[tuple[frozenset[int], bool], list[RelationshipTag]] = field(
        default_factory=dict)
    fandoms: dict[int, str] = field(default_factory=dict)
    terms: dict[tuple[str, ...], Term] = field(default_factory=dict)
    term_first_words: frozenset[str] = frozenset()
    triggers: frozenset[str] = frozenset()  # the words that may start a name or a term
    # A fandom's own name as words, as evidence for it ("Konoha" may be a fandom too).
    fandom_words: dict[tuple[str, ...], int] = field(default_factory=dict)

    def add(self, key: tuple[str, ...] | str, character: int, source: int | None, *,
            full: bool) -> None:
        table: dict = self.cjk if isinstance(key, str) else self.words
        alias = table.get(key)
        if alias is None:
            alias = table[key] = Alias(full=full)
        if full and not alias.full:
            # A whole name outranks the same word as part of other names.
            alias.characters.clear()
            alias.full = True
        if full or not alias.full:
            alias.characters.setdefault(character, source)


def _name_forms(name: str) -> tuple[list[tuple[str, ...]], list[str]]:
    """The whole-name word tuples of a Latin name (as written and reversed; first and last
    word of a longer name) and its parts that may stand alone."""
    words = tuple(WORD.findall(name))
    if not words:
        return [], []
    forms = [words]
    meaningful = [w for w in words if w.casefold() not in TITLES]
    if len(words) > 1:
        forms.append(tuple(reversed(words)))
    if len(meaningful) > 2:
        forms += [(meaningful[0], meaningful[-1]), (meaningful[-1], meaningful[0])]
    parts = [w for w in meaningful if len(w) >= MIN_PART_LENGTH and w[0].isupper()
             and w.casefold() not in GENERIC] if len(words) > 1 else []
    return list(dict.fromkeys(forms)), parts


def _script(char: str) -> str:
    if "\u3040" <= char <= "\u309f":
        return "hiragana"
    if "\u30a0" <= char <= "\u30ff":
        return "katakana"
    return "other"


def _script_runs(name: str) -> list[str]:
    """A Japanese name written without a space, split where the script changes: "うちは" +
    "サスケ", "春野" + "サクラ" (a Chinese name, all Han, stays whole)."""
    runs: list[str] = []
    for char in name:
        if runs and _script(runs[-1][-1]) == _script(char):
            runs[-1] += char
        else:
            runs.append(char)
    return runs


def _cjk_forms(name: str) -> tuple[list[str], list[str]]:
    """A CJK name written without spaces, and its parts of two characters or more."""
    parts = [p for p in _CJK_SEPARATORS.split(name.strip()) if p]
    if len(parts) == 1 and 1 < len(_script_runs(parts[0])) <= 3:
        parts = _script_runs(parts[0])
    whole = "".join(parts)
    forms = [whole] + (["".join(reversed(parts))] if len(parts) > 1 else [])
    alone = [p for p in parts if len(p) >= 2] if len(parts) > 1 else []
    return list(dict.fromkeys(forms)), alone


def _index_name(index: NameIndex, plain: str, char_id: int, source: int | None) -> None:
    if is_cjk(plain):
        whole, alone = _cjk_forms(plain)
        for cjk_form in whole:
            index.add(cjk_form, char_id, source, full=True)
        for cjk_part in alone:
            index.add(cjk_part, char_id, source, full=False)
        return
    whole_words, alone_words = _name_forms(plain)
    for form in whole_words:
        index.add(form, char_id, source, full=True)
    for part in alone_words:
        index.add((part,), char_id, source, full=False)


def build_index() -> NameIndex:
    """Read the wrangled tags into a NameIndex: five queries."""
    index = NameIndex()
    parents: dict[int, set[int]] = defaultdict(set)
    for child, parent in Tag.parents.through.objects.filter(
            to_tag__type=Tag.Type.FANDOM).values_list("from_tag_id", "to_tag_id"):
        parents[child].add(parent)
    index.fandoms = dict(Tag.objects.filter(type=Tag.Type.FANDOM, canonical=True)
                         .values_list("id", "name"))
    names: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    character_by_key: dict[str, int] = {}
    for tag_id, name, key, canonical, merger in Tag.objects.filter(
            Q(canonical=True) | Q(merger__canonical=True), type=Tag.Type.CHARACTER
    ).values_list("id", "name", "key", "canonical", "merger_id"):
        target = tag_id if canonical else merger
        character_by_key[key] = target
        if canonical:
            index.characters[tag_id] = Character(tag_id, name, frozenset(parents[tag_id]))
        if not _STAND_INS.search(name):
            names[target].append((name, None if canonical else tag_id))
    for char_id, forms in names.items():
        if char_id not in index.characters:
            continue
        for name, source in forms:
            # "Wei Ying | Wei Wuxian": each side of a bar is a name of its own.
            for plain in (bare_name(n) for n in name.split(" | ") if n.strip()):
                _index_name(index, plain, char_id, source)
    # Family names: a part several characters of one fandom share ("Uchiha").
    for words, alias in index.words.items():
        if len(words) == 1 and not alias.full and len(alias.characters) > 1:
            for char_id in alias.characters:
                character = index.characters[char_id]
                character.families = character.families | {words[0]}
    index.longest = max((len(k) for k in index.words), default=1)
    index.first_words = frozenset(k[0] for k in index.words)
    if index.cjk:
        alternatives = sorted(index.cjk, key=len, reverse=True)
        index.cjk_pattern = re.compile("|".join(re.escape(a) for a in alternatives))
    _index_relationships(index, character_by_key)
    _index_terms(index, parents)
    return index


def _index_relationships(index: NameIndex, character_by_key: dict[str, int]) -> None:
    """Existing two-character relationship tags by the pair they name, in either order:
    canonical tags and unwrangled ones (a synonym stands for its canonical)."""
    for tag_id, name, canonical in Tag.objects.filter(
            type=Tag.Type.RELATIONSHIP, merger__isnull=True).values_list("id", "name",
                                                                         "canonical"):
        names = relationship_character_names(name)
        if len(names) != 2:
            continue
        ids = [character_by_key.get(tag_key(n)) for n in names]
        if None in ids or ids[0] == ids[1]:
            continue
        pair = frozenset(i for i in ids if i is not None)
        romantic = "/" in name
        index.relationships.setdefault((pair, romantic), []).append(
            RelationshipTag(tag_id, name, canonical, romantic))
    for tags in index.relationships.values():
        tags.sort(key=lambda t: (not t.canonical, t.id))


def _index_terms(index: NameIndex, parents: dict[int, set[int]]) -> None:
    """Canonical additional tags of exactly one fandom written as proper names (every word
    capitalized or a number: "Pemberley", "221B Baker Street"): places and terms a story of
    that fandom names."""
    for fandom_id, name in index.fandoms.items():
        words = tuple(WORD.findall(bare_name(name)))
        if words and all(w[0].isupper() for w in words):
            index.fandom_words[words] = fandom_id
    for tag_id, name in Tag.objects.filter(type=Tag.Type.FREEFORM, canonical=True
                                           ).values_list("id", "name"):
        fandoms = parents.get(tag_id, set())
        if len(fandoms) != 1:
            continue
        words = tuple(WORD.findall(name))
        tokens = name.replace("-", " ").split()
        if not words or len(words) > 4 or not all(t[0].isupper() or t[0].isdigit()
                                                  for t in tokens):
            continue
        if len(words) == 1 and words[0].casefold() in TITLES | GENERIC:
            continue
        index.terms[words] = Term(tag_id, name, next(iter(fandoms)))
    index.term_first_words = frozenset(k[0] for k in index.terms) | frozenset(
        k[0] for k in index.fandom_words)
    index.triggers = index.first_words | index.term_first_words


# ------------------------------------------------------------------------- the kept index

_kept: dict[str, object] = {}
_lock = threading.Lock()


def _fingerprint() -> tuple:
    """What changes when tags are made, renamed into synonyms, made canonical or given
    fandoms: two aggregate queries."""
    tags = Tag.objects.filter(type__in=[Tag.Type.CHARACTER, Tag.Type.RELATIONSHIP,
                                        Tag.Type.FANDOM, Tag.Type.FREEFORM]).aggregate(
        n=Count("id"), top=Max("id"), merged=Sum("merger_id"),
        canonical=Count("id", filter=Q(canonical=True)),
    )
    links = Tag.parents.through.objects.aggregate(n=Count("id"), top=Max("id"))
    return tuple(tags.values()) + tuple(links.values())


def name_index() -> NameIndex:
    """The index of the archive's names, built again when the tags changed (a rename keeps
    the fingerprint: it shows within _INDEX_SECONDS)."""
    fingerprint = _fingerprint()
    with _lock:
        kept = _kept.get("index")
        if (kept is not None and _kept.get("fingerprint") == fingerprint
                and time.monotonic() - float(_kept["at"]) < _INDEX_SECONDS):  # type: ignore[arg-type]
            return kept  # type: ignore[return-value]
    index = build_index()
    with _lock:
        _kept.update(index=index, fingerprint=fingerprint, at=time.monotonic())
    return index


def forget_index() -> None:
    with _lock:
        _kept.clear()
