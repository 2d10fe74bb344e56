"""URLs of sign-ups: the invitation queue, the admins' page, users' invitations."""

from django.urls import path

from fichive.signups import views

app_name = "signups"

urlpatterns = [
    path("invite_requests", views.queue, name="queue"),
    path("invite_requests/status", views.queue_status, name="queue-status"),
    path("admin/signups", views.admin, name="admin"),
    path("users/<str:username>/invitations", views.user_invitations, name="user-invitations"),
    path("users/<str:username>/invitations/request", views.invitation_request,
         name="invitation-request"),
]
