"""Reads of the sign-up rules: the policy in force, the daily number of invitations, a
person's place in the queue, a code that still opens sign-up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from fichive.signups.models import Invitation, InviteRequest, Policy, SignupSettings


def signup_settings() -> SignupSettings | None:
    return SignupSettings.objects.filter(pk=SignupSettings.ROW).first()


def signup_policy(row: SignupSettings | None = None) -> str:
    """"open", "invite" or "closed": the admins' choice, else FICHIVE_SIGNUP."""
    row = row if row is not None else signup_settings()
    if row is not None and row.policy:
        return row.policy
    return str(settings.FICHIVE_SIGNUP or Policy.OPEN)


def invitations_per_day(row: SignupSettings | None = None) -> int:
    row = row if row is not None else signup_settings()
    if row is not None and row.invitations_per_day is not None:
        return row.invitations_per_day
    return max(0, int(settings.FICHIVE_INVITATIONS_PER_DAY))


def minimum_age() -> int:
    return max(0, int(settings.FICHIVE_MIN_AGE))


def start_of_day(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    return now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def sent_from_queue_today(now: datetime.datetime | None = None) -> int:
    return Invitation.objects.filter(source=Invitation.Source.QUEUE,
                                     sent_at__gte=start_of_day(now)).count()


def waiting() -> int:
    """How many people wait in the queue."""
    return InviteRequest.objects.filter(invitation__isnull=True).count()


@dataclass(frozen=True)
class QueuePlace:
    entry: InviteRequest
    position: int | None  # 1 = next; None once an invitation was sent


def queue_place(email: str) -> QueuePlace | None:
    """Where the address stands in the queue; None if it isn't in it."""
    entry = (InviteRequest.objects.select_related("invitation")
             .filter(email__iexact=(email or "").strip()).first())
    if entry is None:
        return None
    if entry.invitation_id is not None:
        return QueuePlace(entry=entry, position=None)
    ahead = InviteRequest.objects.filter(invitation__isnull=True).filter(
        Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk)
    ).count()
    return QueuePlace(entry=entry, position=ahead + 1)


def invitation_by_code(code: str) -> Invitation | None:
    """The invitation the code belongs to if it still opens sign-up (sent, not used, not
    expired); None otherwise."""
    code = (code or "").strip()
    if not code or len(code) > 40:
        return None
    invitation = Invitation.objects.filter(code=code).first()
    if invitation is None or not invitation.usable():
        return None
    return invitation
