# ruff: noqa: E501
"""Short stories written for measuring the tag suggestions (bench/tag_suggestions.py), with
the tags their author would give them, and the archive tags they need beyond the demo's.
Written for Fichive after the suggestions' weights were set on the demo works: a held-out
set, not tuned on."""

from __future__ import annotations

CCS = "Cardcaptor Sakura"
MDZS = "魔道祖师 - 墨香铜臭 | Módào Zǔshī - Mòxiāng Tóngxiù"
NARUTO = "Naruto"
HOLMES = "Sherlock Holmes - Arthur Conan Doyle"
AUSTEN = "Pride and Prejudice - Jane Austen"

# Canonical tags the stories need (fandom → characters; relationships), and synonyms.
EXTRA_CHARACTERS = {
    CCS: ["Kinomoto Sakura", "Li Syaoran", "Daidouji Tomoyo", "Kinomoto Touya"],
    NARUTO: ["Nara Shikamaru", "Akimichi Chouji", "Uchiha Itachi"],
    AUSTEN: ["Jane Bennet", "Charles Bingley"],
    MDZS: ["Wei Ying | Wei Wuxian", "Lan Zhan | Lan Wangji", "Jiang Cheng"],
}
EXTRA_RELATIONSHIPS = {
    CCS: ["Li Syaoran/Kinomoto Sakura", "Daidouji Tomoyo & Kinomoto Sakura"],
    NARUTO: ["Nara Shikamaru & Yamanaka Ino", "Akimichi Chouji & Nara Shikamaru",
             "Nara Shikamaru/Yamanaka Ino", "Uchiha Sasuke/Uzumaki Naruto"],
    AUSTEN: ["Jane Bennet/Charles Bingley", "Elizabeth Bennet & Jane Bennet"],
    MDZS: ["Lan Zhan | Lan Wangji/Wei Ying | Wei Wuxian", "Jiang Cheng & Wei Ying | Wei Wuxian"],
}
EXTRA_TERMS = {NARUTO: ["Konohagakure"], CCS: ["Clow Cards"], MDZS: ["Cloud Recesses"]}
SYNONYMS = {
    "Uchiha Sasuke": ["うちはサスケ"],
    "Uzumaki Naruto": ["うずまきナルト"],
    "Haruno Sakura": ["春野サクラ"],
    "Wei Ying | Wei Wuxian": ["魏无羡", "魏婴"],
    "Lan Zhan | Lan Wangji": ["蓝忘机", "蓝湛"],
    "Jiang Cheng": ["江澄"],
}

STORIES: list[dict] = [
    {
        "title": "The Last Card",
        "fandoms": [CCS],
        "characters": ["Kinomoto Sakura", "Li Syaoran", "Daidouji Tomoyo"],
        "relationships": ["Li Syaoran/Kinomoto Sakura"],
        "text": """The last of the Clow Cards had been caught an hour ago, and Sakura still could not stop shaking.

"You're cold," Syaoran said. He had his jacket off before she could argue, and around her shoulders before she could refuse.

"I'm not cold. I'm—" Sakura stopped. She did not know what she was. Tomoyo, somewhere behind them, was filming, as Tomoyo always was, and for once Sakura did not mind.

"You did well," Syaoran said quietly. He was looking at the ground. His ears had gone red.

Sakura looked at him for a long moment. Then she took his hand, and held it, and felt him go very still.

"Syaoran-kun," she said. "Thank you."

* * *

Later, Tomoyo showed them the tape. It was mostly of the two of them holding hands, and Syaoran blushed so hard he had to leave the room.

"I love it," Tomoyo said, delighted. "I love both of you. This is going in the archive."

Sakura kissed Syaoran's cheek when he came back, just to watch him blush again.""",
    },
    {
        "title": "Cloud-Watching Rights",
        "fandoms": [NARUTO],
        "characters": ["Nara Shikamaru", "Yamanaka Ino", "Akimichi Chouji"],
        "relationships": ["Nara Shikamaru & Yamanaka Ino", "Akimichi Chouji & Nara Shikamaru"],
        "text": """Shikamaru had claimed the hill above the training grounds when he was seven, and nobody had ever seriously contested it, until Ino.

"Move over," Ino said, and lay down beside him without waiting.

"Troublesome," Shikamaru muttered, but he moved.

Chouji arrived ten minutes later with three bags of chips and lay down on Shikamaru's other side, and for a while the three of them watched the clouds over Konohagakure the way they had as genin, a team, together.

"That one's a deer," Chouji said.

"That one's your face," said Ino.

"That one's a cloud," Shikamaru said. "They're all clouds."

Ino elbowed him. Chouji laughed so hard he choked on a chip, and Shikamaru had to thump his back, grumbling about teammates the whole time.

* * *

When the sun went down, Ino sat up and brushed the grass from her hair.

"Same time next week?" she asked.

"Hn," Shikamaru said. Chouji grinned. It meant yes. With his oldest friends, it always did.""",
    },
    {
        "title": "A Matter of Marmalade",
        "fandoms": [HOLMES],
        "characters": ["Sherlock Holmes", "John Watson", "Mrs. Hudson"],
        "relationships": ["Sherlock Holmes & John Watson"],
        "text": """Holmes had been silent for three hours, which was two hours longer than Watson considered healthy.

"You have not touched your breakfast," Watson observed.

"Breakfast is a distraction," said Holmes, "and marmalade a positive menace." He held the jar up to the light. "Observe the seal, Watson. It has been opened and closed again by a left-handed person in a hurry."

"It has been opened and closed by Mrs. Hudson," Watson said. "She made it."

"Precisely what she would wish us to think."

Mrs. Hudson came in with the coffee at that moment, and looked at the jar in Holmes's hand, and then at Holmes.

"If you have poisoned my marmalade with one of your experiments, Mr. Holmes," she said, "you may buy the next jar yourself."

Holmes set the jar down with great dignity. Watson, who had been his friend long enough to know defeat when he saw it, buttered a second slice of toast and said nothing at all.""",
    },
    {
        "title": "Netherfield in the Rain",
        "fandoms": [AUSTEN],
        "characters": ["Jane Bennet", "Charles Bingley", "Elizabeth Bennet"],
        "relationships": ["Jane Bennet/Charles Bingley", "Elizabeth Bennet & Jane Bennet"],
        "text": """Jane had not meant to fall in love with him. It had happened the way rain happens, gradually and then all at once.

"You are very quiet tonight," Elizabeth said, sitting on the end of her sister's bed.

"I was thinking of Mr. Bingley," Jane admitted, and blushed.

Elizabeth laughed and took her sister's hands. "You are always thinking of Mr. Bingley. I have grown quite used to it."

* * *

At Netherfield, Charles Bingley was not faring better. He had walked the length of the gallery eleven times.

"I believe I shall propose," Bingley announced to the portraits. "Tomorrow. Or the day after."

The portraits did not answer. Jane, when he found her in the garden at last, did.

"Yes," Jane said, before he had quite finished asking, and he kissed her hand, and then, forgetting himself entirely, her cheek.

Elizabeth, watching from the window with her dearest friend and sister's happiness in her heart, decided she would tease them both about it for the rest of their lives.""",
    },
    {
        "title": "帰り道",
        "fandoms": [NARUTO],
        "characters": ["Uchiha Sasuke", "Uzumaki Naruto", "Haruno Sakura"],
        "relationships": ["Uzumaki Naruto & Uchiha Sasuke"],
        "text": """うちはサスケは夜明け前に里へ戻った。

門の前で、うずまきナルトが待っていた。「遅いってばよ、サスケ！」

サスケは何も言わなかった。ナルトは笑って、サスケの肩を叩いた。

「サクラちゃんも待ってる。一楽に行こうぜ」

* * *

一楽では、春野サクラがもう座っていた。サクラはサスケを見て、少しだけ笑った。

「おかえりなさい、サスケくん」

ナルトはラーメンを三杯食べた。サスケは一杯だけ食べて、ナルトの分まで払った。

「友達だからな」とナルトは言った。サスケは小さく「ああ」と答えた。""",
    },
    {
        "title": "天子笑",
        "fandoms": [MDZS],
        "characters": ["Wei Ying | Wei Wuxian", "Lan Zhan | Lan Wangji"],
        "relationships": ["Lan Zhan | Lan Wangji/Wei Ying | Wei Wuxian"],
        "text": """魏无羡又翻过了云深不知处的墙。

“蓝湛！”他笑着举起两坛天子笑，“你看，我给你带了什么？”

蓝忘机站在墙下，看着他，没有说话。

“别这么看我嘛，蓝二哥哥。”魏无羡跳下来，落在他面前，“就一坛，好不好？”

* * *

那天夜里，蓝忘机没有罚他。魏无羡靠在他肩上，听着雨声。

“蓝湛，”魏无羡轻声说，“我喜欢你。”

蓝忘机握住了他的手。“嗯。我也是。”""",
    },
]
