"""Writes of "More like this": marking works to compare again, comparing them in batches
(tasks.recommendations_refresh) and the whole archive (`fichive recommendations rebuild`).

Only posted works are compared, restricted ones included: each viewer's list is filtered
when the page reads it (selectors.py). Each work keeps its KEPT most similar works, more
than a page shows, so that a viewer's mutes and exclusions still leave enough.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from fichive.lib.cache import content_changed
from fichive.recommendations.models import SimilarWork, StaleWork, WorkProfile
from fichive.recommendations.scoring import (
    WORDS_READ,
    Features,
    Index,
    Match,
    term_counts,
    words_of,
)
from fichive.tags.models import Tag
from fichive.works.models import Chapter, Creatorship, FilterTagging, Work

# Similar works kept per work.
KEPT = 30
# Stale works compared in one batch; works whose lists `rebuild` writes together.
BATCH = 500
REBUILD_CHUNK = 500
# The tag types a work is compared on (ratings, warnings and categories say little).
COMPARED_TAG_TYPES = (Tag.Type.FANDOM, Tag.Type.RELATIONSHIP, Tag.Type.CHARACTER,
                      Tag.Type.FREEFORM)

# Set while this app retires pages itself: its own changes are not changes to compare.
_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("recommendations_quiet",
                                                              default=False)


@contextlib.contextmanager
def quietly() -> Iterator[None]:
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet() -> bool:
    return _quiet.get()


def works_listing(work_ids: Iterable[int]) -> set[int]:
    """The works whose lists hold any of these."""
    return set(SimilarWork.objects.filter(similar_id__in=list(work_ids))
               .values_list("work_id", flat=True))


def works_mark_stale(*, work_ids: Iterable[int], text: bool,
                     listing: Iterable[int] | None = None) -> int:
    """Queue these works to be compared again (`text`: their words changed too, or may
    have), and the refresh task if none is waiting; when their text, tags or state changed,
    retire the pages of the works that list them (`listing`, read before the change
    committed: a deleted work's rows are gone by now), the title and visibility they show,
    and compare those again when one of these works is gone. Called once the change has
    committed (receivers.py). Returns how many were marked."""
    ids = sorted(set(work_ids))
    if not text:
        listing = set()  # readers changed: what other pages show of these works didn't
    listing = works_listing(ids) if listing is None else set(listing)
    # A work that isn't posted and in no list (a draft) has nothing to compare.
    existing = set(Work.objects.filter(pk__in=ids).filter(
        Q(state=Work.State.POSTED)
        | Q(pk__in=SimilarWork.objects.filter(work_id__in=ids).values("work_id"))
        | Q(pk__in=SimilarWork.objects.filter(similar_id__in=ids).values("similar_id")))
        .values_list("pk", flat=True))
    now = timezone.now()
    marked = [work_id for work_id in ids if work_id in existing]
    if text and len(existing) < len(ids):  # deleted: the works that listed it lost one
        marked = sorted(set(marked) | set(Work.objects.filter(pk__in=listing)
                                          .values_list("pk", flat=True)))
    rows = [StaleWork(work_id=work_id, text=text, marked_at=now) for work_id in marked]
    if rows:
        # A work marked again moves to the back of the queue (a batch under way drops only
        # the marks it took), and keeps `text` once it has it.
        StaleWork.objects.bulk_create(rows, update_conflicts=True, unique_fields=["work"],
                                      update_fields=["marked_at", "text"] if text
                                      else ["marked_at"])
    if text and listing:
        with quietly():
            content_changed(work_ids=listing, listings=False)
    if rows:
        enqueue_refresh()
    return len(rows)


def enqueue_refresh() -> None:
    """Queue the refresh task unless one is waiting already (it will take these marks)."""
    from django_tasks_db.models import DBTaskResult

    from fichive.recommendations import tasks

    path = tasks.recommendations_refresh_task.module_path
    if not DBTaskResult.objects.filter(status="READY", task_path=path).exists():
        tasks.recommendations_refresh_task.enqueue()


def _text_of(work: Work) -> str:
    """The start of a work's text, chapter by chapter, up to WORDS_READ words."""
    parts: list[str] = []
    counted = 0
    for content in (Chapter.objects.filter(work_id=work.pk).order_by("position")
                    .values_list("content", flat=True).iterator()):
        parts.append(content)
        counted += len(words_of(content))
        if counted >= WORDS_READ:
            break
    return "\n".join(parts)


def profiles_update(*, work_ids: Iterable[int],
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Read again the terms of these works' title, summary and text (WorkProfile)."""
    ids = sorted(set(work_ids))
    done = 0
    for start in range(0, len(ids), 200):
        chunk = ids[start:start + 200]
        profiles = [WorkProfile(work_id=work.pk, terms=term_counts(
                        work.title, work.summary, _text_of(work)), updated_at=timezone.now())
                    for work in Work.objects.filter(pk__in=chunk).only("id", "title", "summary")]
        WorkProfile.objects.bulk_create(profiles, update_conflicts=True,
                                        unique_fields=["work"],
                                        update_fields=["terms", "updated_at"])
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    return len(ids)


def archive_features() -> dict[int, Features]:
    """Every posted work's features (scoring.Features): its canonical tags of the compared
    types, its readers (kudos from accounts, public bookmarks), its terms, and its creators'
    names (never named as shared words)."""
    from fichive.bookmarks.models import Bookmark
    from fichive.kudos.models import Kudos

    posted = list(Work.objects.filter(state=Work.State.POSTED).values_list("pk", flat=True))
    tags: dict[int, dict[int, str]] = defaultdict(dict)
    for work_id, tag_id, name in (FilterTagging.objects.filter(
            listed=True, tag__canonical=True, tag__type__in=COMPARED_TAG_TYPES)
            .values_list("work_id", "tag_id", "tag__name").iterator()):
        tags[work_id][tag_id] = name
    readers: dict[int, set[int]] = defaultdict(set)
    for work_id, user_id in (Kudos.objects.filter(user__isnull=False,
                                                  work__state=Work.State.POSTED)
                             .values_list("work_id", "user_id").iterator()):
        readers[work_id].add(user_id)
    for work_id, user_id in (Bookmark.objects.filter(private=False, work__isnull=False,
                                                     work__state=Work.State.POSTED)
                             .values_list("work_id", "user_id").iterator()):
        readers[work_id].add(user_id)
    names: dict[int, set[str]] = defaultdict(set)
    for work_id, pseud, username in (Creatorship.objects.filter(work__state=Work.State.POSTED)
                                     .values_list("work_id", "pseud__name",
                                                  "pseud__user__username").iterator()):
        names[work_id].update(words_of(f"{pseud} {username}"))
    terms = dict(WorkProfile.objects.filter(work__state=Work.State.POSTED)
                 .values_list("work_id", "terms").iterator())
    return {work_id: Features(tags=tags.get(work_id, {}),
                              readers=frozenset(readers.get(work_id, ())),
                              terms=terms.get(work_id, {}),
                              unsaid=frozenset(names.get(work_id, ())))
            for work_id in posted}


def _store(lists: dict[int, list[Match]]) -> None:
    """Replace these works' similar works with `lists`."""
    with transaction.atomic():
        SimilarWork.objects.filter(work_id__in=list(lists)).delete()
        SimilarWork.objects.bulk_create(
            (SimilarWork(work_id=work_id, similar_id=m.work_id, rank=rank, score=m.score,
                         reasons=m.reasons())
             for work_id, matches in lists.items()
             for rank, m in enumerate(matches, start=1)), batch_size=1000)


def _retire(work_ids: Iterable[int]) -> None:
    """The pages of these works show their new lists from now on."""
    ids = list(work_ids)
    if ids:
        with quietly():
            content_changed(work_ids=ids, listings=False)


def recommendations_refresh(*, batch: int = BATCH) -> int:
    """Compare again up to `batch` of the works marked stale (oldest marks first), and the
    works whose lists they are in or enter; returns how many marks it took."""
    taken = dict(StaleWork.objects.order_by("marked_at", "work_id")
                 .values_list("work_id", "marked_at")[:batch])
    if not taken:
        return 0
    texts = set(StaleWork.objects.filter(work_id__in=list(taken), text=True)
                .values_list("work_id", flat=True))
    profiled = set(WorkProfile.objects.filter(work_id__in=list(taken))
                   .values_list("work_id", flat=True))
    posted = set(Work.objects.filter(pk__in=list(taken), state=Work.State.POSTED)
                 .values_list("pk", flat=True))
    profiles_update(work_ids=(texts | (set(taken) - profiled)) & posted)
    index = Index(archive_features())
    lists: dict[int, list[Match]] = {}
    for work_id in taken:
        lists[work_id] = index.similar(work_id, limit=KEPT) if work_id in posted else []
    # Works that list a changed work, or that it may now enter the lists of, compare again.
    others = set(SimilarWork.objects.filter(similar_id__in=list(taken))
                 .values_list("work_id", flat=True))
    others.update(m.work_id for matches in lists.values() for m in matches)
    for work_id in others - set(lists):
        lists[work_id] = index.similar(work_id, limit=KEPT) if work_id in index.features else []
    _store(lists)
    for work_id, marked_at in taken.items():
        StaleWork.objects.filter(work_id=work_id, marked_at__lte=marked_at).delete()
    _retire(lists)
    return len(taken)


def recommendations_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Compare every posted work with every other, reading every text again (`fichive
    recommendations rebuild`); returns how many works got a list. `progress(done, total)`
    is told as it goes: texts first, then comparisons."""
    started = StaleWork.objects.aggregate(latest=Max("marked_at"))["latest"]
    posted = list(Work.objects.filter(state=Work.State.POSTED).order_by("pk")
                  .values_list("pk", flat=True))
    total = 2 * len(posted)
    profiles_update(work_ids=posted,
                    progress=None if progress is None else lambda done, _: progress(done, total))
    index = Index(archive_features())
    # Written a chunk at a time (memory stays bounded, and so does each transaction); a
    # page read meanwhile shows a work's old list or its new one.
    for start in range(0, len(posted), REBUILD_CHUNK):
        chunk = posted[start:start + REBUILD_CHUNK]
        _store({work_id: index.similar(work_id, limit=KEPT) for work_id in chunk})
        if progress is not None:
            progress(len(posted) + start + len(chunk), total)
    with transaction.atomic():
        SimilarWork.objects.exclude(work__state=Work.State.POSTED).delete()
        if started is not None:
            StaleWork.objects.filter(marked_at__lte=started).delete()
    with quietly():
        content_changed(everything=True)  # every work page may show another list
    return len(posted)


def recommendations_on() -> bool:
    """Whether the archive shows "More like this" (FICHIVE_RECOMMENDATIONS)."""
    return bool(settings.FICHIVE_RECOMMENDATIONS)
