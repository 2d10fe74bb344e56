"""Sign-ups: the archive's policy (a one-row settings table over FICHIVE_SIGNUP), the queue of
people waiting for an invitation, invitation codes, users' requests for codes for friends,
and when each account accepted the terms."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Policy(models.TextChoices):
    OPEN = "open", "Open: anyone can sign up"
    INVITE = "invite", "By invitation: people join a queue, or are invited by users"
    CLOSED = "closed", "Closed: nobody can sign up (admins can still invite people)"


class SignupSettings(models.Model):
    """The one row of the admins' choices; blank fields follow the environment."""

    policy = models.CharField(max_length=10, choices=Policy.choices, blank=True,
                              help_text="Blank: FICHIVE_SIGNUP decides.")
    invitations_per_day = models.PositiveIntegerField(
        null=True, blank=True, help_text="Blank: FICHIVE_INVITATIONS_PER_DAY decides.")
    # When the next daily sending from the queue is queued for (signups.tasks); a time in the
    # past means none is queued.
    next_send_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    ROW = 1

    class Meta:
        verbose_name_plural = "signup settings"

    def __str__(self) -> str:
        return f"Sign-ups: {self.policy or 'as configured'}"


class InviteRequest(models.Model):
    """Someone waiting in the queue for an invitation (by email address, no account)."""

    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when the queue sent them an invitation.
    invitation = models.OneToOneField("Invitation", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="queue_entry")

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="invite_request_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["invitation", "created_at", "id"])]

    def __str__(self) -> str:
        return self.email


class Invitation(models.Model):
    """A one-time code that opens the sign-up form. From the queue and from admins it is sent
    at once; a user's codes (for friends) wait until the user sends one."""

    class Source(models.TextChoices):
        QUEUE = "queue", "The queue"
        ADMIN = "admin", "An admin"
        USER = "user", "A user"

    code = models.CharField(max_length=40, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # Whose code it is to give away (a user's codes; the admin who invited someone).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="invited_by_code")

    class Meta:
        indexes = [models.Index(fields=["source", "sent_at"])]

    def __str__(self) -> str:
        return f"Invitation {self.pk} ({self.email or 'not sent'})"

    def usable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (self.used_at is None and self.sent_at is not None
                and (self.expires_at is None or self.expires_at > now))

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return "used"
        if self.sent_at is None:
            return "unsent"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "sent"


class InvitationRequest(models.Model):
    """A user asks for codes to invite friends; an admin approves (making the codes) or
    declines."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an admin"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    MAX_QUANTITY = 10

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="invitation_requests")
    quantity = models.PositiveSmallIntegerField()
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(status="pending"),
                                    name="one_pending_invitation_request_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} invitations for {self.user_id} ({self.status})"


class TermsAcceptance(models.Model):
    """When an account accepted the terms of service and confirmed its age, at sign-up."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="terms_acceptance")
    accepted_at = models.DateTimeField(default=timezone.now)
    # The minimum age the person confirmed they were at least.
    minimum_age = models.PositiveSmallIntegerField()
    invitation = models.ForeignKey(Invitation, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Terms accepted by {self.user_id} at {self.accepted_at:%Y-%m-%d %H:%M}"
