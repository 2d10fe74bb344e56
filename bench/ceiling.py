"""The throughput ceiling for the chapter page: a bare WSGI app that answers every request with
the bytes (and content type) of a real chapter page, served by the same gunicorn command line
as `fichive serve`. bench/run.py points FICHIVE_BENCH_BODY at the saved page."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

BODY = Path(os.environ.get("FICHIVE_BENCH_BODY", "/dev/null")).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
