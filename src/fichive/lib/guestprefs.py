"""A guest's preferences cookie: the site skin and "view adult content without asking".

Guests have no account to keep preferences in, so the two that matter to them live in one
cookie. Every value maps to one of a few variants (`guest_variant`), which the guests' page
cache adds to its keys (lib/cache.py): no guest is served a page made for another's choices.
accounts/preferences.py turns it into the preferences every page reads.
"""

from __future__ import annotations

GUEST_COOKIE = "fichive_prefs"
GUEST_COOKIE_MAX_AGE = 365 * 24 * 3600
# The site skins (accounts.models.Preference.Skin holds the same values); "auto" follows the
# device's prefers-color-scheme.
SKINS = ("auto", "light", "dark")
DEFAULT_SKIN = "auto"


def guest_cookie_parse(raw: str | None) -> tuple[str, bool]:
    """(skin, view_adult) from a cookie value such as "skin=dark;adult=1"; anything unknown
    is ignored."""
    skin, adult = DEFAULT_SKIN, False
    for part in (raw or "").split(";")[:4]:
        name, _, value = part.strip().partition("=")
        if name == "skin" and value in SKINS:
            skin = value
        elif name == "adult" and value == "1":
            adult = True
    return skin, adult


def guest_cookie_value(skin: str, view_adult: bool) -> str:
    """The cookie value for these choices ("" when they are the defaults)."""
    parts = []
    if skin in SKINS and skin != DEFAULT_SKIN:
        parts.append(f"skin={skin}")
    if view_adult:
        parts.append("adult=1")
    return ";".join(parts)


def guest_variant(raw: str | None) -> str:
    """The normalised variant of a guest's cookie: part of a cached page's key."""
    return guest_cookie_value(*guest_cookie_parse(raw))
