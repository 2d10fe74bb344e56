"""Log-in throttling: django-axes' lockout of a user name from one address after repeated
wrong passwords (its callables, set in settings.py), the address-wide limits on the log-in
form, and the 429 page both answer with.

Three limits, all counted in the shared `ratelimit` cache:
- axes: AXES_FAILURE_LIMIT wrong passwords for one user name from one address lock that pair
  for AXES_COOLOFF_TIME; a right password in between starts the count again. The account's
  owner elsewhere is not locked out, so nobody can lock someone else's account.
- LOGIN_FAILURES: wrong passwords from one address under any names (guessing one common
  password against many accounts).
- LOGIN_POSTS: log-in attempts from one address, right or wrong. Each costs an Argon2 hash
  (tens of milliseconds of CPU), so a burst of them, even of good ones, would hold the server.
"""

from __future__ import annotations

import time
from typing import Any

from axes.helpers import get_client_cache_keys, get_cool_off
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import caches
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fichive.lib.ratelimit import RateLimit, wait_text
from fichive.lib.securitylog import security_event
from fichive.lib.visitors import client_address

# Log-in attempts per address: 10 a minute.
LOGIN_POSTS = RateLimit("fichive:login:posts", limit=10, window=60)
# Wrong passwords per address, whatever the user name: 30 an hour.
LOGIN_FAILURES = RateLimit("fichive:login:failed", limit=30, window=60 * 60)

_LOCKED_AT = "fichive:login:locked-at:"


def username_for_lockout(request: HttpRequest | None, credentials: dict[str, Any] | None
                         ) -> str:
    """The user name axes counts under: as typed, in lower case (names are
    case-insensitive, so "Alice" and "alice" are one count)."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username")
    return str(name or "").strip().lower()


def client_ip(request: HttpRequest) -> str:
    """The visitor's address, read as the rest of the archive reads it (lib/visitors.py)."""
    return client_address(request.META)


def lockout_seconds_left(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """Seconds until axes' lock on this request's user name and address ends."""
    period = get_cool_off(request)
    cool_off = int(period.total_seconds()) if period else 0
    locked_at = caches["ratelimit"].get(_LOCKED_AT + get_client_cache_keys(request,
                                                                             credentials)[0])
    if locked_at is None:
        return max(1, cool_off)
    return max(1, int(cool_off - (time.time() - float(locked_at))))


def refused(request: HttpRequest, *, message: str, retry_after: int) -> HttpResponse:
    """The log-in page's 429: why, when to try again, and the way to reset a password."""
    response = render(request, "accounts/login_refused.html",
                      {"message": message, "retry_after": retry_after,
                       "wait": wait_text(retry_after)}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response


def locked_out_response(request: HttpRequest, original_response: HttpResponse | None = None,
                        credentials: dict[str, Any] | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page for a log-in refused because its user name is locked
    out from this address."""
    left = lockout_seconds_left(request, credentials)
    return refused(request, retry_after=left, message=(
        "There were too many wrong passwords for this user name from your address, so "
        f"logging in with it is paused. Please wait {wait_text(left)} and try again, or "
        "reset your password if you have forgotten it."))


def address_refused(request: HttpRequest) -> HttpResponse | None:
    """The 429 page if this visitor's address has reached LOGIN_POSTS or LOGIN_FAILURES,
    else None (and the attempt is counted against LOGIN_POSTS)."""
    posts = LOGIN_POSTS.keys_for_request(request)
    failures = LOGIN_FAILURES.keys_for_request(request)
    left = LOGIN_FAILURES.seconds_left(failures)
    if left:
        security_event("login_refused", request=request, reason="address_failures")
        return refused(request, retry_after=left, message=(
            f"There were {LOGIN_FAILURES.limit} wrong passwords from your address in the last "
            f"{LOGIN_FAILURES.window_text}, so logging in from it is paused. Please wait "
            f"{wait_text(left)} and try again, or reset your password if you have forgotten "
            "it."))
    left = LOGIN_POSTS.seconds_left(posts)
    if left:
        security_event("login_refused", request=request, reason="address_posts")
        return refused(request, retry_after=left, message=(
            f"There were {LOGIN_POSTS.limit} log-in attempts from your address in the last "
            f"{LOGIN_POSTS.window_text}. Please wait {wait_text(left)} and try again."))
    LOGIN_POSTS.record(posts)
    return None


def failure_recorded(request: HttpRequest) -> None:
    """Count a wrong password against the visitor's address (LOGIN_FAILURES)."""
    LOGIN_FAILURES.record(LOGIN_FAILURES.keys_for_request(request))


def _user_id_named(username: str) -> int | None:
    from fichive.accounts.models import User

    return (User.objects.filter(username__iexact=username).values_list("pk", flat=True)
            .first() if username else None)


@receiver(user_login_failed)
def _log_failed_login(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                      **kwargs: Any) -> None:
    # The name typed is not logged (people type passwords into it); the account's id is.
    if request is None:
        return
    user_id = _user_id_named(username_for_lockout(None, credentials))
    security_event("login_failed", request=request, user_id=user_id,
                   known_user=user_id is not None)


@receiver(user_locked_out)
def _log_lockout(sender: Any, request: HttpRequest, username: str | None = None,
                 **kwargs: Any) -> None:
    credentials = getattr(request, "axes_credentials", None) or {"username": username}
    key = get_client_cache_keys(request, credentials)[0]
    cool_off = get_cool_off(request)
    # The first signal of a lock starts its clock (attempts during it don't extend it).
    if caches["ratelimit"].add(_LOCKED_AT + key, time.time(),
                               int(cool_off.total_seconds()) if cool_off else None):
        security_event("login_locked_out", request=request,
                       user_id=_user_id_named(username or ""))


@receiver(user_logged_in)
def _log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        security_event("login", request=request, user_id=user.pk)
