"""Sign-up pages beside the form itself (accounts.views.signup): the invitation queue, the
admins' sign-up settings, and a user's invitations for friends."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fichive.accounts.permissions import admin_required
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.comments import ratelimit
from fichive.lib.formerrors import errors_on_form
from fichive.lib.ratelimit import wait_text
from fichive.lib.visitors import address_hash
from fichive.signups.forms import (
    AdminInviteForm,
    FriendInviteForm,
    InvitationRequestForm,
    QueueForm,
    SendNowForm,
    SignupSettingsForm,
)
from fichive.signups.models import Invitation, InvitationRequest, Policy
from fichive.signups.selectors import (
    invitations_per_day,
    queue_place,
    sent_from_queue_today,
    signup_policy,
    signup_settings,
    waiting,
)
from fichive.signups.services import (
    invitation_admin_send,
    invitation_request_create,
    invitation_request_decide,
    invitation_user_send,
    invitations_send,
    invite_request_join,
    signup_settings_update,
)


def queue(request: HttpRequest) -> HttpResponse:
    """/invite_requests: join the queue by email (invitation mode)."""
    policy = signup_policy()
    form = QueueForm(request.POST or None)
    # The comments' counter (3 in 15 minutes) per visitor address, under keys of its own.
    limit_keys = [f"fichive:signups:queue:{address_hash(request.META)}"]
    left = 0
    if request.method == "POST" and form.is_valid():
        try:
            left = ratelimit.seconds_left(limit_keys)
            if left:
                raise ValidationError({"email": [
                    f"Too many requests from your address; try again in {wait_text(left)}."]})
            entry = invite_request_join(email=form.cleaned_data["email"])
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            ratelimit.record(limit_keys)
            place = queue_place(entry.email)
            return render(request, "signups/queue_joined.html",
                          {"place": place, "per_day": invitations_per_day()})
    response = render(request, "signups/queue.html",
                      {"form": form, "policy": policy, "waiting": waiting(),
                       "per_day": invitations_per_day()},
                      status=429 if left else 400 if form.errors else 200)
    if left:
        response["Retry-After"] = str(left)
    return response


def queue_status(request: HttpRequest) -> HttpResponse:
    """/invite_requests/status?email=…: where an address stands in the queue."""
    form = QueueForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "asked": False}
    if request.GET and form.is_valid():
        context.update(asked=True, place=queue_place(form.cleaned_data["email"]),
                       email=form.cleaned_data["email"])
    return render(request, "signups/queue_status.html", context,
                  status=400 if form.errors else 200)


@admin_required
def admin(request: AuthedRequest) -> HttpResponse:
    """/admin/signups: the policy and the daily number, "send N now", inviting someone by
    email, and users' requests for invitations."""
    row = signup_settings()
    settings_form = SignupSettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={"policy": row.policy if row else "",
                 "invitations_per_day": row.invitations_per_day if row else None})
    send_form = SendNowForm(request.POST if request.POST.get("action") == "send" else None,
                            initial={"count": invitations_per_day() or 1})
    invite_form = AdminInviteForm(
        request.POST if request.POST.get("action") == "invite" else None)
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "settings" and settings_form.is_valid():
            data = settings_form.cleaned_data
            signup_settings_update(actor=request.user, policy=data["policy"],
                                   invitations_per_day=data["invitations_per_day"])
            messages.success(request, "Sign-up settings saved.")
            return redirect("signups:admin")
        if action == "send" and send_form.is_valid():
            result = invitations_send(count=send_form.cleaned_data["count"])
            text = f"Sent {result.sent} invitation{'' if result.sent == 1 else 's'}; " \
                   f"{result.waiting} waiting in the queue."
            if result.failed:
                messages.error(request, text + " A mail failed to send: check the mail "
                                              "settings and try again.")
            else:
                messages.success(request, text)
            return redirect("signups:admin")
        if action == "invite" and invite_form.is_valid():
            invitation = invitation_admin_send(actor=request.user,
                                               email=invite_form.cleaned_data["email"])
            messages.success(request, f"An invitation was sent to {invitation.email}.")
            return redirect("signups:admin")
        if action in ("approve", "decline"):
            try:
                request_id = int(request.POST.get("request", ""))
            except ValueError:
                messages.error(request, "Choose a request to answer.")
                return redirect("signups:admin")
            answered = invitation_request_decide(actor=request.user, request_id=request_id,
                                                 approve=action == "approve")
            messages.success(request, f"{answered.user.username}'s request was "
                                      f"{answered.get_status_display().lower()}.")
            return redirect("signups:admin")
    except ValidationError as exc:
        target = {"settings": settings_form, "send": send_form,
                  "invite": invite_form}.get(action or "")
        if target is None:
            messages.error(request, " ".join(exc.messages))
            return redirect("signups:admin")
        errors_on_form(target, exc)
    except OSError:  # the mail server refused or couldn't be reached
        invite_form.add_error("email", "The mail couldn't be sent; check the archive's "
                                       "mail settings and try again.")
    failed = any(f.errors for f in (settings_form, send_form, invite_form))
    return render(request, "signups/admin.html", {
        "settings_form": settings_form, "send_form": send_form, "invite_form": invite_form,
        "policy": signup_policy(row), "per_day": invitations_per_day(row),
        "waiting": waiting(), "sent_today": sent_from_queue_today(),
        "next_send_at": row.next_send_at if row else None,
        "requests": InvitationRequest.objects.filter(status=InvitationRequest.Status.PENDING)
        .select_related("user").order_by("created_at", "pk"),
    }, status=400 if failed else 200)


def _own(request: HttpRequest, username: str) -> Any:
    owner = user_by_name(username)
    if not (request.user.is_authenticated and request.user.pk == owner.pk):
        raise PermissionDenied("You can only see your own invitations.")
    return owner


@login_required
def user_invitations(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/invitations: the user's codes for friends; send one by email."""
    owner = _own(request, username)
    form = FriendInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_user_send(
                user=owner, invitation_id=form.cleaned_data["invitation"],
                email=form.cleaned_data["email"])
        except ValidationError as exc:
            errors_on_form(form, exc)
        except OSError:
            form.add_error(None, "The mail couldn't be sent just now; try again later.")
        else:
            messages.success(request, f"Your invitation was sent to {invitation.email}.")
            return redirect("signups:user-invitations", username=owner.username)
    return render(request, "signups/user_invitations.html", {
        "owner": owner, "is_owner": True, "form": form, "policy": signup_policy(),
        "invitations": Invitation.objects.filter(owner=owner, source=Invitation.Source.USER)
        .select_related("used_by").order_by("sent_at", "pk"),
        "requests": InvitationRequest.objects.filter(user=owner).order_by("-created_at")[:10],
        "Policy": Policy,
    }, status=400 if form.errors else 200)


@login_required
def invitation_request(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/invitations/request: ask the admins for codes for friends."""
    owner = _own(request, username)
    form = InvitationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_request_create(user=owner, **form.cleaned_data)
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(request, "Your request was sent to the admins. Approved "
                                      "invitations appear on this page.")
            return redirect("signups:user-invitations", username=owner.username)
    return render(request, "accounts/form_page.html", {
        "form": form, "heading": "Request invitations for friends", "button": "Send request",
        "intro": "Sign-ups are by invitation. Ask the admins for invitations to give to "
                 "friends; once approved, you send them by email from your invitations page.",
    }, status=400 if form.errors else 200)
