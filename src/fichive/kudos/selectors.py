"""Reads of kudos: who left kudos on a work (the same for every visitor who may see the work:
usernames of logged-in givers, newest first, and a count of guests) and whether a logged-in
viewer already left theirs.

The work itself is read through works.selectors first; a work a visitor may not see has no
kudos to show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from fichive.accounts.requests import Viewer
from fichive.kudos.models import Kudos
from fichive.works.models import Work

# How many names the work page shows before "and N more users" links to the full list.
NAMES_SHOWN = 50


@dataclass(frozen=True)
class KudosSummary:
    """Who left kudos on a work: `names` (newest first, at most NAMES_SHOWN), how many more
    users there are, and how many guests."""

    names: list[str] = field(default_factory=list)
    more_users: int = 0
    guests: int = 0

    @property
    def users(self) -> int:
        return len(self.names) + self.more_users

    @property
    def total(self) -> int:
        return self.users + self.guests


def kudos_summary(work: Work, *, names_shown: int = NAMES_SHOWN) -> KudosSummary:
    """What the kudos sentence under a work says, in two queries (none when it has none)."""
    if not work.kudos_count:
        return KudosSummary()
    counts = Kudos.objects.filter(work=work).aggregate(
        users=Count("id", filter=Q(user__isnull=False)),
        guests=Count("id", filter=Q(user__isnull=True)),
    )
    names = list(givers(work).values_list("user__username", flat=True)[:names_shown]) \
        if counts["users"] else []
    return KudosSummary(names=names, more_users=counts["users"] - len(names),
                        guests=counts["guests"])


def givers(work: Work) -> QuerySet[Kudos]:
    """The kudos logged-in users left on `work`, newest first, with their users."""
    return (Kudos.objects.filter(work=work, user__isnull=False).select_related("user")
            .order_by("-created_at", "-id"))


def guest_kudos_count(work: Work) -> int:
    return Kudos.objects.filter(work=work, user__isnull=True).count()


def has_left_kudos(user: Viewer, work: Work) -> bool:
    """Whether this logged-in viewer left kudos on `work` (guests: never known, their pages
    are shared)."""
    if user is None or not user.is_authenticated:
        return False
    return Kudos.objects.filter(work=work, user=user).exists()
