"""Comments on works and chapters: threads, replies, moderation, freezing, hiding."""
from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "fichive.comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from fichive.comments.receivers import chapter_deleted
        from fichive.works.models import Chapter

        post_delete.connect(chapter_deleted, sender=Chapter,
                            dispatch_uid="comments-chapter-deleted")
