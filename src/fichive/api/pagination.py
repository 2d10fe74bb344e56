"""Paging API listings two ways: by `page` number, as the site's listings do, and by an opaque
`cursor` that each page's `next` and `previous` links carry (absolute URLs with every other
query parameter kept), so a client can walk a listing without building URLs."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.http import HttpRequest, QueryDict


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The position a cursor holds (ValidationError naming `cursor` if it is not one of
    ours)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        position = None
    if not isinstance(position, dict):
        raise ValidationError({"cursor": "That cursor isn't one this API gave out: follow a "
                                         "listing's next link, or start without one."})
    return position


def page_number(request: HttpRequest, page: int | None = None) -> int:
    """The page a request asks for: its cursor's, else `page` (or ?page=), else 1. A `page`
    below 1 is refused even beside a cursor (the cursor would win, but the request is
    wrong)."""
    if page is not None and page < 1:
        raise ValidationError({"page": "Pages start at 1."})
    cursor = request.GET.get("cursor")
    if cursor:
        number = decode_cursor(cursor).get("page")
        if not isinstance(number, int) or number < 1:
            raise ValidationError({"cursor": "That cursor isn't one this API gave out."})
        return number
    if page is None:
        raw = request.GET.get("page", "1")
        try:
            page = int(raw)
        except ValueError:
            raise ValidationError({"page": "Give a page number (1, 2 …)."}) from None
    if page < 1:
        raise ValidationError({"page": "Pages start at 1."})
    return page


def link(request: HttpRequest, **position: Any) -> str:
    """This request's absolute URL with `cursor` set to `position` (and `page` dropped)."""
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    query["cursor"] = encode_cursor(position)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


def links(request: HttpRequest, page: Page) -> dict[str, str | None]:
    """`next` and `previous` links of a numbered page (None at either end)."""
    return {
        "next": link(request, page=page.number + 1) if page.has_next() else None,
        "previous": link(request, page=page.number - 1) if page.has_previous() else None,
    }
