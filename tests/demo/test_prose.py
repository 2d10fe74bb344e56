"""Generated prose reads like an archive's stories to the search index: story words in some
works only, everyday words in all, a large vocabulary; word counts exact; the same seed, the
same text."""

from __future__ import annotations

import random
import re

from fichive.demo.prose import ProsePool
from fichive.lib.wordcount import count_words


def _chapters(seed: int, count: int = 300) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    pool = ProsePool.build(rng, "en", 2400)
    return [pool.chapter(rng, 1500, pool.pick_topics(rng)) for _ in range(count)]


def _words(html: str) -> set[str]:
    return set(re.findall(r"[a-z']+", html.lower()))


def test_story_words_are_in_some_works_and_everyday_words_in_all():
    works = [_words(html) for html, _ in _chapters(1)]
    share = {w: sum(w in words for words in works) / len(works)
             for w in ("dragon", "wyvern", "tea", "rain", "the")}
    assert share["the"] == 1.0
    for word in ("dragon", "wyvern", "tea", "rain"):
        assert 0.0 < share[word] < 0.7, (word, share[word])
    assert len(set().union(*works)) > 1000


def test_chapter_word_counts_are_exact_and_the_same_seed_writes_the_same_text():
    chapters = _chapters(2, count=40)
    for html, words in chapters:
        assert words == count_words(html)
    assert chapters == _chapters(2, count=40)
    assert chapters != _chapters(3, count=40)


def test_other_languages_keep_their_sentence_banks():
    rng = random.Random(4)
    pool = ProsePool.build(rng, "ja", 50)
    html, words = pool.chapter(rng, 200, pool.pick_topics(rng))
    assert "。" in html and words == count_words(html)
