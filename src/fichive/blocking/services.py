"""Writes of blocks and mutes: `user_block`, `user_unblock`, `user_mute`, `user_unmute`.

Each runs in one transaction with a row lock on the acting user, so the cap (MAX_PER_USER)
holds and the `User.muted_ids` copy the listings read stays equal to the Mute rows even when
two mutes arrive at once. Refusals are ValidationErrors with a message for the person.

Moderators and admins (the archive's official accounts, `User.can_moderate`) can't be
blocked, as on AO3: their comments and notices must reach everyone. They can be muted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from fichive.accounts.models import User
from fichive.accounts.services import user_copy_keep
from fichive.blocking.models import MAX_PER_USER, Block, Mute


def _locked(user: User) -> User:
    """The acting user's row, locked until the transaction ends."""
    return User.objects.select_for_update().get(pk=user.pk)


def _refuse_self(user: User, other: User, what: str) -> None:
    if user.pk == other.pk:
        raise ValidationError(f"You can't {what} yourself.", code="self")


@transaction.atomic
def user_block(*, user: User, blocked: User) -> Block:
    """`user` blocks `blocked`: they can no longer comment on `user`'s works, reply to
    `user`'s comments, give `user` gifts or invite `user` to be a co-creator. Blocking
    someone already blocked changes nothing."""
    _refuse_self(user, blocked, "block")
    if blocked.can_moderate:
        raise ValidationError(
            f"{blocked.username} is one of the archive's official accounts (a moderator or "
            "admin), which can't be blocked. You can mute them instead.", code="official")
    _locked(user)
    existing = Block.objects.filter(blocker=user, blocked=blocked).first()
    if existing is not None:
        return existing
    if Block.objects.filter(blocker=user).count() >= MAX_PER_USER:
        raise ValidationError(
            f"You have blocked {MAX_PER_USER:,} users, the most the archive allows. Unblock "
            "someone before blocking anyone else.", code="too_many")
    return Block.objects.create(blocker=user, blocked=blocked)


@transaction.atomic
def user_unblock(*, user: User, blocked: User) -> None:
    """`user` no longer blocks `blocked` (nothing happens if they did not)."""
    _locked(user)
    Block.objects.filter(blocker=user, blocked=blocked).delete()


def _keep_copy(user: User, locked: User) -> list[int]:
    """The Mute rows' ids into the user row's `muted_ids` copy (accounts.services)."""
    return user_copy_keep(user=user, locked=locked, field="muted_ids", ids=list(
        Mute.objects.filter(muter_id=locked.pk).values_list("muted_id", flat=True)))


@transaction.atomic
def user_mute(*, user: User, muted: User) -> Mute:
    """`user` mutes `muted`: their works, series, bookmarks and comments leave everything
    `user` sees (listings, searches, counts). Muting someone already muted changes nothing."""
    _refuse_self(user, muted, "mute")
    locked = _locked(user)
    mute = Mute.objects.filter(muter=user, muted=muted).first()
    if mute is None:
        if Mute.objects.filter(muter=user).count() >= MAX_PER_USER:
            raise ValidationError(
                f"You have muted {MAX_PER_USER:,} users, the most the archive allows. Unmute "
                "someone before muting anyone else.", code="too_many")
        mute = Mute.objects.create(muter=user, muted=muted)
    _keep_copy(user, locked)
    return mute


@transaction.atomic
def user_unmute(*, user: User, muted: User) -> None:
    """`user` no longer mutes `muted` (nothing happens if they did not)."""
    locked = _locked(user)
    Mute.objects.filter(muter=user, muted=muted).delete()
    _keep_copy(user, locked)
