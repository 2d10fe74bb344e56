"""What "More like this" reads: each work's most similar works with their reasons, the terms
its text is compared on, and the works waiting to be compared again."""

from __future__ import annotations

from django.db import models

from fichive.works.models import Work


class SimilarWork(models.Model):
    """One of a work's most similar works (up to services.KEPT of them, by `rank` from 1),
    whatever their visibility: the work page filters them for each viewer."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    similar = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    # The reason's parts (scoring.Match.reasons): the signals in the order they weigh, the
    # shared tags' names (rarest first) and their count, the readers in common, the words.
    reasons = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "similar"],
                                               name="similar_work_once")]
        indexes = [models.Index(fields=["work", "rank"], name="similar_work_rank")]

    def __str__(self) -> str:
        return f"{self.work_id} ~ {self.similar_id} ({self.score:.3f})"


class WorkProfile(models.Model):
    """The terms a work's text is compared on (scoring.term_counts), kept so that comparing
    works reads no chapter text but theirs that changed."""

    work = models.OneToOneField(Work, on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    terms = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"terms of {self.work_id}"


class StaleWork(models.Model):
    """A work to compare again (tasks.recommendations_refresh takes them in batches): its
    text, tags or state changed (`text`: its terms are read again too), or its readers."""

    work = models.OneToOneField(Work, on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    text = models.BooleanField(default=False)
    marked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"stale {self.work_id}"
