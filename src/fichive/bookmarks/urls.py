"""URLs of the bookmarks app."""

from django.urls import path  # noqa: F401

app_name = "bookmarks"

urlpatterns: list = []
