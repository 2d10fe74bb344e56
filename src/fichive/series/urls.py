"""URLs of series, in AO3's shapes (/series/<id>, /users/<name>/series)."""

from django.urls import path

from fichive.series import views

app_name = "series"

urlpatterns = [
    path("series/<int:series_id>", views.series_detail, name="detail"),
    path("series/<int:series_id>/edit", views.series_edit, name="edit"),
    path("series/<int:series_id>/manage", views.series_manage, name="manage"),
    path("series/<int:series_id>/works/<int:work_id>/remove", views.series_remove_work,
         name="remove-work"),
    path("series/<int:series_id>/delete", views.series_delete, name="delete"),
    path("users/<str:username>/series", views.user_series, name="user-series"),
]
