"""The apppasswords app: named passwords reading apps (e-readers, feed readers) send with HTTP
Basic, which open the catalog, feed and download endpoints and nothing else."""

from django.apps import AppConfig


class AppPasswordsConfig(AppConfig):
    name = "fichive.apppasswords"
    label = "apppasswords"
    default_auto_field = "django.db.models.BigAutoField"
