"""Moderation pages: the report form (everyone), the queue, a report with its actions, the
moderator pages of a work and of a user, the audit log (moderators), and the admins' moderator
role page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fichive.accounts.forms import RoleForm
from fichive.accounts.models import User
from fichive.accounts.permissions import admin_required, moderator_required
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.services import restriction_message
from fichive.lib.formerrors import errors_on_form
from fichive.lib.visitors import address_hash
from fichive.moderation import selectors, services
from fichive.moderation.forms import ActionForm, ReportForm
from fichive.moderation.models import Report
from fichive.works.models import Work

PAGE_SIZE = 25


def report_new(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """/report/<kind>/<id>: report a work, chapter, comment, bookmark, series or user."""
    if kind not in Report.Kind.values:
        raise Http404("Nothing of that kind can be reported.")
    target = selectors.report_target(request.user, kind, pk)
    label = services.report_label(kind, target)
    guest = not request.user.is_authenticated
    restricted = "" if guest else restriction_message(request.user)  # type: ignore[arg-type]
    form = ReportForm(request.POST or None, guest=guest)
    status, retry_after = 200, 0
    if request.method == "POST" and not restricted and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_create(
                user=request.user, kind=kind, target=target, reason=data["reason"],
                description=data["description"], email=data.get("email", ""),
                address_hash=address_hash(request.META))
        except services.RateLimited as exc:
            form.add_error(None, exc.messages)
            status, retry_after = 429, exc.retry_after
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            return render(request, "accounts/message.html", {
                "heading": "Thank you for your report",
                "message": "The moderators will look at it. You don't need to report the "
                           "same thing again.",
            })
    response = render(request, "moderation/report_form.html", {
        "form": form, "label": label, "restricted": restricted, "kind": kind, "pk": pk,
    }, status=403 if restricted and request.method == "POST" else status)
    if response.status_code == 429:
        response["Retry-After"] = str(retry_after)
    return response


@moderator_required
def queue(request: AuthedRequest) -> HttpResponse:
    """/moderation/: reports (open ones unless ?status= says otherwise), newest first, with
    what they are about."""
    status = request.GET.get("status", "open")
    if status not in selectors.QUEUE_FILTERS:
        status = "open"
    page = Paginator(selectors.reports_for_queue(status), PAGE_SIZE).get_page(
        request.GET.get("page"))
    reports = list(page.object_list)
    for report in reports:
        report.shown_work = selectors.shown_work(report)
    return render(request, "moderation/queue.html", {
        "page": page, "reports": reports, "status": status,
        "filters": list(selectors.QUEUE_FILTERS),
        "blurbs": selectors.work_blurbs_for(reports),
        "open_count": Report.objects.filter(status=Report.Status.OPEN).count(),
    })


def _act(request: AuthedRequest, form: ActionForm, *, report: Report | None = None,
         work: Work | None = None, user: User | None = None) -> str | None:
    """Run the action the form asks for (services.moderation_act); the message to flash, or
    None when the services refused (their errors go on the form)."""
    data = form.cleaned_data
    try:
        return services.moderation_act(actor=request.user, action=data["action"],
                                       reason=data["reason"], days=data.get("days"),
                                       report=report, work=work, user=user)
    except ValidationError as exc:
        errors_on_form(form, exc)
        return None


@moderator_required
def report_detail(request: AuthedRequest, report_id: int) -> HttpResponse:
    """/moderation/reports/<id>: the report, what it is about, and the actions."""
    report = selectors.report_for_moderator(report_id)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _act(request, form, report=report)
        if done is not None:
            messages.success(request, done)
            return redirect("moderation:report", report_id=report.pk)
    work = selectors.shown_work(report)
    return render(request, "moderation/report.html", {
        "report": report, "form": form, "work": work,
        "blurbs": selectors.work_blurbs_for([report]),
        "others": selectors.other_reports_of(report)[:20],
        "user_target": report.reported_user,
    }, status=400 if request.method == "POST" else 200)


@moderator_required
def work_moderate(request: AuthedRequest, work_id: int) -> HttpResponse:
    """/moderation/works/<id>: hide or unhide a work without a report."""
    work = Work.objects.filter(pk=work_id).exclude(state=Work.State.DRAFT).first()
    if work is None:
        raise Http404("No such work.")
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["action"] not in ("hide", "unhide"):
            form.add_error("action", "Hide or unhide the work here.")
        else:
            done = _act(request, form, work=work)
            if done is not None:
                messages.success(request, done)
                return redirect("moderation:work", work_id=work.pk)
    return render(request, "moderation/work.html", {
        "work": work, "form": form, "blurbs": selectors.work_blurbs_for(
            [Report(work_id=work.pk)]),
    }, status=400 if request.method == "POST" else 200)


@moderator_required
def user_moderate(request: AuthedRequest, username: str) -> HttpResponse:
    """/moderation/users/<name>: suspend, lift, ban or unban a user without a report."""
    target = User.objects.filter(username__iexact=username).first()
    if target is None:
        raise Http404("No such user.")
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["action"] not in ("suspend", "unsuspend", "ban", "unban"):
            form.add_error("action", "Suspend, lift, ban or unban here.")
        else:
            done = _act(request, form, user=target)
            if done is not None:
                messages.success(request, done)
                return redirect("moderation:user", username=target.username)
    return render(request, "moderation/user.html", {
        "target": target, "form": form,
        "reports": Report.objects.filter(reported_user=target).order_by("-created_at")[:20],
    }, status=400 if request.method == "POST" else 200)


@moderator_required
def log(request: AuthedRequest) -> HttpResponse:
    """/moderation/log: every action, newest first."""
    page = Paginator(selectors.audit_log(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page": page})


@admin_required
def moderators(request: AuthedRequest) -> HttpResponse:
    """/admin/moderators: who moderates, and a form to grant or revoke the role."""
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        if form.cleaned_data["action"] == "grant":
            services.moderator_grant(actor=request.user, user=user)
            messages.success(request, f"{user.username} is a moderator now.")
        else:
            services.moderator_revoke(actor=request.user, user=user)
            note = " (as an admin they still moderate)" if user.is_admin else ""
            messages.success(request, f"{user.username} is no longer a moderator{note}.")
        return redirect("moderation:moderators")
    return render(request, "moderation/moderators.html", {
        "form": form,
        "moderators": User.objects.filter(is_moderator=True).order_by("username"),
        "admins": User.objects.filter(Q(is_staff=True) | Q(is_superuser=True))
        .order_by("username"),
    })


