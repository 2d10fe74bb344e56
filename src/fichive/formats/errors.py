"""The error importers raise when a file cannot become a work."""

from __future__ import annotations


class ImportFailed(Exception):
    """A file could not be imported; ``str(error)`` is a one-line reason fit to show the user.

    Examples: "not UTF-8 or Windows-1252 text", "the file is empty".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
