"""App config for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fichive.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The security log's receivers of log-in signals (and axes' lockout signal).
        from fichive.accounts import lockout  # noqa: F401
