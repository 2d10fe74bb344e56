"""Writes of the moderation app: reporting, and the moderators' actions (hiding and unhiding
works, deleting comments and bookmarks, suspending and banning users, closing reports,
granting the moderator role). Every action writes one ModerationAction (the audit log)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from fichive.accounts.models import User
from fichive.accounts.requests import Viewer
from fichive.accounts.services import ensure_may_post
from fichive.lib.ratelimit import RateLimit, wait_text
from fichive.lib.securitylog import security_event
from fichive.moderation.models import ModerationAction, Report

# Reports per hour from one account and from one address.
REPORT_LIMIT = RateLimit(prefix="fichive:reports:rate", limit=5, window=60 * 60,
                         address_for_accounts=True)
DESCRIPTION_MAX = 5000
REASON_MAX = 2000
SUSPENSION_DAYS_MAX = 3650


class RateLimited(ValidationError):
    """Too many reports from one account or address in the window; `retry_after` seconds
    until the next may be sent."""

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


def _account(user: Viewer) -> User | None:
    return user if user is not None and user.is_authenticated else None


# ------------------------------------------------------------------------------ reports


def report_label(kind: str, target: Any) -> str:
    """What the reported thing is, in a few words, copied onto the report."""
    if kind == Report.Kind.WORK:
        return f"Work “{target.title}”"
    if kind == Report.Kind.CHAPTER:
        return f"Chapter {target.position} of “{target.work.title}”"
    if kind == Report.Kind.COMMENT:
        return f"Comment by {target.author_name} on “{target.work.title}”"
    if kind == Report.Kind.BOOKMARK:
        what = target.work.title if target.work_id else (
            target.series.title if target.series_id else "an external work")
        return f"Bookmark by {target.pseud.byline} of “{what}”"
    if kind == Report.Kind.SERIES:
        return f"Series “{target.title}”"
    return f"User {target.username}"


def _target_fields(kind: str, target: Any) -> dict[str, Any]:
    if kind == Report.Kind.WORK:
        return {"work": target}
    if kind == Report.Kind.CHAPTER:
        return {"chapter": target, "work_id": target.work_id}
    if kind == Report.Kind.COMMENT:
        return {"comment": target, "work_id": target.work_id, "reported_user_id": target.user_id}
    if kind == Report.Kind.BOOKMARK:
        return {"bookmark": target, "work_id": target.work_id, "series_id": target.series_id,
                "reported_user_id": target.user_id}
    if kind == Report.Kind.SERIES:
        return {"series": target}
    if kind == Report.Kind.USER:
        return {"reported_user": target}
    raise ValidationError(f"Nothing of the kind “{kind}” can be reported.")


@transaction.atomic
def report_create(*, user: Viewer, kind: str, target: Any, reason: str, description: str,
                  email: str = "", address_hash: str = "") -> Report:
    """Report something (read through the selectors: the reporter may see it). Guests give
    an email address; suspended and banned users can't report; at most REPORT_LIMIT.limit
    reports an hour per account and per address (RateLimited). Nothing is saved if refused."""
    account = _account(user)
    ensure_may_post(account)
    errors: dict[str, list[str]] = {}
    if reason not in Report.Reason.values:
        errors["reason"] = ["Choose a reason from the list."]
    description = (description or "").replace("\r\n", "\n").strip()
    if not description:
        errors["description"] = ["Tell the moderators what is wrong."]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"The description is {len(description):,} characters long; "
                                  f"the most is {DESCRIPTION_MAX:,}."]
    email = (email or "").strip()
    if account is None:
        if not email:
            errors["email"] = ["Guests give an email address, so the moderators can answer."]
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = ["Enter a valid email address."]
    else:
        email = email or account.email
    if errors:
        raise ValidationError(errors)
    keys = REPORT_LIMIT.keys_for(user_id=account.pk if account else None,
                                 address_hash=address_hash)
    left = REPORT_LIMIT.seconds_left(keys)
    if left:
        raise RateLimited(
            f"You have sent {REPORT_LIMIT.limit} reports in the last {REPORT_LIMIT.window_text};"
            f" please wait {wait_text(left)} before sending another.", code="rate_limited",
            retry_after=left)
    report = Report.objects.create(
        kind=kind, target_label=report_label(kind, target)[:300], reason=reason,
        description=description, reporter=account, email=email[:254],
        address_hash=address_hash, **_target_fields(kind, target))
    REPORT_LIMIT.record(keys)
    return report


# ------------------------------------------------------------------------------ actions


def require_moderator(actor: User) -> None:
    if not (actor.is_authenticated and actor.can_moderate):
        raise PermissionDenied("Only moderators can do that.")


def _clean_reason(reason: str) -> str:
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        raise ValidationError({"reason": ["Give a reason: it goes in the audit log."]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [
            f"The reason is {len(reason):,} characters long; the most is {REASON_MAX:,}."]})
    return reason


def _log(*, actor: User | None, action: str, target: str, reason: str,
         report: Report | None = None, work_id: int | None = None,
         target_user: User | None = None, close: str | None = None) -> ModerationAction:
    """Write the audit line; `close` (resolved/dismissed) also closes the report."""
    entry = ModerationAction.objects.create(
        actor=actor, actor_name=actor.username if actor else "(command line)", action=action,
        target=target[:300], reason=reason, report=report, work_id=work_id,
        target_user=target_user)
    if report is not None and close and report.is_open:
        # An update, not save(): the reported comment or bookmark may be gone by now.
        report.status, report.closed_at, report.closed_by = close, timezone.now(), actor
        Report.objects.filter(pk=report.pk).update(
            status=close, closed_at=report.closed_at, closed_by=actor)
    return entry


def _creator_ids(work: Any) -> list[int]:
    from fichive.works.models import Creatorship

    return list(Creatorship.objects.filter(work=work).values_list("pseud__user_id", flat=True)
                .order_by().distinct())


def _work_state_changed(work: Any) -> None:
    """A work left or came back to the listings: its filter taggings' copies, its search
    document and every cached page that shows it (works.services._changed)."""
    from fichive.search.services import search_index_works
    from fichive.works.filter_tags import filter_taggings_refresh
    from fichive.works.services import _changed

    filter_taggings_refresh(work_ids=[work.pk])
    search_index_works(work_ids=[work.pk], chapters=False)
    _changed(work.pk)


def _notify_creators(work: Any, *, kind: str, reason: str) -> None:
    from fichive.inbox.services import Notice, inbox_items_create

    inbox_items_create(notice=Notice(kind=kind, work_id=work.pk, summary=reason,
                                     actor_name="A moderator"),
                       user_ids=_creator_ids(work))


@transaction.atomic
def work_hide(*, actor: User, work: Any, reason: str, report: Report | None = None) -> Any:
    """Hide a posted work: state HIDDEN with the reason; it leaves every surface but its
    creators' and moderators' views, and its creators get an inbox item (and mail) saying
    why. Resolves `report`."""
    from fichive.inbox.models import InboxItem
    from fichive.works.models import Work

    require_moderator(actor)
    reason = _clean_reason(reason)
    work = Work.objects.select_for_update().get(pk=work.pk)
    if work.state != Work.State.POSTED:
        raise ValidationError("Only a posted work can be hidden"
                              + (" (it is hidden already)." if work.is_hidden else "."))
    work.state = Work.State.HIDDEN
    work.hidden_reason = reason
    work.save(update_fields=["state", "hidden_reason", "modified_at"])
    _work_state_changed(work)
    _notify_creators(work, kind=InboxItem.Kind.WORK_HIDDEN, reason=reason)
    _log(actor=actor, action=ModerationAction.Action.HIDE_WORK, target=f"Work “{work.title}”",
         reason=reason, report=report, work_id=work.pk, close=Report.Status.RESOLVED)
    return work


@transaction.atomic
def work_unhide(*, actor: User, work: Any, reason: str, report: Report | None = None) -> Any:
    """Put a hidden work back (state POSTED); its creators hear of it."""
    from fichive.inbox.models import InboxItem
    from fichive.works.models import Work

    require_moderator(actor)
    reason = _clean_reason(reason)
    work = Work.objects.select_for_update().get(pk=work.pk)
    if not work.is_hidden:
        raise ValidationError("That work is not hidden.")
    work.state = Work.State.POSTED
    work.hidden_reason = ""
    work.save(update_fields=["state", "hidden_reason", "modified_at"])
    _work_state_changed(work)
    _notify_creators(work, kind=InboxItem.Kind.WORK_UNHIDDEN, reason=reason)
    _log(actor=actor, action=ModerationAction.Action.UNHIDE_WORK,
         target=f"Work “{work.title}”", reason=reason, report=report, work_id=work.pk,
         close=Report.Status.RESOLVED)
    return work


@transaction.atomic
def moderation_comment_delete(*, actor: User, comment: Any, reason: str,
                              report: Report | None = None) -> None:
    """Delete a comment through the comments app's service (threads keep a placeholder)."""
    from fichive.comments.services import comment_delete

    require_moderator(actor)
    reason = _clean_reason(reason)
    label = report_label(Report.Kind.COMMENT, comment)
    work_id = comment.work_id
    comment_delete(user=actor, comment=comment)
    _log(actor=actor, action=ModerationAction.Action.DELETE_COMMENT, target=label,
         reason=reason, report=report, work_id=work_id, target_user=comment.user,
         close=Report.Status.RESOLVED)


@transaction.atomic
def moderation_bookmark_delete(*, actor: User, bookmark: Any, reason: str,
                               report: Report | None = None) -> None:
    """Delete a bookmark through the bookmarks app's service."""
    from fichive.bookmarks.services import bookmark_delete

    require_moderator(actor)
    reason = _clean_reason(reason)
    label = report_label(Report.Kind.BOOKMARK, bookmark)
    owner = bookmark.user
    bookmark_delete(user=actor, bookmark=bookmark)
    _log(actor=actor, action=ModerationAction.Action.DELETE_BOOKMARK, target=label,
         reason=reason, report=report, target_user=owner, close=Report.Status.RESOLVED)


def _require_may_act_on(actor: User, user: User) -> None:
    if user.pk == actor.pk:
        raise ValidationError("You can't suspend or ban your own account.")
    if user.is_admin:
        raise ValidationError("Admins can't be suspended or banned.")
    if user.is_moderator and not actor.is_admin:
        raise PermissionDenied("Only admins can suspend or ban a moderator.")


@transaction.atomic
def user_suspend(*, actor: User, user: User, days: int, reason: str,
                 report: Report | None = None) -> User:
    """Suspend a user for `days` days: they can read, but not post, comment, bookmark or
    report (accounts.services.ensure_may_post), and see the reason when they try."""
    require_moderator(actor)
    reason = _clean_reason(reason)
    if not isinstance(days, int) or not 1 <= days <= SUSPENSION_DAYS_MAX:
        raise ValidationError({"days": [
            f"Suspend for 1 to {SUSPENSION_DAYS_MAX:,} days."]})
    _require_may_act_on(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.suspended_until = timezone.now() + datetime.timedelta(days=days)
    user.suspension_reason = reason
    user.save(update_fields=["suspended_until", "suspension_reason"])
    _log(actor=actor, action=ModerationAction.Action.SUSPEND,
         target=f"User {user.username} for {days} day{'s' if days != 1 else ''}",
         reason=reason, report=report, target_user=user, close=Report.Status.RESOLVED)
    return user


@transaction.atomic
def user_unsuspend(*, actor: User, user: User, reason: str,
                   report: Report | None = None) -> User:
    """Lift a suspension now."""
    require_moderator(actor)
    reason = _clean_reason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_suspended:
        raise ValidationError(f"{user.username} is not suspended.")
    user.suspended_until = None
    user.suspension_reason = ""
    user.save(update_fields=["suspended_until", "suspension_reason"])
    _log(actor=actor, action=ModerationAction.Action.LIFT_SUSPENSION,
         target=f"User {user.username}", reason=reason, report=report, target_user=user,
         close=Report.Status.RESOLVED)
    return user


def _end_sessions(user: User) -> int:
    """Delete the user's open sessions (from the database, and from the cache when the
    session engine keeps them there too); the log-in backend refuses banned users anyway,
    so a session kept elsewhere stops working too."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def user_ban(*, actor: User, user: User, reason: str, report: Report | None = None) -> User:
    """Ban a user: they can't log in (the log-in form says why) and their sessions end."""
    require_moderator(actor)
    reason = _clean_reason(reason)
    _require_may_act_on(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.banned:
        raise ValidationError(f"{user.username} is banned already.")
    user.banned = True
    user.ban_reason = reason
    user.save(update_fields=["banned", "ban_reason"])
    _end_sessions(user)
    _log(actor=actor, action=ModerationAction.Action.BAN, target=f"User {user.username}",
         reason=reason, report=report, target_user=user, close=Report.Status.RESOLVED)
    return user


@transaction.atomic
def user_unban(*, actor: User, user: User, reason: str, report: Report | None = None) -> User:
    require_moderator(actor)
    reason = _clean_reason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.banned:
        raise ValidationError(f"{user.username} is not banned.")
    user.banned = False
    user.ban_reason = ""
    user.save(update_fields=["banned", "ban_reason"])
    _log(actor=actor, action=ModerationAction.Action.UNBAN, target=f"User {user.username}",
         reason=reason, report=report, target_user=user, close=Report.Status.RESOLVED)
    return user


def _close(*, actor: User, report: Report, reason: str, status: str, action: str) -> Report:
    require_moderator(actor)
    reason = _clean_reason(reason)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_open:
        raise ValidationError(f"That report is {report.get_status_display().lower()} already.")
    _log(actor=actor, action=action, target=f"Report {report.pk}: {report.target_label}",
         reason=reason, report=report, work_id=report.work_id,
         target_user=report.reported_user, close=status)
    report.refresh_from_db()
    return report


@transaction.atomic
def report_resolve(*, actor: User, report: Report, reason: str) -> Report:
    """Close a report as dealt with."""
    return _close(actor=actor, report=report, reason=reason, status=Report.Status.RESOLVED,
                  action=ModerationAction.Action.RESOLVE)


@transaction.atomic
def report_dismiss(*, actor: User, report: Report, reason: str) -> Report:
    """Close a report as needing nothing done."""
    return _close(actor=actor, report=report, reason=reason, status=Report.Status.DISMISSED,
                  action=ModerationAction.Action.DISMISS)


# ------------------------------------------------------------------------------ the role


def _moderator_change(*, actor: User | None, user: User, moderator: bool) -> User:
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("Only admins can grant or revoke the moderator role.")
    if user.is_moderator == moderator:
        return user
    user.is_moderator = moderator
    user.save(update_fields=["is_moderator"])
    security_event("role_granted" if moderator else "role_revoked", user_id=user.pk,
                   role="moderator", actor_id=actor.pk if actor else "command")
    _log(actor=actor,
         action=(ModerationAction.Action.GRANT_MODERATOR if moderator
                 else ModerationAction.Action.REVOKE_MODERATOR),
         target=f"User {user.username}", reason="Role changed by an admin.", target_user=user)
    return user


@transaction.atomic
def moderator_grant(*, actor: User | None, user: User) -> User:
    """Make a user a moderator (admins already are). `actor` None is the command line."""
    return _moderator_change(actor=actor, user=user, moderator=True)


@transaction.atomic
def moderator_revoke(*, actor: User | None, user: User) -> User:
    """Take the moderator role away; admins stay moderators by being admins."""
    return _moderator_change(actor=actor, user=user, moderator=False)


# The actions a moderator can take, by name (the queue's buttons, the API's `action`).
ACTIONS = ("hide", "unhide", "delete_comment", "delete_bookmark", "suspend", "unsuspend",
           "ban", "unban", "resolve", "dismiss")


def moderation_act(*, actor: User, action: str, reason: str, days: int | None = None,
                   report: Report | None = None, work: Any = None,
                   user: User | None = None) -> str:
    """Take one moderator action on what `report` is about (or on `work` / `user` directly)
    and say what was done ("“Title” is hidden."). ValidationError when the action doesn't
    fit its target (hiding a report that isn't about a work …) or the service refuses;
    PermissionDenied for non-moderators."""
    from fichive.moderation.selectors import shown_work

    require_moderator(actor)
    if action not in ACTIONS:
        raise ValidationError({"action": [f"“{action}” is not an action; use one of "
                                          f"{', '.join(ACTIONS)}."]})
    if report is not None:
        work = work or shown_work(report)
        user = user or report.reported_user
    if action in ("hide", "unhide"):
        if work is None:
            raise ValidationError("This report is not about a work.")
        if action == "hide":
            work_hide(actor=actor, work=work, reason=reason, report=report)
            return f"“{work.title}” is hidden."
        work_unhide(actor=actor, work=work, reason=reason, report=report)
        return f"“{work.title}” is visible again."
    if action == "delete_comment":
        if report is None or report.comment is None:
            raise ValidationError("There is no comment to delete.")
        moderation_comment_delete(actor=actor, comment=report.comment, reason=reason,
                                  report=report)
        return "The comment was deleted."
    if action == "delete_bookmark":
        if report is None or report.bookmark is None:
            raise ValidationError("There is no bookmark to delete.")
        moderation_bookmark_delete(actor=actor, bookmark=report.bookmark, reason=reason,
                                   report=report)
        return "The bookmark was deleted."
    if action in ("suspend", "unsuspend", "ban", "unban"):
        if user is None:
            raise ValidationError("This report is not about a user.")
        if action == "suspend":
            if days is None:
                raise ValidationError({"days": ["Say for how many days to suspend."]})
            user_suspend(actor=actor, user=user, days=days, reason=reason, report=report)
            return f"{user.username} is suspended for {days} days."
        if action == "unsuspend":
            user_unsuspend(actor=actor, user=user, reason=reason, report=report)
            return f"{user.username}'s suspension is lifted."
        if action == "ban":
            user_ban(actor=actor, user=user, reason=reason, report=report)
            return f"{user.username} is banned."
        user_unban(actor=actor, user=user, reason=reason, report=report)
        return f"{user.username} is no longer banned."
    if report is None:
        raise ValidationError("There is no report to close.")
    if action == "resolve":
        report_resolve(actor=actor, report=report, reason=reason)
        return "The report is resolved."
    report_dismiss(actor=actor, report=report, reason=reason)
    return "The report is dismissed."
