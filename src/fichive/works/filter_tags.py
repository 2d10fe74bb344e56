"""Keeping FilterTagging in step: the tags each work is found under once wrangling applies.

A work's filter tags are its own tags with each synonym replaced by its canonical tag, plus
every meta tag above those (transitively). Unwrangled tags stand for themselves. The rebuild is
set-based and batched, so wrangling a tag used by many works costs a few queries per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from fichive.lib.cache import content_changed
from fichive.tags.models import Tag
from fichive.tags.relationships import relationship_character_ids
from fichive.works.models import FilterTagging, Tagging, Work

BATCH = 500


def meta_closure(tag_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each tag id, every meta tag above it (not including itself)."""
    through = Tag.meta_tags.through
    parents: dict[int, set[int]] = defaultdict(set)
    frontier = set(tag_ids)
    seen: set[int] = set()
    while frontier:
        seen |= frontier
        rows = through.objects.filter(from_tag_id__in=frontier).values_list(
            "from_tag_id", "to_tag_id"
        )
        frontier = set()
        for sub, meta in rows:
            parents[sub].add(meta)
            if meta not in seen:
                frontier.add(meta)
    closure: dict[int, set[int]] = {}

    def above(tag_id: int, path: frozenset[int] = frozenset()) -> set[int]:
        if tag_id in closure:
            return closure[tag_id]
        result: set[int] = set()
        for meta in parents.get(tag_id, ()):
            if meta not in path:  # a cycle can't loop forever
                result |= {meta} | above(meta, path | {tag_id})
        closure[tag_id] = result
        return result

    return {tag_id: above(tag_id) for tag_id in seen}


# The Work fields FilterTagging carries copies of (see FilterTagging).
COPIED_FROM = ("state", "restricted", "updated", "kudos_count")


def _copies(state: str, restricted: bool, updated: Any, kudos_count: int) -> dict[str, Any]:
    return {"listed": state == Work.State.POSTED, "restricted": restricted, "updated": updated,
            "kudos_count": kudos_count}


def filter_taggings_refresh(*, work_ids: Iterable[int]) -> None:
    """Copy these works' state, restriction, update date and kudos count onto their filter
    taggings. Call after changing any of them (the services that post, edit, add chapters or
    count kudos do); rebuilding a work's filter tags copies them too."""
    rows = Work.objects.filter(id__in=set(work_ids)).values_list("id", *COPIED_FROM)
    for work_id, *fields in rows:
        FilterTagging.objects.filter(work_id=work_id).update(**_copies(*fields))


def _rebuild_batch(work_ids: list[int]) -> None:
    taggings = list(
        Tagging.objects.filter(work_id__in=work_ids).values_list("work_id", "tag_id")
    )
    old = FilterTagging.objects.filter(work_id__in=work_ids)
    # The works leave these tags' listings (those they stay in are told of again by the
    # services' own content_changed).
    content_changed(tag_ids=set(old.values_list("tag_id", flat=True)))
    old.delete()
    _write(work_ids, taggings, new=False)


def _write(work_ids: list[int], taggings: list[tuple[int, int]], *,
           new: bool) -> dict[int, set[int]]:
    """Insert the filter tags these taggings give the works and set their crossover flags;
    `new` works are known to have no filter tags yet and to be flagged as no crossover.
    Returns each work's filter tag ids."""
    tag_ids = {tag_id for _, tag_id in taggings}
    info = {
        row["id"]: row
        for row in Tag.objects.filter(id__in=tag_ids).values(
            "id", "merger_id", "type", "canonical", "merger__canonical"
        )
    }
    effective = {tag_id: info[tag_id]["merger_id"] or tag_id for tag_id in tag_ids}
    # A wrangled (canonical) relationship makes the characters it names findable on the work,
    # as AO3 does: "A/B" and "A & B" bring A and B.
    wrangled_relationships = {
        effective[t] for t in tag_ids
        if info[t]["type"] == Tag.Type.RELATIONSHIP
        and (info[t]["merger__canonical"] if info[t]["merger_id"] else info[t]["canonical"])
    }
    characters_of = relationship_character_ids(wrangled_relationships)
    all_targets = set(effective.values()) | {c for cs in characters_of.values() for c in cs}
    closure = meta_closure(all_targets)
    own: dict[int, set[int]] = defaultdict(set)
    fandoms: dict[int, set[int]] = defaultdict(set)
    for work_id, tag_id in taggings:
        target = effective[tag_id]
        own[work_id].add(target)
        own[work_id] |= characters_of.get(target, set())
        if info[tag_id]["type"] == Tag.Type.FANDOM:
            fandoms[work_id].add(target)
    copies = {work_id: _copies(state, restricted, updated, kudos)
              for work_id, state, restricted, updated, kudos in Work.objects.filter(
                  id__in=work_ids).values_list("id", *COPIED_FROM)}
    rows: list[FilterTagging] = []
    crossovers: list[int] = []
    result: dict[int, set[int]] = {}
    for work_id in work_ids:
        found: set[int] = set()
        for tag_id in own[work_id]:
            found |= {tag_id} | closure.get(tag_id, set())
        result[work_id] = found
        copied = copies.get(work_id, {})
        rows.extend(FilterTagging(work_id=work_id, tag_id=t, **copied) for t in found)
        # A crossover has fandoms that are not one another's meta tags.
        work_fandoms = fandoms[work_id]
        distinct = {
            f for f in work_fandoms
            if not any(f in closure.get(g, set()) for g in work_fandoms if g != f)
        }
        if len(distinct) > 1:
            crossovers.append(work_id)
    FilterTagging.objects.bulk_create(rows)
    if not new:
        Work.objects.filter(id__in=work_ids).exclude(id__in=crossovers).update(crossover=False)
    if crossovers:
        Work.objects.filter(id__in=crossovers).update(crossover=True)
    return result


@transaction.atomic
def filter_tags_rebuild(*, work_ids: Iterable[int]) -> int:
    """Recompute the filter tags (and crossover flag) of these works; returns how many."""
    ids = sorted(set(work_ids))
    for start in range(0, len(ids), BATCH):
        _rebuild_batch(ids[start : start + BATCH])
    return len(ids)


def filter_tags_add_new(*, taggings: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """Give just-created works (which have no filter tags yet) theirs, from their
    (work id, tag id) taggings, without reading the taggings back; returns each work's
    filter tag ids. Call it inside the transaction that created the works."""
    pairs = list(taggings)
    ids = sorted({work_id for work_id, _ in pairs})
    found: dict[int, set[int]] = {}
    for start in range(0, len(ids), BATCH):
        batch = set(ids[start : start + BATCH])
        found |= _write(sorted(batch), [p for p in pairs if p[0] in batch], new=True)
    return found


def works_affected_by(tag_ids: Iterable[int]) -> list[int]:
    """Works whose filter tags may change when these tags' wrangling changes: works tagged
    with them, with their synonyms, or with any tag below them (sub tags, transitively)."""
    pending = set(tag_ids)
    family: set[int] = set()
    through = Tag.meta_tags.through
    while pending:
        family |= pending
        subs = set(through.objects.filter(to_tag_id__in=pending).values_list("from_tag_id",
                                                                             flat=True))
        synonyms = set(Tag.objects.filter(merger_id__in=pending).values_list("id", flat=True))
        pending = (subs | synonyms) - family
    return list(
        Tagging.objects.filter(tag_id__in=family).values_list("work_id", flat=True).distinct()
    )
