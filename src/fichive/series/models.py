"""Series: an ordered run of works ("Part 2 of Team Seven Chronicles"); a work may be in
several series."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from fichive.accounts.models import Pseud
from fichive.lib.sanitize import current_sanitizer_version
from fichive.works.models import NOTES_MAX, SUMMARY_MAX, TITLE_MAX, Work

__all__ = ["NOTES_MAX", "SUMMARY_MAX", "TITLE_MAX", "Series", "SeriesCreatorship", "SeriesPart"]


class Series(models.Model):
    title = models.CharField(max_length=TITLE_MAX)
    summary = models.TextField(blank=True)  # sanitized HTML
    notes = models.TextField(blank=True)  # sanitized HTML
    # The allowlist its HTML was last cleaned with (lib/sanitize.py SANITIZER_VERSION): rows
    # with an older one are cleaned again by `fichive resanitize`.
    sanitizer_version = models.PositiveSmallIntegerField(default=current_sanitizer_version,
                                                         editable=False)
    complete = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    creators: models.ManyToManyField[Pseud, SeriesCreatorship] = models.ManyToManyField(
        Pseud, through="SeriesCreatorship", related_name="series")
    works: models.ManyToManyField[Work, SeriesPart] = models.ManyToManyField(
        Work, through="SeriesPart", related_name="series")

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("series:detail", args=[self.pk])


class SeriesCreatorship(models.Model):
    """A pseud that may edit the series (who made it, and the creators of works added to it)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="series_creatorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "pseud"], name="series_creatorship_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud_id} on series {self.series_id}"


class SeriesPart(models.Model):
    """A work's place in a series: parts are numbered 1, 2, … in `position` order."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="parts")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="series_parts")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["series", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "work"], name="series_part_unique"),
        ]
        indexes = [
            models.Index(fields=["series", "position"]),
            models.Index(fields=["work", "series"]),
        ]

    def __str__(self) -> str:
        return f"work {self.work_id} in series {self.series_id}"
