from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "fichive.recommendations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fichive.recommendations.receivers import connect

        connect()
