"""How the archive names its static files: `fichive setup` (collectstatic) writes each file
under a name that carries a hash of its content, with gzip and brotli copies beside it, and
pages link those names, so WhiteNoise can tell browsers to keep them for a year.

Before collectstatic has run (a fresh checkout, the test suite) or for a file the manifest
doesn't know, pages link the plain name instead, which WhiteNoise serves from the app's own
static folder with a short max-age: a page never fails or links a file that isn't there.

A deploy (collectstatic again) adds the new hashed names and leaves the old ones on disk, so
pages stored before it (the guests' page cache) still find their stylesheets and scripts.
"""

from __future__ import annotations

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

__all__ = ["ArchiveStaticFilesStorage"]

logger = logging.getLogger(__name__)


class ArchiveStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed and compressed storage, linking a file's plain name where the
    manifest (staticfiles.json in STATIC_ROOT) has no entry for it."""

    # Strict: a name missing from the manifest raises (and we fall back below) rather than
    # hashing whatever file STATIC_ROOT holds under that name, whose hashed copy may never
    # have been written (a STATIC_ROOT collected by an older, unhashed setup).
    manifest_strict = True
    _warned = False

    def url(self, name: str | None, force: bool = False) -> str:
        """The file's URL, worked out once per process (the manifest only changes with a
        deploy, which restarts the server)."""
        if force or not name:
            return super().url(name, force)
        kept = self.__dict__.setdefault("_kept_urls", {})
        found = kept.get(name)
        if found is None:
            found = kept[name] = super().url(name)
        return found

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            if not ArchiveStaticFilesStorage._warned:
                ArchiveStaticFilesStorage._warned = True
                logger.warning("No hashed name for static file %r: linking its plain name "
                               "(run `fichive setup` to collect static files)", name)
            return name
