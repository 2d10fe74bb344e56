"""The hostile-HTML corpus (vectors.txt) as numbered vectors, and ways to pack them into the
fields that hold them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).with_name("vectors.txt")
ID_TOKEN = "XID"
# Characters a line of vectors.txt can't hold, written as tokens there.
_CHARACTERS = {
    "⟨TAB⟩": "\t", "⟨NL⟩": "\n", "⟨CR⟩": "\r", "⟨NUL⟩": "\x00", "⟨FF⟩": "\x0c",
    "⟨VT⟩": "\x0b", "⟨BS⟩": "\x08", "⟨NBSP⟩": "\xa0", "⟨ZWSP⟩": "\u200b", "⟨BOM⟩": "\ufeff",
}


@dataclass(frozen=True)
class Vector:
    """One injection attempt: its number (what its marker reports), category and text."""

    id: int
    category: str
    text: str

    def __str__(self) -> str:
        return f"#{self.id} ({self.category}): {self.text!r}"


def _decode(line: str, vector_id: int) -> str:
    for token, char in _CHARACTERS.items():
        line = line.replace(token, char)
    return line.replace(ID_TOKEN, str(vector_id))


def load(path: Path = CORPUS) -> list[Vector]:
    """Every vector of the corpus, numbered from 1 in file order."""
    vectors: list[Vector] = []
    category = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#%"):
            continue
        if line.startswith("## "):
            category = line[3:].strip()
            continue
        if not category:
            raise ValueError(f"{path.name}: a vector before the first category: {line!r}")
        vector_id = len(vectors) + 1
        vectors.append(Vector(vector_id, category, _decode(line, vector_id)))
    return vectors


VECTORS = load()
BY_ID = {vector.id: vector for vector in VECTORS}


def packed(vectors: Iterable[Vector], *, limit: int, join: str = "\n\n",
           fits: Callable[[str], bool] = lambda text: True) -> Iterator[list[Vector]]:
    """The vectors in runs whose joined text is at most `limit` characters (what a short field
    takes); a vector longer than `limit` alone, or one `fits` refuses, is left out."""
    run: list[Vector] = []
    size = 0
    for vector in vectors:
        if len(vector.text) > limit or not fits(vector.text):
            continue
        extra = len(vector.text) + (len(join) if run else 0)
        if run and size + extra > limit:
            yield run
            run, size = [], 0
            extra = len(vector.text)
        run.append(vector)
        size += extra
    if run:
        yield run


def joined(vectors: Iterable[Vector], join: str = "\n\n") -> str:
    return join.join(vector.text for vector in vectors)
