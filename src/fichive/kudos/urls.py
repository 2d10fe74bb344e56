"""URLs of the kudos app."""

from django.urls import path  # noqa: F401

app_name = "kudos"

urlpatterns: list = []
