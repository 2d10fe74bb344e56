from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "fichive.comments"
    default_auto_field = "django.db.models.BigAutoField"
