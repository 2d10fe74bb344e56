"""API: the caller's own things: who they are, their reading history and preferences."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status
from pydantic import ConfigDict

from fichive.accounts.models import Preference, User
from fichive.accounts.selectors import preferences_of, user_page_counts
from fichive.accounts.services import (
    FONT_SIZE_RANGE,
    LINE_WIDTH_RANGE,
    PREFERENCE_FIELDS,
    preferences_update,
    time_zone_names,
)
from fichive.api.endpoints.works import WorkOut, work_json
from fichive.api.pagination import links, page_number
from fichive.api.schemas import ERRORS, PageNumber, Paging, answers
from fichive.api.v1 import MINE, WRITE, router
from fichive.inbox.selectors import inbox_unread_count
from fichive.readings import selectors as readings
from fichive.readings.services import reading_clear
from fichive.subscriptions.selectors import subscriptions_of
from fichive.works.listing import works_with_blurb_data
from fichive.works.selectors import works_by_user, works_visible_to


class MyPseud(Schema):
    name: str
    byline: str
    is_default: bool


class MyCounts(Schema):
    """What the caller's pages count: their posted works, drafts and hidden works, series,
    bookmarks (private ones too), gifts, history, Marked for Later, subscriptions and unread
    inbox items."""

    works: int
    drafts: int
    hidden: int
    series: int
    bookmarks: int
    gifts: int
    history: int
    marked_for_later: int
    subscriptions: int
    inbox_unread: int


class MeOut(Schema):
    username: str
    pseuds: list[MyPseud]
    roles: list[str] = Field(description="wrangler, moderator, archivist, admin")
    # The scopes of the token the request came with; none for a browser session.
    scopes: list[str] = Field(description="The scopes of the token used (empty for a "
                                          "logged-in browser session).")
    token: str | None = Field(description="The name of the token used, if one was.")
    history_enabled: bool
    counts: MyCounts


def _roles(user: User) -> list[str]:
    roles = []
    if user.can_wrangle:
        roles.append("wrangler")
    if user.can_moderate:
        roles.append("moderator")
    if user.is_archivist:
        roles.append("archivist")
    if user.is_admin:
        roles.append("admin")
    return roles


@router.get("/me", response=answers(MeOut), auth=MINE, url_name="me", tags=["me"],
            summary="Who you are: your pseuds, roles, the token's scopes and your counts")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    token = getattr(request, "api_token", None)
    pages = user_page_counts(user, user)
    return {
        "username": user.username,
        "pseuds": [{"name": p.name, "byline": p.byline, "is_default": p.is_default}
                   for p in user.pseuds.order_by("-is_default", "name")],
        "roles": _roles(user),
        "scopes": sorted(token.scope_set) if token is not None else [],
        "token": token.name if token is not None else None,
        "history_enabled": preferences_of(user).history_enabled,
        "counts": {
            "works": pages.works,
            "drafts": works_by_user(user, user, drafts=True).count(),
            "hidden": works_by_user(user, user, hidden=True).count(),
            "series": pages.series,
            "bookmarks": pages.bookmarks,
            "gifts": pages.gifts,
            "history": readings.readings_of(user).count(),
            "marked_for_later": readings.readings_of(user, to_read=True).count(),
            "subscriptions": subscriptions_of(user).count(),
            "inbox_unread": inbox_unread_count(user),
        },
    }


class ReadingOut(Schema):
    """One work of the history: when it was visited, how often, and whether it changed since
    the last visit."""

    id: int = Field(description="The history entry's id (DELETE /me/history/{id}).")
    work: WorkOut
    first_visited: str | None
    last_visited: str | None
    visits: int
    update_available: bool
    marked_for_later: bool


class HistoryListing(Paging):
    paused: bool = Field(description="History is off in your preferences: works you read "
                                     "now aren't added.")
    readings: list[ReadingOut]


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


@router.get("/me/history", response=answers(HistoryListing), auth=MINE,
            url_name="me-history", tags=["me"],
            summary="Your reading history, latest visit first, as your History page shows it")
def history(request: HttpRequest, page: PageNumber | None = None, cursor: str | None = None
            ) -> dict[str, Any]:
    """The works you visited while logged in, of those you may still see: a work since
    deleted, hidden by a moderator or made a draft leaves it, as on the History page."""
    user: User = request.user  # type: ignore[assignment]
    entries = readings.readings_of(user).annotate(work_modified=F("work__modified_at"))
    paginator = Paginator(entries, readings.PER_PAGE)
    number = page_number(request, page)
    if number > paginator.num_pages:
        raise Http404("There is no such page of your history.")
    shown = paginator.page(number)
    rows = list(shown.object_list)
    works = {w.pk: w for w in works_with_blurb_data(
        works_visible_to(user).filter(pk__in=[r.work_id for r in rows]))}
    return {
        "total": paginator.count,
        "page": shown.number,
        "pages": paginator.num_pages,
        "per_page": readings.PER_PAGE,
        **links(request, shown),
        "paused": not preferences_of(user).history_enabled,
        "readings": [{
            "id": r.pk,
            "work": work_json(works[r.work_id], request),
            "first_visited": _when(r.first_visited),
            "last_visited": _when(r.last_visited),
            "visits": r.visits,
            "update_available": r.work_updated_seen is not None
            and r.work_modified > r.work_updated_seen,
            "marked_for_later": r.to_read,
        } for r in rows if r.work_id in works],
    }


@router.delete("/me/history/{int:reading_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="me-history-entry", tags=["me"],
               summary="Take one work off your history (it stays Marked for Later if it is)")
def history_delete(request: HttpRequest, reading_id: int) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]
    if not reading_clear(user=user, reading_id=reading_id):
        raise Http404("That work isn't in your history (anymore).")
    return Status(204, None)


def _choices(values: Any, description: str, **more: Any) -> Any:
    """A string field documented with its allowed values (checked by preferences_update,
    whose messages are the Preferences page's)."""
    return Field(description=description, json_schema_extra={"enum": sorted(values)}, **more)


def _whole(low: int, high: int, description: str, **more: Any) -> Any:
    return Field(description=description, json_schema_extra={"minimum": low, "maximum": high},
                 **more)


_SKIN = "Site colours: light, dark or auto (follow the device)."
_FONT = "serif or sans."
_SIZE = "A work's text size in percent."
_WIDTH = "The longest line of a work's text, in characters."
_ZONE = "Dates and times are shown in it: an IANA time zone such as Europe/Berlin, or UTC."


class PreferencesOut(Schema):
    """Every preference of your Preferences page."""

    skin: str = _choices(Preference.Skin.values, _SKIN)
    font_size: int = _whole(*FONT_SIZE_RANGE, _SIZE)
    font_family: str = _choices(Preference.FontFamily.values, _FONT)
    line_width: int = _whole(*LINE_WIDTH_RANGE, _WIDTH)
    time_zone: str = Field(description=_ZONE)
    view_adult: bool
    hide_warnings: bool
    hide_freeform: bool
    hide_work_skins: bool
    show_more_like_this: bool = Field(description="\"More like this\" on work pages.")
    history_enabled: bool
    email_comments: bool
    email_replies: bool
    email_subscriptions: bool
    email_moderation: bool
    email_kudos: bool
    email_creator_invitations: bool


def _unsent() -> Any:
    """Not required; left out means unchanged."""
    return Field(None)


class PreferencesPatch(Schema):
    """The preferences to change; the rest stay as they are. An unknown name is an error.
    (Each field's default None only means "not sent": null is refused.)"""

    model_config = ConfigDict(extra="forbid")

    skin: str = _choices(Preference.Skin.values, _SKIN, default=None)
    font_size: int = _whole(*FONT_SIZE_RANGE, _SIZE, default=None)
    font_family: str = _choices(Preference.FontFamily.values, _FONT, default=None)
    line_width: int = _whole(*LINE_WIDTH_RANGE, _WIDTH, default=None)
    time_zone: str = _choices(time_zone_names(), _ZONE, default=None)
    view_adult: bool = _unsent()
    hide_warnings: bool = _unsent()
    hide_freeform: bool = _unsent()
    hide_work_skins: bool = _unsent()
    show_more_like_this: bool = _unsent()
    history_enabled: bool = _unsent()
    email_comments: bool = _unsent()
    email_replies: bool = _unsent()
    email_subscriptions: bool = _unsent()
    email_moderation: bool = _unsent()
    email_kudos: bool = _unsent()
    email_creator_invitations: bool = _unsent()


def _preferences(user: User) -> dict[str, Any]:
    current = preferences_of(user)
    return {name: getattr(current, name) for name in PREFERENCE_FIELDS}


@router.get("/me/preferences", response=answers(PreferencesOut), auth=MINE,
            url_name="me-preferences", tags=["me"], summary="Your preferences")
def preferences(request: HttpRequest) -> dict[str, Any]:
    return _preferences(request.user)  # type: ignore[arg-type]


@router.patch("/me/preferences", response=answers(PreferencesOut), auth=WRITE,
              url_name="me-preferences", tags=["me"],
              summary="Change some of your preferences (checked as the Preferences page does)")
def preferences_change(request: HttpRequest, changes: PreferencesPatch) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    values = changes.model_dump(exclude_unset=True)
    empty = sorted(name for name, value in values.items() if value is None)
    if empty:
        raise ValidationError({name: "Give a value (null isn't one)." for name in empty})
    preferences_update(user=user, **values)
    return _preferences(user)
