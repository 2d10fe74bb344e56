"""Blocks and mutes between users (AO3's "Blocked Users" and "Muted Users").

A block keeps the blocked user from reaching the blocker: no comments on their works, no
replies to their comments, no gifts, no co-creator invitations. A mute keeps the muted user's
works, series, bookmarks and comments out of everything the muter sees (works.selectors
reads `User.muted_ids`, a copy blocking.services keeps in step with these rows).
"""

from __future__ import annotations

from django.db import models

from fichive.accounts.models import User

# AO3 caps each list at 2,000 users.
MAX_PER_USER = 2000


class Block(models.Model):
    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once")]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_by_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(models.Model):
    muter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mutes")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["muter", "muted"], name="mute_once")]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"
