"""Every error the API answers, in one shape: RFC 9457 problem details (`type`, `title`,
`status`, `detail`), plus `errors` ({field: [messages]}) for a request that failed validation
and `retry_after` for a 429. Served as application/problem+json, never cached."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse

# The problem types that carry more than their status says; the rest are "about:blank".
VALIDATION = "/api/v1/problems#validation"
SCOPE = "/api/v1/problems#scope"
# An address holding a NUL character (%00), refused before any operation (lib/requestguard.py).
NUL = "/api/v1/problems#nul"


def problem(status: int, detail: str, *, title: str | None = None, type_: str = "about:blank",
            errors: dict[str, list[str]] | None = None, **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"type": type_, "title": title or HTTPStatus(status).phrase,
                            "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                            content_type="application/problem+json")
    response["Cache-Control"] = "private, no-store"
    return response


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as {field: [messages]}; errors of no field under
    "__all__"."""
    if hasattr(exc, "error_dict"):
        return {name: [m for error in errors for m in error.messages]
                for name, errors in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


def invalid(errors: dict[str, list[str]], detail: str | None = None) -> HttpResponse:
    """400: the request failed validation; `errors` names each field and what was wrong."""
    if detail is None:
        first = next(iter(errors.items()), ("", [""]))
        where = "" if first[0] in ("", "__all__") else f"{first[0]}: "
        detail = where + (first[1][0] if first[1] else "invalid")
    return problem(400, detail, title="Invalid request", type_=VALIDATION, errors=errors)
