"""The error importers raise when a file cannot become a work."""

from __future__ import annotations


class ImportFailed(Exception):
    """A file could not be imported; ``str(error)`` is a one-line reason fit to show the user.

    Examples: "not UTF-8 or Windows-1252 text", "the file is empty". The reason names no way
    of fixing it that belongs to one surface: `field` names the import option that would fix
    it ("fandoms"), for the web form to mark that field and the command line to name its
    option.
    """

    def __init__(self, reason: str, *, field: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
