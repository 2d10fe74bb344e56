"""API: posting, editing and deleting works and chapters, through the same services as the forms."""

from __future__ import annotations

from fichive.api.v1 import router  # noqa: F401
