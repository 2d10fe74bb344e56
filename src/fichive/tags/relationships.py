"""Reading relationship tag names: the characters "A/B" (romantic) and "A & B" (platonic)
pair, and a batched, read-only lookup of their character tags. No imports from works, so
the filter tag rebuild can use it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fichive.tags.models import Tag, tag_key

# "A/B" is a romantic or sexual relationship, "A & B" a platonic one.
RELATIONSHIP_SEPARATOR = re.compile(r"\s*/\s*|\s+&\s+")


def relationship_character_names(name: str) -> list[str]:
    """The characters a relationship name pairs: "A/B" and "A & B" (any number of them).
    A name without a separator names no characters."""
    parts = [" ".join(part.split()) for part in RELATIONSHIP_SEPARATOR.split(name)]
    parts = [part for part in parts if part]
    return list(dict.fromkeys(parts)) if len(parts) > 1 else []


def relationship_character_ids(relationship_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each relationship tag id, the ids of the existing character tags it names (each
    synonym replaced by its canonical); a synonym relationship reads its canonical's name.
    Read-only and batched for rebuilding filter tags: two queries whatever the count."""
    rows = Tag.objects.filter(
        id__in=set(relationship_ids), type=Tag.Type.RELATIONSHIP
    ).values_list("id", "name", "merger__name")
    wanted: dict[int, list[str]] = {
        rel_id: [tag_key(n) for n in relationship_character_names(merger_name or name)]
        for rel_id, name, merger_name in rows
    }
    keys = {key for names in wanted.values() for key in names}
    if not keys:
        return {rel_id: set() for rel_id in wanted}
    characters = {
        key: merger_id or char_id
        for key, char_id, merger_id in Tag.objects.filter(
            key__in=keys, type=Tag.Type.CHARACTER
        ).values_list("key", "id", "merger_id")
    }
    return {
        rel_id: {characters[key] for key in rel_keys if key in characters}
        for rel_id, rel_keys in wanted.items()
    }
