"""Requests no page here can answer, refused in one place before any view runs: an address
(path or query string) holding a NUL character, which PostgreSQL can't store or compare in
text (it would fail as a database error deep in a listing, a tag page or the API)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL_REFUSED = "This address holds a NUL character (%00), which nothing here accepts."


class RefuseNulMiddleware:
    """Answer 400 with a plain message to a request whose path or query string holds NUL
    (problem details under /api/v1/, as every answer of the JSON API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        # (a query string decodes to NUL only from "%00", or a raw NUL)
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            if request.path.startswith("/api/v1/"):
                from fichive.api import problems  # (the API's one shape of error)

                return problems.problem(400, NUL_REFUSED, type_=problems.NUL)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
