"""Writes to accounts: signing up, managing pseuds, and granting the tag wrangler role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fichive.accounts.models import PSEUD_VALIDATOR, Pseud, User
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
