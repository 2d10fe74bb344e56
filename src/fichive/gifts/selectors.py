"""Reads of gifts: a work's recipients, and the works given to a user that a viewer may
see."""

from __future__ import annotations

from django.db.models import QuerySet

from fichive.accounts.models import User
from fichive.accounts.requests import Viewer
from fichive.gifts.models import Gift
from fichive.works.models import Work
from fichive.works.selectors import works_listed_for


def gifts_of_work(work: Work) -> list[Gift]:
    """The work's gifts shown on it (not refused), in the order given: prefetched by
    works.selectors.with_blurb_data, else one query."""
    prefetched = getattr(work, "shown_gifts", None)
    if prefetched is not None:
        return list(prefetched)
    return list(Gift.objects.filter(work=work, refused=False).select_related("pseud__user"))


def gift_names_of_work(work: Work) -> str:
    """The recipients as the posting form shows them (refused ones left out)."""
    return ", ".join(g.display_name for g in gifts_of_work(work))


def works_given_to(viewer: Viewer, recipient: User) -> QuerySet[Work]:
    """The posted works given to `recipient` (any of their pseuds, not refused) that the
    viewer may see, newest first."""
    given = Gift.objects.filter(pseud__user=recipient, refused=False).values("work_id")
    return works_listed_for(viewer).filter(pk__in=given).order_by("-updated", "-id")


def gifts_received(recipient: User, work_ids: list[int]) -> dict[int, Gift]:
    """The recipient's gift for each of these works (to refuse it), in one query."""
    return {g.work_id: g for g in Gift.objects.filter(
        pseud__user=recipient, refused=False, work_id__in=work_ids)}
