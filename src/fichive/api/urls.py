"""URLs of the JSON API: version 1 (django-ninja, api/v1.py) under the namespace "api", its
answers to unknown addresses and methods as problem details, the owner's personal access
tokens page, and AO3's archivist import API, version 2 (api/archivist.py: AO3's paths and
shapes)."""

from django.urls import path, re_path

from fichive.api import archivist, views
from fichive.api.v1 import api

urlpatterns = [
    path("api/v1/", views.answering_problems(api.urls)),
    # After the operations: any other address under /api/v1/ is a 404 problem (line breaks
    # in it too).
    re_path(r"^api/v1/(?P<rest>[\s\S]*)\Z", views.api_not_found),
    re_path(r"^api/v2/works(?:\.json)?$", archivist.works_create, name="api2-works"),
    re_path(r"^api/v2/works/search(?:\.json)?$", archivist.works_search,
            name="api2-works-search"),
    path("users/<str:username>/api-tokens", views.tokens, name="api-tokens"),
    path("users/<str:username>/api-tokens/<int:token_id>/revoke", views.revoke,
         name="api-token-revoke"),
]
