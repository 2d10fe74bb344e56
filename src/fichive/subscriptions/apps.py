from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "fichive.subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from fichive.subscriptions.models import Subscription
        from fichive.subscriptions.services import subscription_deleted

        def deleted(sender: object, instance: Subscription, **kwargs: object) -> None:
            subscription_deleted(subscription=instance)

        post_delete.connect(deleted, sender=Subscription, weak=False,
                            dispatch_uid="subscriptions-stats-on-delete")
