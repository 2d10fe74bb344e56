"""App config for tags."""

from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "fichive.tags"
    label = "tags"
