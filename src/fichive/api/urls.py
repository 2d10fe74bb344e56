"""URLs of the JSON API: version 1 (django-ninja, api/v1.py), under the namespace "api", and
AO3's archivist import API, version 2 (api/archivist.py: AO3's paths and shapes)."""

from django.urls import path, re_path

from fichive.api import archivist
from fichive.api.v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v2/works(?:\.json)?$", archivist.works_create, name="api2-works"),
    re_path(r"^api/v2/works/search(?:\.json)?$", archivist.works_search,
            name="api2-works-search"),
]
