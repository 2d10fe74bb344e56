"""API: series, tags (with synonyms, parents, meta and sub tags, visible use counts), media and
the fandom index, pseuds and users' public profiles and works."""

from __future__ import annotations

from fichive.api.v1 import router  # noqa: F401
