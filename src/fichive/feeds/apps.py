"""App config for feeds (Atom feeds of tags, creators, series and searches)."""

from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "fichive.feeds"
    label = "feeds"
