"""Byte ranges of a response held in memory (RFC 9110 §14): reading apps resume an
interrupted download with `Range: bytes=N-`, and some ask for pieces of a file. One range
per request (several would need a multipart answer, which no reading app asks for); a
`Range` we can't read is ignored (the whole file, 200), one past the end gets 416."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse

_ONE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def with_byte_range(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """`response` (a complete 200 with its body in memory) as the part `Range` asks for:
    206 with Content-Range, 416 for a range outside the file, or unchanged. Always says
    `Accept-Ranges: bytes`. An `If-Range` that doesn't match the ETag or Last-Modified
    gets the whole file."""
    response["Accept-Ranges"] = "bytes"
    asked = request.META.get("HTTP_RANGE", "").strip().replace(" ", "")
    if request.method != "GET" or response.status_code != 200 or not asked:
        return response
    if_range = request.META.get("HTTP_IF_RANGE")
    if if_range and if_range not in (response.get("ETag"), response.get("Last-Modified")):
        return response
    match = _ONE_RANGE.match(asked)
    if match is None or match.groups() == ("", ""):
        return response
    body = response.content
    size = len(body)
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return response  # not a valid range: ignored
    if start >= size or size == 0:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        refused["Accept-Ranges"] = "bytes"
        return refused
    response.content = body[start:end + 1]
    response.status_code = 206
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
