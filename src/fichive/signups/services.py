"""Writes of sign-ups: the admins' policy, joining the invitation queue, sending invitations
(the daily task, the admins' "send now", the CLI), users' requests for codes for friends and
their sending, and creating an account, which checks the policy, the invitation code, the
terms and the age in one transaction."""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from fichive.accounts.models import User
from fichive.accounts.services import user_create
from fichive.lib.tasks import enqueue_on_commit
from fichive.signups import mail
from fichive.signups.models import (
    Invitation,
    InvitationRequest,
    InviteRequest,
    Policy,
    SignupSettings,
    TermsAcceptance,
)
from fichive.signups.selectors import (
    invitations_per_day,
    minimum_age,
    queue_place,
    sent_from_queue_today,
    signup_policy,
    start_of_day,
)

logger = logging.getLogger("fichive.signups")

# The most invitations one "send now" (or `fichive invitations send N`) may send.
SEND_MAX = 1000
PER_DAY_MAX = 10_000
REASON_MAX = 2000
EMAIL_MAX = 254


def _check_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("Only admins can change who may sign up.")


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip()
    try:
        if len(email) > EMAIL_MAX:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise ValidationError({field: ["Enter an email address, like name@example.org."]}
                              ) from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _new_code() -> str:
    return secrets.token_urlsafe(15)


def _expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=max(1, int(settings.FICHIVE_INVITATION_DAYS)))


# --- The policy ----------------------------------------------------------------------------


@transaction.atomic
def signup_settings_update(*, actor: User | None, policy: str,
                           invitations_per_day: int | None) -> SignupSettings:
    """The admins' choices: `policy` "" follows FICHIVE_SIGNUP; `invitations_per_day` None
    follows FICHIVE_INVITATIONS_PER_DAY."""
    _check_admin(actor)
    if policy not in ("", *Policy.values):
        raise ValidationError({"policy": ["Choose open, by invitation or closed."]})
    if invitations_per_day is not None and not 0 <= invitations_per_day <= PER_DAY_MAX:
        raise ValidationError({"invitations_per_day": [
            f"Choose between 0 and {PER_DAY_MAX:,} invitations a day."]})
    row, _ = SignupSettings.objects.select_for_update().get_or_create(pk=SignupSettings.ROW)
    row.policy = policy
    row.invitations_per_day = invitations_per_day
    row.updated_by = actor
    row.save(update_fields=["policy", "invitations_per_day", "updated_by", "updated_at"])
    if signup_policy(row) == Policy.INVITE:
        invitations_schedule()
    return row


# --- The queue -----------------------------------------------------------------------------


def invite_request_join(*, email: str) -> InviteRequest:
    """Put an address in the queue (invitation mode only). An address already in it is
    refused with its place."""
    if signup_policy() != Policy.INVITE:
        raise ValidationError({"email": ["The archive isn't taking invitation requests: "
                                         "sign-ups are not by invitation now."]})
    email = _clean_email(email)
    place = queue_place(email)
    if place is not None:
        if place.position is None:
            raise ValidationError({"email": ["An invitation was sent to that address "
                                             "already. Check your mail (and spam folder)."]})
        raise ValidationError({"email": [f"That address is in the queue already, at "
                                         f"number {place.position}."]})
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": ["An account uses that address already. Log in, or "
                                         "reset your password if you forgot it."]})
    try:
        with transaction.atomic():
            entry = InviteRequest.objects.create(email=email)
            invitations_schedule()
    except IntegrityError:  # the same address at the same moment
        raise ValidationError({"email": ["That address is in the queue already."]}) from None
    return entry


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int
    waiting: int


def invitations_send(*, count: int) -> SendResult:
    """Send invitations to the first `count` people waiting in the queue, oldest first, over
    one mail connection. Each one is its own transaction: a mail that fails leaves that
    person waiting (and stops the batch; the rest wait for the next try)."""
    if not 0 <= count <= SEND_MAX:
        raise ValidationError({"count": [f"Send between 1 and {SEND_MAX:,} at a time."]})
    sent = failed = 0
    ids = list(InviteRequest.objects.filter(invitation__isnull=True)
               .order_by("created_at", "pk").values_list("pk", flat=True)[:count])
    if ids:
        connection = get_connection()
        try:
            connection.open()
            for pk in ids:
                try:
                    with transaction.atomic():
                        entry = (InviteRequest.objects.select_for_update()
                                 .filter(pk=pk, invitation__isnull=True).first())
                        if entry is None:  # sent meanwhile by another run
                            continue
                        now = timezone.now()
                        invitation = Invitation.objects.create(
                            code=_new_code(), source=Invitation.Source.QUEUE,
                            email=entry.email, created_at=now, sent_at=now,
                            expires_at=_expiry(now))
                        entry.invitation = invitation
                        entry.save(update_fields=["invitation"])
                        connection.send_messages([mail.invitation_message(invitation)])
                except Exception:
                    failed += 1
                    logger.exception("The invitation to queue entry %s couldn't be sent", pk)
                    break
                sent += 1
        finally:
            connection.close()
    from fichive.signups.selectors import waiting

    return SendResult(sent=sent, failed=failed, waiting=waiting())


def invitations_send_daily(now: datetime.datetime | None = None) -> SendResult:
    """Today's sending (the daily task): in invitation mode, up to the daily number less
    what the queue sent since midnight (UTC), "send now" included."""
    if signup_policy() != Policy.INVITE:
        from fichive.signups.selectors import waiting

        return SendResult(sent=0, failed=0, waiting=waiting())
    allowed = max(0, invitations_per_day() - sent_from_queue_today(now))
    return invitations_send(count=allowed)


def next_send_time(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next midnight (UTC), when the daily sending runs."""
    return start_of_day(now) + datetime.timedelta(days=1)


def invitations_schedule(now: datetime.datetime | None = None) -> bool:
    """Make sure the daily sending is queued (for the next midnight, UTC) while the archive
    is in invitation mode; True if this call queued it."""
    from fichive.signups.tasks import send_daily_invitations

    now = now or timezone.now()
    with transaction.atomic():
        row, _ = SignupSettings.objects.select_for_update().get_or_create(
            pk=SignupSettings.ROW)
        if signup_policy(row) != Policy.INVITE:
            return False
        if row.next_send_at is not None and row.next_send_at > now:
            return False
        row.next_send_at = next_send_time(now)
        row.save(update_fields=["next_send_at"])
        enqueue_on_commit(send_daily_invitations.using(run_after=row.next_send_at))
    return True


# --- Invitations from admins and users -----------------------------------------------------


def _send_one(invitation: Invitation, *, from_name: str = "") -> None:
    mail.invitation_message(invitation, from_name=from_name).send()


@transaction.atomic
def invitation_admin_send(*, actor: User, email: str) -> Invitation:
    """An admin invites someone by email; the code works whatever the policy (this is how
    admins add people while sign-ups are closed)."""
    if not actor.is_admin:
        raise PermissionDenied("Only admins can invite people this way.")
    email = _clean_email(email)
    now = timezone.now()
    invitation = Invitation.objects.create(
        code=_new_code(), source=Invitation.Source.ADMIN, owner=actor, email=email,
        created_at=now, sent_at=now, expires_at=_expiry(now))
    _send_one(invitation)  # a failure rolls the invitation back
    return invitation


def invitation_request_create(*, user: User, quantity: int, reason: str) -> InvitationRequest:
    """A user asks the admins for codes to invite friends (invitation mode only; one request
    waiting at a time)."""
    if signup_policy() != Policy.INVITE:
        raise ValidationError("The archive isn't invitation-only now, so there are no "
                              "invitations to request.")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not 1 <= quantity <= InvitationRequest.MAX_QUANTITY:
        errors["quantity"] = [f"Ask for 1 to {InvitationRequest.MAX_QUANTITY} invitations."]
    if not reason:
        errors["reason"] = ["Say briefly who the invitations are for."]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"Keep it under {REASON_MAX:,} characters."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return InvitationRequest.objects.create(user=user, quantity=quantity,
                                                    reason=reason)
    except IntegrityError:
        raise ValidationError("You have a request waiting for an admin already.") from None


@transaction.atomic
def invitation_request_decide(*, actor: User, request_id: int,
                              approve: bool) -> InvitationRequest:
    """An admin approves (making the user that many codes to send) or declines."""
    if not actor.is_admin:
        raise PermissionDenied("Only admins can answer invitation requests.")
    request = (InvitationRequest.objects.select_for_update()
               .filter(pk=request_id).select_related("user").first())
    if request is None or request.status != InvitationRequest.Status.PENDING:
        raise ValidationError("That request was answered already.")
    now = timezone.now()
    request.status = (InvitationRequest.Status.APPROVED if approve
                      else InvitationRequest.Status.DECLINED)
    request.decided_at, request.decided_by = now, actor
    request.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        Invitation.objects.bulk_create([
            Invitation(code=_new_code(), source=Invitation.Source.USER, owner=request.user,
                       created_at=now) for _ in range(request.quantity)])
    return request


@transaction.atomic
def invitation_user_send(*, user: User, invitation_id: int, email: str) -> Invitation:
    """A user sends one of their unsent codes to a friend's address."""
    if signup_policy() == Policy.CLOSED:
        raise ValidationError("Sign-ups are closed, so invitations can't be sent now.")
    invitation = (Invitation.objects.select_for_update()
                  .filter(pk=invitation_id, owner=user, source=Invitation.Source.USER)
                  .first())
    if invitation is None:
        raise ValidationError("That isn't one of your invitations.")
    if invitation.sent_at is not None:
        raise ValidationError("That invitation was sent already.")
    email = _clean_email(email)
    now = timezone.now()
    invitation.email, invitation.sent_at, invitation.expires_at = email, now, _expiry(now)
    invitation.save(update_fields=["email", "sent_at", "expires_at"])
    _send_one(invitation, from_name=user.username)
    return invitation


# --- Signing up ----------------------------------------------------------------------------


def _invitation_error(message: str) -> ValidationError:
    return ValidationError({"__all__": [message]})


@transaction.atomic
def signup_create(*, username: str, email: str, password: str, accepted_terms: bool,
                  age_confirmed: bool, code: str = "") -> User:
    """A new account, if the policy lets it be made: open, or with a usable invitation code
    (in invitation mode any code; while closed, an admin's). The terms and the age must be
    confirmed. The code is used up and the acceptance stored in the same transaction."""
    errors: dict[str, list[str]] = {}
    if not accepted_terms:
        errors["accept_terms"] = ["You need to accept the Terms of Service to sign up."]
    if not age_confirmed:
        errors["confirm_age"] = [f"You need to be at least {minimum_age()} years old to "
                                 f"sign up."]
    if errors:
        raise ValidationError(errors)
    policy = signup_policy()
    invitation = None
    if code:
        invitation = (Invitation.objects.select_for_update()
                      .filter(code=code.strip()[:40]).first())
        if invitation is None or not invitation.usable():
            if policy != Policy.OPEN:
                raise _invitation_error("This invitation has been used or has expired. "
                                        "Join the queue for a new one.")
            invitation = None
        elif policy == Policy.CLOSED and invitation.source != Invitation.Source.ADMIN:
            raise _invitation_error("Sign-ups are closed, so this invitation doesn't "
                                    "work any more.")
    elif policy == Policy.INVITE:
        raise _invitation_error("Sign-ups are by invitation: you need an invitation link. "
                                "Join the queue to get one.")
    elif policy == Policy.CLOSED:
        raise _invitation_error("Sign-ups are closed.")
    user = user_create(username=username, email=email, password=password)
    now = timezone.now()
    if invitation is not None:
        invitation.used_at, invitation.used_by = now, user
        invitation.save(update_fields=["used_at", "used_by"])
    TermsAcceptance.objects.create(user=user, accepted_at=now, minimum_age=minimum_age(),
                                   invitation=invitation)
    return user
