"""URLs of the comments app, in AO3's shapes."""

from django.urls import path

from fichive.comments import views

app_name = "comments"

urlpatterns = [
    path("works/<int:work_id>/comments", views.work_comments, name="work"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/comments", views.chapter_comments,
         name="chapter"),
    path("comments", views.comment_create, name="create"),
    path("comments/<int:comment_id>", views.comment_detail, name="detail"),
    path("comments/<int:comment_id>/edit", views.comment_edit, name="edit"),
    path("comments/<int:comment_id>/delete", views.comment_delete, name="delete"),
    path("comments/<int:comment_id>/freeze", views.comment_freeze, name="freeze"),
    path("comments/<int:comment_id>/unfreeze", views.comment_unfreeze, name="unfreeze"),
    path("comments/<int:comment_id>/hide", views.comment_hide, name="hide"),
    path("comments/<int:comment_id>/unhide", views.comment_unhide, name="unhide"),
    path("comments/<int:comment_id>/approve", views.comment_approve, name="approve"),
]
