"""Logging in: Django's model backend, refusing accounts that were imported and not claimed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class ClaimedModelBackend(ModelBackend):
    """Accounts made for an imported archive's authors can't log in until claimed (/claim)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "claimed", True)
