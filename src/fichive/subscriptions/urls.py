"""URLs of the subscriptions app (AO3's shapes: /users/<name>/subscriptions)."""

from django.urls import path

from fichive.subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("users/<str:username>/subscriptions", views.subscriptions, name="list"),
    path("users/<str:username>/subscriptions/<int:subscription_id>/delete",
         views.unsubscribe, name="delete"),
]
