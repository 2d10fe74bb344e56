"""Reads of works that depend on who is looking: the one place that decides visibility.

Guests see posted, unrestricted works; logged-in users also see restricted works; creators
also see their own drafts. Every surface (pages, listings, API, downloads) reads through here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from fichive.accounts.models import User
from fichive.accounts.requests import Viewer
from fichive.tags.models import Tag
from fichive.works.models import Chapter, Creatorship, FilterTagging, Work, tags_with_position


def works_visible_to(user: Viewer) -> QuerySet[Work]:
    posted = Q(state=Work.State.POSTED)
    if user is None or not user.is_authenticated:
        return Work.objects.filter(posted, restricted=False)
    own = Q(pk__in=Creatorship.objects.filter(pseud__user=user).values("work_id"))
    return Work.objects.filter(posted | own)


def works_listed_for(user: Viewer, *, owner: User | None = None) -> QuerySet[Work]:
    """What a listing covers for this visitor: the posted works they may see, optionally only
    those `owner` created (under any pseud, alone or with others)."""
    works = works_visible_to(user).filter(state=Work.State.POSTED)
    if owner is not None:
        works = works.filter(
            pk__in=Creatorship.objects.filter(pseud__user=owner).values("work_id")
        )
    return works


def taggings_listed_for(user: Viewer) -> QuerySet[FilterTagging]:
    """The filter taggings of the works a listing covers for this visitor (works_listed_for
    without an owner), read from the copies of each work's state and restriction the rows
    carry: posted works, and for guests only unrestricted ones."""
    rows = FilterTagging.objects.filter(listed=True)
    if user is None or not user.is_authenticated:
        rows = rows.filter(restricted=False)
    return rows


def with_blurb_data(works: QuerySet[Work]) -> QuerySet[Work]:
    """What a work's blurb or meta block shows, in a fixed number of queries."""
    return works.prefetch_related(
        Prefetch("tags", queryset=tags_with_position(Tag.objects.all())),
        Prefetch(
            "creatorships",
            queryset=Creatorship.objects.select_related("pseud__user").order_by("position"),
        ),
    )


def with_gifts(works: QuerySet[Work]) -> QuerySet[Work]:
    """Blurbs from model instances also show the gift recipients (not refused), prefetched
    as `shown_gifts` in one query."""
    from fichive.gifts.models import Gift  # the gifts app builds on works

    return works.prefetch_related(
        Prefetch("gifts", queryset=Gift.objects.filter(refused=False)
                 .select_related("pseud__user").order_by("id"), to_attr="shown_gifts"))


def work_for_viewer(user: Viewer, work_id: int) -> Work:
    """The work if this visitor may see it; 404 otherwise (never 403: don't confirm it exists)."""
    try:
        return with_blurb_data(works_visible_to(user)).get(pk=work_id)
    except Work.DoesNotExist:
        raise Http404("No such work.") from None


def work_for_editing(user: Viewer, work_id: int) -> Work:
    """The work if this visitor is one of its creators; 404 if they may not see it, else 403."""
    work = work_for_viewer(user, work_id)
    if not work.is_created_by(user):
        raise PermissionDenied("Only the work's creators can change it.")
    return work


def chapter_of(work: Work, chapter_id: int) -> Chapter:
    try:
        return work.chapters.get(pk=chapter_id)
    except Chapter.DoesNotExist:
        raise Http404("No such chapter.") from None


def chapters_in_order(work: Work) -> list[Chapter]:
    """Every chapter of a work the visitor may see (work_for_viewer), first to last."""
    return list(work.chapters.order_by("position"))


def chapter_at(work: Work, position: int) -> Chapter:
    try:
        return work.chapters.get(position=position)
    except Chapter.DoesNotExist:
        raise Http404("No such chapter.") from None


def recent_works(user: Viewer, *, limit: int = 20) -> QuerySet[Work]:
    return with_blurb_data(
        works_visible_to(user).filter(state=Work.State.POSTED).order_by("-updated", "-id")
    )[:limit]


def works_by_user(viewer: Viewer, owner: User, *, drafts: bool = False) -> QuerySet[Work]:
    state = Work.State.DRAFT if drafts else Work.State.POSTED
    works = works_visible_to(viewer).filter(
        state=state, pk__in=Creatorship.objects.filter(pseud__user=owner).values("work_id")
    )
    return with_blurb_data(works.order_by("-updated", "-modified_at", "-id"))
