"""The "Import a work" page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from fichive.accounts.requests import AuthedRequest
from fichive.formats.errors import ImportFailed
from fichive.formats.forms import ImportForm
from fichive.formats.services import work_import


@login_required
def import_work(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            work = work_import(data=upload.read(), filename=upload.name, user=request.user,
                               options=form.options())
        except ImportFailed as exc:
            form.add_error("file", f"{upload.name}: {exc}")
        else:
            if work.is_draft:
                messages.success(request, f"Imported “{work.title}” as a draft.")
                return redirect("works:preview", work_id=work.pk)
            messages.success(request, f"Imported “{work.title}”.")
            return redirect(work)
    return render(request, "formats/import.html", {"form": form})
