"""One-line text a person typed (titles, names, tag names) as we store it: whitespace
collapsed, and the characters XML can't hold (controls, U+FFFE, U+FFFF, lone surrogates) left
out, so the text goes into every page, feed and download as it is."""

from __future__ import annotations

import re

__all__ = ["one_line"]

# What lib/sanitize.py drops from HTML, but for the controls str.split() already treats as
# whitespace (\t \n \v \f \r and \x1c-\x1f), which separate words here.
_UNSTORABLE = re.compile("[\x00-\x08\x0e-\x1b\x7f\ud800-\udfff\ufffe\uffff]")


def one_line(value: str | None) -> str:
    """`value` on one line: runs of whitespace one space, no control characters, stripped."""
    return " ".join(_UNSTORABLE.sub("", value or "").split())
