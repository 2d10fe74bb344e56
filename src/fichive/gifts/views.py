"""Pages of gifts: a user's received gifts (/users/<name>/gifts) and refusing one."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.gifts import selectors, services
from fichive.gifts.models import Gift
from fichive.works.blurbs import blurbs_of
from fichive.works.models import Work

PER_PAGE = 20


def user_gifts(request: HttpRequest, username: str) -> HttpResponse:
    """The works given to the user that the visitor may see, as blurbs; the recipient gets a
    Refuse Gift button under each."""
    recipient = user_by_name(username)
    page = Paginator(selectors.works_given_to(request.user, recipient), PER_PAGE).get_page(
        request.GET.get("page"))
    blurbs = blurbs_of(cast(QuerySet[Work], page.object_list))
    own = request.user.is_authenticated and request.user.pk == recipient.pk
    gifts = selectors.gifts_received(recipient, [b.id for b in blurbs]) if own else {}
    entries = [{"blurb": b, "gift": gifts.get(b.id)} for b in blurbs]
    return render(request, "gifts/index.html", {
        "recipient": recipient, "page": page, "entries": entries, "own": own})


@login_required
@require_POST
def gift_refuse(request: AuthedRequest, username: str, gift_id: int) -> HttpResponse:
    """Refuse one of one's own gifts: the name disappears from the work."""
    gift = Gift.objects.select_related("pseud__user").filter(pk=gift_id).first()
    if gift is None or gift.pseud is None or gift.pseud.user.username.lower() != username.lower():
        raise Http404("No such gift.")
    try:
        services.gift_refuse(user=request.user, gift=gift)
    except PermissionDenied:
        raise Http404("No such gift.") from None
    messages.success(request, "Gift refused: your name no longer appears on the work.")
    return redirect("gifts:list", username=gift.pseud.user.username)
