from django.apps import AppConfig


class KudosConfig(AppConfig):
    name = "fichive.kudos"
    default_auto_field = "django.db.models.BigAutoField"
