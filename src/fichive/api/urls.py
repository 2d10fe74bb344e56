"""URLs of the JSON API: version 1 (django-ninja, api/v1.py), under the namespace "api"."""

from django.urls import path

from fichive.api.v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
]
