"""Reads of subscriptions: a user's own list, their state on a page, a target's subscribers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from fichive.accounts.models import User
from fichive.series.models import Series, SeriesPart
from fichive.subscriptions.models import Subscription
from fichive.works.models import Creatorship, Work
from fichive.works.selectors import works_listed_for


def subscriptions_of(user: User) -> QuerySet[Subscription]:
    """The user's subscriptions to targets they may still see (posted works visible to them,
    active users, series with a work they may see), newest first, with what the list
    shows."""
    return (
        Subscription.objects.filter(user=user)
        .filter(Q(Exists(works_listed_for(user).filter(pk=OuterRef("work_id"))))
                | Q(creator__is_active=True)
                | Q(Exists(SeriesPart.objects.filter(
                    series_id=OuterRef("series_id"),
                    work__in=works_listed_for(user).values("pk")))))
        .select_related("work", "creator", "series")
        .prefetch_related(Prefetch(
            "work__creatorships",
            queryset=Creatorship.objects.select_related("pseud__user").order_by("position"),
        ))
        .order_by("-created_at", "-id")
    )


def subscription_to_work(user: User, work: Work) -> int | None:
    """The id of the user's subscription to this work, if any (one query)."""
    return (Subscription.objects.filter(user=user, work=work)
            .values_list("pk", flat=True).first())


def subscription_to_creator(user: User, creator: User) -> int | None:
    """The id of the user's subscription to this creator, if any (one query)."""
    return (Subscription.objects.filter(user=user, creator=creator)
            .values_list("pk", flat=True).first())


def subscription_to_series(user: User, series: Series) -> int | None:
    """The id of the user's subscription to this series, if any (one query)."""
    return (Subscription.objects.filter(user=user, series=series)
            .values_list("pk", flat=True).first())


def work_subscriber_ids(work: Work) -> QuerySet[Subscription, int]:
    """Users subscribed to the work, except its own creators."""
    return (Subscription.objects.filter(work=work)
            .exclude(user__in=_creator_ids(work))
            .values_list("user_id", flat=True).order_by("user_id"))


def creator_subscriber_ids(work: Work) -> QuerySet[Subscription, int]:
    """Users subscribed to any of the work's creators (each once), except the creators."""
    creators = _creator_ids(work)
    return (Subscription.objects.filter(creator__in=creators)
            .exclude(user__in=creators)
            .values_list("user_id", flat=True).distinct().order_by("user_id"))


def series_subscriber_ids(series: Series, work: Work) -> QuerySet[Subscription, int]:
    """Users subscribed to the series, except the creators of the work (its new part)."""
    return (Subscription.objects.filter(series=series)
            .exclude(user__in=_creator_ids(work))
            .values_list("user_id", flat=True).order_by("user_id"))


def _creator_ids(work: Work) -> QuerySet[Creatorship, int]:
    return Creatorship.objects.filter(work=work).values_list("pseud__user_id", flat=True)
