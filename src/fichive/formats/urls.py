"""URLs of the formats app: downloads, in AO3's shape."""

from django.urls import path

from fichive.formats import views

app_name = "formats"

urlpatterns = [
    path("downloads/<int:work_id>/<str:filename>", views.download, name="download"),
]
