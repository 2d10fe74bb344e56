"""/users/<name>/app-passwords: the owner's app passwords (name, made, last used), a form to
make one (its secret is shown once, on the page the form answers with) and revoking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from fichive.accounts.models import User
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.apppasswords.auth import REALM
from fichive.apppasswords.forms import AppPasswordForm
from fichive.apppasswords.models import AppPassword
from fichive.apppasswords.services import MAX_PER_USER, app_password_create, app_password_revoke
from fichive.lib.formerrors import errors_on_form
from fichive.lib.ratelimit import RateLimit, wait_text

# App passwords made per account: 10 an hour.
CREATES = RateLimit("fichive:apppasswords:create", limit=10, window=60 * 60)


def _owner(request: AuthedRequest, username: str) -> User:
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("You can only manage your own app passwords.")
    return owner


@login_required
def app_passwords(request: AuthedRequest, username: str) -> HttpResponse:
    owner = _owner(request, username)
    form = AppPasswordForm(request.POST or None)
    created = secret = None
    keys = CREATES.keys_for_request(request)
    left = CREATES.seconds_left(keys) if request.method == "POST" else 0
    if left and form.is_valid():
        form.add_error(None, f"You have made {CREATES.limit} app passwords in the last "
                             f"{CREATES.window_text}. Please wait {wait_text(left)} and try "
                             "again.")
    elif request.method == "POST" and form.is_valid():
        try:
            created, secret = app_password_create(user=owner, name=form.cleaned_data["name"])
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            CREATES.record(keys)
            form = AppPasswordForm()
    rows = list(AppPassword.objects.filter(user=owner).only(
        "id", "name", "created_at", "last_used_at"))
    response = render(request, "apppasswords/list.html", {
        "owner": owner, "is_owner": True, "form": form, "rows": rows, "created": created,
        "secret": secret, "max_per_user": MAX_PER_USER, "realm": REALM,
        "opds_url": request.build_absolute_uri("/opds/"),
    }, status=429 if left else 400 if form.errors else 200)
    if left:
        response["Retry-After"] = str(left)
    add_never_cache_headers(response)  # the secret is on it once, and never again
    return response


@login_required
@require_POST
def revoke(request: AuthedRequest, username: str, app_password_id: int) -> HttpResponse:
    owner = _owner(request, username)
    try:
        row = app_password_revoke(user=owner, app_password_id=app_password_id)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"App password “{row.name}” revoked: apps using it can no "
                                  "longer sign in with it.")
    return redirect("apppasswords:list", username=owner.username)
