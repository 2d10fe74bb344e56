"""The JSON API, version 1 (django-ninja): one NinjaAPI at /api/v1/ with its OpenAPI schema
(/api/v1/openapi.json) and docs page (/api/v1/docs, Swagger UI served from ninja's own static
files), one router every endpoint module adds its operations to, and what every answer
shares: problem details for errors (problems.py), ETag / If-None-Match on reads, rate limits
per address, account and token, and who the caller is.

Who the caller is: `Authorization: Bearer fichive_…` (a personal access token, services.py)
makes the request the token's user's, for this request only; without one, a browser's session
counts for reads (what the site would show that reader), and a guest reads what guests see.
Operations declare it with `auth=`: READ (anyone), MINE (the caller's own private things: a
token with the `read` scope, or a logged-in session), WRITE (a token with `write`), and
scoped(...) for the rest."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.log import log_response
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from fichive.api import problems
from fichive.api.services import token_check
from fichive.lib.ratelimit import RateLimit, RateLimited
from fichive.lib.securitylog import security_event

# Requests per address (and per account, for a logged-in reader), and per token: 120 a
# minute. Past it the answer is 429 problem JSON with Retry-After.
API_REQUESTS = RateLimit("fichive:api", limit=120, window=60, address_for_accounts=True)


class Refused(Exception):
    """An API request refused with `status` and `detail` (401, 403 …)."""

    def __init__(self, status: int, detail: str, *, type_: str = "about:blank") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type_ = type_


def _count(request: HttpRequest, token_id: int | None = None) -> None:
    keys = API_REQUESTS.keys_for_request(request)
    if token_id is not None:
        keys.append(f"{API_REQUESTS.prefix}:token:{token_id}")
    API_REQUESTS.hit_keys(keys)


class Bearer(HttpBearer):
    """A personal access token in `Authorization: Bearer`, optionally needing `scope`. A token
    that is sent and doesn't check out is refused (401), never read as a guest."""

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_check(token)
        if found is None:
            # Counted against the address like any request (a flood of guesses gets 429s),
            # and logged as app passwords' failures are.
            security_event("api_token_failed", request=request)
            _count(request)
            raise Refused(401, "That token isn't valid: it may be mistyped or revoked. "
                               "Make a new one in your account's settings.")
        user = found.user
        if not user.is_active or user.banned or not user.claimed:
            raise Refused(403, "This account can't use the API: it is banned, closed or "
                               "not yet claimed.")
        if self.scope and self.scope not in found.scope_set:
            raise Refused(403, f"This needs a token with the “{self.scope}” scope; this one "
                               f"has {', '.join(sorted(found.scope_set)) or 'none'}.",
                          type_=problems.SCOPE)
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        _count(request, found.pk)
        return user


def _no_bearer(request: HttpRequest) -> bool:
    return not request.headers.get("Authorization", "").lower().startswith("bearer")


def anyone(request: HttpRequest) -> Any:
    """A guest, or a logged-in browser session: what the site shows them (an AnonymousUser
    is truthy, so ninja takes it as authenticated)."""
    if not _no_bearer(request):
        return None
    _count(request)
    user = getattr(request, "user", None)
    return user if user is not None else AnonymousUser()


def session_user(request: HttpRequest) -> Any:
    """A logged-in browser session (reads of one's own things from the site's scripts)."""
    if not _no_bearer(request):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    _count(request)
    return user


READ: list[Any] = [Bearer(), anyone]
MINE: list[Any] = [Bearer("read"), session_user]
WRITE: list[Any] = [Bearer("write")]


def scoped(scope: str) -> list[Any]:
    return [Bearer(scope)]


class _Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class FichiveAPI(NinjaAPI):
    """NinjaAPI with ETags on successful reads and answers that vary by caller."""

    def create_response(self, request: HttpRequest, data: Any, *, status: int | None = None,
                        temporal_response: HttpResponse | None = None) -> HttpResponse:
        response = super().create_response(request, data, status=status,
                                           temporal_response=temporal_response)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = etag
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = "private, no-cache"
            wanted = request.headers.get("If-None-Match", "")
            if wanted and (wanted.strip() == "*"
                           or etag in [t.strip().removeprefix("W/") for t in wanted.split(",")]):
                not_modified = HttpResponse(status=304)
                for header in ("ETag", "Cache-Control", "Vary"):
                    not_modified[header] = response[header]
                return not_modified
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        """ninja's schema, with error answers described as what they are (problem details,
        application/problem+json, not application/json) and the token optional where it
        is."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Operations anyone may call (auth=READ) take a token but don't need one: the empty
        # requirement says so.
        token_optional = {self.get_openapi_operation_id(operation)
                          for router in self._get_bound_routers()
                          for view in router.path_operations.values()
                          for operation in view.operations
                          if anyone in (operation.auth_callbacks or ())}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if operation.get("operationId") in token_optional and operation.get("security"):
                    operation["security"] = [*operation["security"], {}]
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content") or {}
                    if str(status)[:1] in ("4", "5") and "application/json" in content:
                        answer["content"] = {
                            "application/problem+json": content["application/json"]}
        return schema


api = FichiveAPI(
    title="Fichive API",
    version="1",
    description=(
        "Read and write what a reader and an author can on this archive. Reads need no "
        "token; a personal access token (Authorization: Bearer fichive_…, made in your "
        "account's settings) reads as you, and with the `write` scope posts as you. Errors "
        "are RFC 9457 problem details. Listings page by `page` or by the opaque `cursor` "
        "of their `next` link."),
    urls_namespace="api",
    renderer=_Renderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
router = Router()


def _validation_field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in ("query", "body", "path", "form",
                                                          "header", "cookie", "file") else \
        [str(p) for p in loc]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]  # the body parameter's own name
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _ninja_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = _validation_field(tuple(error.get("loc", ())))
        errors.setdefault(field, []).append(str(error.get("msg", "invalid")))
    return problems.invalid(errors)


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problems.invalid(problems.field_errors(exc))


@api.exception_handler(Refused)
def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    response = problems.problem(exc.status, exc.detail, type_=exc.type_)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="Fichive"'
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problems.problem(401, "This needs a personal access token: send "
                                     "Authorization: Bearer fichive_… (make one in your "
                                     "account's settings).")
    response["WWW-Authenticate"] = 'Bearer realm="Fichive"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problems.problem(exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    detail = str(exc) if exc.args and isinstance(exc.args[0], str) else "Not found."
    return problems.problem(404, detail)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problems.problem(403, str(exc) or "You may not do that.")


@api.exception_handler(RateLimited)
def _too_many(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = problems.problem(429, exc.message, retry_after=exc.retry_after)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged and signalled as Django does with any view's (the test client re-raises
    it), answered as a problem instead of the site's HTML error page."""
    if settings.DEBUG:
        raise exc
    got_request_exception.send(sender=None, request=request)
    response = problems.problem(500, "Something went wrong on our side; it was logged. "
                                     "Please try again later.")
    log_response("Internal Server Error: %s", request.path, response=response,
                 request=request, exception=exc)
    return response


# The endpoint modules add their operations to `router` when imported.
from fichive.api.endpoints import (  # noqa: E402,F401
    catalog,
    community,
    me,
    moderation,
    posting,
    suggestions,
    works,
)

api.add_router("", router)
