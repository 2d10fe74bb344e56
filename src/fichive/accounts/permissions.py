"""Role checks for views: tag wranglers, moderators and admins. Guests are sent to log in;
logged-in users without the role get a 403 page that says which role the page needs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def _role_required(check: Callable[[Any], bool], message: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


wrangler_required = _role_required(
    lambda user: user.can_wrangle,
    "Only tag wranglers can use this page. An admin can grant you the wrangler role.",
)
admin_required = _role_required(
    lambda user: user.is_admin, "Only admins can use this page."
)
moderator_required = _role_required(
    lambda user: user.can_moderate,
    "Only moderators can use this page. An admin can grant you the moderator role.",
)
