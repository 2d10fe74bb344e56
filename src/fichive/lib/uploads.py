"""Upload size limits, refused early: a request whose Content-Length is over the limit is
answered 413 before any of it is read (RequestTooLargeMiddleware), and a file is cut off as
soon as its bytes pass FICHIVE_MAX_UPLOAD_MB while it streams in (SizeLimitUploadHandler,
first of FILE_UPLOAD_HANDLERS), so nothing larger is ever written to memory or disk.

The limit is settings.FICHIVE_MAX_UPLOAD_MB for one file; a request may be larger by
UPLOAD_FORM_BYTES (the form's other fields and the multipart framing). A reverse proxy in
front should allow the same: `client_max_body_size` of the limit plus one megabyte.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Room for the form's other fields and the multipart framing around the file.
UPLOAD_FORM_BYTES = 1024 * 1024


def max_upload_bytes() -> int:
    """The largest file one upload may carry."""
    return int(settings.FICHIVE_MAX_UPLOAD_MB) * 1024 * 1024


def max_request_bytes() -> int:
    """The largest request body accepted: a file of the limit and its form."""
    return max(max_upload_bytes() + UPLOAD_FORM_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def too_large_message() -> str:
    return (f"That upload is larger than {settings.FICHIVE_MAX_UPLOAD_MB} MB, the most this "
            "archive takes. Split it into smaller files (a zip of fewer stories, say) and "
            "upload each.")


def too_large(request: HttpRequest) -> HttpResponse:
    """The 413 answer: a readable page (problem JSON under /api/)."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = HttpResponse(
            json.dumps({"type": "about:blank", "title": "Content Too Large", "status": 413,
                        "detail": too_large_message()}),
            content_type="application/problem+json", status=413)
    else:
        response = render(request, "error.html", {"heading": "Upload too large",
                                                  "message": too_large_message()},
                          status=413)
    # The body was not read: the client must not send another request on this connection.
    response["Connection"] = "close"
    return response


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestTooLargeMiddleware:
    """Answers 413 to a request whose Content-Length is over max_request_bytes(), before
    anything (the CSRF check, a view) reads its body."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > max_request_bytes():
            return too_large(request)
        return self.get_response(request)


class SizeLimitUploadHandler(FileUploadHandler):
    """Passes uploaded data on to the next handlers until a file (or all files of the
    request together) passes the limit, then stops the upload: the file is dropped,
    nothing more of it is stored, and `request.upload_too_large` is set for the view to
    say so (upload_refused)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_refused(request: HttpRequest) -> str:
    """The message for a form when this request's upload was cut off, else ""."""
    request.FILES  # noqa: B018 - reads the body now if nothing has (the CSRF check did not)
    return too_large_message() if getattr(request, "upload_too_large", False) else ""
