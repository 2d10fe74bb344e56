"""URLs to block and mute users, and the owner's lists (/users/<name>/blocked, …/muted)."""

from django.urls import path

from fichive.blocking import views

app_name = "blocking"

urlpatterns = [
    path("users/<str:username>/blocked", views.blocked_list, name="blocked"),
    path("users/<str:username>/muted", views.muted_list, name="muted"),
    *[path(f"users/<str:username>/{action}", views.confirm, {"action": action}, name=action)
      for action in views.ACTIONS],
]
