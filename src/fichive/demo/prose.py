"""Synthetic prose for generated archives: a template generator over word lists written here
(no downloaded text), in English plus a few other languages, including accented and CJK text.

`ProsePool` builds a few thousand paragraphs once, with their exact word counts (by the
archive's own rule), so chapters are assembled by picking paragraphs: fast enough for
hundreds of thousands of chapters, and every chapter's word count is exact.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

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


def english_sentence(rng: random.Random) -> str:
    roll = rng.random()
    name = rng.choice(NAMES)
    if roll < 0.45:
        subject = rng.choice((name, rng.choice(SUBJECTS)))
        sentence = (f"{subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                    f"{rng.choice(PLACES)} {rng.choice(TIMES)}.")
        return sentence[0].upper() + sentence[1:]
    if roll < 0.75:
        line = rng.choice(LINES)
        mark = "?" if line.startswith(("Is ", "Do ")) else ("." if rng.random() < 0.7 else "!")
        return f"\u201c{line}{mark}\u201d {name} {rng.choice(SAID)}."
    if roll < 0.9:
        return rng.choice(FEELINGS)
    return (f"{name} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, and {rng.choice(SUBJECTS)} "
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}.")


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
    """Paragraphs of one language (sanitized-HTML shaped, "<p>…</p>") and their word counts."""

    paragraphs: list[str]
    counts: list[int]

    def __post_init__(self) -> None:
        self.average = sum(self.counts) / len(self.counts)

    @classmethod
    def build(cls, rng: random.Random, language: str, size: int) -> ProsePool:
        paragraphs = []
        for _ in range(size):
            text = " ".join(sentence(rng, language) for _ in range(rng.randint(2, 7)))
            paragraphs.append(f"<p>{html.escape(text, quote=False)}</p>")
        return cls(paragraphs, [count_words(p) for p in paragraphs])

    def chapter(self, rng: random.Random, words: int) -> tuple[str, int]:
        """A chapter of about `words` words: its HTML and its exact word count."""
        picks = rng.choices(range(len(self.paragraphs)), k=max(1, round(words / self.average)))
        paragraphs = self.paragraphs
        counts = self.counts
        return "\n".join([paragraphs[i] for i in picks]), sum([counts[i] for i in picks])
