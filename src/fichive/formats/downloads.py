"""A work's download file for a visitor who may see it (views check with works.selectors
first): built by the exporters, and for the costly formats (PDF) kept in the cache under the
work's current version (lib/cache.py), so an edit, a chapter change or tag wrangling retires
it. The file doesn't depend on who asks, and only someone the selector let through ever gets
to the cache lookup, so a restricted work's file never reaches a guest."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from fichive.formats import exporters
from fichive.lib.cache import work_version
from fichive.works import selectors
from fichive.works.models import Work

logger = logging.getLogger(__name__)

PREFIX = "fichive:download"
CACHED_FORMATS = frozenset({"pdf"})  # seconds for a long work; the others take milliseconds


def download_file(*, work: Work, extension: str, site_url: str) -> tuple[bytes, str]:
    """The bytes of `work` (from works.selectors.work_for_viewer) as `extension`, and where
    they came from: "hit" (the cache), "miss" (built and stored) or "" (built)."""
    site_name = settings.FICHIVE_SITE_NAME

    def build() -> bytes:
        book = exporters.book_from_work(work, selectors.chapters_in_order(work),
                                        site_url=site_url, site_name=site_name)
        return exporters.export(book, extension)

    if extension not in CACHED_FORMATS or not settings.FICHIVE_PAGE_CACHE:
        return build(), ""
    site = hashlib.sha256(f"{site_url}\n{site_name}".encode()).hexdigest()[:16]
    try:
        version = work_version(work.pk)
        key = f"{PREFIX}:{extension}:{work.pk}:{site}:{version}"
        cached = cache.get(key) if version else None
    except Exception:  # the cache is down: build the file as if there were none
        logger.exception("The download cache couldn't be read")
        return build(), ""
    if isinstance(cached, bytes):
        return cached, "hit"
    data = build()
    if not version:
        return data, ""
    try:
        cache.set(key, data, settings.FICHIVE_PAGE_CACHE_SECONDS)
    except Exception:
        logger.exception("The download cache couldn't be written")
        return data, ""
    return data, "miss"
