"""API: reporting (anyone with a write token) and, for tokens with the `moderate` scope of a
moderator, the reports queue, a report, the actions of the queue's buttons, and the audit
log, through the moderation app's selectors and services."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Schema, Status

from fichive.accounts.models import User
from fichive.api.pagination import links, page_number
from fichive.api.schemas import Paging, answers
from fichive.api.v1 import WRITE, router, scoped
from fichive.lib.ratelimit import RateLimited
from fichive.lib.visitors import address_hash
from fichive.moderation import selectors, services
from fichive.moderation.models import ModerationAction, Report
from fichive.works.models import Work

MODERATE = scoped("moderate")
PER_PAGE = 25

Kind = Literal["work", "chapter", "comment", "bookmark", "series", "user"]
Reason = Literal["spam", "harassment", "plagiarism", "untagged", "illegal", "other"]
QueueStatus = Literal["open", "resolved", "dismissed", "all"]


class ReportIn(Schema):
    kind: Kind
    id: int
    reason: Reason
    description: str


class ReportMade(Schema):
    id: int
    message: str


class ReportTarget(Schema):
    work_id: int | None
    chapter_id: int | None
    comment_id: int | None
    bookmark_id: int | None
    series_id: int | None
    user: str | None


class ReportOut(Schema):
    id: int
    kind: str
    reason: str
    description: str
    status: str
    label: str
    target: ReportTarget
    reporter: str | None
    email: str
    created_at: datetime
    closed_at: datetime | None
    closed_by: str | None


class ReportQueue(Paging):
    reports: list[ReportOut]


class ActionIn(Schema):
    action: Literal["hide", "unhide", "delete_comment", "delete_bookmark", "suspend",
                    "unsuspend", "ban", "unban", "resolve", "dismiss"]
    reason: str
    days: int | None = None


class ActionDone(Schema):
    message: str


class LogEntry(Schema):
    id: int
    actor: str
    action: str
    target: str
    reason: str
    work_id: int | None
    user: str | None
    report_id: int | None
    created_at: datetime


class AuditLog(Paging):
    actions: list[LogEntry]


def _moderator(request: HttpRequest) -> User:
    """The caller, a moderator (PermissionDenied otherwise: a moderate token outlives the
    role it was made with)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Only moderators can do that.")
    services.require_moderator(user)
    return user


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def report_json(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk, "kind": report.kind, "reason": report.reason,
        "description": report.description, "status": report.status,
        "label": report.target_label,
        "target": {"work_id": report.work_id, "chapter_id": report.chapter_id,
                   "comment_id": report.comment_id, "bookmark_id": report.bookmark_id,
                   "series_id": report.series_id, "user": _name(report.reported_user)},
        "reporter": _name(report.reporter), "email": report.email,
        "created_at": report.created_at, "closed_at": report.closed_at,
        "closed_by": _name(report.closed_by),
    }


@router.post("/reports", response=answers(ReportMade, status=201), auth=WRITE,
             url_name="reports-create", tags=["moderation"],
             summary="Report a work, chapter, comment, bookmark, series or user")
def report_create(request: HttpRequest, payload: ReportIn) -> Status:
    """The moderators see the report in their queue. Only what the caller may see can be
    reported; 5 reports an hour per account and address."""
    target = selectors.report_target(request.user, payload.kind, payload.id)
    try:
        report = services.report_create(
            user=request.user, kind=payload.kind, target=target, reason=payload.reason,
            description=payload.description, address_hash=address_hash(request.META))
    except services.RateLimited as exc:
        raise RateLimited(" ".join(exc.messages), retry_after=exc.retry_after) from None
    return Status(201, {"id": report.pk,
                        "message": "Thank you: the moderators will look at it."})


def _page(request: HttpRequest, rows: Any, page: int | None) -> Any:
    return Paginator(rows, PER_PAGE).get_page(page_number(request, page))


@router.get("/moderation/reports", response=answers(ReportQueue), auth=MODERATE,
            url_name="moderation-reports", tags=["moderation"],
            summary="The reports queue, newest first")
def report_queue(request: HttpRequest, status: QueueStatus = "open", page: int | None = None,
                 cursor: str | None = None) -> dict[str, Any]:
    _moderator(request)
    shown = _page(request, selectors.reports_for_queue(status), page)
    return {"total": shown.paginator.count, "page": shown.number,
            "pages": shown.paginator.num_pages, "per_page": PER_PAGE, **links(request, shown),
            "reports": [report_json(r) for r in shown.object_list]}


@router.get("/moderation/reports/{int:report_id}", response=answers(ReportOut),
            auth=MODERATE, url_name="moderation-report", tags=["moderation"],
            summary="One report")
def report_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    _moderator(request)
    return report_json(selectors.report_for_moderator(report_id))


@router.post("/moderation/reports/{int:report_id}/actions", response=answers(ActionDone),
             auth=MODERATE, url_name="moderation-report-act", tags=["moderation"],
             summary="Act on what a report is about (hide, delete, suspend …) or close it")
def report_act(request: HttpRequest, report_id: int, payload: ActionIn) -> dict[str, Any]:
    actor = _moderator(request)
    report = selectors.report_for_moderator(report_id)
    return {"message": services.moderation_act(
        actor=actor, action=payload.action, reason=payload.reason, days=payload.days,
        report=report)}


@router.post("/moderation/works/{int:work_id}/actions", response=answers(ActionDone),
             auth=MODERATE, url_name="moderation-work-act", tags=["moderation"],
             summary="Hide or unhide a work without a report")
def work_act(request: HttpRequest, work_id: int, payload: ActionIn) -> dict[str, Any]:
    actor = _moderator(request)
    work = Work.objects.filter(pk=work_id).exclude(state=Work.State.DRAFT).first()
    if work is None:
        raise Http404("No such work.")
    if payload.action not in ("hide", "unhide"):
        raise ValidationError({"action": ["Hide or unhide a work here."]})
    return {"message": services.moderation_act(
        actor=actor, action=payload.action, reason=payload.reason, work=work)}


@router.post("/moderation/users/{username}/actions", response=answers(ActionDone),
             auth=MODERATE, url_name="moderation-user-act", tags=["moderation"],
             summary="Suspend, lift a suspension, ban or unban a user without a report")
def user_act(request: HttpRequest, username: str, payload: ActionIn) -> dict[str, Any]:
    actor = _moderator(request)
    target = User.objects.filter(username__iexact=username).first()
    if target is None:
        raise Http404("No such user.")
    if payload.action not in ("suspend", "unsuspend", "ban", "unban"):
        raise ValidationError({"action": ["Suspend, lift, ban or unban a user here."]})
    return {"message": services.moderation_act(
        actor=actor, action=payload.action, reason=payload.reason, days=payload.days,
        user=target)}


@router.get("/moderation/log", response=answers(AuditLog), auth=MODERATE,
            url_name="moderation-log", tags=["moderation"],
            summary="The audit log: every moderator action, newest first")
def audit_log(request: HttpRequest, page: int | None = None,
              cursor: str | None = None) -> dict[str, Any]:
    _moderator(request)
    shown = _page(request, selectors.audit_log().select_related("target_user"), page)
    rows: list[ModerationAction] = list(shown.object_list)
    return {"total": shown.paginator.count, "page": shown.number,
            "pages": shown.paginator.num_pages, "per_page": PER_PAGE, **links(request, shown),
            "actions": [{"id": a.pk, "actor": a.actor_name, "action": a.action,
                         "target": a.target, "reason": a.reason, "work_id": a.work_id,
                         "user": _name(a.target_user), "report_id": a.report_id,
                         "created_at": a.created_at} for a in rows]}
