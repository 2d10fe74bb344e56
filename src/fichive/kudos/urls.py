"""URLs of the kudos app: one address per work, GET lists the kudos and POST leaves them."""

from django.urls import path

from fichive.kudos import views

app_name = "kudos"

urlpatterns = [
    path("works/<int:work_id>/kudos", views.kudos, name="leave"),
    path("works/<int:work_id>/kudos", views.kudos, name="list"),
]
