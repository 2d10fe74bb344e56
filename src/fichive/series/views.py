"""Series pages: a series and its parts, a user's series, and for the series' creators
editing, ordering parts, taking a work out and deleting the series."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.lib.cache import cached_for_guests
from fichive.series import selectors, services
from fichive.series.forms import SeriesForm

PER_PAGE = 20


@cached_for_guests()
def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    """/series/<id>: the series' details and stats, and the parts the visitor may see, in
    order, as blurbs. Kept for guests like a listing: any change to a work retires it."""
    page = selectors.series_page_for_viewer(request.user, series_id)
    return render(request, "series/detail.html", {"page": page, "series": page.series})


@login_required
def series_edit(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = selectors.series_for_editing(request.user, series_id)
    form = SeriesForm(request.POST or None, initial={
        "title": series.title, "summary": series.summary, "notes": series.notes,
        "complete": series.complete})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.series_update(user=request.user, series=series, title=data["title"],
                                   summary=data["summary"], notes=data["notes"],
                                   complete=data["complete"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Series updated.")
            return redirect(series)
    return render(request, "series/form.html", {"form": form, "series": series})


@login_required
def series_manage(request: AuthedRequest, series_id: int) -> HttpResponse:
    """Order the parts: each gets a position number; the new order is by those numbers (ties
    keep their old order). Each part can also be taken out of the series here."""
    series = selectors.series_for_editing(request.user, series_id)
    rows = selectors.parts_for_managing(request.user, series)
    error = None
    if request.method == "POST":
        try:
            positions = {row["work_id"]: int(request.POST.get(f"position-{row['work_id']}", ""))
                         for row in rows}
        except ValueError:
            error = "Position: give every part a whole-number position."
        else:
            order = sorted(positions, key=lambda work_id: (
                positions[work_id], [r["work_id"] for r in rows].index(work_id)))
            try:
                services.series_reorder(user=request.user, series=series, work_ids=order)
            except ValidationError as exc:
                error = "Position: " + " ".join(exc.messages)
            else:
                messages.success(request, "Order of the series saved.")
                return redirect(series)
    return render(request, "series/manage.html",
                  {"series": series, "rows": rows, "error": error},
                  status=400 if error else 200)


@login_required
@require_POST
def series_remove_work(request: AuthedRequest, series_id: int, work_id: int) -> HttpResponse:
    series = selectors.series_for_editing(request.user, series_id)
    work = selectors.part_of(series, work_id)
    services.series_remove_work(user=request.user, series=series, work=work)
    messages.success(request, "The work is no longer part of the series.")
    return redirect("series:manage", series_id=series.pk)


@login_required
def series_delete(request: AuthedRequest, series_id: int) -> HttpResponse:
    """Ask first; on confirming, delete the series (its works stay, no longer in it)."""
    series = selectors.series_for_editing(request.user, series_id)
    if request.method == "POST":
        title = series.title
        services.series_delete(user=request.user, series=series)
        messages.success(request, f"The series “{title}” was deleted; its works are still "
                                  "there.")
        return redirect("series:user-series", username=request.user.username)
    return render(request, "series/confirm_delete.html", {"series": series})


@cached_for_guests(params={"page"})
def user_series(request: HttpRequest, username: str) -> HttpResponse:
    """/users/<name>/series: the series the user is a creator of that the visitor may see."""
    owner = user_by_name(username)
    page = Paginator(selectors.series_listed_for(request.user, owner=owner), PER_PAGE).get_page(
        request.GET.get("page"))
    entries = [{"series": s, "creators": selectors.creators_of(s)} for s in page.object_list]
    return render(request, "series/index.html", {
        "owner": owner, "page": page, "entries": entries,
        "is_owner": request.user.is_authenticated and request.user.pk == owner.pk})
