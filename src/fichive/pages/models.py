"""The archive's editable pages: one row per page an admin has edited (About, Terms of
Service, FAQ); a page without a row shows its default text (pages/defaults.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Page(models.Model):
    class Slug(models.TextChoices):
        ABOUT = "about", "About"
        TOS = "tos", "Terms of Service"
        FAQ = "faq", "Frequently Asked Questions"

    slug = models.CharField(max_length=20, choices=Slug.choices, unique=True)
    title = models.CharField(max_length=200)
    # Sanitized HTML (lib/sanitize.py), as typed by the admin.
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return self.title
