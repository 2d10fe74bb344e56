"""URLs of the inbox app (AO3's shape: /users/<name>/inbox)."""

from django.urls import path

from fichive.inbox import views

app_name = "inbox"

urlpatterns = [
    path("users/<str:username>/inbox", views.inbox, name="list"),
    path("users/<str:username>/inbox/<int:item_id>", views.item_action, name="item"),
    path("users/<str:username>/inbox/<int:item_id>/reply", views.reply, name="reply"),
]
