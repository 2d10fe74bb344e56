"""Site-wide error pages that say what happened, never a traceback."""

import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fichive.lib.dbbusy import busy_response, is_busy


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error.html", {
        "heading": "Page not found",
        "message": "We couldn't find that page. It may have been deleted, or you may need to "
                   "log in to see it.",
    }, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error.html", {
        "heading": "Not allowed",
        "message": str(exception) if exception and str(exception)
        else "You don't have permission to do that.",
    }, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # A database too busy to answer, raised outside a view (a middleware saving the session):
    # the same 503 page as DatabaseBusyMiddleware gives views.
    if is_busy(sys.exc_info()[1] or Exception()):
        return busy_response(request)
    return render(request, "error.html", {
        "heading": "Something went wrong",
        "message": "The archive hit an error. Nothing you did was lost; please try again.",
    }, status=500)
