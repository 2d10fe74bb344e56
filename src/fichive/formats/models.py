"""What imports keep beyond works: which account stands for an imported archive's author,
and an eFiction archive's series (mapped to Fichive series) and reviews (with their ratings,
mapped to comments)."""

from __future__ import annotations

from django.db import models

from fichive.accounts.models import User
from fichive.works.models import Chapter, Work


class ImportedAuthor(models.Model):
    """The account made for an author of an imported archive (so re-imports find it)."""

    source = models.CharField(max_length=200, help_text="The archive's site URL.")
    source_id = models.PositiveIntegerField(help_text="The author's id there (eFiction uid).")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="imported_as")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"],
                                               name="imported_author_once")]

    def __str__(self) -> str:
        return f"{self.source} uid {self.source_id} → {self.user_id}"


class ImportedSeries(models.Model):
    """An imported archive's series as it was (its sub-series included), and the Fichive
    series made of it (`series`: its stories flattened in order), so a re-import finds it."""

    source = models.CharField(max_length=200)
    source_id = models.PositiveIntegerField()
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)  # sanitized HTML
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="imported_series")
    series = models.ForeignKey("series.Series", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="imported_from")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"],
                                               name="imported_series_once")]
        verbose_name_plural = "imported series"

    def __str__(self) -> str:
        return self.title


class ImportedSeriesPart(models.Model):
    """One place in a series: a work, or a series inside the series."""

    series = models.ForeignKey(ImportedSeries, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveIntegerField()
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="imported_series_parts")
    subseries = models.ForeignKey(ImportedSeries, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["series", "position"]

    def __str__(self) -> str:
        return f"{self.series_id} #{self.position}"


class ImportedReview(models.Model):
    """A review from an imported archive, as it came (with its rating, which comments don't
    have); `comment` is the comment it became (null: not yet, or it had no text)."""

    source = models.CharField(max_length=200)
    source_id = models.PositiveIntegerField(help_text="The review's id there.")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="imported_reviews")
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="imported_reviews")
    reviewer_name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="imported_reviews")
    text = models.TextField(blank=True)  # sanitized HTML
    posted_at = models.DateTimeField(null=True, blank=True)
    rating = models.SmallIntegerField(null=True, blank=True)
    comment = models.OneToOneField("comments.Comment", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="imported_review")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"],
                                               name="imported_review_once")]
        ordering = ["work", "posted_at", "id"]

    def __str__(self) -> str:
        return f"review {self.source_id} of {self.work_id}"
