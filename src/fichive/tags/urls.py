"""URLs for tag pages; tag names in URLs are escaped the AO3 way (see tag_to_url)."""

from django.urls import URLPattern

app_name = "tags"

urlpatterns: list[URLPattern] = []
