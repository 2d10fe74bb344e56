"""The series app: works grouped and ordered by their creators (AO3's series)."""

from django.apps import AppConfig


class SeriesConfig(AppConfig):
    name = "fichive.series"
    default_auto_field = "django.db.models.BigAutoField"
