"""API: kudos, comments (threaded), bookmarks, subscriptions, Marked for Later and the inbox:
reads and writes."""

from __future__ import annotations

from fichive.api.v1 import router  # noqa: F401
