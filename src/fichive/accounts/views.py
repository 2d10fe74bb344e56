"""Account pages: sign up, claiming an imported account, a user's dashboard, pseuds, and the
admins' wrangler role page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from fichive.accounts.forms import (
    ClaimForm,
    ClaimRequestForm,
    PreferenceForm,
    PseudForm,
    SignupForm,
    WranglerRoleForm,
)
from fichive.accounts.models import User
from fichive.accounts.permissions import admin_required
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import preferences_of, user_by_name
from fichive.accounts.services import (
    account_claim,
    claim_request,
    claim_token_user,
    preferences_update,
    pseud_create,
    user_create,
    wrangler_grant,
    wrangler_revoke,
)
from fichive.works.selectors import works_by_user

AUTH_BACKEND = "fichive.accounts.backends.ClaimedModelBackend"


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
            login(request, user, backend=AUTH_BACKEND)
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


def claim(request: HttpRequest) -> HttpResponse:
    """/claim: ask for a link to claim imported accounts; the answer never says whether the
    address matched."""
    form = ClaimRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim_request(
            email=form.cleaned_data["email"],
            link_for=lambda token: request.build_absolute_uri(
                reverse("accounts:claim-account", args=[token])),
        )
        return render(request, "accounts/message.html", {
            "heading": "Check your email",
            "message": "If unclaimed accounts use that address, a link to claim them is on "
                       "its way. It works for a limited time.",
        })
    return render(request, "accounts/form_page.html", {
        "form": form, "heading": "Claim your imported account", "button": "Send claim link",
        "intro": "Was your work imported from another archive? Enter the email address you "
                 "used there and we'll send you a link to choose a password.",
    })


def claim_account(request: HttpRequest, token: str) -> HttpResponse:
    """/claim/<token>: choose a password (and maybe a new user name), then you are logged in."""
    user = claim_token_user(token=token)
    if user is None:
        return render(request, "accounts/message.html", {
            "heading": "This claim link doesn't work",
            "message": "The link is broken, has expired, or the account was claimed already. "
                       "Ask for a new link on the claim page.",
            "link": reverse("accounts:claim"), "link_text": "Ask for a new link",
        }, status=400)
    form = ClaimForm(request.POST or None, initial={"username": user.username})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_claim(user=user, password=data["password1"],
                                 username=data["username"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("password1", exc.messages)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, f"Welcome back, {user.username}! The account is yours.")
            return redirect("accounts:dashboard", username=user.username)
    return render(request, "accounts/form_page.html", {
        "form": form, "heading": f"Claim “{user.username}”", "button": "Claim the account",
        "intro": "Choose a password. You can keep the user name or choose another.",
    })


@login_required
def preferences(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/preferences: the owner's history and mail switches."""
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("You can only change your own preferences.")
    current = preferences_of(owner)
    initial = {name: getattr(current, name) for name in PreferenceForm.base_fields}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        preferences_update(user=owner, **form.cleaned_data)
        messages.success(request, "Your preferences were saved.")
        return redirect("accounts:preferences", username=owner.username)
    return render(request, "accounts/preferences.html",
                  {"form": form, "owner": owner, "is_owner": True,
                   "has_email": bool(owner.email)})
