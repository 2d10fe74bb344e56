"""URLs of the readings app (AO3's shapes)."""

from django.urls import path

from fichive.readings import views

app_name = "readings"

urlpatterns = [
    path("users/<str:username>/readings", views.reading_list, name="list"),
    path("users/<str:username>/readings/clear", views.readings_clear, name="clear"),
    path("users/<str:username>/readings/<int:reading_id>/delete", views.reading_delete,
         name="delete"),
    path("works/<int:work_id>/mark_for_later", views.mark_for_later, name="mark-for-later"),
    path("works/<int:work_id>/mark_as_read", views.mark_as_read, name="mark-as-read"),
]
