"""Reads of accounts: finding users and pseuds by the names people type."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.http import Http404

from fichive.accounts.models import Preference, Pseud, User

_BYLINE = re.compile(r"^(?P<pseud>.+?)\s*\((?P<user>[^()]+)\)$")


def user_by_name(username: str) -> User:
    try:
        return User.objects.get(username__iexact=username, is_active=True)
    except User.DoesNotExist:
        raise Http404("No such user.") from None


def pseuds_from_names(value: str) -> list[Pseud]:
    """Pseuds from "user" (their default pseud) or "pseud (user)" entries, comma-separated."""
    found: list[Pseud] = []
    missing: list[str] = []
    for entry in (part.strip() for part in (value or "").split(",")):
        if not entry:
            continue
        match = _BYLINE.match(entry)
        pseud_name, username = (match["pseud"], match["user"]) if match else (None, entry)
        pseuds = Pseud.objects.select_related("user").filter(
            user__username__iexact=username.strip(), user__is_active=True
        )
        pseud = (
            pseuds.filter(name__iexact=pseud_name.strip()).first()
            if pseud_name
            else pseuds.filter(is_default=True).first()
        )
        if pseud is None:
            missing.append(entry)
        elif pseud not in found:
            found.append(pseud)
    if missing:
        raise ValidationError(f"No such user or pseud: {', '.join(missing)}.")
    return found


def preferences_of(user: User) -> Preference:
    """The user's preferences, their defaults saved on first use."""
    preference, _ = Preference.objects.get_or_create(user=user)
    return preference
