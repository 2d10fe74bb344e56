"""Making, checking and revoking personal access tokens for the API."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fichive.accounts.models import User
from fichive.api.models import ApiToken
from fichive.lib.hashedsecrets import digest, matching

# Scopes a token may carry: `read` (the caller's own private things: history, inbox, private
# bookmarks, restricted works), `write` (post, comment, kudos, bookmark …) and `moderate`
# (only for moderators). `archivist` tokens may import works for others (AO3's archivist
# API, /api/v2/works) and are only for archivists.
SCOPES = ("read", "write", "moderate", "archivist")
SCOPE_HELP = {
    "read": "Read what you can see when logged in: restricted works, your history, inbox, "
            "private bookmarks, subscriptions and preferences.",
    "write": "Post and edit your works and chapters, leave kudos and comments, bookmark, "
             "subscribe, mark for later, mark inbox messages read.",
    "moderate": "Work the moderation queue (moderators only).",
    "archivist": "Import works for authors who aren't on the archive yet (archivists only).",
}
# At most this many tokens per account.
MAX_PER_USER = 20
PREFIX = "fichive_"
LOOKUP_SIZE = 8
SECRET_BYTES = 32


def scopes_allowed(user: User) -> tuple[str, ...]:
    """The scopes `user` may give a token."""
    allowed = ["read", "write"]
    if user.can_moderate:
        allowed.append("moderate")
    if user.is_archivist or user.is_admin:
        allowed.append("archivist")
    return tuple(allowed)


@transaction.atomic
def token_create(*, user: User, name: str, scopes: list[str] | tuple[str, ...]
                 ) -> tuple[ApiToken, str]:
    """A new token named `name` with `scopes` for `user`, and its secret, which is shown once
    and never stored (ValidationError naming the field: no name, a name in use, no scope, a
    scope the account may not give, or MAX_PER_USER reached)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, such as the program's."})
    if len(name) > 100:
        raise ValidationError({"name": "The name can be at most 100 characters long."})
    wanted = list(dict.fromkeys(s.strip() for s in scopes if s and s.strip()))
    if not wanted:
        raise ValidationError({"scopes": "Choose at least one scope (read, write …)."})
    allowed = scopes_allowed(user)
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise ValidationError({"scopes": f"Unknown scope “{unknown[0]}”: use "
                                         f"{', '.join(allowed)}."})
    refused = [s for s in wanted if s not in allowed]
    if refused:
        raise ValidationError({"scopes": f"Your account can't give the “{refused[0]}” "
                                         "scope."})
    # Lock the account's row so two requests at once can't both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).count() >= MAX_PER_USER:
        raise ValidationError(f"You have {MAX_PER_USER} tokens, the most an account can "
                              "have: revoke one you no longer use first.")
    taken = ValidationError({"name": f"You already have a token named “{name}”: choose "
                                     "another name."})
    if ApiToken.objects.filter(user=user, name__iexact=name).exists():
        raise taken
    body = secrets.token_urlsafe(SECRET_BYTES)
    secret = PREFIX + body
    try:
        with transaction.atomic():
            row = ApiToken.objects.create(
                user=user, name=name, scopes=" ".join(s for s in SCOPES if s in wanted),
                lookup=body[:LOOKUP_SIZE], digest=digest(secret))
    except IntegrityError:
        raise taken from None
    return row, secret


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke (delete) one of `user`'s tokens: programs using it are refused from the next
    request on. ValidationError if `user` has no such token."""
    row = ApiToken.objects.filter(user=user, pk=token_id).first()
    if row is None:
        raise ValidationError("That token doesn't exist (it may be revoked already).")
    row.delete()
    return row


def token_check(secret: str) -> ApiToken | None:
    """The token whose secret this is (with its user), else None. Marks it used (at most
    once a minute)."""
    secret = secret.strip()
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    body = secret[len(PREFIX):]
    if len(body) < LOOKUP_SIZE:
        return None
    return matching(ApiToken.objects.select_related("user")
                    .filter(lookup=body[:LOOKUP_SIZE]), secret)
