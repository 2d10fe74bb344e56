"""URLs of the apppasswords app: the owner's page and revoking."""

from django.urls import path

from fichive.apppasswords import views

app_name = "apppasswords"

urlpatterns = [
    path("users/<str:username>/app-passwords", views.app_passwords, name="list"),
    path("users/<str:username>/app-passwords/<int:app_password_id>/revoke", views.revoke,
         name="revoke"),
]
