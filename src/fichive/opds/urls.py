"""URLs of the OPDS catalog: OPDS 1.2 (Atom) under /opds/, OPDS 2.0 (JSON) under /opds/v2/,
the same feeds in both."""

from django.urls import path

from fichive.opds import views

app_name = "opds"


def _feeds(prefix: str, name_prefix: str, version: int) -> list:
    kwargs = {"version": version}
    return [
        path(f"{prefix}", views.root, kwargs, name=f"{name_prefix}root"),
        path(f"{prefix}works", views.works, kwargs, name=f"{name_prefix}works"),
        path(f"{prefix}search", views.search, kwargs, name=f"{name_prefix}search"),
        path(f"{prefix}fandoms", views.media, kwargs, name=f"{name_prefix}media"),
        path(f"{prefix}fandoms/<slug:slug>", views.media_fandoms, kwargs,
             name=f"{name_prefix}media-fandoms"),
        path(f"{prefix}tags/<str:tag_name>", views.tag, kwargs, name=f"{name_prefix}tag"),
        path(f"{prefix}tags/<str:tag_name>/works", views.tag_works, kwargs,
             name=f"{name_prefix}tag-works"),
        path(f"{prefix}me/later", views.me_later, kwargs, name=f"{name_prefix}me-later"),
        path(f"{prefix}me/history", views.me_history, kwargs, name=f"{name_prefix}me-history"),
        path(f"{prefix}me/subscriptions", views.me_subscriptions, kwargs,
             name=f"{name_prefix}me-subscriptions"),
        path(f"{prefix}me/bookmarks", views.me_bookmarks, kwargs,
             name=f"{name_prefix}me-bookmarks"),
        path(f"{prefix}opensearch.xml", views.opensearch, kwargs,
             name=f"{name_prefix}opensearch"),
    ]


urlpatterns = [*_feeds("opds/v2/", "v2-", 2), *_feeds("opds/", "", 1)]
