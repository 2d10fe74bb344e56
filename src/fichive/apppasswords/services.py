"""Making, checking and revoking app passwords."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fichive.accounts.models import User
from fichive.apppasswords.models import AppPassword
from fichive.lib.hashedsecrets import digest, matching

# At most this many app passwords per account.
MAX_PER_USER = 20
# Lower-case letters and digits without 0/o, 1/l/i: easy to read off a screen and to type on
# an e-reader's keyboard. 31 symbols, 24 of them: about 119 bits.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS = 6
GROUP_SIZE = 4
LOOKUP_SIZE = 8


def normalize(secret: str) -> str:
    """The secret as stored: lower case, without the dashes and spaces it is shown with."""
    return "".join(ch for ch in secret.lower() if ch not in "- \t")


def _new_secret() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return "-".join(chars[i:i + GROUP_SIZE] for i in range(0, len(chars), GROUP_SIZE))


@transaction.atomic
def app_password_create(*, user: User, name: str) -> tuple[AppPassword, str]:
    """A new app password named `name` for `user`, and its secret, which is shown once and
    never stored (ValidationError: no name, a name in use, or MAX_PER_USER reached)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the app password a name, such as the app's."})
    if len(name) > 100:
        raise ValidationError({"name": "The name can be at most 100 characters long."})
    # Lock the account's row so two requests at once can't both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if AppPassword.objects.filter(user=user).count() >= MAX_PER_USER:
        raise ValidationError(f"You have {MAX_PER_USER} app passwords, the most an account "
                              "can have: revoke one you no longer use first.")
    if AppPassword.objects.filter(user=user, name__iexact=name).exists():
        raise ValidationError({"name": f"You already have an app password named “{name}”: "
                                       "choose another name."})
    secret = _new_secret()
    plain = normalize(secret)
    try:
        with transaction.atomic():
            row = AppPassword.objects.create(user=user, name=name, lookup=plain[:LOOKUP_SIZE],
                                             digest=digest(plain))
    except IntegrityError:
        raise ValidationError({"name": f"You already have an app password named “{name}”: "
                                       "choose another name."}) from None
    return row, secret


@transaction.atomic
def app_password_revoke(*, user: User, app_password_id: int) -> AppPassword:
    """Revoke (delete) one of `user`'s app passwords: apps using it are refused from the next
    request on. ValidationError if `user` has no such app password."""
    row = AppPassword.objects.filter(user=user, pk=app_password_id).first()
    if row is None:
        raise ValidationError("That app password doesn't exist (it may be revoked already).")
    row.delete()
    return row


def app_password_check(*, username: str, secret: str) -> AppPassword | None:
    """The app password of the account `username` whose secret this is, else None (the
    account's own password never matches: only app passwords' digests are compared). Marks it
    used (at most once a minute)."""
    plain = normalize(secret)
    if len(plain) != GROUPS * GROUP_SIZE:
        return None
    return matching(AppPassword.objects.select_related("user")
                    .filter(lookup=plain[:LOOKUP_SIZE], user__username__iexact=username),
                    plain)
