"""Subscriptions: a user hears of a work's new chapters, or of a creator's new works."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from fichive.accounts.models import User
from fichive.works.models import Work


class Subscription(models.Model):
    """One user's subscription to exactly one target: a work, a creator (a user) or a series."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="subscriptions")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="subscriptions")
    creator = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="subscribers")
    series = models.ForeignKey("series.Series", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(work__isnull=False, creator__isnull=True, series__isnull=True)
                    | Q(work__isnull=True, creator__isnull=False, series__isnull=True)
                    | Q(work__isnull=True, creator__isnull=True, series__isnull=False)),
                name="subscription_one_target",
            ),
            models.UniqueConstraint(fields=["user", "work"], condition=Q(work__isnull=False),
                                    name="subscription_unique_work"),
            models.UniqueConstraint(fields=["user", "creator"],
                                    condition=Q(creator__isnull=False),
                                    name="subscription_unique_creator"),
            models.UniqueConstraint(fields=["user", "series"], condition=Q(series__isnull=False),
                                    name="subscription_unique_series"),
        ]
        indexes = [
            # The fan-out reads a target's subscribers.
            models.Index(fields=["work", "user"], name="subscription_by_work"),
            models.Index(fields=["creator", "user"], name="subscription_by_creator"),
            models.Index(fields=["series", "user"], name="subscription_by_series"),
            models.Index(fields=["user", "-created_at"], name="subscription_by_user"),
        ]

    def __str__(self) -> str:
        target = (f"work {self.work_id}" if self.work_id else
                  f"series {self.series_id}" if self.series_id else f"user {self.creator_id}")
        return f"{self.user_id} → {target}"
