"""Guests who follow a link to a restricted work are sent to log in (AO3's answer), not shown
a bare 404: whichever view read the work through works.selectors.work_for_viewer."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from fichive.works.selectors import RestrictedWork

RESTRICTED_MESSAGE = "This work is only available to registered users of the archive."


class RestrictedWorkLoginMiddleware:
    """Turns `RestrictedWork` into the login page with `next=` and AO3's message. Placed
    after MessageMiddleware, so the message reaches the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest,
                          exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RestrictedWork):
            return None
        if "application/json" in request.headers.get("Accept", ""):
            return None  # a script's request (kudos.js) keeps its 404
        messages.error(request, RESTRICTED_MESSAGE)
        # A form's POST (kudos, a comment) comes back to the page it was sent from.
        target = request.get_full_path() if request.method in {"GET", "HEAD"} else (
            _same_site_referer(request) or request.path)
        return redirect_to_login(target)


def _same_site_referer(request: HttpRequest) -> str | None:
    """The path of the page a form was posted from, when it is one of this site's."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None
