"""The WSGI entry point served by `fichive serve` (gunicorn): Django, behind the guests' page
cache fast path (fichive/lib/cache.py), which answers cookie-less guests' repeat views; hits
and history are flushed in the background and at exit (fichive/readings/buffer.py)."""

import os

from django.core.wsgi import get_wsgi_application

from fichive.lib.cache import guests_fast_path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
application = guests_fast_path(get_wsgi_application())

from fichive.readings.buffer import flush_in_background  # noqa: E402 - needs the apps loaded

flush_in_background()
