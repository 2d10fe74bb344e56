"""Account pages: sign up, a user's dashboard, pseuds, and the admins' wrangler role page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fichive.accounts.forms import PseudForm, SignupForm, WranglerRoleForm
from fichive.accounts.models import User
from fichive.accounts.permissions import admin_required
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.accounts.services import pseud_create, user_create, wrangler_grant, wrangler_revoke
from fichive.works.selectors import works_by_user


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:dashboard", username=request.user.username)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"], email=data["email"], password=data["password1"]
            )
        except ValidationError as exc:
            form.add_error("username", exc.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to the archive, {user.username}!")
            return redirect("accounts:dashboard", username=user.username)
    return render(request, "accounts/signup.html", {"form": form})


def dashboard(request: HttpRequest, username: str) -> HttpResponse:
    """A user's page: their works for everyone; their drafts too when it is their own page."""
    owner = user_by_name(username)
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    context = {
        "owner": owner,
        "is_owner": is_owner,
        "works": works_by_user(request.user, owner)[:20],
        "drafts": works_by_user(request.user, owner, drafts=True) if is_owner else [],
        "pseuds": owner.pseuds.all(),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def my_dashboard(request: AuthedRequest) -> HttpResponse:
    return redirect("accounts:dashboard", username=request.user.username)


def pseuds(request: HttpRequest, username: str) -> HttpResponse:
    owner = user_by_name(username)
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    return render(
        request, "accounts/pseuds.html",
        {"owner": owner, "is_owner": is_owner, "pseuds": owner.pseuds.all()},
    )


@login_required
def pseud_new(request: AuthedRequest, username: str) -> HttpResponse:
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("You can only add pseuds to your own account.")
    form = PseudForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pseud = pseud_create(user=owner, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("name", exc.messages)
        else:
            messages.success(request, f"Pseud “{pseud.name}” created.")
            return redirect("accounts:pseuds", username=owner.username)
    return render(request, "accounts/pseud_form.html", {"form": form, "owner": owner})


@admin_required
def wranglers(request: AuthedRequest) -> HttpResponse:
    """/admin/wranglers: who wrangles tags, and a form to grant or revoke the role."""
    form = WranglerRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        if form.cleaned_data["action"] == "grant":
            wrangler_grant(actor=request.user, user=user)
            messages.success(request, f"{user.username} is a tag wrangler now.")
        else:
            wrangler_revoke(actor=request.user, user=user)
            note = " (as an admin they still wrangle)" if user.is_admin else ""
            messages.success(request, f"{user.username} is no longer a tag wrangler{note}.")
        return redirect("accounts:wranglers")
    return render(request, "accounts/wranglers.html", {
        "form": form,
        "wranglers": User.objects.filter(is_wrangler=True).order_by("username"),
        "admins": User.objects.filter(Q(is_staff=True) | Q(is_superuser=True))
        .order_by("username"),
    })
