"""Pages to block, unblock, mute and unmute a user (each behind a confirmation page that says
what it does), and a user's own lists of blocked and muted users."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.blocking import selectors, services

PER_PAGE = 50

# action → (the page's heading, what it does, the button, the message after it, the service)
ACTIONS: dict[str, tuple[str, list[str], str, str, Any, str]] = {
    "block": (
        "Block {name}",
        ["{name} will not be able to comment on your works or reply to your comments.",
         "{name} will not be able to give you gifts or invite you to be a co-creator.",
         "Their comments already on your works stay until you delete them, as you always "
         "can; you will still see their works unless you also mute them."],
        "Yes, block {name}", "You have blocked {name}.", services.user_block, "blocked"),
    "unblock": (
        "Unblock {name}",
        ["{name} will be able to comment on your works, reply to your comments, give you "
         "gifts and invite you to be a co-creator again."],
        "Yes, unblock {name}", "You have unblocked {name}.", services.user_unblock, "blocked"),
    "mute": (
        "Mute {name}",
        ["You will no longer see {name}'s works, series, bookmarks or comments anywhere on "
         "the archive: listings, search results, tag pages and their counts leave them out.",
         "A direct link to one of their works still opens it. Works they posted "
         "anonymously can't be connected to them, so those stay.",
         "{name} is not told, and can still interact with you; block them to stop that."],
        "Yes, mute {name}", "You have muted {name}.", services.user_mute, "muted"),
    "unmute": (
        "Unmute {name}",
        ["{name}'s works, series, bookmarks and comments will show for you again."],
        "Yes, unmute {name}", "You have unmuted {name}.", services.user_unmute, "muted"),
}


@login_required
def confirm(request: AuthedRequest, username: str, action: str) -> HttpResponse:
    """/users/<name>/<block|unblock|mute|unmute>: GET explains, POST does it."""
    other = user_by_name(username)
    heading, explains, button, done, service, keyword = ACTIONS[action]
    name = other.username
    error = ""
    if request.method == "POST":
        try:
            service(user=request.user, **{keyword: other})
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, done.format(name=name))
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                back = reverse("accounts:profile", args=[other.username])
            return redirect(back)
    return render(request, "blocking/confirm.html", {
        "other": other, "action": action, "heading": heading.format(name=name),
        "explains": [line.format(name=name) for line in explains],
        "button": button.format(name=name), "error": error,
        "next": request.GET.get("next", request.POST.get("next", "")),
    }, status=400 if error else 200)


def _own_list(request: AuthedRequest, username: str, *, muted: bool) -> HttpResponse:
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("Only you can see whom you block or mute.")
    rows = selectors.mutes_of(owner) if muted else selectors.blocks_of(owner)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "blocking/list.html", {
        "owner": owner, "is_owner": True, "page": page, "muted": muted,
        "users": [row.muted if muted else row.blocked for row in page.object_list]})


@login_required
def blocked_list(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/blocked: the users the owner blocks (only the owner sees it)."""
    return _own_list(request, username, muted=False)


@login_required
def muted_list(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/muted: the users the owner mutes (only the owner sees it)."""
    return _own_list(request, username, muted=True)
