"""Bookmark pages: the bookmark form (new, edit; of a work or a series), a bookmark's page,
deleting, bookmarks of external works, and the listings (everyone's, a user's, a work's, a
series')."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import pseud_by_name, user_by_name
from fichive.bookmarks import selectors, services
from fichive.bookmarks.forms import BookmarkForm, BookmarkListingForm, ExternalBookmarkForm
from fichive.bookmarks.models import Bookmark, ExternalWork
from fichive.lib.cache import cached_for_guests
from fichive.series.selectors import series_blurbs, series_for_viewer
from fichive.series.services import is_series_creator
from fichive.works.blurbs import blurbs_of
from fichive.works.models import Work
from fichive.works.selectors import works_listed_for


def _work_to_bookmark(request: HttpRequest, work_id: int) -> Any:
    """The posted work the visitor may see, as a blurb; 404 otherwise."""
    blurbs = blurbs_of(works_listed_for(request.user).filter(pk=work_id))
    if not blurbs:
        raise Http404("No such work.")
    return blurbs[0]


@login_required
def bookmark_new(request: AuthedRequest, work_id: int) -> HttpResponse:
    work = _work_to_bookmark(request, work_id)
    existing = selectors.work_bookmarked_by(request.user, work_id)
    if existing is not None:
        messages.info(request, "You have already bookmarked this work; edit your bookmark here.")
        return redirect("bookmarks:edit", bookmark_id=existing)
    form = BookmarkForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            bookmark = services.bookmark_create(
                user=request.user, work=Work.objects.get(pk=work.id),
                pseud=form.cleaned_data["pseud"], data=form.to_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Bookmarked.")
            return redirect(bookmark)
    return render(request, "bookmarks/bookmark_form.html",
                  {"form": form, "blurb": work, "new": True}, status=_status(request, form))


@login_required
def series_bookmark_new(request: AuthedRequest, series_id: int) -> HttpResponse:
    """/series/<id>/bookmarks/new: bookmark a series with a work the visitor may see."""
    series = series_for_viewer(request.user, series_id)
    existing = selectors.series_bookmarked_by(request.user, series.pk)
    if existing is not None:
        messages.info(request,
                      "You have already bookmarked this series; edit your bookmark here.")
        return redirect("bookmarks:edit", bookmark_id=existing)
    form = BookmarkForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            bookmark = services.series_bookmark_create(
                user=request.user, series=series, pseud=form.cleaned_data["pseud"],
                data=form.to_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Bookmarked.")
            return redirect(bookmark)
    blurb = series_blurbs(request.user, [series.pk])[series.pk]
    return render(request, "bookmarks/bookmark_form.html",
                  {"form": form, "series_blurb": blurb, "new": True},
                  status=_status(request, form))


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, so it gets its messages), else None."""
    return request.POST if request.method == "POST" else None


def _status(request: HttpRequest, form: Any) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def bookmark_detail(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = selectors.bookmark_for_viewer(request.user, bookmark_id)
    return render(request, "bookmarks/bookmark.html", {"bookmark": bookmark})


@login_required
def bookmark_edit(request: AuthedRequest, bookmark_id: int) -> HttpResponse:
    bookmark = selectors.bookmark_for_owner(request.user, bookmark_id)
    shown = selectors.bookmarks_visible_to(request.user).filter(pk=bookmark.pk).exists()
    if not shown:
        raise Http404("No such bookmark.")
    selectors.attach_blurbs([bookmark], viewer=request.user)
    initial = {"pseud": bookmark.pseud_id, "notes": bookmark.notes, "rec": bookmark.rec,
               "private": bookmark.private,
               "tags": ", ".join(t.name for t in bookmark.tags.order_by("name"))}
    form = BookmarkForm(_posted(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bookmark_update(user=request.user, bookmark=bookmark,
                                     pseud=form.cleaned_data["pseud"], data=form.to_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Bookmark updated.")
            return redirect(bookmark)
    return render(request, "bookmarks/bookmark_form.html",
                  {"form": form, "bookmark": bookmark,
                   "blurb": getattr(bookmark, "blurb", None),
                   "series_blurb": getattr(bookmark, "series_blurb", None), "new": False},
                  status=_status(request, form))


@login_required
def bookmark_delete(request: AuthedRequest, bookmark_id: int) -> HttpResponse:
    """Delete one's own bookmark after confirming (even of a work one may no longer see)."""
    bookmark = selectors.bookmark_for_owner(request.user, bookmark_id)
    if request.method == "POST":
        services.bookmark_delete(user=request.user, bookmark=bookmark)
        messages.success(request, "Bookmark deleted.")
        return redirect("bookmarks:user-bookmarks", username=request.user.username)
    shown = selectors.bookmarks_visible_to(request.user).filter(pk=bookmark.pk).exists()
    title = ""
    if shown:
        title = (bookmark.external_work.title if bookmark.external_work else
                 bookmark.work.title if bookmark.work else
                 bookmark.series.title if bookmark.series else "")
    return render(request, "bookmarks/confirm_delete.html",
                  {"bookmark": bookmark, "title": title})


@login_required
def external_work_new(request: AuthedRequest) -> HttpResponse:
    form = ExternalBookmarkForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            bookmark = services.external_work_bookmark_create(
                user=request.user, external=form.to_external(),
                pseud=form.cleaned_data["pseud"], data=form.to_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Bookmarked.")
            return redirect(bookmark)
    return render(request, "bookmarks/external_work_form.html", {"form": form},
                  status=_status(request, form))


def _listing_page(request: HttpRequest, bookmarks: QuerySet[Bookmark], *, heading: str,
                  **context: Any) -> HttpResponse:
    form = BookmarkListingForm.from_query(request.GET)
    context.update(heading=heading, form=form)
    if not form.is_valid():
        return render(request, "bookmarks/index.html", context, status=400)
    result = selectors.bookmark_listing_build(
        viewer=request.user, bookmarks=bookmarks, works=form.filters(),
        filters=form.bookmark_filters())
    return render(request, "bookmarks/index.html",
                  {**context, "listing": result, "page": result.page})


def bookmark_index(request: HttpRequest) -> HttpResponse:
    """/bookmarks: every bookmark the visitor may see."""
    return _listing_page(request, selectors.bookmarks_visible_to(request.user),
                         heading="Bookmarks")


def user_bookmarks(request: HttpRequest, username: str) -> HttpResponse:
    owner = user_by_name(username)
    return _listing_page(
        request, selectors.bookmarks_visible_to(request.user).filter(user=owner),
        heading=f"Bookmarks by {owner.username}", owner=owner, tab="bookmarks")


def pseud_bookmarks(request: HttpRequest, username: str, pseud_name: str) -> HttpResponse:
    """/users/<name>/pseuds/<pseud>/bookmarks: the bookmarks made under one pseud."""
    owner = user_by_name(username)
    pseud = pseud_by_name(owner, pseud_name)
    return _listing_page(
        request, selectors.bookmarks_visible_to(request.user).filter(pseud=pseud),
        heading=f"Bookmarks by {pseud.byline}", owner=owner, pseud=pseud, tab="bookmarks")


@cached_for_guests(work_arg="work_id",
                   params=frozenset(BookmarkListingForm.base_fields))
def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    """/works/<id>/bookmarks: kept for guests with the work's own pages, which every change
    to the work or to its public bookmarks retires. (The other listings are not kept for
    guests: a bookmark retires only its work's pages, never every listing.)"""
    work = works_listed_for(request.user).filter(pk=work_id).only("id", "title").first()
    if work is None:
        raise Http404("No such work.")
    return _listing_page(
        request, selectors.bookmarks_visible_to(request.user).filter(work_id=work.pk),
        heading=f"Bookmarks of {work.title}", work=work)


def series_bookmarks(request: HttpRequest, series_id: int) -> HttpResponse:
    """/series/<id>/bookmarks: the bookmarks of a series the visitor may see. (Not kept for
    guests: a bookmark of a series retires no cached page.)"""
    series = series_for_viewer(request.user, series_id)
    return _listing_page(
        request, selectors.bookmarks_visible_to(request.user).filter(series=series),
        heading=f"Bookmarks of {series.title}", series=series,
        series_blurb=series_blurbs(request.user, [series.pk])[series.pk],
        is_creator=request.user.is_authenticated and is_series_creator(
            user=request.user, series=series))


def external_work_bookmarks(request: HttpRequest, external_work_id: int) -> HttpResponse:
    """/external_works/<id>: a story hosted elsewhere and the bookmarks of it the visitor
    may see."""
    external = ExternalWork.objects.filter(pk=external_work_id).first()
    if external is None:
        raise Http404("No such external work.")
    return _listing_page(
        request, selectors.bookmarks_visible_to(request.user).filter(external_work=external),
        heading=f"Bookmarks of {external.title}", external=external)
