"""The invitation mail: the one-time link that opens the sign-up form."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from fichive.inbox.mail import absolute
from fichive.signups.models import Invitation


def invitation_message(invitation: Invitation, *, from_name: str = "") -> EmailMessage:
    site = str(getattr(settings, "FICHIVE_SITE_NAME", "Fichive"))
    link = absolute(reverse("accounts:signup-invited", args=[invitation.code]))
    if invitation.source == Invitation.Source.QUEUE:
        opening = f"Your turn in the queue has come: here is your invitation to join {site}."
    elif from_name:
        opening = f"{from_name} invited you to join {site}, a fan fiction archive."
    else:
        opening = f"You are invited to join {site}, a fan fiction archive."
    expiry = ""
    if invitation.expires_at is not None:
        expiry = f" It works once, until {invitation.expires_at:%d %B %Y} (UTC)."
    body = (f"{opening}\n\nCreate your account here:\n{link}\n\nThe link is yours alone."
            f"{expiry}\n\nIf you didn't ask for this, ignore this mail; nothing happens "
            f"unless you follow the link.\n\n--\n{site}\n")
    return EmailMessage(subject=f"[{site}] Your invitation", body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.email])
