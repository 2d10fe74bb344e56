"""The inbox and notifications: what happened to your works and comments, on the site and
by mail, as each user's notification preferences say."""
from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "fichive.inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fichive.inbox.receivers import connect

        connect()
