"""Logging in: Django's model backend, refusing accounts that were imported and not claimed,
and banned accounts (whose open sessions stop working at their next request)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class ClaimedModelBackend(ModelBackend):
    """Accounts made for an imported archive's authors can't log in until claimed (/claim);
    banned accounts can't log in, and a session a banned user had finds no user any more.
    The logged-in user is read with their preferences (one query for both)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return (super().user_can_authenticate(user) and getattr(user, "claimed", True)
                and not getattr(user, "banned", False))

    def get_user(self, user_id: Any) -> Any:
        from fichive.accounts.models import User

        try:
            user = User.objects.select_related("preference").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
