"""Pages of the stats app: an author's statistics (their own only) and its CSV download."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from fichive.accounts.models import User
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import user_by_name
from fichive.stats import selectors
from fichive.stats.chart import bar_chart
from fichive.stats.forms import StatsFilterForm

CSV_COLUMNS = ("words", "hits", "kudos", "comment_threads", "bookmarks", "subscriptions")
# A spreadsheet takes a cell starting with one of these for a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _own(request: AuthedRequest, username: str) -> User:
    """The named user if it is the author asking: 404 for no such user, 403 for anyone
    else (an author's stats are theirs alone, as on AO3)."""
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("Only the author can see their stats.")
    return owner


def _filters(request: HttpRequest) -> tuple[StatsFilterForm, int | None, str, str | None]:
    form = StatsFilterForm(request.GET)
    form.is_valid()
    year, sort, order = form.filters()
    return form, year, sort, order


def _query(year: int | None, sort: str, order: str) -> str:
    return urlencode({"year": year if year is not None else "all", "sort": sort,
                      "order": order})


@login_required
def stats(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/stats: per work and in total, for a year or all years, sortable."""
    owner = _own(request, username)
    form, year, sort, order = _filters(request)
    data = selectors.author_stats(owner, year=year, sort=sort, order=order)
    base = reverse("stats:index", args=[owner.username])
    columns: list[dict[str, Any]] = []
    for key, (_, label) in selectors.SORTS.items():
        current = key == data.sort
        # A column's link sorts by it in its usual order, or reverses the current sort.
        next_order = (("asc" if data.order == "desc" else "desc") if current
                      else selectors.default_order(key))
        columns.append({"key": key, "label": label, "current": current,
                        "order": data.order if current else "",
                        "url": f"{base}?{_query(data.year, key, next_order)}"})
    years = [{"label": "All years", "current": data.year is None,
              "url": f"{base}?{_query(None, data.sort, data.order)}"}] + [
        {"label": str(y), "current": data.year == y,
         "url": f"{base}?{_query(y, data.sort, data.order)}"} for y in data.years]
    when = f"in {data.year}" if data.year is not None else "over all years"
    per = "month" if data.period == "month" else "year"
    labels = [bar.label for bar in data.bars]
    names = [bar.name for bar in data.bars]
    charts = [
        bar_chart(chart_id=f"chart-{what}", title=f"{title} per {per} {when}",
                  description=(f"Bar chart of {title.lower()} on all your works per {per} "
                               f"{when}: " + "; ".join(
                                   f"{bar.name}: {getattr(bar, what):,}" for bar in data.bars)
                               + "."),
                  labels=labels, names=names, values=[getattr(b, what) for b in data.bars],
                  unit=title, colour=colour)
        for what, title, colour in (("hits", "Hits", "#900"), ("kudos", "Kudos", "#2a6099"))
    ]
    return render(request, "stats/index.html", {
        "owner": owner, "is_owner": True, "form": form, "stats": data, "columns": columns,
        "rows": _rows_html(data.works),
        "totals": [(c, f"{data.totals[c]:,}") for c in CSV_COLUMNS],
        "years": years, "charts": charts, "when": when,
        "csv_url": reverse("stats:csv", args=[owner.username]) + "?" + _query(
            data.year, data.sort, data.order),
    })


def _rows_html(works: list[selectors.WorkStats]) -> SafeString:
    """The table's rows. Built here, as works/blurbs.py builds blurbs, not in the template:
    200 works make 1,600 cells, and Django's template engine spent most of the page's time
    on them. Titles are escaped."""
    work_url = reverse("works:detail", args=[0]).removesuffix("0")
    parts = []
    for w in works:
        anonymous = ' <span class="anonymous">(Anonymous)</span>' if w.anonymous else ""
        posted = w.published.isoformat() if w.published else ""
        cells = "".join(f'<td class="{c}">{getattr(w, c):,}</td>' for c in CSV_COLUMNS)
        parts.append(f'<tr>\n    <th scope="row" class="title"><a href="{work_url}{w.work_id}">'
                     f'{escape(w.title)}</a>{anonymous}</th>\n'
                     f'    <td class="date">{posted}</td>{cells}</tr>\n')
    return mark_safe("".join(parts))  # noqa: S308 - the only text typed by someone is escaped


def _cell(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


@login_required
def stats_csv(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/stats.csv: the stats table (same filters) as CSV, with a total line."""
    owner = _own(request, username)
    _, year, sort, order = _filters(request)
    data = selectors.author_stats(owner, year=year, sort=sort, order=order)
    name = f"{owner.username}-stats-{data.year if data.year is not None else 'all-years'}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["Title", "Posted", "Word count", "Hits", "Kudos", "Comment threads",
                     "Bookmarks", "Subscriptions", "URL"])
    for w in data.works:
        writer.writerow([_cell(w.title), w.published.isoformat() if w.published else "",
                         *(getattr(w, c) for c in CSV_COLUMNS),
                         request.build_absolute_uri(reverse("works:detail", args=[w.work_id]))])
    writer.writerow(["Total", "", *(data.totals[c] for c in CSV_COLUMNS), ""])
    return response
