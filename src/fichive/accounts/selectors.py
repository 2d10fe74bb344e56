"""Reads of accounts: finding users and pseuds by the names people type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404

from fichive.accounts.models import Preference, Pseud, User
from fichive.accounts.requests import Viewer

_BYLINE = re.compile(r"^(?P<pseud>.+?)\s*\((?P<user>[^()]+)\)$")


def user_by_name(username: str) -> User:
    try:
        return User.objects.get(username__iexact=username, is_active=True)
    except User.DoesNotExist:
        raise Http404("No such user.") from None


def pseuds_from_names(value: str) -> list[Pseud]:
    """Pseuds from "user" (their default pseud) or "pseud (user)" entries, comma-separated."""
    found: list[Pseud] = []
    missing: list[str] = []
    for entry in (part.strip() for part in (value or "").split(",")):
        if not entry:
            continue
        match = _BYLINE.match(entry)
        pseud_name, username = (match["pseud"], match["user"]) if match else (None, entry)
        pseuds = Pseud.objects.select_related("user").filter(
            user__username__iexact=username.strip(), user__is_active=True
        )
        pseud = (
            pseuds.filter(name__iexact=pseud_name.strip()).first()
            if pseud_name
            else pseuds.filter(is_default=True).first()
        )
        if pseud is None:
            missing.append(entry)
        elif pseud not in found:
            found.append(pseud)
    if missing:
        raise ValidationError(f"No such user or pseud: {', '.join(missing)}.")
    return found


def preferences_of(user: User) -> Preference:
    """The user's preferences, their defaults saved on first use."""
    preference, _ = Preference.objects.get_or_create(user=user)
    return preference


def pseud_by_name(owner: User, name: str) -> Pseud:
    """The user's pseud of that name (any case); 404 if there is none."""
    pseud = owner.pseuds.filter(name__iexact=name).first()
    if pseud is None:
        raise Http404("No such pseud.")
    return pseud


@dataclass(frozen=True)
class UserPageCounts:
    """The counts on a user's tabs, of what the viewer may see."""

    works: int
    series: int
    bookmarks: int
    gifts: int


def user_page_counts(viewer: Viewer, owner: User) -> UserPageCounts:
    """The user's works, series, bookmarks and gifts that `viewer` may see, counted through
    the apps' visibility selectors: posted works (unrestricted ones for guests); series with
    at least one such work; public bookmarks (the user's own private ones too on their own
    pages) of works the viewer may see; gifts not refused, of works the viewer may see."""
    from fichive.bookmarks.selectors import bookmarks_visible_to
    from fichive.gifts.selectors import works_given_to
    from fichive.series.selectors import series_listed_for
    from fichive.works.selectors import works_listed_for

    return UserPageCounts(
        works=works_listed_for(viewer, owner=owner).count(),
        # As /users/<name>/series lists them (series with an anonymous part of the owner's
        # are not listed for others).
        series=series_listed_for(viewer, owner=owner).order_by().count(),
        bookmarks=bookmarks_visible_to(viewer).filter(user=owner).count(),
        gifts=works_given_to(viewer, owner).order_by().count(),
    )
