"""Reads of blocks and mutes: whether one user blocks or mutes another, and a user's lists."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from fichive.accounts.models import User
from fichive.accounts.requests import Viewer
from fichive.blocking.models import Block, Mute


def _account(user: Viewer) -> User | None:
    return user if user is not None and user.is_authenticated else None


def is_blocked(*, blocker: Viewer | int, user: Viewer) -> bool:
    """Whether `blocker` blocks `user` (never a guest: guests neither block nor are
    blocked)."""
    account = _account(user)
    blocker_id = blocker if isinstance(blocker, int) else getattr(_account(blocker), "pk", None)
    if account is None or blocker_id is None:
        return False
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=account.pk).exists()


def blockers_among(*, user_ids: Iterable[int], user: Viewer) -> set[int]:
    """Which of `user_ids` block `user` (one query; none for guests or no ids)."""
    account = _account(user)
    ids = set(user_ids)
    if account is None or not ids:
        return set()
    return set(Block.objects.filter(blocker_id__in=ids, blocked_id=account.pk)
               .values_list("blocker_id", flat=True))


def is_muted(*, muter: Viewer, user: User | int) -> bool:
    """Whether `muter` mutes `user`, from the copy on the muter's row (no query)."""
    account = _account(muter)
    if account is None:
        return False
    user_id = user if isinstance(user, int) else user.pk
    return user_id in (account.muted_ids or ())


def blocks_of(user: User) -> QuerySet[Block]:
    """The users `user` blocks, newest first."""
    return (Block.objects.filter(blocker=user).select_related("blocked")
            .order_by("-created_at", "-id"))


def mutes_of(user: User) -> QuerySet[Mute]:
    """The users `user` mutes, newest first."""
    return (Mute.objects.filter(muter=user).select_related("muted")
            .order_by("-created_at", "-id"))
