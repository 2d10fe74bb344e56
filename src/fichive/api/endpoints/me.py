"""API: the caller's own things: who they are, their reading history and preferences."""

from __future__ import annotations

from fichive.api.v1 import router  # noqa: F401
