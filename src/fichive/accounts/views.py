"""Account pages: sign up, log in and passwords (Django's views with the archive's limits and
notices), changing the email address, claiming an imported account, a user's dashboard,
pseuds, preferences and the footer's site skin control, and the admins' wrangler and archivist
role pages."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
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

from fichive.accounts import lockout
from fichive.accounts.forms import (
    ClaimForm,
    ClaimRequestForm,
    EmailChangeForm,
    LoginForm,
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
    archivist_grant,
    archivist_revoke,
    claim_request,
    claim_token_user,
    email_change,
    password_changed_notify,
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
from fichive.lib.formerrors import errors_on_form
from fichive.lib.guestprefs import GUEST_COOKIE, GUEST_COOKIE_MAX_AGE, guest_cookie_value
from fichive.lib.ratelimit import RateLimit, limited, wait_text
from fichive.lib.securitylog import security_event
from fichive.works.selectors import with_blurb_data, works_by_user, works_listed_for

AUTH_BACKEND = "fichive.accounts.backends.ClaimedModelBackend"
# How many works and bookmarks a pseud's page shows before "all of them" links.
PSEUD_PAGE_ITEMS = 20

# Accounts made from one address: 5 an hour.
SIGNUPS = RateLimit("fichive:signups", limit=5, window=60 * 60)
# Password reset links asked for from one address, and sent to one email address (whether or
# not an account uses it, so the answer tells nobody which addresses have accounts).
PASSWORD_RESETS = RateLimit("fichive:password-reset", limit=5, window=60 * 60)
PASSWORD_RESETS_TO = RateLimit("fichive:password-reset:to", limit=3, window=60 * 60)
# Claim links, the same way.
CLAIMS = RateLimit("fichive:claims", limit=5, window=60 * 60)
CLAIMS_TO = RateLimit("fichive:claims:to", limit=3, window=60 * 60)
# Email address changes per account: 5 a day.
EMAIL_CHANGES = RateLimit("fichive:email-change", limit=5, window=24 * 60 * 60)


def _inbox_keys(limit: RateLimit, email: str) -> list[str]:
    """The counter of mail sent to `email` under `limit` (the address hashed: the cache
    holds no addresses)."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [f"{limit.prefix}:email:{digest}"]


def _mail_limits(request: HttpRequest, *, per_address: RateLimit, per_inbox: RateLimit,
                 email: str, what: str) -> tuple[str, int, list[tuple[RateLimit, list[str]]]]:
    """Whether mail of kind `what` may be sent to `email` for this visitor: ("", 0, counters
    to record once sent), or the message and seconds to wait."""
    address = per_address.keys_for_request(request)
    inbox = _inbox_keys(per_inbox, email)
    left = per_address.seconds_left(address)
    if left:
        return (f"You have asked for {per_address.limit} {what} in the last "
                f"{per_address.window_text}. Please wait {wait_text(left)} and try again.",
                left, [])
    left = per_inbox.seconds_left(inbox)
    if left:
        return (f"{per_inbox.limit} {what} were sent to that address in the last "
                f"{per_inbox.window_text}; check its inbox (and spam folder), or wait "
                f"{wait_text(left)} and ask again.", left, [])
    return "", 0, [(per_address, address), (per_inbox, inbox)]


class LoginView(auth_views.LoginView):
    """/login: Django's log-in with the archive's form, refused with 429 while the visitor's
    address is over its limits (accounts/lockout.py; the lockout of one user name from one
    address is django-axes', answered by its middleware with the same page)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = lockout.address_refused(request)
        if refused is not None:
            return refused
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if form.cleaned_data.get("username") and form.cleaned_data.get("password"):
            lockout.failure_recorded(self.request)
        return super().form_invalid(form)


def _reset_link(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("accounts:password-reset"))


class PasswordChangeView(auth_views.PasswordChangeView):
    """/password/change: Django's, and the user is told by mail."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security_event("password_change_form", request=self.request, user_id=form.user.pk)
        password_changed_notify(user=form.user, reset_link=_reset_link(self.request))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """/password/reset: Django's, at most PASSWORD_RESETS links an hour from one address and
    PASSWORD_RESETS_TO to one email address."""

    def form_valid(self, form: Any) -> HttpResponse:
        message, left, counters = _mail_limits(
            self.request, per_address=PASSWORD_RESETS, per_inbox=PASSWORD_RESETS_TO,
            email=form.cleaned_data["email"], what="password reset links")
        if message:
            form.add_error(None, message)
            return limited(self.form_invalid(form), left)
        response = super().form_valid(form)
        for limit, keys in counters:
            limit.record(keys)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """/password/reset/<uid>/<token>: Django's, and the user is told by mail."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security_event("password_reset", request=self.request, user_id=form.user.pk)
        password_changed_notify(user=form.user, reset_link=_reset_link(self.request))
        return response


@login_required
def email_edit(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/email: change the account's email address (with the password); the old
    address is told."""
    owner = user_by_name(username)
    _own_page(request, owner, "You can only change your own email address.")
    form = EmailChangeForm(request.POST or None, initial={"email": owner.email})
    keys = EMAIL_CHANGES.keys_for_request(request)
    if request.method == "POST" and form.is_valid():
        left = EMAIL_CHANGES.seconds_left(keys)
        if left:
            form.add_error(None, f"You have changed your email address {EMAIL_CHANGES.limit} "
                                 f"times in the last {EMAIL_CHANGES.window_text}. Please wait "
                                 f"{wait_text(left)} and try again.")
            return limited(_email_page(request, form), left)
        try:
            email_change(user=owner, email=form.cleaned_data["email"],
                         password=form.cleaned_data["password"])
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            EMAIL_CHANGES.record(keys)
            messages.success(request, "Your email address was changed.")
            return redirect("accounts:preferences", username=owner.username)
    return _email_page(request, form, status=400 if form.errors else 200)


def _email_page(request: HttpRequest, form: EmailChangeForm, *, status: int = 200
                ) -> HttpResponse:
    return render(request, "accounts/form_page.html", {
        "form": form, "heading": "Change your email address", "button": "Change email",
        "intro": "Mail about your account (password resets, notifications) goes to this "
                 "address. Your old address will be told of the change."}, status=status)


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
    keys = SIGNUPS.keys_for_request(request)
    left = SIGNUPS.seconds_left(keys) if request.method == "POST" else 0
    if left:
        form.is_valid()
        form.add_error(None, f"{SIGNUPS.limit} accounts were made from your address in the "
                             f"last {SIGNUPS.window_text}. Please wait {wait_text(left)} and "
                             "try again.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = signup_create(
                username=data["username"], email=data["email"], password=data["password1"],
                accepted_terms=data["accept_terms"], age_confirmed=data["confirm_age"],
                code=invitation.code if invitation else "")
        except ValidationError as exc:
            errors_on_form(form, exc, default=None)
        else:
            SIGNUPS.record(keys)
            security_event("signup", request=request, user_id=user.pk)
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, f"Welcome to the archive, {user.username}!")
            return redirect("accounts:dashboard", username=user.username)
    response = render(request, "accounts/signup.html", {
        "form": form, "invitation": invitation, "expired_code": bool(code) and not invitation,
    })
    return limited(response, left)


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
            errors_on_form(form, exc, default="name")
        else:
            messages.success(request, f"Pseud “{pseud.name}” created.")
            return redirect("accounts:pseuds", username=owner.username)
    return render(request, "accounts/pseud_form.html", {"form": form, "owner": owner})


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
            errors_on_form(form, exc, default="name")
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
            errors_on_form(form, exc, default="about_me")
        else:
            messages.success(request, "Your profile was updated.")
            return redirect("accounts:profile", username=owner.username)
    return render(request, "accounts/form_page.html", {
        "form": form, "heading": "Edit my profile", "button": "Update",
        "intro": "Tell readers about yourself."}, status=400 if form.errors else 200)


def _role_page(request: AuthedRequest, *, template: str, holders: str, grant: Any,
               revoke: Any, role: str, admins_keep: str) -> HttpResponse:
    """An admin's page of one role: who holds it, and a form to grant or revoke it."""
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        if form.cleaned_data["action"] == "grant":
            grant(actor=request.user, user=user)
            messages.success(request, f"{user.username} is {role} now.")
        else:
            revoke(actor=request.user, user=user)
            note = f" (as an admin they still {admins_keep})" if user.is_admin else ""
            messages.success(request, f"{user.username} is no longer {role}{note}.")
        return redirect(request.path)
    return render(request, template, {
        "form": form,
        "holders": User.objects.filter(**{holders: True}).order_by("username"),
        "admins": User.objects.filter(Q(is_staff=True) | Q(is_superuser=True))
        .order_by("username"),
    })


@admin_required
def wranglers(request: AuthedRequest) -> HttpResponse:
    """/admin/wranglers: who wrangles tags, and a form to grant or revoke the role."""
    return _role_page(request, template="accounts/wranglers.html", holders="is_wrangler",
                      grant=wrangler_grant, revoke=wrangler_revoke, role="a tag wrangler",
                      admins_keep="wrangle")


@admin_required
def archivists(request: AuthedRequest) -> HttpResponse:
    """/admin/archivists: who may import works for others (AO3's archivist API), and a form
    to grant or revoke the role."""
    return _role_page(request, template="accounts/archivists.html", holders="is_archivist",
                      grant=archivist_grant, revoke=archivist_revoke, role="an archivist",
                      admins_keep="import as archivists")


def claim(request: HttpRequest) -> HttpResponse:
    """/claim: ask for a link to claim imported accounts; the answer never says whether the
    address matched."""
    form = ClaimRequestForm(request.POST or None)
    left = 0
    if request.method == "POST" and form.is_valid():
        message, left, counters = _mail_limits(
            request, per_address=CLAIMS, per_inbox=CLAIMS_TO,
            email=form.cleaned_data["email"], what="claim links")
        if left:
            form.add_error(None, message)
        else:
            claim_request(
                email=form.cleaned_data["email"],
                link_for=lambda token: request.build_absolute_uri(
                    reverse("accounts:claim-account", args=[token])),
            )
            for limit, keys in counters:
                limit.record(keys)
            return render(request, "accounts/message.html", {
                "heading": "Check your email",
                "message": "If unclaimed accounts use that address, a link to claim them is "
                           "on its way. It works for a limited time.",
            })
    response = render(request, "accounts/form_page.html", {
        "form": form, "heading": "Claim your imported account", "button": "Send claim link",
        "intro": "Was your work imported from another archive? Enter the email address you "
                 "used there and we'll send you a link to choose a password.",
    })
    return limited(response, left)


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
            errors_on_form(form, exc)
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
