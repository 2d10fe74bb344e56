"""URLs for tag pages; tag names in URLs are escaped the AO3 way (see tag_to_url)."""

from django.urls import path

from fichive.tags import views

app_name = "tags"

urlpatterns = [
    path("tags/<str:tag_name>/works", views.tag_works, name="works"),
]
