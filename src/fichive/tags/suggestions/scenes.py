"""Reading a story for who is in it: paragraphs and scenes, each mention of a character
(resolving names several characters share), who speaks, who is addressed, whose point of
view a scene keeps, which pairs share paragraphs and scenes, and the romance and friendship
words around them."""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from fichive.lib.plaintext import is_separator
from fichive.tags.suggestions.names import _CJK, WORD, NameIndex, word_set

_HTML = re.compile(r"<(?:p|br|div|hr|em|i|b|strong|span)\b[^>]*>|</(?:p|div)>", re.I)
_BLOCKS = re.compile(r"\n[ \t]*\n+")
_QUOTES_OPEN = "\"“«「『„"
_QUOTES_CLOSE = "\"”»」』“"
_HONORIFICS = frozenset(["kun", "chan", "san", "sama", "sensei", "senpai", "sempai", "dono",
                         "nii", "nee", "niisan", "neesan", "shishou", "hime", "tan",
                         "chin", "kouhai", "kohai", "bo"])
SPEECH = word_set("""
said says say asked asks replied replies answered answers whispered whispers shouted shouts
yelled yells screamed screams muttered mutters murmured murmurs called calls snapped snaps
added adds sighed sighs laughed laughs cried cries demanded demands told tells began begins
continued continues agreed agrees admitted admits insisted insists repeated repeats hissed
hisses growled growls grumbled grumbles exclaimed exclaims breathed breathes offered offers
pointed points sniffed sniffs drawled drawls teased teases protested protests shrieked
shrieks squealed squeals whined whines barked barks mumbled mumbles corrected corrects
""")
_MANNER = word_set("""
practically quietly softly finally suddenly simply only just then again still firmly gently
dryly drily coldly flatly loudly sharply mildly calmly slowly quickly eventually
""")
ROMANCE = word_set("""
kiss kissed kisses kissing love loved loves lover lovers loving beloved darling sweetheart
heart hearts blush blushed blushing flush flushed embrace embraced lips married marry
marriage husband wife wedding date dating romance romantic flirt flirted flirting desire
wanted longing pining pined tender tenderly caress caressed bed boyfriend girlfriend
fiance fiancee courting courtship propose proposed proposal honeymoon crush adore adored
""")
FRIENDSHIP = word_set("""
friend friends friendship buddy pal pals mate teammate teammates team comrade comrades
partner rival rivals rivalry brother brothers sister sisters companion companions
colleague colleagues together trust trusted loyal loyalty ally allies mentor student
""")
# The same cues in Chinese and Japanese, found as substrings (no spaces between words).
ROMANCE_CJK = ("喜欢你", "爱你", "我爱", "吻", "亲了", "心动", "好き", "愛して", "キス", "恋")
FRIENDSHIP_CJK = ("朋友", "兄弟", "知己", "友達", "仲間", "親友", "ともだち")
# Beyond this many characters in one paragraph, it is a list, not a scene between pairs.
_PAIR_LIMIT = 6


@dataclass
class Mention:
    character: int
    paragraph: int
    start: int
    end: int
    source: int | None  # the synonym tag the name came from, None for the canonical's own
    speaker: bool = False
    addressed: bool = False
    quoted: bool = False
    honorific: str = ""
    family: bool = False  # "the Uchiha"


@dataclass
class PairStats:
    paragraphs: int = 0
    nearby: int = 0
    scenes: int = 0
    addresses: int = 0
    romance: int = 0
    friendship: int = 0
    examples: list[tuple[int, int]] = field(default_factory=list)  # (paragraph, offset)


@dataclass
class Reading:
    paragraphs: list[str]
    scene_of: list[int]
    mentions: list[Mention]
    terms: Counter[int]  # term tag id → times named
    term_examples: dict[int, tuple[int, int]]
    fandom_names: Counter[int]
    ambiguous: dict[str, list[int]]  # a name left unresolved → the characters it may mean
    pairs: dict[tuple[int, int], PairStats]
    pov_scenes: Counter[int]
    scenes: int
    words: int


def paragraphs_of(text: str) -> list[str]:
    """The story's paragraphs, from HTML or plain text: blank-line blocks, or lines when the
    text has no blank lines."""
    if _HTML.search(text):
        from fichive.formats.exporters.txt import html_to_plain

        text = html_to_plain(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = _BLOCKS.split(text) if _BLOCKS.search(text) else text.split("\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]


def _quoted_at(paragraph: str, position: int) -> bool:
    """Whether this position of a paragraph is inside quotation marks."""
    before = paragraph[:position]
    straight = before.count('"')
    curly_open = before.count("“") + before.count("«") + before.count("「") + before.count("『")
    curly_close = before.count("”") + before.count("»") + before.count("」") + before.count("』")
    return straight % 2 == 1 or curly_open > curly_close


def _next_char(paragraph: str, position: int) -> str:
    rest = paragraph[position:position + 3].lstrip()
    return rest[:1]


def _prev_char(paragraph: str, position: int) -> str:
    before = paragraph[max(0, position - 3):position].rstrip()
    return before[-1:]


_ROMANCE_CASED = ROMANCE | {w.capitalize() for w in ROMANCE}
_FRIENDSHIP_CASED = FRIENDSHIP | {w.capitalize() for w in FRIENDSHIP}


@functools.lru_cache(maxsize=4096)
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<![^\W\d_])" + re.escape(word) + r"(?![^\W\d_])")


class _Locator:
    """Where words are in a paragraph, asked in the order they come: each is the next
    occurrence of that whole word after the last one placed."""

    def __init__(self, paragraph: str) -> None:
        self.paragraph = paragraph
        self.cursor = 0

    def next(self, word: str) -> int:
        found = _whole_word(word).search(self.paragraph, self.cursor)
        if found is None:
            return self.cursor
        self.cursor = found.end()
        return found.start()

    def end_of(self, word: str, start: int) -> int:
        """Where a name that starts at `start` and ends with `word` ends."""
        found = _whole_word(word).search(self.paragraph, start)
        return found.end() if found else start + len(word)


class _Reader:
    def __init__(self, index: NameIndex, fandom_hint: set[int],
                 hidden_sources: frozenset[int] = frozenset()) -> None:
        self.index = index
        self.hidden = hidden_sources
        self.hint = fandom_hint
        self.mentions: list[Mention] = []
        self.unresolved: list[tuple[Mention, dict[int, int | None], str]] = []
        self.terms: Counter[int] = Counter()
        self.term_examples: dict[int, tuple[int, int]] = {}
        self.fandom_names: Counter[int] = Counter()
        self.cues: dict[int, tuple[int, int]] = {}  # paragraph → (romance, friendship) words

    def read(self, number: int, paragraph: str) -> None:
        """Find the names in one paragraph. The words are listed by one regular expression
        (no match objects, no per-word Python work but a set lookup); only the few that can
        start a name or a term are placed in the paragraph, in order (_Locator)."""
        index = self.index
        tokens = WORD.findall(paragraph)
        romance = sum(map(_ROMANCE_CASED.__contains__, tokens))
        friendship = sum(map(_FRIENDSHIP_CASED.__contains__, tokens))
        if index.cjk_pattern is not None and _CJK.search(paragraph):
            romance += sum(paragraph.count(cue) for cue in ROMANCE_CJK)
            friendship += sum(paragraph.count(cue) for cue in FRIENDSHIP_CJK)
        if romance or friendship:
            self.cues[number] = (romance, friendship)
        triggers = index.triggers
        candidates_at = [i for i, word in enumerate(tokens) if word in triggers]
        if candidates_at:
            self._read_latin(number, paragraph, tokens, candidates_at)
        if index.cjk_pattern is not None and _CJK.search(paragraph):
            self._read_cjk(number, paragraph)

    def _read_latin(self, number: int, paragraph: str, tokens: list[str],
                    candidates_at: list[int]) -> None:
        index = self.index
        has_quote = any(q in paragraph for q in _QUOTES_OPEN)
        place = _Locator(paragraph)
        count = len(tokens)
        skip_to = 0
        for i in candidates_at:
            word = tokens[i]
            start = place.next(word)
            if i < skip_to:
                continue
            if word in index.term_first_words:
                self._term(number, tokens, i, start)
            if word not in index.first_words:
                continue
            found = None
            for length in range(min(index.longest, count - i), 0, -1):
                alias = index.words.get(tuple(tokens[i:i + length]))
                if alias is not None:
                    found = (alias, length)
                    break
            if found is None:
                continue
            alias, length = found
            skip_to = i + length
            candidates = self._candidates(alias.characters)
            if not candidates:
                continue
            end = place.end_of(tokens[i + length - 1], start)
            mention = Mention(character=0, paragraph=number, start=start, end=end, source=None)
            following = i + length
            if (following < count and paragraph[end:end + 1] == "-"
                    and tokens[following].lower() in _HONORIFICS):
                mention.honorific = tokens[following].lower()
                end += 1 + len(tokens[following])
                following += 1
            mention.family = i > 0 and tokens[i - 1] in ("the", "The") and length == 1
            if has_quote:
                mention.quoted = _quoted_at(paragraph, start)
                after = tokens[following].lower() if following < count else ""
                after2 = tokens[following + 1].lower() if following + 1 < count else ""
                before = tokens[i - 1].lower() if i > 0 else ""
                mention.speaker = not mention.quoted and (
                    after in SPEECH or (after in _MANNER and after2 in SPEECH)
                    or (before in SPEECH and _prev_char(paragraph, start) != "."))
                mention.addressed = mention.quoted and (
                    _prev_char(paragraph, start) in ("", ",", '"', "“", "!", "?", ".")
                    and _next_char(paragraph, end) in (",", "!", "?", ".", '"', "”", "…")
                    and after not in SPEECH)
            if len(candidates) == 1:
                ((mention.character, mention.source),) = candidates.items()
                self.mentions.append(mention)
            else:
                self.unresolved.append((mention, candidates, " ".join(tokens[i:i + length])))
    def _read_cjk(self, number: int, paragraph: str) -> None:
        index = self.index
        if index.cjk_pattern is not None:
            for match in index.cjk_pattern.finditer(paragraph):
                candidates = self._candidates(index.cjk[match.group()].characters)
                if not candidates:
                    continue
                mention = Mention(character=0, paragraph=number, start=match.start(),
                                  end=match.end(), source=None,
                                  quoted=_quoted_at(paragraph, match.start()))
                if len(candidates) == 1:
                    ((mention.character, mention.source),) = candidates.items()
                    self.mentions.append(mention)
                else:
                    self.unresolved.append((mention, candidates, match.group()))

    def _candidates(self, characters: dict[int, int | None]) -> dict[int, int | None]:
        """The characters a name may mean, less those it names only through a synonym the
        viewer may not know of."""
        if not self.hidden:
            return characters
        return {c: source for c, source in characters.items() if source not in self.hidden}

    def _term(self, number: int, tokens: list[str], i: int, start: int) -> None:
        index = self.index
        for length in range(min(4, len(tokens) - i), 0, -1):
            key = tuple(tokens[i:i + length])
            term = index.terms.get(key)
            if term is not None:
                self.terms[term.id] += 1
                self.term_examples.setdefault(term.id, (number, start))
            fandom = index.fandom_words.get(key)
            if fandom is not None:
                self.fandom_names[fandom] += 1

    def resolve(self) -> dict[str, list[int]]:
        """Give each shared name to the one character the rest of the story points at, or
        leave it out (reported as ambiguous). First the fandom: the candidates of the fandom
        the story's other names (and the hint) belong to. Among those (a family: "Uchiha",
        "the Uchiha", "Darcy"), the one the story names otherwise, at least three times,
        while it never names the others; else no one: a family name is as often the member
        named elsewhere ("Uchiha" for Sasuke) as the one who isn't (in a story naming
        "Georgiana", "Darcy" is her brother)."""
        named = Counter(m.character for m in self.mentions)
        fandoms: Counter[int] = Counter()
        for char_id, times in named.items():
            for fandom in self.index.characters[char_id].fandom_ids:
                fandoms[fandom] += times
        for fandom in self.hint:
            fandoms[fandom] += 1000
        ambiguous: dict[str, list[int]] = {}
        for mention, candidates, shown in self.unresolved:
            by_fandom = {c: max((fandoms[f] for f in self.index.characters[c].fandom_ids),
                                default=0) for c in candidates}
            top = max(by_fandom.values())
            left = [c for c in candidates if by_fandom[c] == top] if top > 0 else list(
                candidates)
            chosen = left[0] if len(left) == 1 else None
            if chosen is None:
                ranked = sorted(left, key=lambda c: -named[c])
                if named[ranked[0]] >= 3 and not named[ranked[1]]:
                    chosen = ranked[0]
            if chosen is None:
                ambiguous.setdefault(shown, sorted(candidates))
                continue
            mention.character, mention.source = chosen, candidates[chosen]
            self.mentions.append(mention)
        self.mentions.sort(key=lambda m: (m.paragraph, m.start))
        return ambiguous


def read_story(text: str, index: NameIndex, *, fandom_hint: set[int] | None = None,
               hidden_sources: frozenset[int] = frozenset()) -> Reading:
    """Everything the suggestions need from the story, in one pass over its words; names
    that come from the synonym tags in `hidden_sources` are not read."""
    paragraphs = paragraphs_of(text)
    reader = _Reader(index, fandom_hint or set(), hidden_sources)
    scene_of: list[int] = []
    scene = 0
    words = 0
    for number, paragraph in enumerate(paragraphs):
        if len(paragraph) <= 40 and is_separator(paragraph):
            scene += 1
            scene_of.append(scene)
            continue
        scene_of.append(scene)
        words += paragraph.count(" ") + 1
        reader.read(number, paragraph)
    ambiguous = reader.resolve()
    by_paragraph: dict[int, list[Mention]] = defaultdict(list)
    for mention in reader.mentions:
        by_paragraph[mention.paragraph].append(mention)
    pairs: dict[tuple[int, int], PairStats] = defaultdict(PairStats)
    scene_cast: dict[int, Counter[int]] = defaultdict(Counter)
    narration: dict[int, Counter[int]] = defaultdict(Counter)
    casts: dict[int, set[int]] = {}
    last_speaker: int | None = None
    for number, mentions in sorted(by_paragraph.items()):
        cast = {m.character for m in mentions}
        scene_cast[scene_of[number]].update(m.character for m in mentions)
        for m in mentions:
            if not m.quoted:
                narration[scene_of[number]][m.character] += 1
        speakers = [m.character for m in mentions if m.speaker]
        speaker = speakers[0] if speakers else None
        for m in mentions:
            if not m.addressed:
                continue
            by = speaker if speaker not in (None, m.character) else None
            if by is None:
                others = [o.character for o in mentions
                          if not o.quoted and o.character != m.character]
                by = others[0] if others else last_speaker
            if by is not None and by != m.character:
                pairs[_pair(by, m.character)].addresses += 1
                cast.add(by)
        if speaker is not None:
            last_speaker = speaker
        casts[number] = cast
        first: dict[int, int] = {}
        for m in mentions:
            first.setdefault(m.character, m.start)
        if 1 < len(cast) <= _PAIR_LIMIT:
            romance, friendship = reader.cues.get(number, (0, 0))
            for a, b in combinations(sorted(cast), 2):
                stats = pairs[(a, b)]
                stats.paragraphs += 1
                stats.romance += romance
                stats.friendship += friendship
                if len(stats.examples) < 3 and (romance or friendship or not stats.examples):
                    stats.examples.append((number, min(first.get(a, 0), first.get(b, 0))))
    # Nearby: named in neighbouring paragraphs of one scene (a dialogue's turns), with the
    # romance and friendship words of the paragraphs between.
    for number, cast in casts.items():
        following = casts.get(number + 1)
        if not following or scene_of[number] != scene_of[number + 1]:
            continue
        romance = sum(reader.cues.get(n, (0, 0))[0] for n in (number, number + 1))
        friendship = sum(reader.cues.get(n, (0, 0))[1] for n in (number, number + 1))
        for a in cast:
            for b in following:
                if a == b or (a in following and b in cast):
                    continue
                stats = pairs[_pair(a, b)]
                stats.nearby += 1
                stats.romance += romance
                stats.friendship += friendship
    # A scene's two leads share its romance and friendship words.
    scene_cues: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for number, (romance, friendship) in reader.cues.items():
        scene_cues[scene_of[number]][0] += romance
        scene_cues[scene_of[number]][1] += friendship
    for scene_number, counts in scene_cast.items():
        leads = [c for c, _ in counts.most_common(2)]
        if len(leads) == 2 and scene_number in scene_cues:
            stats = pairs[_pair(*leads)]
            stats.romance += scene_cues[scene_number][0] // 2
            stats.friendship += scene_cues[scene_number][1] // 2
    for counts in scene_cast.values():
        cast = set(counts)
        if 1 < len(cast) <= _PAIR_LIMIT * 2:
            for a, b in combinations(sorted(cast), 2):
                pairs[(a, b)].scenes += 1
    pov: Counter[int] = Counter()
    for counts in narration.values():
        (leader, times), *rest = counts.most_common(2) + [(0, 0)]
        if times >= 2 and times > rest[0][1]:
            pov[leader] += 1
    return Reading(paragraphs=paragraphs, scene_of=scene_of, mentions=reader.mentions,
                   terms=reader.terms, term_examples=reader.term_examples,
                   fandom_names=reader.fandom_names, ambiguous=ambiguous, pairs=dict(pairs),
                   pov_scenes=pov, scenes=scene + 1, words=words)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def sentence_at(paragraph: str, offset: int, *, limit: int = 200) -> str:
    """The sentence of a paragraph around an offset, shortened to `limit` characters."""
    start = max(paragraph.rfind(". ", 0, offset), paragraph.rfind("? ", 0, offset),
                paragraph.rfind("! ", 0, offset))
    start = 0 if start < 0 else start + 2
    ends = [e for e in (paragraph.find(". ", offset), paragraph.find("? ", offset),
                        paragraph.find("! ", offset)) if e >= 0]
    end = min(ends) + 1 if ends else len(paragraph)
    sentence = paragraph[start:end].strip()
    if len(sentence) > limit:
        sentence = sentence[:limit - 1].rstrip() + "…"
    return sentence
