"""Logging in: the lockout check (django-axes) first, then Django's model backend, refusing
accounts that were imported and not claimed, and banned accounts (whose open sessions stop
working at their next request)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.db import router
from django.http import HttpRequest

from fichive.lib.compiled import LARGEST_ID, kept_statement


class ClaimedModelBackend(ModelBackend):
    """Accounts made for an imported archive's authors can't log in until claimed (/claim);
    banned accounts can't log in, and a session a banned user had finds no user any more.
    The logged-in user is read with their preferences (one query for both, on every page a
    logged-in user opens: its SQL is built once per process, lib/compiled.py)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return (super().user_can_authenticate(user) and getattr(user, "claimed", True)
                and not getattr(user, "banned", False))

    def get_user(self, user_id: Any) -> Any:
        from fichive.accounts.models import User

        if type(user_id) is int and -LARGEST_ID <= user_id <= LARGEST_ID:  # a session's
            alias = router.db_for_read(User)
            statement = kept_statement(alias, "user-with-preference", lambda slots: (
                User.objects.select_related("preference").filter(pk=slots.one("user"))))
            user = next(iter(statement.objects(alias, {"user": user_id})), None)
        else:
            user = User.objects.select_related("preference").filter(pk=user_id).first()
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first of the backends: a user name locked out from the
    visitor's address is refused before any password is hashed (accounts/lockout.py).

    A log-in without a request (the test client's `login`, a shell) is not a visitor's
    attempt: axes would raise for it, this lets the next backend decide. Every log-in over
    the web (the log-in form, the password forms) passes its request."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
