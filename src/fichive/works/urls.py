"""URLs for works and chapters, in AO3's shapes."""

from django.urls import path

from fichive.works import views

app_name = "works"

urlpatterns = [
    path("works", views.work_index, name="index"),
    path("works/new", views.work_new, name="new"),
    path("works/search", views.work_search, name="search"),
    path("works/<int:work_id>", views.work_detail, name="detail"),
    path("works/<int:work_id>/navigate", views.work_navigate, name="navigate"),
    path("works/<int:work_id>/adult_content", views.adult_always, name="adult-always"),
    path("works/<int:work_id>/edit", views.work_edit, name="edit"),
    path("works/<int:work_id>/preview", views.work_preview, name="preview"),
    path("works/<int:work_id>/post", views.work_post, name="post"),
    path("works/<int:work_id>/delete", views.work_delete, name="delete"),
    path("works/<int:work_id>/chapters/new", views.chapter_new, name="chapter-add"),
    path("works/<int:work_id>/chapters/manage", views.chapters_manage, name="chapters-manage"),
    path("works/<int:work_id>/chapters/<int:chapter_id>", views.chapter_detail, name="chapter"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/edit", views.chapter_edit,
         name="chapter-edit"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/delete", views.chapter_delete,
         name="chapter-delete"),
    path("orphans/new", views.orphan_new, name="orphan-new"),
    path("orphans", views.orphan_create, name="orphan"),
    path("tags/<str:tag_name>/works", views.tag_works, name="tag-works"),
    path("users/<str:username>/works", views.user_works, name="user-works"),
    path("users/<str:username>/works/drafts", views.user_drafts, name="user-drafts"),
    path("users/<str:username>/pseuds/<str:pseud_name>/works", views.pseud_works,
         name="pseud-works"),
    path("users/<str:username>/creatorships", views.creatorships, name="creatorships"),
    path("works/<int:work_id>/creatorships/leave", views.creatorship_leave,
         name="creatorship-leave"),
]
