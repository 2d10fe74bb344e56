"""Kudos pages: leaving kudos (a form post without JavaScript, a fetch with it) and the list of
everyone who left kudos on a work.

Guests' work pages are cached and shared, so their kudos form carries no CSRF token: the view
is exempt from Django's CSRF middleware and runs the same check itself for logged-in users,
whose pages are never cached and whose form has the token.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from fichive.kudos import selectors, services
from fichive.lib.cache import cached_for_guests
from fichive.lib.visitors import address_hash
from fichive.works import selectors as works_selectors
from fichive.works.models import Work

THANKS = "Thank you for the kudos! ♥"
PER_PAGE = 50


@csrf_exempt  # guests: see the module's docstring; logged-in users are checked in _leave
@cached_for_guests(work_arg="work_id")
def kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    """/works/<id>/kudos: GET lists who left kudos, POST leaves kudos."""
    if request.method == "POST":
        return _leave(request, work_id)
    if request.method in {"GET", "HEAD"}:
        return _list(request, work_id)
    return HttpResponseNotAllowed(["GET", "HEAD", "POST"])


def _not_checked(request: HttpRequest) -> HttpResponse:
    """Stands for a view without csrf_exempt when the CSRF middleware checks a request."""
    raise NotImplementedError  # never called


def _csrf_refused(request: HttpRequest) -> HttpResponse | None:
    """Django's CSRF check, for a logged-in user's post: the 403 page when it fails."""
    # The middleware's process_request already read the CSRF cookie for this request.
    return CsrfViewMiddleware(lambda request: HttpResponse()).process_view(
        request, _not_checked, (), {})


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _leave(request: HttpRequest, work_id: int) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        refused = _csrf_refused(request)
        if refused is not None:
            return refused
    work = works_selectors.work_for_viewer(request.user, work_id)
    try:
        services.kudos_leave(work=work, user=user,
                             guest_hash="" if user else address_hash(request.META))
    except ValidationError as exc:
        code, message = exc.code or "refused", " ".join(exc.messages)
    else:
        code, message = "left", THANKS
    if _wants_json(request):
        return _json_answer(request, work, code, message)
    if code == "left":
        messages.success(request, message)
    elif code == "already":
        messages.info(request, message)
    else:
        messages.error(request, message)
    return redirect(_back_to(request, work))


def _json_answer(request: HttpRequest, work: Work, code: str, message: str) -> JsonResponse:
    """For kudos.js: what happened, and the button and sentence to show now."""
    status = {"left": 201, "already": 409}.get(code, 403)
    body: dict[str, object] = {"status": code, "message": message}
    if code in {"left", "already"}:
        work.refresh_from_db(fields=["kudos_count"])
        context = {"work": work, "user": request.user, "request": request,
                   "kudos_state": "left", "is_creator": False}
        body["kudos_count"] = work.kudos_count
        body["button"] = render_to_string("kudos/_kudos_button.html", context)
        body["kudos"] = render_to_string("kudos/_kudos_list.html", context)
    return JsonResponse(body, status=status)


def _back_to(request: HttpRequest, work: Work) -> str:
    """The page the form was on (one of this work's), else the work."""
    target = request.POST.get("next", "")
    if (target.startswith(f"/works/{work.pk}")
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return target
    return work.get_absolute_url()


def _list(request: HttpRequest, work_id: int) -> HttpResponse:
    work = works_selectors.work_for_viewer(request.user, work_id)
    page = Paginator(selectors.givers(work), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "kudos/list.html", {
        "work": work, "page": page, "guests": selectors.guest_kudos_count(work),
    })
