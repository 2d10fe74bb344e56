"""Comments on works and chapters: threads, replies, moderation, freezing, hiding."""
from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "fichive.comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from fichive.comments.receivers import chapter_deleting
        from fichive.works.models import Chapter

        pre_delete.connect(chapter_deleting, sender=Chapter,
                           dispatch_uid="comments-chapter-deleting")
