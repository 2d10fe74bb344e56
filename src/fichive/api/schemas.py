"""Shapes shared by the API's answers, for the OpenAPI schema: problem details and paging."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import WithJsonSchema

# A page number as the schema documents it (pages start at 1; the listings check it).
PageNumber = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1})]


class Problem(Schema):
    """An error (RFC 9457): `errors` names each field of a request that failed validation."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None
    retry_after: int | None = None


# The error answers every operation may give, for `response=` of an operation.
ERRORS: dict[int, type[Schema]] = {400: Problem, 401: Problem, 403: Problem, 404: Problem,
                                   429: Problem}


def answers(ok: object, *, status: int = 200) -> dict[int, object]:
    """`response=` for an operation answering `ok` with `status`, or a problem."""
    return {status: ok, **ERRORS}


class Paging(Schema):
    """Where a page sits in its listing; `next`/`previous` are absolute URLs with a cursor."""

    total: int
    page: int
    pages: int
    per_page: int
    next: str | None
    previous: str | None
