"""URLs for tag pages, the fandom index and wrangling; tag names in URLs are escaped the AO3
way (see tag_to_url). The fixed paths come before `tags/<name>` so they win."""

from django.urls import path

from fichive.tags import views

app_name = "tags"

urlpatterns = [
    path("tags/autocomplete", views.autocomplete, name="autocomplete"),
    path("tags/suggestions", views.suggestions, name="suggestions"),
    path("tags/wrangling", views.wrangling_index, name="wrangling"),
    path("tags/wrangling/log", views.wrangling_log, name="wrangling-log"),
    path("tags/wrangling/unwrangled-works", views.wrangling_works, name="wrangling-works"),
    path("tags/wrangling/<str:fandom>", views.wrangling_fandom, name="wrangling-fandom"),
    path("tags/<str:tag_name>", views.tag_detail, name="detail"),
    path("tags/<str:tag_name>/edit", views.tag_edit, name="edit"),
    path("media", views.media_index, name="media"),
    path("preferences/excluded-tags", views.exclusions, name="exclusions"),
    path("media/<slug:category>/fandoms", views.media_fandoms, name="media-fandoms"),
]
