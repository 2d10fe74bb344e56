"""Writes to subscriptions: subscribing to a work, a creator or a series, and unsubscribing
(a work's subscriptions move its daily stats)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fichive.accounts.models import User
from fichive.series.models import Series, SeriesPart
from fichive.series.services import is_series_creator
from fichive.stats.services import work_stat_add
from fichive.subscriptions.models import Subscription
from fichive.works.models import Creatorship, Work
from fichive.works.selectors import works_listed_for


def subscription_create(*, user: User, work: Work | None = None, creator: User | None = None,
                        series: Series | None = None) -> tuple[Subscription, bool]:
    """Subscribe `user` to a posted work they may see (its new chapters), to a creator
    (their new works) or to a series with a work they may see (its new parts). Returns the
    subscription and whether it is new: subscribing twice changes nothing."""
    if sum(target is not None for target in (work, creator, series)) != 1:
        raise ValidationError("Subscribe to a work, a creator or a series.")
    if series is not None:
        if not SeriesPart.objects.filter(
                series=series, work__in=works_listed_for(user).values("pk")).exists():
            raise ValidationError("You can only subscribe to series you can see.")
        if is_series_creator(user=user, series=series):
            raise ValidationError("You can't subscribe to your own series.")
        existing = Subscription.objects.filter(user=user, series=series).first()
    elif work is not None:
        if not works_listed_for(user).filter(pk=work.pk).exists():
            raise ValidationError("You can only subscribe to posted works you can see.")
        if Creatorship.objects.filter(work=work, pseud__user=user).exists():
            raise ValidationError("You can't subscribe to your own work.")
        existing = Subscription.objects.filter(user=user, work=work).first()
    else:
        assert creator is not None
        if creator.pk == user.pk:
            raise ValidationError("You can't subscribe to yourself.")
        if not creator.is_active:
            raise ValidationError("There is no such user.")
        existing = Subscription.objects.filter(user=user, creator=creator).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            made = Subscription.objects.create(user=user, work=work, creator=creator,
                                               series=series)
            if work is not None:
                work_stat_add(work_id=work.pk, subscriptions=1)
            return made, True
    except IntegrityError:
        # Pressed twice at once: the other request made it.
        found = Subscription.objects.filter(user=user, work=work, creator=creator,
                                            series=series).first()
        if found is None:
            raise
        return found, False


@transaction.atomic
def subscription_delete(*, user: User, subscription_id: int) -> Subscription | None:
    """Unsubscribe: remove one of the user's own subscriptions; None if they have no such
    subscription (already gone, or someone else's)."""
    # Locked first: of two unsubscribes at once only the one that still finds the row deletes
    # it (Django sends post_delete, which records the change, for every row it read).
    subscription = (Subscription.objects.select_for_update(of=("self",))
                    .select_related("work", "creator", "series")
                    .filter(pk=subscription_id, user=user).first())
    if subscription is None:
        return None
    subscription.delete()
    return subscription


def subscription_deleted(*, subscription: Subscription) -> None:
    """A subscription row went (unsubscribed, or with its user or work): one fewer
    subscriber in the work's daily stats. Runs in the deleting transaction (a post_delete
    receiver)."""
    if subscription.work_id is not None:
        work_stat_add(work_id=subscription.work_id, subscriptions=-1)
