"""Search pages: people, tags and the query language's help (works: /works/search)."""

from django.urls import path

from fichive.search import views

app_name = "search"

urlpatterns = [
    path("search/help", views.search_help, name="help"),
    path("people/search", views.people_search, name="people"),
    path("tags/search", views.tags_search, name="tags"),
]
