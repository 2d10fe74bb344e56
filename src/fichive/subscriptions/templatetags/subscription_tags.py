"""Template tags of the subscriptions app: the visitor's subscription state on a work page, a
user's page or a series page, one query each."""

from __future__ import annotations

from django import template

from fichive.accounts.models import User
from fichive.series.models import Series
from fichive.subscriptions import selectors
from fichive.works.models import Work

register = template.Library()


@register.simple_tag(takes_context=True)
def subscription_to_work(context: template.Context, user: User, work: Work) -> int | None:
    """The id of the logged-in user's subscription to `work`, or None: from the page's
    `reader_state` (works.selectors.reader_state) when it has one for this work."""
    if not getattr(user, "is_authenticated", False):
        return None
    state = context.get("reader_state")
    if state is not None and state.work_id == work.pk:
        return state.subscription_id
    return selectors.subscription_to_work(user, work)


@register.simple_tag
def subscription_to_creator(user: User, creator: User) -> int | None:
    """The id of the logged-in user's subscription to `creator`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return selectors.subscription_to_creator(user, creator)


@register.simple_tag
def subscription_to_series(user: User, series: Series) -> int | None:
    """The id of the logged-in user's subscription to `series`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return selectors.subscription_to_series(user, series)
