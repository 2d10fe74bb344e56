"""/users/<name>/api-tokens: the owner's personal access tokens for the API (name, scopes,
made, last used), a form to make one (its secret is shown once, on the page the form answers
with) and revoking; as the app passwords page does."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fichive.accounts.models import User
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.api import problems
from fichive.api.forms import TokenForm
from fichive.api.models import ApiToken
from fichive.api.services import MAX_PER_USER, scopes_allowed, token_create, token_revoke
from fichive.lib.formerrors import errors_on_form
from fichive.lib.ratelimit import RateLimit, wait_text
from fichive.lib.securitylog import security_event

# Tokens made per account: 10 an hour.
CREATES = RateLimit("fichive:api:tokens:create", limit=10, window=60 * 60)


def _owner(request: AuthedRequest, username: str) -> User:
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("You can only manage your own API tokens.")
    return owner


@login_required
def tokens(request: AuthedRequest, username: str) -> HttpResponse:
    owner = _owner(request, username)
    allowed = scopes_allowed(owner)
    form = TokenForm(request.POST or None, allowed=allowed)
    created = secret = None
    keys = CREATES.keys_for_request(request)
    left = CREATES.seconds_left(keys) if request.method == "POST" else 0
    if left and form.is_valid():
        form.add_error(None, f"You have made {CREATES.limit} API tokens in the last "
                             f"{CREATES.window_text}. Please wait {wait_text(left)} and try "
                             "again.")
    elif request.method == "POST" and form.is_valid():
        try:
            created, secret = token_create(user=owner, name=form.cleaned_data["name"],
                                           scopes=form.cleaned_data["scopes"])
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            CREATES.record(keys)
            security_event("api_token_created", request=request, user_id=owner.pk,
                           token_id=created.pk, scopes=",".join(sorted(created.scope_set)))
            form = TokenForm(allowed=allowed)
    rows = list(ApiToken.objects.filter(user=owner).only(
        "id", "name", "scopes", "created_at", "last_used_at"))
    response = render(request, "api/tokens.html", {
        "owner": owner, "is_owner": True, "form": form, "rows": rows, "created": created,
        "secret": secret, "max_per_user": MAX_PER_USER,
        "api_url": request.build_absolute_uri("/api/v1/"),
    }, status=429 if left else 400 if form.errors else 200)
    if left:
        response["Retry-After"] = str(left)
    add_never_cache_headers(response)  # the secret is on it once, and never again
    return response


@login_required
@require_POST
def revoke(request: AuthedRequest, username: str, token_id: int) -> HttpResponse:
    owner = _owner(request, username)
    try:
        row = token_revoke(user=owner, token_id=token_id)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        security_event("api_token_revoked", request=request, user_id=owner.pk,
                       token_id=token_id)
        messages.success(request, f"Token “{row.name}” revoked: programs using it can no "
                                  "longer use the API with it.")
    return redirect("api-tokens", username=owner.username)


# --- Problem details for what the API's operations don't answer -----------------------------


@csrf_exempt  # no session matters here: every method gets the same 404
def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/v1/ address no operation has: a 404 problem, not the site's HTML page."""
    return problems.problem(404, "There is no such address in this API: see "
                                 f"{reverse('api:openapi-view')} for the ones there are.")


def _as_problems(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """`view` (one of ninja's) with its plain-text 405 (a method the address doesn't take)
    and a 404 raised outside the operations (the API's root) answered as problems."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return api_not_found(request)
        if isinstance(response, HttpResponseNotAllowed):
            allow = response["Allow"]
            methods = sorted(m.strip() for m in allow.split(",") if m.strip())
            if request.method == "HEAD" and "GET" in methods:
                return _head(view, request, *args, **kwargs)
            answer = problems.problem(405, f"This address doesn't take {request.method}: it "
                                           f"takes {', '.join(methods)}.")
            answer["Allow"] = ", ".join(methods)
            return answer
        return response

    return wrapped


def _head(view: Callable[..., HttpResponseBase], request: HttpRequest, *args: Any,
          **kwargs: Any) -> HttpResponseBase:
    """HEAD of an address that takes GET: the GET's status and headers (ETag, Content-Length
    …), without the body."""
    request.method = "GET"
    try:
        response = view(request, *args, **kwargs)
    finally:
        request.method = "HEAD"
    if isinstance(response, HttpResponse):
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


# Swagger UI's stylesheet draws its icons as data: images; the docs page alone may show them
# (scripts and styles stay the archive's own files, as everywhere).
_DOCS_POLICY = csp_update({"img-src": ["data:"]})


def answering_problems(urls: tuple[list[Any], str, str]) -> tuple[list[Any], str, str]:
    """ninja's `api.urls` with every view wrapped by _as_problems, and the docs page's
    policy widened by _DOCS_POLICY."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            view = _as_problems(pattern.callback)
            pattern.callback = _DOCS_POLICY(view) if pattern.name == "openapi-view" else view
    return patterns, app_name, namespace
