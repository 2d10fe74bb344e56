"""App config for works."""

from django.apps import AppConfig


class WorksConfig(AppConfig):
    name = "fichive.works"
    label = "works"
