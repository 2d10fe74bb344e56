"""The blocking app: users a reader blocks (they can't reach them) or mutes (never sees)."""

from django.apps import AppConfig


class BlockingConfig(AppConfig):
    name = "fichive.blocking"
    default_auto_field = "django.db.models.BigAutoField"
