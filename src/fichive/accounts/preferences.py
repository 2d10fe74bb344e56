"""What a visitor's preferences make of every page: `prefs_for(request)`.

Logged-in users keep theirs in `Preference` (read with the user on every request by
accounts.backends, so no query). Guests keep the two that matter to them, the site skin and
"view adult content without asking", in one cookie (lib/guestprefs.py), whose normalised
value the guests' page cache keys its pages on. `TimeZoneMiddleware` shows a logged-in user's
dates and times in their time zone.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fichive.accounts.models import Preference
from fichive.lib.guestprefs import GUEST_COOKIE, guest_cookie_parse

DEFAULT_FONT_SIZE = 100
DEFAULT_LINE_WIDTH = 70


@dataclass(frozen=True)
class ViewerPrefs:
    """The display preferences a page honours (defaults: a new account's)."""

    skin: str = Preference.Skin.AUTO
    font_size: int = DEFAULT_FONT_SIZE
    font_family: str = Preference.FontFamily.SERIF
    line_width: int = DEFAULT_LINE_WIDTH
    time_zone: str = "UTC"
    view_adult: bool = False
    hide_warnings: bool = False
    hide_freeform: bool = False
    hide_work_skins: bool = False
    show_more_like_this: bool = True
    history_enabled: bool = True

    @property
    def reading_style(self) -> str:
        """CSS custom properties for a work's text (static/css/fichive.css reads them), ""
        for the defaults: every guest has those, so their cached pages stay shared."""
        parts = []
        if self.font_size != DEFAULT_FONT_SIZE:
            parts.append(f"--read-scale: {int(self.font_size) / 100:g}")
        if self.font_family != Preference.FontFamily.SERIF:
            parts.append("--read-font: var(--font-sans)")
        if self.line_width != DEFAULT_LINE_WIDTH:
            parts.append(f"--read-width: {int(self.line_width)}ch")
        return "; ".join(parts)

    @classmethod
    def of(cls, preference: Preference | None) -> ViewerPrefs:
        if preference is None:
            return cls()
        return cls(**{f.name: getattr(preference, f.name) for f in fields(cls)})


DEFAULTS = ViewerPrefs()


def guest_prefs(raw: str | None) -> ViewerPrefs:
    """A guest's preferences from their cookie (lib/guestprefs.py)."""
    skin, adult = guest_cookie_parse(raw)
    return ViewerPrefs(skin=skin, view_adult=adult)


def prefs_for(request: HttpRequest) -> ViewerPrefs:
    """The visitor's preferences, worked out once per request."""
    cached: ViewerPrefs | None = getattr(request, "_fichive_prefs", None)
    if cached is not None:
        return cached
    user: Any = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        try:
            preference = user.preference
        except Preference.DoesNotExist:
            preference = None
        prefs = ViewerPrefs.of(preference)
    else:
        prefs = guest_prefs(request.COOKIES.get(GUEST_COOKIE))
    request._fichive_prefs = prefs  # type: ignore[attr-defined]
    return prefs


def preferences_context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: `prefs`, read lazily (pages that don't use it pay
    nothing)."""
    from django.utils.functional import SimpleLazyObject

    return {"prefs": SimpleLazyObject(lambda: prefs_for(request))}


class TimeZoneMiddleware:
    """Dates and times on a logged-in user's pages are in their time zone (Preference
    .time_zone); guests' pages, which the page cache shares, stay in UTC. After
    AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated:
            zone = _zone(prefs_for(request).time_zone)
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone of that name; None for UTC (the default) and for a name this machine doesn't
    know (saved before its tz data changed)."""
    if name == "UTC":
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
