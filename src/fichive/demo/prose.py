"""Synthetic prose for generated archives: a template generator over word lists written here
(no downloaded text), in English plus a few other languages, including accented and CJK text.

`ProsePool` builds paragraphs once, with their exact word counts (by the archive's own rule),
so chapters are assembled by picking paragraphs: fast enough for hundreds of thousands of
chapters, and every chapter's word count is exact.

English prose is topical, as stories are: each of a few dozen topics uses a small share of the
story word lists (its own cast, places and objects) and its own words from a large generated
lexicon (pseudo-words whose use across topics follows a Zipf law), and a work is written in one
or two topics. So a story word like "dragon" is found in some works and not in most, the index
holds tens of thousands of distinct words, and only everyday words ("the", "and") are in
nearly every work: searches select as they would on an archive of real stories.
"""

from __future__ import annotations

import bisect
import html
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from fichive.lib.wordcount import count_words

# English: enough variety that search queries (dragon, wyvern, rain, storm, the old house,
# tea, letters, kiss, love, winter) find some works and miss others.
NAMES = [
    "Ilse", "Jonah", "Mara", "Teodor", "Wren", "Casimir", "Anouk", "Bram", "Odile", "Piet",
    "Sable", "Ferris", "Linnea", "Rook", "Hallam", "Esme", "Corin", "Tamsin", "Aurelio",
    "Nadia", "Quill", "Soren", "Yara", "Emrys", "Delphine", "Kit", "Marek", "Opal",
]
SUBJECTS = [
    "the ferryman", "the old woman", "her brother", "the captain", "the dragon", "the wyvern",
    "the stranger", "the innkeeper", "the knight", "the cartographer", "the youngest witch",
    "the clockmaker", "the gardener", "the ghost", "the wolf", "the prince", "the soldier",
    "the archivist", "the baker", "the detective", "the pilot", "the singer", "the twins",
]
VERBS = [
    "carried", "found", "remembered", "opened", "mended", "burned", "wrote", "watched",
    "followed", "hid", "counted", "painted", "kissed", "answered", "lost", "traded", "buried",
    "folded", "poured", "sharpened", "read", "forgot", "offered", "kept", "broke", "stole",
]
OBJECTS = [
    "the letters", "a cup of tea", "the lantern", "the map", "a silver key", "the ledger",
    "the last of the bread", "an old coat", "the compass", "a bundle of letters",
    "the wedding ring", "the sword", "a jar of honey", "the broken clock", "the photograph",
    "a paper crane", "the dragon's egg", "the blanket", "the orchard gate", "a wool scarf",
]
PLACES = [
    "in the old house", "by the river", "under the bridge", "at the edge of the orchard",
    "in the rain", "before the storm", "on the night ferry", "in the lighthouse",
    "behind the bakery", "across the frozen lake", "in the library", "at the harbour",
    "in the winter garden", "on the roof", "by the fire", "in the empty ballroom",
    "at the crossroads", "in the tower", "beside the well", "on the last train",
]
TIMES = [
    "that morning", "after midnight", "before anyone woke", "in the first week of winter",
    "while the kettle boiled", "long after the others had gone", "at dusk", "every evening",
    "for the third time", "without a word", "when the bells stopped", "just as it began to snow",
]
FEELINGS = [
    "It felt like love, or something close to it.", "Nobody said anything for a while.",
    "The storm did not come after all.", "Rain ran down the windows in long silver threads.",
    "Somewhere a dog barked and then thought better of it.", "The tea had gone cold.",
    "It was, she decided, the worst idea anyone had ever had.", "He laughed despite himself.",
    "The house creaked as if it were listening.", "Outside, the snow kept falling.",
    "The wyvern circled twice and landed on the wall.", "Her hands would not stop shaking.",
    "They had been friends for eleven years, and it had never once been simple.",
]
SAID = ["said", "asked", "whispered", "muttered", "called", "admitted", "insisted"]
LINES = [
    "You'll wear the steps through", "We should have left yesterday", "Is that a dragon",
    "I kept every one of your letters", "Don't you dare kiss me now", "Put the kettle on",
    "The old house is empty", "It's only rain", "Stay", "Tell me the truth for once",
    "Winter's coming early this year", "I was never angry with you", "Run",
]
TITLE_WORDS = [
    "Winter", "Lantern", "Harbour", "Ember", "Orchard", "Tide", "Letters", "Storm", "Rain",
    "Dragon", "Salt", "Hollow", "Compass", "Bridge", "Ashes", "Honey", "Silver", "Crown",
    "Ferry", "Garden", "Midnight", "Thread", "Wolves", "Glass", "Paper", "River", "Ghosts",
    "Tea", "Stars", "Thorns", "Summer", "Feathers", "Bones", "Echoes", "Clockwork", "Wyvern",
]
TITLE_SHAPES = [
    "{a}", "The {a}", "{a} and {b}", "The {a} of {b}", "A {a} in {b}", "{a} for {b}",
    "Under the {a}", "What the {a} Knew", "{a}, {b}, {c}", "Of {a} and {b}", "After the {a}",
    "The Last {a}", "{a} Season", "Where the {a} Goes",
]

# Other languages: short sentence banks (with accents, Cyrillic, and CJK text).
FOREIGN = {
    "es": ["La lluvia caía sobre el puerto.", "Él guardó todas tus cartas.",
           "El dragón dormía en la torre.", "Ella sirvió el té sin decir nada.",
           "Mañana saldremos antes del amanecer.", "Nadie recordaba la canción.",
           "La casa vieja olía a sal y a limón.", "¿Por qué no me lo dijiste?"],
    "fr": ["Il pleuvait sur le port depuis des heures.", "Elle a gardé toutes tes lettres.",
           "Le dragon dormait dans la tour.", "Ça n'a jamais été simple, tu sais.",
           "La vieille maison sentait le thé et la cire.", "Où étais-tu cet été-là ?",
           "Nous partirons avant l'aube.", "Le fleuve était gelé jusqu'à la côte."],
    "de": ["Es regnete über dem Hafen.", "Sie hat alle deine Briefe aufbewahrt.",
           "Der Drache schlief im Turm.", "Das alte Haus roch nach Tee und Wachs.",
           "Wir gehen vor der Dämmerung.", "Niemand erinnerte sich an das Lied.",
           "Der Fluss war bis zur Küste gefroren.", "Warum hast du es mir nicht gesagt?"],
    "pt-BR": ["A chuva caía sobre o porto.", "Ela guardou todas as suas cartas.",
              "O dragão dormia na torre.", "A casa velha cheirava a chá e cera.",
              "Vamos partir antes do amanhecer.", "Ninguém lembrava da canção."],
    "ru": ["Дождь шёл над гаванью.", "Она сохранила все твои письма.",
           "Дракон спал в башне.", "Старый дом пах чаем и воском.",
           "Мы уйдём до рассвета.", "Никто не помнил эту песню."],
    "zh": ["雨一直下在港口上。", "她留着你所有的信。", "龙在塔里睡着了。",
           "老房子里有茶和蜡的味道。", "我们天亮前就走。", "没有人记得那首歌。",
           "河水一直冻到海边。", "你为什么不告诉我？"],
    "ja": ["港に雨が降り続いていた。", "彼女はあなたの手紙を全部取っておいた。",
           "竜は塔の中で眠っていた。", "古い家はお茶と蝋の匂いがした。",
           "夜明け前に出発しよう。", "誰もその歌を覚えていなかった。"],
    "ko": ["항구에 비가 내리고 있었다.", "그녀는 너의 편지를 모두 간직했다.",
           "용은 탑에서 잠들어 있었다.", "오래된 집에서는 차 냄새가 났다."],
}


# The generated lexicon: syllables of our own, words of two to four of them.
LEXICON_SYLLABLES = [
    "ab", "al", "am", "ar", "bal", "ben", "bor", "cal", "cen", "dor", "dra", "el", "em", "en",
    "fal", "fen", "gal", "gor", "har", "hel", "il", "in", "jor", "kal", "ken", "lam", "lor",
    "mal", "mer", "mor", "nal", "nor", "ol", "or", "pal", "pen", "quel", "ral", "ren", "sal",
    "sen", "tal", "ter", "tor", "ul", "un", "val", "ven", "wel", "yar", "zel", "ith", "oth",
    "ash", "esk", "ov", "ry", "ly", "wyn", "ae",
]
LEXICON_SIZE = 20_000
TOPICS = 48
# Words a topic draws from the lexicon, and its share of each story word list.
TOPIC_LEXICON = 400
TOPIC_SHARE = 0.1
# Everyday words every kind of story uses (so they are in nearly every work, as in real text).
EVERYDAY = [
    "It was late, and the light was going.", "She did not answer at first.",
    "He looked at the door for a long moment.", "There was nothing else to say.",
    "They walked the rest of the way in silence.", "Somebody laughed in the next room.",
    "The clock on the wall had stopped at some point.", "In the end it was easier to wait.",
]
LEXICON_SHAPES = [
    "{name} thought about the {a} and the {b}.", "There was {a} in the air, and {b} under it.",
    "Nobody in {a} had ever seen a {b} like that.", "The {a} smelled of {b} and old {c}.",
    "{name} kept the {a} in a box beside the {b}.", "They called it the {a}, for the {b}.",
    "Past the {a} the road turned toward {b}.", "It had been a {a} year for the {b}.",
]


def _lexicon() -> list[str]:
    """LEXICON_SIZE distinct pseudo-words, the same on every run (their own fixed seed)."""
    rng = random.Random(20091101)  # noqa: S311 - a fixed word list, not a secret
    words: dict[str, None] = {}
    while len(words) < LEXICON_SIZE:
        word = "".join(rng.choice(LEXICON_SYLLABLES) for _ in range(rng.randint(2, 4)))
        words[word] = None
    return list(words)


@dataclass
class Topic:
    """A kind of story: its share of the word lists and its lexicon words (Zipf-weighted)."""

    lists: dict[str, list[str]]
    words: list[str]
    word_weights: list[float] = field(default_factory=list)

    @classmethod
    def make(cls, rng: random.Random, lexicon: Sequence[str],
             lexicon_cum: Sequence[float]) -> Topic:
        lists = {}
        for name, items in (("names", NAMES), ("subjects", SUBJECTS), ("verbs", VERBS),
                            ("objects", OBJECTS), ("places", PLACES), ("times", TIMES),
                            ("feelings", FEELINGS), ("lines", LINES)):
            lists[name] = rng.sample(items, max(2, round(len(items) * TOPIC_SHARE)))
        chosen: dict[str, None] = {}
        while len(chosen) < TOPIC_LEXICON:
            index = bisect.bisect_left(lexicon_cum, rng.random() * lexicon_cum[-1])
            chosen[lexicon[min(index, len(lexicon) - 1)]] = None
        words = list(chosen)
        weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(words) + 1)))
        return cls(lists, words, weights)

    def word(self, rng: random.Random) -> str:
        index = bisect.bisect_left(self.word_weights, rng.random() * self.word_weights[-1])
        return self.words[min(index, len(self.words) - 1)]


def english_sentence(rng: random.Random, topic: Topic | None = None) -> str:
    if topic is None:
        pick = {"names": NAMES, "subjects": SUBJECTS, "verbs": VERBS, "objects": OBJECTS,
                "places": PLACES, "times": TIMES, "feelings": FEELINGS, "lines": LINES}
    else:
        pick = topic.lists
    roll = rng.random()
    name = rng.choice(pick["names"])
    if topic is not None and roll >= 0.7:
        if roll < 0.8:
            return rng.choice(EVERYDAY)
        return rng.choice(LEXICON_SHAPES).format(
            name=name, a=topic.word(rng), b=topic.word(rng), c=topic.word(rng))
    if roll < 0.32:
        subject = rng.choice((name, rng.choice(pick["subjects"])))
        sentence = (f"{subject} {rng.choice(pick['verbs'])} {rng.choice(pick['objects'])} "
                    f"{rng.choice(pick['places'])} {rng.choice(pick['times'])}.")
        return sentence[0].upper() + sentence[1:]
    if roll < 0.52:
        line = rng.choice(pick["lines"])
        mark = "?" if line.startswith(("Is ", "Do ")) else ("." if rng.random() < 0.7 else "!")
        return f"\u201c{line}{mark}\u201d {name} {rng.choice(SAID)}."
    if roll < 0.62:
        return rng.choice(pick["feelings"])
    return (f"{name} {rng.choice(pick['verbs'])} {rng.choice(pick['objects'])}, and "
            f"{rng.choice(pick['subjects'])} {rng.choice(pick['verbs'])} "
            f"{rng.choice(pick['objects'])} {rng.choice(pick['places'])}.")


def sentence(rng: random.Random, language: str) -> str:
    bank = FOREIGN.get(language)
    return rng.choice(bank) if bank else english_sentence(rng)


def title(rng: random.Random, language: str = "en") -> str:
    if language in FOREIGN and rng.random() < 0.7:
        return FOREIGN[language][rng.randrange(len(FOREIGN[language]))].rstrip(".。?？!")
    words = rng.sample(TITLE_WORDS, 3)
    return rng.choice(TITLE_SHAPES).format(a=words[0], b=words[1], c=words[2])


@dataclass
class ProsePool:
    """Paragraphs of one language (sanitized-HTML shaped, "<p>…</p>") and their word counts,
    grouped by topic (`topics[k]`: the indexes of topic k's paragraphs)."""

    paragraphs: list[str]
    counts: list[int]
    topics: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.average = sum(self.counts) / len(self.counts)
        if not self.topics:
            self.topics = [list(range(len(self.paragraphs)))]
        self._averages = [sum(self.counts[i] for i in t) / len(t) for t in self.topics]

    @classmethod
    def build(cls, rng: random.Random, language: str, size: int) -> ProsePool:
        """`size` paragraphs; English ones in TOPICS topics (see the module's docstring)."""
        topics: list[Topic | None] = [None]
        if language not in FOREIGN:
            lexicon = _lexicon()
            cum = list(itertools.accumulate(1.0 / rank for rank in range(1, len(lexicon) + 1)))
            topics = [Topic.make(rng, lexicon, cum) for _ in range(TOPICS)]
        paragraphs: list[str] = []
        groups: list[list[int]] = []
        per_topic = max(1, size // len(topics))
        for topic in topics:
            group = []
            for _ in range(per_topic):
                text = " ".join(english_sentence(rng, topic) if topic else sentence(rng, language)
                                for _ in range(rng.randint(2, 7)))
                group.append(len(paragraphs))
                paragraphs.append(f"<p>{html.escape(text, quote=False)}</p>")
            groups.append(group)
        return cls(paragraphs, [count_words(p) for p in paragraphs], groups)

    def pick_topics(self, rng: random.Random) -> list[int]:
        """The topics of a new work: one, or sometimes two."""
        count = 1 if len(self.topics) == 1 or rng.random() < 0.7 else 2
        return rng.sample(range(len(self.topics)), count)

    def chapter(self, rng: random.Random, words: int,
                topics: Sequence[int] | None = None) -> tuple[str, int]:
        """A chapter of about `words` words in these topics (every topic when None): its HTML
        and its exact word count."""
        choices: Sequence[int]
        if topics is None:
            choices, average = range(len(self.paragraphs)), self.average
        else:
            choices = [i for t in topics for i in self.topics[t]]
            average = sum(self._averages[t] for t in topics) / len(topics)
        picks = rng.choices(choices, k=max(1, round(words / average)))
        paragraphs = self.paragraphs
        counts = self.counts
        return "\n".join([paragraphs[i] for i in picks]), sum([counts[i] for i in picks])
