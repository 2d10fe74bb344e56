"""What readers read: each logged-in reader's history and Marked for Later list (Reading), and
the rows that make a hit count once per visitor per work per day (HitDay)."""

from __future__ import annotations

from django.db import models

from fichive.accounts.models import User
from fichive.works.models import Work


class Reading(models.Model):
    """A logged-in reader and a work they visited or marked for later (AO3's "reading"):
    written in batches from the buffer of visits (buffer.py), except the Marked for Later flag,
    which the reader sets at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="readings")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="readings")
    # None while the work was only marked for later, never visited (or its history cleared).
    first_visited = models.DateTimeField(null=True, blank=True)
    last_visited = models.DateTimeField(null=True, blank=True)
    visits = models.PositiveIntegerField(default=0)
    # The work's modified_at as of the last visit: "Update available" when it is newer now.
    work_updated_seen = models.DateTimeField(null=True, blank=True)
    to_read = models.BooleanField(default=False)
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="reading_unique")]
        indexes = [
            models.Index(fields=["user", "last_visited", "id"], name="reading_history"),
            models.Index(fields=["user", "to_read", "marked_at", "id"], name="reading_to_read"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.work_id}"


class HitDay(models.Model):
    """One visitor counted on one work on one day (UTC): inserted once, so a hit counts once
    whichever process flushed it; kept for KEEP_DAYS days, then pruned. `visitor` is "u<user
    id>" for accounts and "g" + the address hash (fichive.lib.visitors) for guests. No foreign
    key: a work deleted before the flush leaves rows that age out with the rest."""

    day = models.DateField()
    work_id = models.PositiveBigIntegerField()
    visitor = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "work_id", "visitor"], name="hit_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} on {self.work_id} ({self.day})"
