"""A suspended or banned user's refused action (accounts.services.AccountRestricted, raised
by the posting services) answers with a page that says why, wherever the view did not show
it on its own form."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fichive.accounts.services import AccountRestricted


class AccountRestrictedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AccountRestricted):
            return render(request, "error.html", {
                "heading": "Your account can't do that now",
                "message": " ".join(exception.messages),
            }, status=403)
        return None
