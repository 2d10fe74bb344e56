"""HTTP Basic for reading apps: a user name and one of that user's app passwords, on the
endpoints an app reads (the OPDS catalog, feeds, downloads), for that one request.

`basic_user(request)` reads the Authorization header: None when there is none (a guest, or a
browser with its session), the User when the credentials are an app password of an account
that may log in, or a `Refused` saying what to answer. The account's own password is never
checked. Failed attempts count against the client's address (lib/ratelimit.py); past the
limit every Basic attempt from it is refused with 429 until the window ends. In production
settings (secure cookies, no DEBUG) credentials sent over plain HTTP are refused with 403:
they have already travelled in clear, and answering would teach the app it may go on.

`basic_auth` wraps a view with it: with good credentials `request.user` is that user for this
request only (no session is made, no cookie set, so no CSRF token either), and only GET and
HEAD are answered: an app password never posts a form.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, overload

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from fichive.accounts.models import User
from fichive.apppasswords.services import app_password_check
from fichive.lib.ratelimit import RateLimit, wait_text
from fichive.lib.securitylog import security_event
from fichive.lib.visitors import address_hash

REALM = "Fichive"
# Failed Basic attempts per address: 10 in 15 minutes.
FAILED_LOGINS = RateLimit("apppasswords:failed", limit=10, window=15 * 60)

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Refused:
    """Credentials that were sent and refused: the status to answer and why."""

    status: int
    message: str
    retry_after: int = 0

    def response(self) -> HttpResponse:
        response = HttpResponse(self.message + "\n", status=self.status,
                                content_type="text/plain; charset=utf-8")
        if self.status == 401:
            response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
        if self.status == 429:
            response["Retry-After"] = str(self.retry_after or FAILED_LOGINS.window)
        patch_cache_control(response, private=True, no_store=True)
        return response


WRONG = Refused(401, "The user name or app password is wrong. Create an app password in your "
                     "preferences on the archive, under App passwords; your account's own "
                     "password doesn't work here.")


def _in_production() -> bool:
    return not settings.DEBUG and bool(settings.SESSION_COOKIE_SECURE)


def _credentials(header: str) -> tuple[str, str] | None:
    """(user name, password) from a Basic header's value, None if it isn't one."""
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ("", "")
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else ("", "")


def sends_basic(request: HttpRequest) -> bool:
    """Whether the request carries Basic credentials."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return header.strip().lower().startswith("basic")


def basic_user(request: HttpRequest) -> User | None | Refused:
    """Who the request's Basic credentials say it is (see the module's docstring)."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if not header:
        return None
    credentials = _credentials(header)
    if credentials is None:
        return None
    if _in_production() and not request.is_secure():
        return Refused(403, "This address uses plain HTTP, so your user name and app password "
                            "would travel in clear: they were refused. Use the https:// "
                            "address of the archive in your app, and consider revoking that "
                            "app password and making a new one.")
    keys = FAILED_LOGINS.keys_for(user_id=None, address_hash=address_hash(request.META))
    left = FAILED_LOGINS.seconds_left(keys)
    if left:
        return Refused(429, "Too many wrong user names or app passwords from your address: "
                            f"try again in {wait_text(left)}.", retry_after=left)
    username, password = credentials
    found = app_password_check(username=username, secret=password) if username else None
    user = found.user if found is not None else None
    if user is None or not user.is_active or user.banned:
        FAILED_LOGINS.record(keys)
        security_event("app_password_failed", request=request,
                       user_id=user.pk if user is not None else None)
        return WRONG
    return user


def _as_user(request: HttpRequest, user: User) -> None:
    request.user = user
    # Anything worked out for the visitor before (their preferences) was for someone else.
    for name in ("_fichive_prefs", "_cached_user"):
        request.__dict__.pop(name, None)


@overload
def basic_auth(view: View) -> View: ...
@overload
def basic_auth(*, login_required: bool = False) -> Callable[[View], View]: ...


def basic_auth(view: View | None = None, *,
               login_required: bool = False) -> View | Callable[[View], View]:
    """Let reading apps use the view with an app password: `@basic_auth`, or
    `@basic_auth(login_required=True)` where a guest is asked for credentials (401 and
    WWW-Authenticate, so the app prompts) rather than answered as a guest."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            basic = sends_basic(request)
            if basic and request.method not in {"GET", "HEAD"}:
                response = HttpResponse(
                    "App passwords can only read: log in on the archive's site to change "
                    "anything.\n", status=403, content_type="text/plain; charset=utf-8")
                patch_cache_control(response, private=True, no_store=True)
                return response
            who = basic_user(request) if basic else None
            if isinstance(who, Refused):
                return who.response()
            if who is not None:
                _as_user(request, who)
            elif login_required and not request.user.is_authenticated:
                return Refused(401, "Log in with your user name and an app password (made "
                                    "in your preferences on the archive).").response()
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["Authorization"])
            if who is not None:
                patch_cache_control(response, private=True)
            return response

        return wrapper

    return decorator(view) if view is not None else decorator
