"""/about, /tos and /faq, and the admins' page to edit each of them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fichive.accounts.permissions import admin_required
from fichive.accounts.requests import AuthedRequest
from fichive.lib.cache import cached_for_guests
from fichive.pages.forms import PageForm
from fichive.pages.selectors import page_for
from fichive.pages.services import page_reset, page_update


@cached_for_guests()
def show(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "pages/page.html", {"shown": page_for(slug)})


@admin_required
def edit(request: AuthedRequest, slug: str) -> HttpResponse:
    """/admin/pages/<slug>: change the page's title and text, or restore the default."""
    shown = page_for(slug)
    form = PageForm(request.POST or None, initial={"title": shown.title, "body": shown.body})
    if request.method == "POST" and request.POST.get("action") == "reset":
        page_reset(actor=request.user, slug=slug)
        messages.success(request, f"“{shown.title}” shows its default text again.")
        return redirect(f"pages:{slug}")
    if request.method == "POST" and form.is_valid():
        try:
            page = page_update(actor=request.user, slug=slug, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"“{page.title}” was saved.")
            return redirect(f"pages:{slug}")
    return render(request, "pages/edit.html", {"form": form, "shown": shown},
                  status=400 if form.errors else 200)
