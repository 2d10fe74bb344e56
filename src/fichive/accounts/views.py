"""Account pages: sign up, claiming an imported account, a user's dashboard, pseuds,
preferences and the footer's site skin control, and the admins' wrangler role page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from fichive.accounts.forms import (
    ClaimForm,
    ClaimRequestForm,
    PreferenceForm,
    ProfileForm,
    PseudEditForm,
    PseudForm,
    RoleForm,
    SignupForm,
    SkinForm,
)
from fichive.accounts.models import User
from fichive.accounts.permissions import admin_required
from fichive.accounts.preferences import guest_prefs
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import preferences_of, pseud_by_name, user_by_name
from fichive.accounts.services import (
    account_claim,
    claim_request,
    claim_token_user,
    preferences_update,
    profile_update,
    pseud_create,
    pseud_delete,
    pseud_make_default,
    pseud_update,
    wrangler_grant,
    wrangler_revoke,
)
from fichive.blocking.selectors import is_blocked, is_muted
from fichive.lib.guestprefs import GUEST_COOKIE, GUEST_COOKIE_MAX_AGE, guest_cookie_value
from fichive.works.selectors import with_blurb_data, works_by_user, works_listed_for

AUTH_BACKEND = "fichive.accounts.backends.ClaimedModelBackend"
# How many works and bookmarks a pseud's page shows before "all of them" links.
PSEUD_PAGE_ITEMS = 20


def signup(request: HttpRequest, code: str = "") -> HttpResponse:
    """/signup (and /signup/<code>, an invitation's link): the form when the policy lets this
    visitor sign up (fichive/signups); else what to do instead: join the queue, or nothing
    while sign-ups are closed."""
    from fichive.signups.models import Policy
    from fichive.signups.selectors import invitation_by_code, signup_policy
    from fichive.signups.services import signup_create

    if request.user.is_authenticated:
        return redirect("accounts:dashboard", username=request.user.username)
    policy = signup_policy()
    invitation = invitation_by_code(code) if code else None
    if invitation is not None and policy == Policy.CLOSED and invitation.source != "admin":
        invitation = None
    if invitation is None and policy != Policy.OPEN:
        return render(request, "signups/signup_unavailable.html",
                      {"policy": policy, "bad_code": bool(code)}, status=400 if code else 200)
    form = SignupForm(request.POST or None,
                      initial={"email": invitation.email} if invitation else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = signup_create(
                username=data["username"], email=data["email"], password=data["password1"],
                accepted_terms=data["accept_terms"], age_confirmed=data["confirm_age"],
                code=invitation.code if invitation else "")
        except ValidationError as exc:
            _form_errors(form, exc, default=None)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, f"Welcome to the archive, {user.username}!")
            return redirect("accounts:dashboard", username=user.username)
    return render(request, "accounts/signup.html", {
        "form": form, "invitation": invitation, "expired_code": bool(code) and not invitation,
    })


def dashboard(request: HttpRequest, username: str) -> HttpResponse:
    """A user's page: their works for everyone; their drafts too when it is their own page."""
    owner = user_by_name(username)
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    context = {
        "owner": owner,
        "is_owner": is_owner,
        "works": works_by_user(request.user, owner)[:20],
        "drafts": works_by_user(request.user, owner, drafts=True) if is_owner else [],
        "hidden": works_by_user(request.user, owner, hidden=True) if is_owner else [],
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
            _form_errors(form, exc, default="name")
        else:
            messages.success(request, f"Pseud “{pseud.name}” created.")
            return redirect("accounts:pseuds", username=owner.username)
    return render(request, "accounts/pseud_form.html", {"form": form, "owner": owner})


def _form_errors(form: Any, exc: ValidationError, *, default: str | None = None) -> None:
    """A service's ValidationError on the form's matching fields (the rest on `default`)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else default, errors)
    else:
        form.add_error(default, exc.messages)


def _own_page(request: HttpRequest, owner: User, message: str) -> None:
    if not (request.user.is_authenticated and request.user.pk == owner.pk):
        raise PermissionDenied(message)


def pseud_detail(request: HttpRequest, username: str, pseud_name: str) -> HttpResponse:
    """/users/<name>/pseuds/<pseud>: the pseud's description, its latest works and
    bookmarks the visitor may see, and links to all of them."""
    from fichive.bookmarks.selectors import attach_blurbs, bookmarks_visible_to

    owner = user_by_name(username)
    pseud = pseud_by_name(owner, pseud_name)
    works = with_blurb_data(works_listed_for(request.user, pseud=pseud)
                            .order_by("-updated", "-id"))[:PSEUD_PAGE_ITEMS]
    bookmarks = list(bookmarks_visible_to(request.user).filter(pseud=pseud)
                     .select_related("pseud__user", "external_work")
                     .prefetch_related("tags", "external_work__tags")
                     .order_by("-created_at", "-id")[:PSEUD_PAGE_ITEMS])
    attach_blurbs(bookmarks, viewer=request.user)
    return render(request, "accounts/pseud.html", {
        "owner": owner, "pseud": pseud, "works": works, "bookmarks": bookmarks,
        "is_owner": request.user.is_authenticated and request.user.pk == owner.pk})


@login_required
def pseud_edit(request: AuthedRequest, username: str, pseud_name: str) -> HttpResponse:
    owner = user_by_name(username)
    _own_page(request, owner, "You can only change your own pseuds.")
    pseud = pseud_by_name(owner, pseud_name)
    form = PseudEditForm(request.POST or None, initial={
        "name": pseud.name, "description": pseud.description, "icon_text": pseud.icon_text,
        "is_default": pseud.is_default})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                pseud_update(user=owner, pseud=pseud, name=data["name"],
                             description=data["description"], icon_text=data["icon_text"])
                if data["is_default"]:
                    pseud_make_default(user=owner, pseud=pseud)
        except ValidationError as exc:
            pseud.refresh_from_db()
            _form_errors(form, exc, default="name")
        else:
            messages.success(request, f"Pseud “{pseud.name}” updated.")
            return redirect("accounts:pseud", username=owner.username, pseud_name=pseud.name)
    return render(request, "accounts/pseud_form.html",
                  {"form": form, "owner": owner, "pseud": pseud},
                  status=400 if form.errors else 200)


@login_required
def pseud_remove(request: AuthedRequest, username: str, pseud_name: str) -> HttpResponse:
    """Delete a pseud after asking; its works and bookmarks move to the default pseud."""
    owner = user_by_name(username)
    _own_page(request, owner, "You can only delete your own pseuds.")
    pseud = pseud_by_name(owner, pseud_name)
    if request.method == "POST":
        try:
            default = pseud_delete(user=owner, pseud=pseud)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:pseuds", username=owner.username)
        messages.success(request, f"Pseud “{pseud.name}” deleted; its works and bookmarks "
                                  f"are under “{default.name}” now.")
        return redirect("accounts:pseuds", username=owner.username)
    return render(request, "accounts/pseud_confirm_delete.html",
                  {"owner": owner, "pseud": pseud,
                   "default": owner.pseuds.filter(is_default=True).first()})


def profile(request: HttpRequest, username: str) -> HttpResponse:
    """/users/<name>/profile: about me, join date and pseuds, with the user's tabs."""
    owner = user_by_name(username)
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    other = request.user.is_authenticated and not is_owner
    return render(request, "accounts/profile.html", {
        "owner": owner, "pseuds": owner.pseuds.all(), "is_owner": is_owner,
        # The Block and Mute buttons, for a logged-in visitor on someone else's profile.
        "show_block": other and not owner.can_moderate,
        "blocks_them": other and is_blocked(blocker=request.user, user=owner),
        "mutes_them": other and is_muted(muter=request.user, user=owner),
        "show_mute": other})


@login_required
def profile_edit(request: AuthedRequest, username: str) -> HttpResponse:
    owner = user_by_name(username)
    _own_page(request, owner, "You can only change your own profile.")
    form = ProfileForm(request.POST or None, initial={"about_me": owner.about_me})
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=owner, about_me=form.cleaned_data["about_me"])
        except ValidationError as exc:
            _form_errors(form, exc, default="about_me")
        else:
            messages.success(request, "Your profile was updated.")
            return redirect("accounts:profile", username=owner.username)
    return render(request, "accounts/form_page.html", {
        "form": form, "heading": "Edit my profile", "button": "Update",
        "intro": "Tell readers about yourself."}, status=400 if form.errors else 200)


@admin_required
def wranglers(request: AuthedRequest) -> HttpResponse:
    """/admin/wranglers: who wrangles tags, and a form to grant or revoke the role."""
    form = RoleForm(request.POST or None)
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
    """/users/<name>/preferences: the owner's skin, reading settings, time zone, what to
    show, history and mail switches."""
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("You can only change your own preferences.")
    current = preferences_of(owner)
    initial = {name: getattr(current, name) for name in PreferenceForm.base_fields}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preferences_update(user=owner, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Your preferences were saved.")
            return redirect("accounts:preferences", username=owner.username)
    return render(request, "accounts/preferences.html",
                  {"form": form, "owner": owner, "is_owner": True,
                   "has_email": bool(owner.email)},
                  status=400 if form.errors else 200)


def _safe_next(request: HttpRequest, target: str | None) -> str:
    """`target` if it is a page of this site, else the home page."""
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@csrf_exempt
@require_POST
def skin_choose(request: HttpRequest) -> HttpResponse:
    """/preferences/skin (the footer's control): a logged-in user's choice is saved in their
    preferences, a guest's in the preferences cookie (keeping its other choices); then back
    to the page they were on.

    A guest's form carries no CSRF token: a token on every page would keep guests' pages out
    of the shared cache, and all a forged request could do is change the look of the site
    for that browser. A logged-in user's request is checked as every other form is."""
    if request.user.is_authenticated:
        return _skin_choose_for_user(request)
    form = SkinForm(request.POST)
    if not form.is_valid():
        return _skin_refused(request, form)
    response = redirect(_safe_next(request, form.cleaned_data["next"]))
    current = guest_prefs(request.COOKIES.get(GUEST_COOKIE))
    value = guest_cookie_value(form.cleaned_data["skin"], current.view_adult)
    if value:
        response.set_cookie(GUEST_COOKIE, value, max_age=GUEST_COOKIE_MAX_AGE,
                            samesite="Lax", secure=request.is_secure(), httponly=True)
    else:
        response.delete_cookie(GUEST_COOKIE, samesite="Lax")
    return response


@csrf_protect
def _skin_choose_for_user(request: HttpRequest) -> HttpResponse:
    form = SkinForm(request.POST)
    if not form.is_valid():
        return _skin_refused(request, form)
    preferences_update(user=request.user, skin=form.cleaned_data["skin"])  # type: ignore[arg-type]
    return redirect(_safe_next(request, form.cleaned_data["next"]))


def _skin_refused(request: HttpRequest, form: SkinForm) -> HttpResponse:
    return render(request, "accounts/message.html", {
        "heading": "That skin can't be chosen",
        "message": "Choose light, dark, or follow my device.",
        "link": _safe_next(request, request.POST.get("next")), "link_text": "Go back",
    }, status=400)
