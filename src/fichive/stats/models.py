"""Each work's counters as daily changes (WorkStatDay): what the stats page's years and chart
are drawn from."""

from __future__ import annotations

from django.db import models

from fichive.works.models import Work


class WorkStatDay(models.Model):
    """How a work's counters moved on one day (UTC): hits, kudos, comment threads, public
    bookmarks and subscriptions gained, less those that went (deleted, hidden, made private,
    unsubscribed) that day. Written as the counters change (services.work_stats_add), so the
    rows of a work add up to its counters since they were first kept.

    No database constraint on the work: rows are added in the same transactions that delete a
    work's bookmarks or comments, even while the work itself is being deleted; the work's
    rows go with it (the app's post_delete receiver)."""

    work = models.ForeignKey(Work, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="stat_days")
    day = models.DateField()
    hits = models.IntegerField(default=0)
    kudos = models.IntegerField(default=0)
    comment_threads = models.IntegerField(default=0)
    bookmarks = models.IntegerField(default=0)
    subscriptions = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "day"], name="work_stat_day_unique"),
        ]

    def __str__(self) -> str:
        return f"work {self.work_id} on {self.day}"
