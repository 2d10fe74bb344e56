"""Types for who is asking: any visitor (a Viewer) or a request known to be logged in."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from fichive.accounts.models import User

Viewer = User | AnonymousUser | None


class AuthedRequest(HttpRequest):
    """A request to a view behind login_required: `user` is a real account."""

    user: User
