from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "fichive.inbox"
    default_auto_field = "django.db.models.BigAutoField"
