"""Subscription pages: a user's own list, and the Subscribe and Unsubscribe buttons' posts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fichive.accounts.models import User
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.series.selectors import series_for_viewer, series_path
from fichive.subscriptions import selectors, services
from fichive.subscriptions.forms import SubscribeForm
from fichive.works.selectors import work_for_viewer

PER_PAGE = 50


def own_account(request: AuthedRequest, username: str) -> User:
    """The account named in the URL if it is the visitor's own: 404 for no such user, 403
    for someone else's."""
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("Only the account's owner can see this page.")
    return owner


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Redirect to the page the button was on (`next`, when it is on this site), else to
    `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
def subscriptions(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/subscriptions: GET lists them, POST subscribes (the Subscribe buttons)."""
    owner = own_account(request, username)
    if request.method == "POST":
        return _subscribe(request, owner)
    page = Paginator(selectors.subscriptions_of(owner), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "subscriptions/list.html", {"owner": owner, "page": page,
                                                       "is_owner": True})


def _subscribe(request: AuthedRequest, owner: User) -> HttpResponse:
    mine = reverse("subscriptions:list", args=[owner.username])
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back(request, mine)
    creator: User | None = form.cleaned_data.get("creator")
    if form.cleaned_data.get("series_id"):
        series = series_for_viewer(owner, form.cleaned_data["series_id"])
        target, name = series_path(series.pk), f"the series “{series.title}”"
        try:
            _, created = services.subscription_create(user=owner, series=series)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back(request, target)
    elif creator is not None:
        target = reverse("accounts:dashboard", args=[creator.username])
        name = creator.username
        try:
            _, created = services.subscription_create(user=owner, creator=creator)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back(request, target)
    else:
        work = work_for_viewer(owner, form.cleaned_data["work_id"])
        target, name = work.get_absolute_url(), f"“{work.title}”"
        try:
            _, created = services.subscription_create(user=owner, work=work)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back(request, target)
    if created:
        messages.success(request, f"You are now subscribed to {name}.")
    else:
        messages.info(request, f"You are already subscribed to {name}.")
    return back(request, target)


@login_required
@require_POST
def unsubscribe(request: AuthedRequest, username: str, subscription_id: int) -> HttpResponse:
    """/users/<name>/subscriptions/<id>/delete (POST): the Unsubscribe buttons."""
    owner = own_account(request, username)
    gone = services.subscription_delete(user=owner, subscription_id=subscription_id)
    mine = reverse("subscriptions:list", args=[owner.username])
    if gone is None:
        messages.error(request, "That subscription doesn't exist (perhaps you already "
                                "unsubscribed).")
        return back(request, mine)
    if gone.work is not None:
        messages.success(request, f"You have unsubscribed from “{gone.work.title}”.")
    elif gone.creator is not None:
        messages.success(request, f"You have unsubscribed from {gone.creator.username}.")
    elif gone.series is not None:
        messages.success(request, f"You have unsubscribed from the series “{gone.series.title}”.")
    return back(request, mine)
