"""URLs of the JSON API, version 1."""

from django.urls import path

from fichive.api import views

app_name = "api"

urlpatterns = [
    path("api/v1/works", views.work_list, name="works"),
    path("api/v1/works/<int:work_id>", views.work_detail, name="work"),
    path("api/v1/works/<int:work_id>/chapters/<int:position>", views.chapter_detail,
         name="chapter"),
]
