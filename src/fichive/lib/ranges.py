"""Byte ranges of a response held in memory or of a file on disk (RFC 9110 §14): reading
apps resume an interrupted download with `Range: bytes=N-`, and some ask for pieces of a
file. One range
per request (several would need a multipart answer, which no reading app asks for); a
`Range` we can't read is ignored (the whole file, 200), one past the end gets 416."""

from __future__ import annotations

import re
from typing import BinaryIO, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

_ONE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Files from this size up are streamed from disk (FileResponse: the server's sendfile, no
# copy in memory); smaller ones are read and sent in one piece, as a page is.
STREAM_FROM_BYTES = 256 * 1024


def _range_asked(request: HttpRequest, size: int, *, etag: str | None,
                 last_modified: str | None) -> tuple[int, int] | Literal[False] | None:
    """The (start, end) byte range a GET asks for in a file of `size` bytes; None for the
    whole file (no Range, one we can't read, or an If-Range that doesn't match); False for a
    range outside the file (416)."""
    asked = request.META.get("HTTP_RANGE", "").strip().replace(" ", "")
    if request.method != "GET" or not asked:
        return None
    if_range = request.META.get("HTTP_IF_RANGE")
    if if_range and if_range not in (etag, last_modified):
        return None
    match = _ONE_RANGE.match(asked)
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return None  # not a valid range: ignored
    if start >= size or size == 0:
        return False
    return start, end


def _not_satisfiable(size: int) -> HttpResponse:
    refused = HttpResponse(status=416)
    refused["Content-Range"] = f"bytes */{size}"
    refused["Accept-Ranges"] = "bytes"
    return refused


def with_byte_range(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """`response` (a complete 200 with its body in memory) as the part `Range` asks for:
    206 with Content-Range, 416 for a range outside the file, or unchanged. Always says
    `Accept-Ranges: bytes`. An `If-Range` that doesn't match the ETag or Last-Modified
    gets the whole file."""
    response["Accept-Ranges"] = "bytes"
    if response.status_code != 200:
        return response
    body = response.content
    size = len(body)
    asked = _range_asked(request, size, etag=response.get("ETag"),
                         last_modified=response.get("Last-Modified"))
    if asked is None:
        return response
    if asked is False:
        return _not_satisfiable(size)
    start, end = asked
    response.content = body[start:end + 1]
    response.status_code = 206
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def file_with_byte_range(request: HttpRequest, file: BinaryIO, *, size: int,
                         content_type: str, etag: str) -> HttpResponseBase:
    """A file on disk (open for reading; closed here or by the response) answered whole (a
    FileResponse streamed from disk from STREAM_FROM_BYTES up, else read at once), or the
    part `Range` asks for (206, read into memory), or 416; with `ETag` (which If-Range
    compares) and `Accept-Ranges: bytes`."""
    quoted = f'"{etag}"'
    asked = _range_asked(request, size, etag=quoted, last_modified=None)
    response: HttpResponseBase
    if asked is False:
        file.close()
        return _not_satisfiable(size)
    if asked is None and size >= STREAM_FROM_BYTES:
        response = FileResponse(file, content_type=content_type)
        response["Content-Length"] = str(size)
    elif asked is None:
        with file:
            response = HttpResponse(file.read(), content_type=content_type)
    else:
        start, end = asked
        with file:
            file.seek(start)
            part = file.read(end - start + 1)
        response = HttpResponse(part, content_type=content_type, status=206)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["ETag"] = quoted
    response["Accept-Ranges"] = "bytes"
    return response
