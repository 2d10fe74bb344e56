"""URLs of the editable pages: /about, /tos, /faq and their admin edit pages."""

from django.urls import path

from fichive.pages import views

app_name = "pages"

urlpatterns = [
    path("about", views.show, {"slug": "about"}, name="about"),
    path("tos", views.show, {"slug": "tos"}, name="tos"),
    path("faq", views.show, {"slug": "faq"}, name="faq"),
    path("admin/pages/<slug:slug>", views.edit, name="edit"),
]
