"""App config for the OPDS catalog (no models)."""

from django.apps import AppConfig


class OpdsConfig(AppConfig):
    name = "fichive.opds"
    label = "opds"
