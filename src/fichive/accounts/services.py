"""Writes to accounts: signing up, managing pseuds, granting the tag wrangler role, accounts
made for imported authors (claimed by email), and the check every posting service makes that
its user is not suspended or banned (`ensure_may_post`)."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string

from fichive.accounts.models import (
    PSEUD_VALIDATOR,
    USERNAME_VALIDATOR,
    Preference,
    Pseud,
    User,
)
from fichive.lib.securitylog import security_event
from fichive.lib.text import one_line
from fichive.tags.models import WranglingLog

# The shared account orphaned works move to (AO3's "orphan_account"): made on first use, no
# usable password and no email address, so nobody can log in as it.
ORPHAN_ACCOUNT = "orphan_account"
# Names no one may sign up or rename an account to.
RESERVED_USERNAMES = frozenset({ORPHAN_ACCOUNT})


def _check_not_reserved(username: str) -> None:
    if username.lower() in RESERVED_USERNAMES:
        raise ValidationError({"username": ["That user name is reserved for the archive."]})


@transaction.atomic
def user_create(
    *, username: str, email: str = "", password: str | None = None, is_staff: bool = False,
    reserved: bool = False,
) -> User:
    """Create an account and its default pseud. No password means an unusable one.
    `reserved` lets the archive make its own accounts (orphan_account_user)."""
    if not reserved:
        _check_not_reserved(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": ["That user name is taken."]})
    user = User(username=username, email=email, is_staff=is_staff)
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Pseud.objects.create(user=user, name=username, is_default=True)
    return user


@transaction.atomic
def pseud_create(*, user: User, name: str, description: str = "",
                 icon_text: str = "") -> Pseud:
    """Another name for the user to write under; the description is sanitized HTML."""
    name = " ".join((name or "").split())
    PSEUD_VALIDATOR(name)
    if len(name) > 40:
        raise ValidationError({"name": ["Pseuds are at most 40 characters."]})
    if user.pseuds.filter(name__iexact=name).exists():
        raise ValidationError({"name": [f"You already have a pseud called “{name}”."]})
    description = _clean_userstuff(description, limit=PSEUD_DESCRIPTION_MAX,
                                   field="description", label="The description")
    icon_text = one_line(icon_text)
    if len(icon_text) > ICON_TEXT_MAX:
        raise ValidationError({"icon_text": [
            f"The icon text is at most {ICON_TEXT_MAX} characters."]})
    return Pseud.objects.create(user=user, name=name, description=description,
                                icon_text=icon_text)


PSEUD_DESCRIPTION_MAX = 500
ICON_TEXT_MAX = 250
ABOUT_ME_MAX = 2000


def _own_pseud(*, user: User, pseud: Pseud) -> None:
    if pseud.user_id != user.pk:
        raise PermissionDenied("You can only change your own pseuds.")


def _clean_userstuff(value: str, *, limit: int, field: str, label: str) -> str:
    """Sanitized HTML of a profile text; the limit counts what the person typed."""
    from fichive.lib.sanitize import userstuff_from_input

    typed = (value or "").replace("\r\n", "\n").strip()
    if len(typed) > limit:
        raise ValidationError({field: [
            f"{label} is {len(typed):,} characters long; the most is {limit:,}."]})
    return userstuff_from_input(typed, fmt="html", allow_classes=False)


def _bylines_changed(pseud_ids: list[int]) -> None:
    """A pseud's name changed or its works moved: reindex the works it is on (their creator
    names are searched) and retire every cached page (its bylines, comments and bookmarks
    show on pages of many works, as when tags are wrangled)."""
    from fichive.lib.cache import content_changed
    from fichive.search.services import search_index_works
    from fichive.works.models import Creatorship

    work_ids = list(Creatorship.objects.filter(pseud_id__in=pseud_ids)
                    .values_list("work_id", flat=True))
    if work_ids:
        search_index_works(work_ids=work_ids, chapters=False)
    content_changed(everything=True)


@transaction.atomic
def pseud_update(*, user: User, pseud: Pseud, name: str, description: str = "",
                 icon_text: str = "") -> Pseud:
    """Change one of the user's pseuds: its name (unique for the user in any case), its
    description (sanitized HTML) and its icon text."""
    _own_pseud(user=user, pseud=pseud)
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    try:
        PSEUD_VALIDATOR(name)
    except ValidationError as exc:
        errors["name"] = exc.messages
    if user.pseuds.filter(name__iexact=name).exclude(pk=pseud.pk).exists():
        errors["name"] = [f"You already have a pseud called “{name}”."]
    try:
        description = _clean_userstuff(description, limit=PSEUD_DESCRIPTION_MAX,
                                       field="description", label="The description")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    icon_text = one_line(icon_text)
    if len(icon_text) > ICON_TEXT_MAX:
        errors["icon_text"] = [f"The icon text is at most {ICON_TEXT_MAX} characters."]
    if errors:
        raise ValidationError(errors)
    renamed = name != pseud.name
    pseud.name, pseud.description, pseud.icon_text = name, description, icon_text
    pseud.save(update_fields=["name", "description", "icon_text"])
    if renamed:
        from fichive.works.models import Creatorship
        from fichive.works.services import works_sort_creator_refresh

        # The sort key of works this pseud heads.
        works_sort_creator_refresh(
            Creatorship.objects.filter(pseud=pseud).values_list("work_id", flat=True))
        _bylines_changed([pseud.pk])
    return pseud


@transaction.atomic
def pseud_make_default(*, user: User, pseud: Pseud) -> Pseud:
    """Make one of the user's pseuds their default (the one new works, bookmarks and
    comments start with); the user has exactly one default."""
    _own_pseud(user=user, pseud=pseud)
    Pseud.objects.filter(user=user, is_default=True).exclude(pk=pseud.pk).update(
        is_default=False)
    if not pseud.is_default:
        pseud.is_default = True
        pseud.save(update_fields=["is_default"])
    return pseud


def _move_unique(model: type, *, field: str, pseud: Pseud, to: Pseud) -> None:
    """Move `model` rows of `pseud` to `to`, dropping those `to` already has for the same
    `field` (a work, a series) so the unique constraints hold."""
    taken = model.objects.filter(pseud=to).values(field)  # type: ignore[attr-defined]
    model.objects.filter(pseud=pseud, **{f"{field}__in": taken}).delete()  # type: ignore[attr-defined]
    model.objects.filter(pseud=pseud).update(pseud=to)  # type: ignore[attr-defined]


@transaction.atomic
def pseud_delete(*, user: User, pseud: Pseud) -> Pseud:
    """Delete one of the user's pseuds; its works, series, bookmarks, comments, gifts and
    invitations move to the default pseud (returned). The default pseud can't be deleted."""
    from fichive.bookmarks.models import Bookmark
    from fichive.comments.models import Comment
    from fichive.gifts.models import Gift
    from fichive.series.models import SeriesCreatorship
    from fichive.works.models import CreatorInvitation, Creatorship

    _own_pseud(user=user, pseud=pseud)
    pseud = Pseud.objects.select_for_update().get(pk=pseud.pk)
    if pseud.is_default:
        raise ValidationError("You can't delete your default pseud; make another pseud the "
                              "default first.")
    default = Pseud.objects.get(user=user, is_default=True)
    work_ids = list(Creatorship.objects.filter(pseud=pseud).values_list("work_id", flat=True))
    _move_unique(Creatorship, field="work", pseud=pseud, to=default)
    # An invitation for a work the default pseud is on, or is invited to, is answered.
    CreatorInvitation.objects.filter(pseud=pseud, work_id__in=Creatorship.objects.filter(
        pseud=default).values("work_id")).delete()
    _move_unique(CreatorInvitation, field="work", pseud=pseud, to=default)
    _move_unique(SeriesCreatorship, field="series", pseud=pseud, to=default)
    Bookmark.objects.filter(pseud=pseud).update(pseud=default)
    Comment.objects.filter(pseud=pseud).update(pseud=default)
    Gift.objects.filter(pseud=pseud).update(pseud=default)
    pseud.delete()
    if work_ids:
        from fichive.works.services import works_sort_creator_refresh

        works_sort_creator_refresh(work_ids)
    _bylines_changed([default.pk])
    return default


@transaction.atomic
def profile_update(*, user: User, about_me: str) -> User:
    """Change the user's profile: "About me" (sanitized HTML)."""
    user.about_me = _clean_userstuff(about_me, limit=ABOUT_ME_MAX, field="about_me",
                                     label="About me")
    user.save(update_fields=["about_me"])
    return user


def user_get_or_create_for_import(*, username: str) -> tuple[User, bool]:
    """The account an import is credited to, created with an unusable password if missing."""
    existing = User.objects.filter(username__iexact=username).first()
    if existing:
        return existing, False
    return user_create(username=username), True


class AccountRestricted(ValidationError):
    """A suspended or banned user tried to post, comment, bookmark or report. Views that
    don't show it on a form get a 403 page with its message (moderation.middleware)."""


def restriction_message(user: User) -> str:
    """Why this user may not post now ("" if they may): the suspension's end and reason, or
    the ban's reason."""
    if user.banned:
        reason = f" Reason: {user.ban_reason}" if user.ban_reason else ""
        return f"Your account is banned, so it can't post, comment, bookmark or report.{reason}"
    if user.is_suspended and user.suspended_until is not None:
        until = user.suspended_until.strftime("%d %B %Y, %H:%M UTC")
        reason = f" Reason: {user.suspension_reason}" if user.suspension_reason else ""
        return (f"Your account is suspended until {until}: you can read, but not post, "
                f"comment, bookmark or report until then.{reason}")
    return ""


def ensure_may_post(user: User | AnonymousUser | None) -> None:
    """Raise AccountRestricted (a ValidationError naming the end date and reason) if `user`
    is suspended or banned. Every service that makes something others see calls it: works
    and chapters, comments, bookmarks, series, kudos, reports. Guests pass."""
    if user is None or not user.is_authenticated:
        return
    message = restriction_message(user)
    if message:
        raise AccountRestricted(message, code="restricted")


def _wrangler_change(*, actor: User | None, user: User, wrangler: bool) -> User:
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("Only admins can grant or revoke the wrangler role.")
    if user.is_wrangler == wrangler:
        return user
    user.is_wrangler = wrangler
    user.save(update_fields=["is_wrangler"])
    security_event("role_granted" if wrangler else "role_revoked", user_id=user.pk,
                   role="wrangler", actor_id=actor.pk if actor else "command")
    WranglingLog.objects.create(
        actor=actor, tag=None, tag_name="",
        action="granted wrangler role" if wrangler else "revoked wrangler role",
        detail=user.username,
    )
    return user


@transaction.atomic
def wrangler_grant(*, actor: User | None, user: User) -> User:
    """Make a user a tag wrangler (admins already are). `actor` None is the command line."""
    return _wrangler_change(actor=actor, user=user, wrangler=True)


@transaction.atomic
def wrangler_revoke(*, actor: User | None, user: User) -> User:
    """Take the wrangler role away; admins stay wranglers by being admins."""
    return _wrangler_change(actor=actor, user=user, wrangler=False)


def _archivist_change(*, actor: User | None, user: User, archivist: bool) -> User:
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("Only admins can grant or revoke the archivist role.")
    if user.is_archivist == archivist:
        return user
    user.is_archivist = archivist
    user.save(update_fields=["is_archivist"])
    security_event("role_granted" if archivist else "role_revoked", user_id=user.pk,
                   role="archivist", actor_id=actor.pk if actor else "command")
    if not archivist:
        # Tokens made with the archivist scope stop working with the role (they are
        # checked against it on every request too), so none is left to surprise anyone.
        from fichive.api.models import ApiToken

        ApiToken.objects.filter(user=user, scopes__contains="archivist").delete()
    return user


@transaction.atomic
def archivist_grant(*, actor: User | None, user: User) -> User:
    """Let a user import works for authors who aren't on the archive (AO3's archivist API).
    `actor` None is the command line."""
    return _archivist_change(actor=actor, user=user, archivist=True)


@transaction.atomic
def archivist_revoke(*, actor: User | None, user: User) -> User:
    """Take the archivist role away, and the user's archivist-scoped tokens with it."""
    return _archivist_change(actor=actor, user=user, archivist=False)


# Accounts made for an imported archive's authors, and claiming them by email.

CLAIM_SALT = "fichive.accounts.claim"
_NOT_USERNAME = re.compile(r"[^A-Za-z0-9_]+")
_SPELLED_OUT = str.maketrans({"Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "ß": "ss", "Œ": "OE",
                              "œ": "oe", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "Þ": "Th",
                              "þ": "th", "Ð": "D", "ð": "d"})


def username_for(*, hint: str, fallback: str) -> str:
    """A free user name made from a pen name: ASCII letters, digits and underscores, 3 to 40
    characters, "_2", "_3", … added when the name is taken (in any case)."""
    spelled = hint.translate(_SPELLED_OUT)
    ascii_name = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    base = _NOT_USERNAME.sub("_", ascii_name).strip("_")
    base = re.sub("_{2,}", "_", base) or fallback
    if len(base) < 3:
        base = f"{base}_{fallback}"
    base = base[:40].rstrip("_")
    name, number = base, 1
    while (name.lower() in RESERVED_USERNAMES
           or User.objects.filter(username__iexact=name).exists()):
        number += 1
        suffix = f"_{number}"
        name = base[: 40 - len(suffix)] + suffix
    return name


@transaction.atomic
def user_create_unclaimed(*, penname: str, email: str = "", bio: str = "",
                          fallback: str = "author") -> User:
    """An account for an imported archive's author: no usable password, not claimed (so it
    can't log in), the pen name as user name (made unique), the bio on the default pseud. Its
    owner claims it through /claim with the email address."""
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    user = user_create(username=username_for(hint=penname, fallback=fallback), email=email)
    user.claimed = False
    user.save(update_fields=["claimed"])
    if bio:
        pseud = user.default_pseud
        pseud.description = bio
        pseud.save(update_fields=["description"])
    return user


def claim_token_make(*, user: User) -> str:
    """A signed link token for claiming `user`; it expires after CLAIM_LINK_HOURS."""
    return signing.dumps({"uid": user.pk}, salt=CLAIM_SALT, compress=True)


def claim_token_user(*, token: str) -> User | None:
    """The unclaimed account a claim token is for, or None when the token is forged, expired,
    or its account was claimed already."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT,
                             max_age=datetime.timedelta(hours=settings.CLAIM_LINK_HOURS))
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    return User.objects.filter(pk=data["uid"], claimed=False, is_active=True).first()


def claim_request(*, email: str, link_for: Callable[[str], str],
                  template: str = "accounts/claim_email.txt",
                  subject: str = "Claim your account on Fichive",
                  context: dict[str, Any] | None = None) -> int:
    """Mail a claim link for every unclaimed account using `email` (one message); returns how
    many accounts matched. Callers must answer the same whatever it returns, so nobody learns
    which addresses have accounts. `link_for(token)` makes the absolute URL of a token; an
    importer that invites authors (the archivist API) gives its own `template`, `subject`
    and `context`."""
    email = (email or "").strip()
    if not email:
        return 0
    users = list(User.objects.filter(email__iexact=email, claimed=False, is_active=True)
                 .order_by("username"))
    if not users:
        return 0
    body = render_to_string(template, {
        **(context or {}),
        "accounts": [(u.username, link_for(claim_token_make(user=u))) for u in users],
        "hours": settings.CLAIM_LINK_HOURS,
    })
    send_mail(subject, body, None, [users[0].email])
    return len(users)


@transaction.atomic
def account_claim(*, user: User, password: str, username: str = "") -> User:
    """Claim an imported account: it gets a password (and a new user name if one is given) and
    can log in from now on. ValidationError for a taken or invalid name or a weak password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.claimed:
        raise ValidationError("This account has been claimed already.")
    username = (username or "").strip()
    if username and username.lower() != user.username.lower():
        USERNAME_VALIDATOR(username)
        _check_not_reserved(username)
        if User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
            raise ValidationError({"username": ["That user name is taken."]})
        pseud = user.default_pseud
        old = user.username
        user.username = username
        if pseud.name.lower() == old.lower() and not user.pseuds.filter(
                name__iexact=username).exclude(pk=pseud.pk).exists():
            pseud.name = username
            pseud.save(update_fields=["name"])
    elif username:
        user.username = username  # a change of case only
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.claimed = True
    user.save(update_fields=["username", "password", "claimed"])
    return user


PREFERENCE_FIELDS = ("history_enabled", "email_comments", "email_replies",
                     "email_subscriptions", "email_moderation", "email_kudos",
                     "email_creator_invitations", "skin", "font_size", "font_family",
                     "line_width", "time_zone", "view_adult", "hide_warnings",
                     "hide_freeform", "hide_work_skins", "show_more_like_this")
# The reading settings' ranges: text size in percent, line width in characters.
FONT_SIZE_RANGE = (80, 200)
LINE_WIDTH_RANGE = (40, 120)


def valid_time_zone(name: str) -> bool:
    """An IANA time zone this machine knows ("Europe/Berlin", "UTC")."""
    return name in time_zone_names()


@functools.cache
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows (read once)."""
    return frozenset(zoneinfo.available_timezones() | {"UTC"})


def _preference_value(name: str, value: Any) -> Any:
    """`value` checked for the preference `name`; a ValidationError on that field says what
    is allowed."""
    if name == "skin":
        if value not in Preference.Skin.values:
            raise ValidationError({name: "Choose light, dark, or follow my device."})
        return value
    if name == "font_family":
        if value not in Preference.FontFamily.values:
            raise ValidationError({name: "Choose serif or sans-serif."})
        return value
    if name in ("font_size", "line_width"):
        low, high = FONT_SIZE_RANGE if name == "font_size" else LINE_WIDTH_RANGE
        unit = "%" if name == "font_size" else " characters"
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError({name: f"Choose a whole number from {low} to {high}{unit}."})
        return value
    if name == "time_zone":
        if not isinstance(value, str) or not valid_time_zone(value):
            raise ValidationError(
                {name: "Choose a time zone from the list, such as Europe/Berlin or UTC."})
        return value
    return bool(value)


@transaction.atomic
def preferences_update(*, user: User, **values: Any) -> Preference:
    """Change the user's preferences (any of PREFERENCE_FIELDS); the rest stay as they are.
    Every value is checked before anything is saved (a ValidationError names the field)."""
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationError(f"No such preference: {', '.join(sorted(unknown))}.")
    checked = {name: _preference_value(name, value) for name, value in values.items()}
    preference, _ = Preference.objects.select_for_update().get_or_create(user=user)
    for name, value in checked.items():
        setattr(preference, name, value)
    preference.save(update_fields=list(checked) or None)
    return preference


@transaction.atomic
def orphan_account_user() -> User:
    """The shared "orphan_account" user, made on first use (no usable password, no email
    address: nobody logs in as it)."""
    user = User.objects.filter(username__iexact=ORPHAN_ACCOUNT).first()
    if user is None:
        user = user_create(username=ORPHAN_ACCOUNT, reserved=True)
    return user


@transaction.atomic
def orphan_pseud(*, name: str | None) -> Pseud:
    """The orphan account's pseud that orphaned works are credited to: its default pseud, or
    (keeping the author's pseud name as the byline) one named `name`, made when needed."""
    orphans = orphan_account_user()
    if name is None or name.lower() == orphans.username.lower():
        return orphans.default_pseud
    pseud = orphans.pseuds.filter(name__iexact=name).first()
    if pseud is None:
        pseud = Pseud.objects.create(user=orphans, name=name)
    return pseud


def user_copy_keep(*, user: User, locked: User, field: str, ids: list[int]) -> list[int]:
    """Keep one of the id lists the user row carries for the listings (`muted_ids`,
    `excluded_tag_ids`) equal to `ids`, read from its rows inside the caller's transaction:
    written to `locked` (the row the caller holds locked) when it changed, and set on `user`
    (the caller's object, e.g. request.user) so the rest of the request sees it too."""
    ids = sorted(ids)
    if ids != list(getattr(locked, field) or []):
        setattr(locked, field, ids)
        locked.save(update_fields=[field])
    setattr(user, field, ids)
    return ids


# Telling users about changes to their log-in details.

def password_changed_notify(*, user: User, reset_link: str) -> None:
    """Mail the user that their password was changed (with the way to take the account back
    if it wasn't them) and log it. Accounts without an address are only logged."""
    from django.utils import timezone

    security_event("password_changed", user_id=user.pk)
    if not user.email:
        return
    body = render_to_string("accounts/password_changed_email.txt", {
        "user": user, "when": timezone.now(), "reset_link": reset_link})
    send_mail("Your Fichive password was changed", body, None, [user.email])


@transaction.atomic
def email_change(*, user: User, email: str, password: str) -> User:
    """Change the user's email address, after checking their password; the old address is
    told (so a thief who changed it can't do so silently). ValidationError names the field."""
    from django.utils import timezone

    locked = User.objects.select_for_update().get(pk=user.pk)
    if not password or not locked.check_password(password):
        raise ValidationError({"password": ["That is not your current password."]})
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ["Enter an email address, like name@example.org."]}
                              ) from None
    old = locked.email
    if email.lower() == (old or "").lower():
        raise ValidationError({"email": ["That is already your email address."]})
    locked.email = email
    locked.save(update_fields=["email"])
    user.email = email
    security_event("email_changed", user_id=locked.pk)
    if old:
        body = render_to_string("accounts/email_changed_email.txt", {
            "user": locked, "when": timezone.now(), "new_email": email})
        old_address = old
        transaction.on_commit(lambda: send_mail(
            "Your Fichive email address was changed", body, None, [old_address]))
    return user
