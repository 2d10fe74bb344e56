"""Personal access tokens for the JSON API: a user's named, scoped secrets, kept only as a
SHA-256 digest."""

from __future__ import annotations

from django.db import models

from fichive.accounts.models import User


class ApiToken(models.Model):
    """One personal access token ("my e-reader sync script"). The secret (`fichive_…`) is
    shown once when it is made; the row keeps its first characters after the prefix
    (`lookup`, to find it without scanning) and the SHA-256 of the whole secret (`digest`).
    `scopes` is a space-separated subset of SCOPES (services.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scopes = models.CharField(max_length=100)
    lookup = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"],
                                               name="api_token_name_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
