"""What readers read: history, Marked for Later, and hits (buffered, written in batches)."""
from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "fichive.readings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Counts guests served a work's page from the cache (lib/cache.py's guest_read).
        from fichive.readings import tracking  # noqa: F401
