"""App config for search: SQLite connections get the functions the index's triggers call."""

from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        from fichive.search.backends import sqlite

        sqlite.register_functions(connection.connection)


class SearchConfig(AppConfig):
    name = "fichive.search"
    label = "search"

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions,
                                   dispatch_uid="fichive.search.sqlite_functions")
