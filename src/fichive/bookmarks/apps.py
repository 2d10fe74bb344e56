"""Bookmarks of works and of external works, with notes, tags, recs and private flags."""
from django.apps import AppConfig


class BookmarksConfig(AppConfig):
    name = "fichive.bookmarks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from fichive.bookmarks.models import Bookmark
        from fichive.bookmarks.services import bookmark_deleted

        def deleted(sender: object, instance: Bookmark, **kwargs: object) -> None:
            bookmark_deleted(bookmark=instance)

        post_delete.connect(deleted, sender=Bookmark, weak=False,
                            dispatch_uid="bookmarks-count-on-delete")
