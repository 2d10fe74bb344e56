from django.apps import AppConfig


class BookmarksConfig(AppConfig):
    name = "fichive.bookmarks"
    default_auto_field = "django.db.models.BigAutoField"
