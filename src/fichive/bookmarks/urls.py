"""URLs of the bookmarks app, in AO3's shapes."""

from django.urls import path

from fichive.bookmarks import views

app_name = "bookmarks"

urlpatterns = [
    path("bookmarks", views.bookmark_index, name="index"),
    path("bookmarks/<int:bookmark_id>", views.bookmark_detail, name="detail"),
    path("bookmarks/<int:bookmark_id>/edit", views.bookmark_edit, name="edit"),
    path("bookmarks/<int:bookmark_id>/delete", views.bookmark_delete, name="delete"),
    path("works/<int:work_id>/bookmarks", views.work_bookmarks, name="work-bookmarks"),
    path("works/<int:work_id>/bookmarks/new", views.bookmark_new, name="new"),
    path("series/<int:series_id>/bookmarks", views.series_bookmarks, name="series-bookmarks"),
    path("series/<int:series_id>/bookmarks/new", views.series_bookmark_new, name="series-new"),
    path("users/<str:username>/bookmarks", views.user_bookmarks, name="user-bookmarks"),
    path("users/<str:username>/pseuds/<str:pseud_name>/bookmarks", views.pseud_bookmarks,
         name="pseud-bookmarks"),
    path("external_works/new", views.external_work_new, name="external-new"),
    path("external_works/<int:external_work_id>", views.external_work_bookmarks,
         name="external-work"),
]
