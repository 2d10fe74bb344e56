"""Tag pages: what a tag is and how it is wrangled (its works listing lives in works.views)."""

from __future__ import annotations
