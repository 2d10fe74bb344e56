"""Requests no page here can answer, refused in one place before any view runs: an address
(path or query string) holding a NUL character, which PostgreSQL can't store or compare in
text (it would fail as a database error deep in a listing, a tag page or the API)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RefuseNulMiddleware:
    """Answer 400 with a plain message to a request whose path or query string holds NUL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        # (a query string decodes to NUL only from "%00", or a raw NUL)
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest(
                "This address holds a NUL character (%00), which nothing here accepts.",
                content_type="text/plain; charset=utf-8")
        return self.get_response(request)
