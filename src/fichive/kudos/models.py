"""Kudos rows: one per logged-in user or guest (by the hash of their address) per work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fichive.works.models import Work


class Kudos(models.Model):
    """A press of "Kudos ♥" on a whole work. Work.kudos_count counts these rows (the services
    change both in one transaction)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="kudos")
    # A deleted account's kudos stay, counted with the guests'.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="kudos")
    # lib.visitors.address_hash of a guest's address (never the address); blank for users.
    guest_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "kudos"
        constraints = [
            models.UniqueConstraint(fields=["work", "user"], condition=Q(user__isnull=False),
                                    name="kudos_one_per_user"),
            models.UniqueConstraint(fields=["work", "guest_hash"],
                                    condition=Q(user__isnull=True) & ~Q(guest_hash=""),
                                    name="kudos_one_per_guest"),
            models.CheckConstraint(condition=Q(user__isnull=True) | Q(guest_hash=""),
                                   name="kudos_user_or_guest"),
        ]
        indexes = [models.Index(fields=["work", "created_at"], name="kudos_work_created")]

    def __str__(self) -> str:
        return f"Kudos on work {self.work_id} by {self.user_id or 'a guest'}"
