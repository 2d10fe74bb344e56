"""The pages app: the archive's About, Terms of Service and FAQ pages, whose text admins edit."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "fichive.pages"
    default_auto_field = "django.db.models.BigAutoField"
