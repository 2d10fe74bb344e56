"""Reads of works that depend on who is looking: the one place that decides visibility.

Guests see posted, unrestricted works; logged-in users also see restricted works; creators
also see their own drafts. Every surface (pages, listings, API, downloads) reads through here.

A guest who follows a link to a restricted work is told to log in rather than shown a bare
404 (`RestrictedWork`, raised by `work_for_viewer`; works/middleware.py sends them to the
login page): only posted restricted works, so drafts, hidden works and missing ids all stay
the same 404 and a guest can't tell them apart.

Works rated Mature, Explicit or Not Rated (or with no rating) may have adult content: guests
and users who haven't chosen to see it get a notice first (`adult_notice_needed`, which
works/adult.py applies to the reading pages and downloads).

A work a moderator hid (state HIDDEN) is seen only by its creators and moderators, and never
listed or counted. A user's mutes (`User.muted_ids`) take the muted users' works out of
every listing and count they see (`works_listed_for`, `taggings_listed_for`); a direct link
still opens the work. Anonymous works stay (leaving them out would tell who wrote them).

An anonymous work is listed like any other, but never connected to its creators for anyone
but themselves: a creator's listings and counts leave it out (`works_listed_for(owner=…)`,
`works_by_user`, `creatorships_credited_for`) and its byline reads "Anonymous"
(`Work.shown_pseuds`, the blurbs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from fichive.accounts.models import Pseud, User
from fichive.accounts.requests import Viewer
from fichive.lib.compiled import object_by_ids, user_object
from fichive.lib.fragments import kept
from fichive.tags.models import Tag
from fichive.works.models import (
    Chapter,
    CreatorInvitation,
    Creatorship,
    FilterTagging,
    Work,
    tags_with_position,
)


def visible_condition(user: Viewer, *, via: str = "") -> Q:
    """The rule of works_visible_to as a condition on works reached through `via` (a lookup
    path ending in "__", like "work__"), so that another table's query joins the work rather
    than testing `IN (the works query)`, which SQLite runs again for every row when it sits
    inside a correlated subquery (tags.selectors)."""
    posted = Q(**{f"{via}state": Work.State.POSTED})
    if user is None or not user.is_authenticated:
        return posted & Q(**{f"{via}restricted": False})
    own = Creatorship.objects.filter(pseud__user=user).values("work_id")
    seen = posted | Q(**{f"{via}pk__in": own})
    if user.can_moderate:
        seen |= Q(**{f"{via}state": Work.State.HIDDEN})
    return seen


def listed_condition(user: Viewer, *, via: str = "") -> Q:
    """The rule of works_listed_for (without an owner) as a condition on works reached
    through `via`: posted works the visitor may see, less those of users they mute."""
    listed = _posted_visible(user, via=via)
    muted = muted_ids(user)
    if muted:
        listed &= ~Q(**{f"{via}anonymous": False, f"{via}pk__in": Creatorship.objects.filter(
            pseud__user_id__in=muted).values("work_id")})
    return listed


def _posted_visible(user: Viewer, *, via: str = "") -> Q:
    """visible_condition and posted: for a logged-in user that is every posted work (what
    else they may see, their own drafts and a moderator's hidden works, is never posted), so
    the listings leave out the subquery of their own works, which cost a logged-in reader's
    every listing query to build and to run."""
    posted = Q(**{f"{via}state": Work.State.POSTED})
    if user is None or not user.is_authenticated:
        return posted & Q(**{f"{via}restricted": False})
    return posted


def works_visible_to(user: Viewer) -> QuerySet[Work]:
    return Work.objects.filter(visible_condition(user))


def muted_ids(user: Viewer) -> list[int]:
    """The ids of the users this visitor mutes (none for guests), from the copy on the user
    row: no query."""
    if user is None or not user.is_authenticated:
        return []
    return list(user.muted_ids or ())


def excluded_tag_ids(user: Viewer) -> list[int]:
    """The tags this visitor keeps out of every listing (saved exclusions; canonical tags,
    found under through the filter taggings with their synonyms and sub tags), from the copy
    on the user row: no query. None for guests."""
    if user is None or not user.is_authenticated:
        return []
    return list(getattr(user, "excluded_tag_ids", None) or ())


def without_muted(works: QuerySet[Work], user: Viewer) -> QuerySet[Work]:
    """`works` less those credited to a user the visitor mutes (never anonymous ones)."""
    muted = muted_ids(user)
    if not muted:
        return works
    return works.exclude(anonymous=False, pk__in=Creatorship.objects.filter(
        pseud__user_id__in=muted).values("work_id"))


def works_listed_for(user: Viewer, *, owner: User | None = None,
                     pseud: Pseud | None = None) -> QuerySet[Work]:
    """What a listing covers for this visitor: the posted works they may see, optionally only
    those `owner` created (under any pseud, alone or with others), or under one `pseud`."""
    works = without_muted(Work.objects.filter(_posted_visible(user)), user)
    if owner is not None:
        works = works.filter(
            pk__in=Creatorship.objects.filter(pseud__user=owner).values("work_id")
        )
        if not is_same_user(user, owner):
            works = works.filter(anonymous=False)
    if pseud is not None:
        works = works.filter(pk__in=Creatorship.objects.filter(pseud=pseud).values("work_id"))
        if not is_same_user(user, pseud.user):
            works = works.filter(anonymous=False)
    return works


def is_same_user(user: Viewer, owner: User) -> bool:
    """Whether the visitor is `owner` (who alone sees their anonymous works as theirs)."""
    return user is not None and user.is_authenticated and user.pk == owner.pk


def creatorships_credited_for(user: Viewer) -> QuerySet[Creatorship]:
    """The creatorships a visitor may connect to their creators (people search counts,
    per-pseud counts): of works listed for them, and of anonymous works only their own."""
    rows = Creatorship.objects.filter(work__in=works_listed_for(user))
    if user is None or not user.is_authenticated:
        return rows.filter(work__anonymous=False)
    return rows.filter(Q(work__anonymous=False) | Q(pseud__user=user))


def taggings_listed_for(user: Viewer) -> QuerySet[FilterTagging]:
    """The filter taggings of the works a listing covers for this visitor (works_listed_for
    without an owner), read from the copies of each work's state and restriction the rows
    carry: posted works, and for guests only unrestricted ones."""
    rows = FilterTagging.objects.filter(listed=True)
    if user is None or not user.is_authenticated:
        return rows.filter(restricted=False)
    muted = muted_ids(user)
    if muted:
        rows = rows.exclude(work_id__in=Creatorship.objects.filter(
            pseud__user_id__in=muted, work__anonymous=False).values("work_id"))
    return rows


def _blurb_prefetches() -> tuple[Prefetch, ...]:
    return (Prefetch("tags", queryset=tags_with_position(Tag.objects.all())),
            Prefetch("creatorships", queryset=Creatorship.objects.select_related("pseud__user")
                     .order_by("position")))


def with_blurb_data(works: QuerySet[Work]) -> QuerySet[Work]:
    """What a work's blurb or meta block shows, in a fixed number of queries."""
    return works.prefetch_related(*_blurb_prefetches())


def with_gifts(works: QuerySet[Work]) -> QuerySet[Work]:
    """Blurbs from model instances also show the gift recipients (not refused), prefetched
    as `shown_gifts` in one query."""
    from fichive.gifts.models import Gift  # the gifts app builds on works

    return works.prefetch_related(
        Prefetch("gifts", queryset=Gift.objects.filter(refused=False)
                 .select_related("pseud__user").order_by("id"), to_attr="shown_gifts"))


def numbered_series_parts() -> QuerySet[Any]:
    """SeriesPart rows with their `series` and part `number`: one more than the posted parts
    before it in the series' order, as blurbs.blurbs_of and series.selectors number them."""
    from fichive.series.models import SeriesPart  # the series app builds on works

    before = (SeriesPart.objects.filter(series_id=OuterRef("series_id"),
                                        work__state=Work.State.POSTED)
              .filter(Q(position__lt=OuterRef("position"))
                      | Q(position=OuterRef("position"), pk__lt=OuterRef("pk")))
              .order_by().values("series_id").annotate(n=Count("pk")).values("n")[:1])
    return (SeriesPart.objects.select_related("series")
            .annotate(number=Coalesce(Subquery(before, output_field=IntegerField()), 0) + 1)
            .order_by("series_id"))


def with_series(works: QuerySet[Work]) -> QuerySet[Work]:
    """Blurbs and the API from model instances also show the series each work is part of,
    prefetched as `shown_series_parts` (numbered_series_parts) in one query."""
    return works.prefetch_related(Prefetch("series_parts", queryset=numbered_series_parts(),
                                           to_attr="shown_series_parts"))


class RestrictedWork(Http404):
    """A 404 for a guest that is a posted restricted work: works/middleware.py sends them to
    log in instead (anything that catches Http404, like the API, still sees a 404)."""


def restricted_for_guest(user: Viewer, work_id: int) -> bool:
    """Whether a work this visitor can't see is a posted restricted work they would see once
    logged in (only ever true for guests; never for drafts, hidden works or missing ids)."""
    if user is not None and user.is_authenticated:
        return False
    return Work.objects.filter(pk=work_id, state=Work.State.POSTED, restricted=True).exists()


def work_for_viewer(user: Viewer, work_id: int) -> Work:
    """The work if this visitor may see it; 404 otherwise (never 403: don't confirm it exists),
    RestrictedWork (a 404) when a guest would see it by logging in."""
    return _seen_or_404(with_blurb_data(works_visible_to(user)), user, work_id)


def _seen_or_404(works: QuerySet[Work], user: Viewer, work_id: int) -> Work:
    try:
        return works.get(pk=work_id)
    except Work.DoesNotExist:
        if restricted_for_guest(user, work_id):
            raise RestrictedWork("No such work.") from None
        raise Http404("No such work.") from None


def _with_similar(works: QuerySet[Work], similar: bool) -> QuerySet[Work]:
    """`works` with `has_similar_works`: whether "More like this" has a list for them, read
    in the work's own query so a work with none costs its page no query
    (recommendations.selectors.more_like_this)."""
    if not similar:
        return works
    from fichive.recommendations.models import SimilarWork  # builds on works

    return works.annotate(has_similar_works=Exists(
        SimilarWork.objects.filter(work_id=OuterRef("pk"))))


def work_for_reading(user: Viewer, work_id: int, *, version: str | None) -> Work:
    """work_for_viewer for the reading pages: the work's row read as that does (visibility
    decided by the database, each time, in SQL built once per kind of viewer:
    lib/compiled.py), its tags and creators (with_blurb_data, the same for every viewer)
    reused while the work's `version` (read before this) stays the same."""
    authenticated = user is not None and user.is_authenticated
    similar = bool(settings.FICHIVE_RECOMMENDATIONS)
    shape = ("work_for_reading", authenticated,
             authenticated and bool(getattr(user, "can_moderate", False)), similar)
    work = user_object(shape, user if user is not None else AnonymousUser(), work_id,
                       lambda someone, some_id: _with_similar(
                           works_visible_to(someone).filter(pk=some_id), similar))
    if work is None:
        if restricted_for_guest(user, work_id):
            raise RestrictedWork("No such work.")
        raise Http404("No such work.")

    def blurb_data() -> dict[str, Any]:
        prefetch_related_objects([work], *_blurb_prefetches())
        return dict(work._prefetched_objects_cache)

    cached = kept(None if version is None else ("work-blurb-data", work_id, version),
                  blurb_data)
    work._prefetched_objects_cache = dict(cached)
    return work


# Ratings that need no notice; every other one (Mature, Explicit, Not Rated), or none at all,
# may be adult content.
NOTICE_FREE_RATINGS = frozenset({"General Audiences", "Teen And Up Audiences"})


def work_may_be_adult(work: Work) -> bool:
    """Whether the work is rated Mature, Explicit or Not Rated, or has no rating (from its
    prefetched tags, with_blurb_data: no query)."""
    ratings = [t.name for t in work.tags.all() if t.type == Tag.Type.RATING]
    return not ratings or any(name not in NOTICE_FREE_RATINGS for name in ratings)


def adult_notice_needed(user: Viewer, work: Work, *, consented: bool) -> bool:
    """Whether this visitor sees the adult-content notice before the work: when it may be
    adult, they haven't `consented` (their preference or cookie, or `?view_adult=true` on this
    link) and they aren't one of its creators."""
    return not consented and work_may_be_adult(work) and not work.is_created_by(user)


def work_for_editing(user: Viewer, work_id: int) -> Work:
    """The work if this visitor is one of its creators; 404 if they may not see it, else 403."""
    work = work_for_viewer(user, work_id)
    if not work.is_created_by(user):
        raise PermissionDenied("Only the work's creators can change it.")
    return work


def chapter_of(work: Work, chapter_id: int) -> Chapter:
    """One of the work's chapters by its id (404 if not the work's); on every reading page,
    so its SQL is built once per process (lib/compiled.py)."""
    chapter = object_by_ids("chapter_of", Chapter, work.pk, chapter_id,
                            lambda work_id, pk: Chapter.objects.filter(work_id=work_id, pk=pk))
    if chapter is None:
        raise Http404("No such chapter.")
    chapter.work = work
    return chapter


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
        works_listed_for(user).order_by("-updated", "-id")
    )[:limit]


def works_by_user(viewer: Viewer, owner: User, *, drafts: bool = False,
                  hidden: bool = False) -> QuerySet[Work]:
    """The owner's posted works (or drafts, or works a moderator hid) this visitor may see:
    drafts and hidden works only the owner (and moderators) see."""
    state = (Work.State.DRAFT if drafts else Work.State.HIDDEN if hidden
             else Work.State.POSTED)
    works = works_visible_to(viewer).filter(
        state=state, pk__in=Creatorship.objects.filter(pseud__user=owner).values("work_id")
    )
    if not is_same_user(viewer, owner):
        works = without_muted(works.filter(anonymous=False), viewer)
    return with_blurb_data(works.order_by("-updated", "-modified_at", "-id"))


def creator_invitations_for(user: User) -> QuerySet[CreatorInvitation]:
    """The user's pending invitations to be a co-creator, newest first, with what the
    "Co-Creator Requests" page shows (the work's title and byline, who invited them). Only
    the invitee reads these: the works' pages never show pending invitees."""
    return (CreatorInvitation.objects.filter(pseud__user=user)
            .select_related("pseud", "invited_by", "work")
            .prefetch_related(Prefetch(
                "work__creatorships",
                queryset=Creatorship.objects.select_related("pseud__user").order_by("position")))
            .order_by("-created_at", "-id"))


def creator_invitations_of_work(work: Work) -> QuerySet[CreatorInvitation]:
    """A work's pending invitations, for its creators' edit form."""
    return CreatorInvitation.objects.filter(work=work).select_related("pseud__user").order_by("id")


@dataclass(frozen=True)
class ReaderState:
    """A logged-in reader's own state on one work, for the actions under it: whether they
    left kudos, their bookmark's and subscription's ids, their reading (Mark for Later)."""

    work_id: int
    kudos_left: bool
    bookmark_id: int | None
    subscription_id: int | None
    reading: Any  # readings.Reading (id and to_read) or None


def reader_state(user: Viewer, work: Work) -> ReaderState | None:
    """The reader's state on `work` in one query (a handful of index look-ups, in SQL both
    databases take, which costs far less CPU than the ORM building it), whatever the work's
    number of kudos, bookmarks or readers; None for guests (their pages are shared), without
    a query."""
    if user is None or not user.is_authenticated:
        return None
    from fichive.bookmarks.models import Bookmark
    from fichive.kudos.models import Kudos
    from fichive.readings.models import Reading
    from fichive.subscriptions.models import Subscription

    alias = router.db_for_read(Work)
    connection = connections[alias]

    def first(model: Any, column: str = "id") -> str:
        table = connection.ops.quote_name(model._meta.db_table)
        # Table and column names are the models' own; the ids are parameters.
        return (f"(SELECT {column} FROM {table} WHERE user_id = %s AND work_id = %s"  # noqa: S608
                " ORDER BY id LIMIT 1)")

    sql = ", ".join([f"EXISTS{first(Kudos)}", first(Bookmark), first(Subscription),
                     first(Reading), first(Reading, "to_read")])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [user.pk, work.pk] * 5)
        kudos, bookmark, subscription, reading, to_read = cursor.fetchone()
    return ReaderState(
        work_id=work.pk, kudos_left=bool(kudos), bookmark_id=bookmark,
        subscription_id=subscription,
        reading=None if reading is None else Reading(id=reading, to_read=bool(to_read)))
