"""Bookmarks: a reader keeping a work (or a story elsewhere, an external work) with their own
notes and tags, as a rec or privately."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from fichive.accounts.models import Pseud
from fichive.lib.sanitize import current_sanitizer_version
from fichive.tags.models import Tag
from fichive.works.models import Work

# AO3's limits: bookmark notes, and the bookmarker's own tags.
NOTES_MAX = 5000
BOOKMARK_TAGS_MAX = 75
EXTERNAL_TITLE_MAX = 255
EXTERNAL_CREATOR_MAX = 255
EXTERNAL_SUMMARY_MAX = 1250
URL_MAX = 500


class ExternalWork(models.Model):
    """A story hosted elsewhere that readers bookmark: what it is called, who wrote it, where
    it lives; one row per address, shared by everyone who bookmarks it."""

    title = models.CharField(max_length=EXTERNAL_TITLE_MAX)
    creator = models.CharField(max_length=EXTERNAL_CREATOR_MAX)
    url = models.URLField(max_length=URL_MAX, unique=True)
    summary = models.TextField(blank=True)  # sanitized HTML
    # The allowlist its HTML was last cleaned with (lib/sanitize.py SANITIZER_VERSION): rows
    # with an older one are cleaned again by `fichive resanitize`.
    sanitizer_version = models.PositiveSmallIntegerField(default=current_sanitizer_version,
                                                         editable=False)
    # Its fandoms and rating, when the bookmarker gave them.
    tags: models.ManyToManyField[Tag, models.Model] = models.ManyToManyField(
        Tag, blank=True, related_name="external_works")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class Bookmark(models.Model):
    """One user's bookmark of a work, an external work or a series (exactly one of the three)."""

    # A pseud with bookmarks can't be deleted alone (move them first); deleting the user
    # deletes both.
    pseud = models.ForeignKey(Pseud, on_delete=models.RESTRICT, related_name="bookmarks")
    # The pseud's user, kept here so a user's bookmarks are one index range.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="bookmarks")
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="bookmarks")
    external_work = models.ForeignKey(ExternalWork, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="bookmarks")
    series = models.ForeignKey("series.Series", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="bookmarks")
    notes = models.TextField(blank=True)  # sanitized HTML
    # The allowlist its HTML was last cleaned with (lib/sanitize.py SANITIZER_VERSION): rows
    # with an older one are cleaned again by `fichive resanitize`.
    sanitizer_version = models.PositiveSmallIntegerField(default=current_sanitizer_version,
                                                         editable=False)
    tags: models.ManyToManyField[Tag, models.Model] = models.ManyToManyField(
        Tag, blank=True, related_name="bookmarks")
    rec = models.BooleanField(default=False, help_text="Recommend it to others.")
    private = models.BooleanField(default=False, help_text="Only the bookmarker sees it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(work__isnull=False, external_work__isnull=True, series__isnull=True)
                    | Q(work__isnull=True, external_work__isnull=False, series__isnull=True)
                    | Q(work__isnull=True, external_work__isnull=True, series__isnull=False)),
                name="bookmark_of_one_thing"),
            models.UniqueConstraint(fields=["user", "work"], condition=Q(work__isnull=False),
                                    name="bookmark_one_per_user_and_work"),
            models.UniqueConstraint(fields=["user", "external_work"],
                                    condition=Q(external_work__isnull=False),
                                    name="bookmark_one_per_user_and_external_work"),
            models.UniqueConstraint(fields=["user", "series"], condition=Q(series__isnull=False),
                                    name="bookmark_one_per_user_and_series"),
        ]
        indexes = [
            models.Index(fields=["user", "created_at"], name="bookmark_by_user"),
            models.Index(fields=["work", "private"], name="bookmark_by_work"),
            models.Index(fields=["private", "created_at"], name="bookmark_by_date"),
        ]

    def __str__(self) -> str:
        return f"bookmark {self.pk} by {self.user_id}"

    def get_absolute_url(self) -> str:
        return reverse("bookmarks:detail", args=[self.pk])
