"""Reports, the moderation queue, hidden works, suspensions and bans, and the audit log."""
from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "fichive.moderation"
    default_auto_field = "django.db.models.BigAutoField"
