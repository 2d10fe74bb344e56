"""App passwords: a user's named secrets for reading apps, kept only as a SHA-256 digest."""

from __future__ import annotations

from django.db import models

from fichive.accounts.models import User


class AppPassword(models.Model):
    """One app password ("Kobo", "KOReader"). The secret is shown once when it is made; the
    row keeps its first characters (`lookup`, to find it without scanning) and the SHA-256 of
    the whole secret (`digest`). The secret is ~119 random bits, so a fast hash is as safe as a
    slow one against guessing, and it costs microseconds on every request an app makes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE,
                             related_name="app_passwords")
    name = models.CharField(max_length=100)
    lookup = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"],
                                               name="app_password_name_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"
