"""Author statistics: each work's counters day by day, and the author's stats page."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "fichive.stats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from fichive.stats.services import work_stats_forget
        from fichive.works.models import Work

        def deleted(sender: object, instance: Work, **kwargs: object) -> None:
            work_stats_forget(work_id=instance.pk)

        post_delete.connect(deleted, sender=Work, weak=False,
                            dispatch_uid="stats-forget-deleted-work")
