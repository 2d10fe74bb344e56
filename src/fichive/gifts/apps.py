"""The gifts app: works given to archive users or to any name."""

from django.apps import AppConfig


class GiftsConfig(AppConfig):
    name = "fichive.gifts"
    default_auto_field = "django.db.models.BigAutoField"
