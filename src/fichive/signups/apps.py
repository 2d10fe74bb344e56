"""The signups app: who may sign up (open, by invitation, closed), the invitation queue and
codes, users' requests for invitations for friends, and each account's acceptance of the
terms."""

from django.apps import AppConfig


class SignupsConfig(AppConfig):
    name = "fichive.signups"
    default_auto_field = "django.db.models.BigAutoField"
