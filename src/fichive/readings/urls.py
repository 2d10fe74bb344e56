"""URLs of the readings app."""

from django.urls import path  # noqa: F401

app_name = "readings"

urlpatterns: list = []
