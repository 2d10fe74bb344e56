"""URLs of the gifts app (AO3's shape: /users/<name>/gifts)."""

from django.urls import path

from fichive.gifts import views

app_name = "gifts"

urlpatterns = [
    path("users/<str:username>/gifts", views.user_gifts, name="list"),
    path("users/<str:username>/gifts/<int:gift_id>/refuse", views.gift_refuse, name="refuse"),
]
