"""URLs of the Atom feeds, beside the pages they follow (AO3's /tags/<name>/feed.atom)."""

from django.urls import path

from fichive.feeds import views

app_name = "feeds"

urlpatterns = [
    path("tags/<str:tag_name>/feed.atom", views.tag_feed, name="tag"),
    path("users/<str:username>/works/feed.atom", views.user_feed, name="user"),
    path("series/<int:series_id>/feed.atom", views.series_feed, name="series"),
    path("works/search/feed.atom", views.search_feed, name="search"),
]
