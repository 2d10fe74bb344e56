"""URLs of the report form, the moderation queue and log, and the moderator role page."""

from django.urls import path

from fichive.moderation import views

app_name = "moderation"

urlpatterns = [
    path("report/<str:kind>/<int:pk>", views.report_new, name="report-new"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/reports/<int:report_id>", views.report_detail, name="report"),
    path("moderation/works/<int:work_id>", views.work_moderate, name="work"),
    path("moderation/users/<str:username>", views.user_moderate, name="user"),
    path("moderation/log", views.log, name="log"),
    path("admin/moderators", views.moderators, name="moderators"),
]
