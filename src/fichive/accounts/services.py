"""Writes to accounts: signing up, managing pseuds, granting the tag wrangler role, and
accounts made for imported authors, claimed by email."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string

from fichive.accounts.models import (
    PSEUD_VALIDATOR,
    USERNAME_VALIDATOR,
    Preference,
    Pseud,
    User,
)
from fichive.tags.models import WranglingLog


@transaction.atomic
def user_create(
    *, username: str, email: str = "", password: str | None = None, is_staff: bool = False
) -> User:
    """Create an account and its default pseud. No password means an unusable one."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": ["That user name is taken."]})
    user = User(username=username, email=email, is_staff=is_staff)
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Pseud.objects.create(user=user, name=username, is_default=True)
    return user


@transaction.atomic
def pseud_create(*, user: User, name: str, description: str = "") -> Pseud:
    name = " ".join((name or "").split())
    PSEUD_VALIDATOR(name)
    if len(name) > 40:
        raise ValidationError({"name": ["Pseuds are at most 40 characters."]})
    if user.pseuds.filter(name__iexact=name).exists():
        raise ValidationError({"name": [f"You already have a pseud called “{name}”."]})
    return Pseud.objects.create(user=user, name=name, description=description)


def user_get_or_create_for_import(*, username: str) -> tuple[User, bool]:
    """The account an import is credited to, created with an unusable password if missing."""
    existing = User.objects.filter(username__iexact=username).first()
    if existing:
        return existing, False
    return user_create(username=username), True


def _wrangler_change(*, actor: User | None, user: User, wrangler: bool) -> User:
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("Only admins can grant or revoke the wrangler role.")
    if user.is_wrangler == wrangler:
        return user
    user.is_wrangler = wrangler
    user.save(update_fields=["is_wrangler"])
    WranglingLog.objects.create(
        actor=actor, tag=None, tag_name="",
        action="granted wrangler role" if wrangler else "revoked wrangler role",
        detail=user.username,
    )
    return user


@transaction.atomic
def wrangler_grant(*, actor: User | None, user: User) -> User:
    """Make a user a tag wrangler (admins already are). `actor` None is the command line."""
    return _wrangler_change(actor=actor, user=user, wrangler=True)


@transaction.atomic
def wrangler_revoke(*, actor: User | None, user: User) -> User:
    """Take the wrangler role away; admins stay wranglers by being admins."""
    return _wrangler_change(actor=actor, user=user, wrangler=False)


# Accounts made for an imported archive's authors, and claiming them by email.

CLAIM_SALT = "fichive.accounts.claim"
_NOT_USERNAME = re.compile(r"[^A-Za-z0-9_]+")
_SPELLED_OUT = str.maketrans({"Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "ß": "ss", "Œ": "OE",
                              "œ": "oe", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "Þ": "Th",
                              "þ": "th", "Ð": "D", "ð": "d"})


def username_for(*, hint: str, fallback: str) -> str:
    """A free user name made from a pen name: ASCII letters, digits and underscores, 3 to 40
    characters, "_2", "_3", … added when the name is taken (in any case)."""
    spelled = hint.translate(_SPELLED_OUT)
    ascii_name = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    base = _NOT_USERNAME.sub("_", ascii_name).strip("_")
    base = re.sub("_{2,}", "_", base) or fallback
    if len(base) < 3:
        base = f"{base}_{fallback}"
    base = base[:40].rstrip("_")
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        suffix = f"_{number}"
        name = base[: 40 - len(suffix)] + suffix
    return name


@transaction.atomic
def user_create_unclaimed(*, penname: str, email: str = "", bio: str = "",
                          fallback: str = "author") -> User:
    """An account for an imported archive's author: no usable password, not claimed (so it
    can't log in), the pen name as user name (made unique), the bio on the default pseud. Its
    owner claims it through /claim with the email address."""
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    user = user_create(username=username_for(hint=penname, fallback=fallback), email=email)
    user.claimed = False
    user.save(update_fields=["claimed"])
    if bio:
        pseud = user.default_pseud
        pseud.description = bio
        pseud.save(update_fields=["description"])
    return user


def claim_token_make(*, user: User) -> str:
    """A signed link token for claiming `user`; it expires after CLAIM_LINK_HOURS."""
    return signing.dumps({"uid": user.pk}, salt=CLAIM_SALT, compress=True)


def claim_token_user(*, token: str) -> User | None:
    """The unclaimed account a claim token is for, or None when the token is forged, expired,
    or its account was claimed already."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT,
                             max_age=datetime.timedelta(hours=settings.CLAIM_LINK_HOURS))
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    return User.objects.filter(pk=data["uid"], claimed=False, is_active=True).first()


def claim_request(*, email: str, link_for: Callable[[str], str]) -> int:
    """Mail a claim link for every unclaimed account using `email` (one message); returns how
    many accounts matched. Callers must answer the same whatever it returns, so nobody learns
    which addresses have accounts. `link_for(token)` makes the absolute URL of a token."""
    email = (email or "").strip()
    if not email:
        return 0
    users = list(User.objects.filter(email__iexact=email, claimed=False, is_active=True)
                 .order_by("username"))
    if not users:
        return 0
    body = render_to_string("accounts/claim_email.txt", {
        "accounts": [(u.username, link_for(claim_token_make(user=u))) for u in users],
        "hours": settings.CLAIM_LINK_HOURS,
    })
    send_mail("Claim your account on Fichive", body, None, [users[0].email])
    return len(users)


@transaction.atomic
def account_claim(*, user: User, password: str, username: str = "") -> User:
    """Claim an imported account: it gets a password (and a new user name if one is given) and
    can log in from now on. ValidationError for a taken or invalid name or a weak password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.claimed:
        raise ValidationError("This account has been claimed already.")
    username = (username or "").strip()
    if username and username.lower() != user.username.lower():
        USERNAME_VALIDATOR(username)
        if User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
            raise ValidationError({"username": ["That user name is taken."]})
        pseud = user.default_pseud
        old = user.username
        user.username = username
        if pseud.name.lower() == old.lower() and not user.pseuds.filter(
                name__iexact=username).exclude(pk=pseud.pk).exists():
            pseud.name = username
            pseud.save(update_fields=["name"])
    elif username:
        user.username = username  # a change of case only
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.claimed = True
    user.save(update_fields=["username", "password", "claimed"])
    return user


PREFERENCE_FIELDS = ("history_enabled", "email_comments", "email_replies",
                     "email_subscriptions", "email_moderation", "email_kudos",
                     "email_creator_invitations")


@transaction.atomic
def preferences_update(*, user: User, **values: bool) -> Preference:
    """Change the user's preferences (any of PREFERENCE_FIELDS); the rest stay as they are."""
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationError(f"No such preference: {', '.join(sorted(unknown))}.")
    preference, _ = Preference.objects.select_for_update().get_or_create(user=user)
    for name, value in values.items():
        setattr(preference, name, bool(value))
    preference.save(update_fields=list(values) or None)
    return preference
