"""App config for formats (importers now, exporters later)."""

from django.apps import AppConfig


class FormatsConfig(AppConfig):
    name = "fichive.formats"
    label = "formats"
