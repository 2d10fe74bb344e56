"""Inbox pages: /users/<name>/inbox (the owner's only), marking read or unread, deleting, and
replying to a comment from the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fichive.accounts.models import User
from fichive.accounts.requests import AuthedRequest
from fichive.inbox import selectors, services
from fichive.inbox.forms import BulkActionForm, ItemActionForm, ReplyForm
from fichive.subscriptions.views import back, own_account

PER_PAGE = 20
DONE = {"read": "Marked {n} read.", "unread": "Marked {n} unread.", "delete": "Deleted {n}."}


def _messages(n: int) -> str:
    return f"{n} message" + ("" if n == 1 else "s")


def _apply(request: AuthedRequest, owner: User, action: str, item_ids: list[int]) -> None:
    if action == "delete":
        n = services.inbox_delete(user=owner, item_ids=item_ids)
    else:
        n = services.inbox_mark(user=owner, item_ids=item_ids, read=action == "read")
    messages.success(request, DONE[action].format(n=_messages(n)))


@login_required
def inbox(request: AuthedRequest, username: str) -> HttpResponse:
    """GET: the items, newest first, 20 a page, ?show=unread|read|all. POST: act on the
    selected items."""
    owner = own_account(request, username)
    here = reverse("inbox:list", args=[owner.username])
    if request.method == "POST":
        visible = list(selectors.inbox_items_for(owner).filter(
            pk__in=[v for v in request.POST.getlist("items") if v.isdigit()])
            .values_list("pk", flat=True))
        form = BulkActionForm(request.POST, item_ids=visible)
        if form.is_valid():
            _apply(request, owner, form.cleaned_data["action"], form.cleaned_data["items"])
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        return back(request, here)
    show = request.GET.get("show", "all")
    if show not in selectors.FILTERS:
        show = "all"
    page = Paginator(selectors.inbox_page_items(owner, show=show), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "inbox/inbox.html", {
        "owner": owner, "is_owner": True, "page": page, "show": show,
        "filters": [("all", "All"), ("unread", "Unread"), ("read", "Read")],
        "reply_form": ReplyForm(),
    })


@login_required
@require_POST
def item_action(request: AuthedRequest, username: str, item_id: int) -> HttpResponse:
    """/users/<name>/inbox/<id> (POST): mark one item read or unread, or delete it."""
    owner = own_account(request, username)
    here = reverse("inbox:list", args=[owner.username])
    form = ItemActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["action"][0]))
        return back(request, here)
    if not selectors.inbox_items_for(owner).filter(pk=item_id).exists():
        messages.error(request, "That message is gone.")
        return back(request, here)
    _apply(request, owner, form.cleaned_data["action"], [item_id])
    return back(request, here)


@login_required
@require_POST
def reply(request: AuthedRequest, username: str, item_id: int) -> HttpResponse:
    """/users/<name>/inbox/<id>/reply (POST): reply to the comment the item is about."""
    owner = own_account(request, username)
    here = reverse("inbox:list", args=[owner.username])
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["content"][0]))
        return back(request, here)
    try:
        services.inbox_reply(user=owner, item_id=item_id, content=form.cleaned_data["content"])
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or "You can't reply to that comment.")
        return back(request, here)
    messages.success(request, "Your reply was posted.")
    return back(request, here)
