"""Pages of the readings app: a reader's history and Marked for Later list (their own only),
clearing history, and marking a work for later or as read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fichive.accounts.models import User
from fichive.accounts.preferences import prefs_for
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.readings import selectors, services
from fichive.works.models import Work
from fichive.works.selectors import work_for_viewer


def _own(request: AuthedRequest, username: str) -> User:
    """The named user if it is the reader asking: a history is nobody else's business."""
    if username.casefold() == request.user.username.casefold():
        return request.user
    user_by_name(username)  # 404 for no such user
    raise PermissionDenied("Only its owner can see a reading history.")


def _list_url(owner: User, *, to_read: bool = False) -> str:
    url = reverse("readings:list", args=[owner.username])
    return f"{url}?show=to-read" if to_read else url


@login_required
def reading_list(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/readings (history) and ?show=to-read (Marked for Later)."""
    owner = _own(request, username)
    to_read = request.GET.get("show") == "to-read"
    page, entries = selectors.readings_page(owner, to_read=to_read,
                                            page=request.GET.get("page"))
    return render(request, "readings/index.html", {
        "owner": owner, "is_owner": True, "to_read": to_read, "page": page,
        # The owner is the reader asking: their preference came with them (no query).
        "entries": entries, "paused": not to_read and not prefs_for(request).history_enabled,
    })


@login_required
@require_POST
def reading_delete(request: AuthedRequest, username: str, reading_id: int) -> HttpResponse:
    owner = _own(request, username)
    if services.reading_clear(user=owner, reading_id=reading_id):
        messages.success(request, "The work was removed from your history.")
    else:
        messages.error(request, "That work isn't in your history (anymore).")
    return redirect(_list_url(owner))


@login_required
def readings_clear(request: AuthedRequest, username: str) -> HttpResponse:
    """Clear the whole history, after a confirmation page."""
    owner = _own(request, username)
    if request.method == "POST":
        cleared = services.readings_clear_all(user=owner)
        messages.success(request, "Your history is now empty." if cleared
                         else "Your history was already empty.")
        return redirect(_list_url(owner))
    return render(request, "readings/confirm_clear.html", {"owner": owner})


def _back(request: AuthedRequest, work: Work) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = work.get_absolute_url()
    return redirect(target)


@login_required
@require_POST
def mark_for_later(request: AuthedRequest, work_id: int) -> HttpResponse:
    work = work_for_viewer(request.user, work_id)
    services.reading_mark_for_later(user=request.user, work=work)
    messages.success(request, "The work was added to your Marked for Later list.")
    return _back(request, work)


@login_required
@require_POST
def mark_as_read(request: AuthedRequest, work_id: int) -> HttpResponse:
    work = work_for_viewer(request.user, work_id)
    services.reading_mark_as_read(user=request.user, work=work)
    messages.success(request, "The work was taken off your Marked for Later list.")
    return _back(request, work)
