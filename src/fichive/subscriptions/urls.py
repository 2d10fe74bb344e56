"""URLs of the subscriptions app."""

from django.urls import path  # noqa: F401

app_name = "subscriptions"

urlpatterns: list = []
