"""Logging filters: a refused request (403, 404, 400 …) is one line in the log, not a
traceback; tracebacks stay for the errors that are the archive's fault (5xx)."""

from __future__ import annotations

import logging


class NoTracebackForClientErrors(logging.Filter):
    """Drop the exception from django.request's records of 4xx responses. Django logs a
    PermissionDenied (or a bad request) with its exception attached, which prints a
    traceback for what is only a visitor asking for something they may not have."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
