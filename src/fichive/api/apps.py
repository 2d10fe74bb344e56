"""App config for the API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fichive.api"
    label = "api"
