"""The production WSGI application with hit counting switched off, for bench/hits.py to compare
against: guests served from the page cache are not counted (pages Django renders still are,
but the benchmark's repeat views never reach Django)."""

from __future__ import annotations

import fichive.wsgi

application = fichive.wsgi.application  # built first: Django is set up from here on

from fichive.lib.cache import guest_read  # noqa: E402
from fichive.readings.tracking import _cached_page_read  # noqa: E402

guest_read.disconnect(_cached_page_read)
