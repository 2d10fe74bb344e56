"""URLs of the stats app (AO3's shape: /users/<name>/stats)."""

from django.urls import path

from fichive.stats import views

app_name = "stats"

urlpatterns = [
    path("users/<str:username>/stats", views.stats, name="index"),
    path("users/<str:username>/stats.csv", views.stats_csv, name="csv"),
]
