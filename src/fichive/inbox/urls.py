"""URLs of the inbox app."""

from django.urls import path  # noqa: F401

app_name = "inbox"

urlpatterns: list = []
