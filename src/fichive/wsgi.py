"""The WSGI entry point served by `fichive serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fichive.settings")
application = get_wsgi_application()
