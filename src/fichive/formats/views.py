"""The "Import a work" page: upload a story file (or a zip of stories) and see what became of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from fichive.accounts.requests import AuthedRequest
from fichive.formats.forms import ImportForm
from fichive.formats.services import works_import


@login_required
def import_work(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        results = list(works_import(data=upload.read(), filename=upload.name,
                                    user=request.user, options=form.options()))
        if len(results) == 1:
            result = results[0]
            if result.status == "failed":
                form.add_error("file", f"{upload.name}: {result.reason}")
            elif result.status == "skipped":
                form.add_error("file", f"{upload.name}: {result.reason}. Choose “Update "
                                       "the existing work” to replace it.")
            else:
                assert result.work is not None
                verb = "Updated" if result.status == "updated" else "Imported"
                draft = " as a draft" if result.work.is_draft else ""
                messages.success(request, f"{verb} “{result.work.title}”{draft}.")
                if result.work.is_draft:
                    return redirect("works:preview", work_id=result.work.pk)
                return redirect(result.work)
        else:
            return render(request, "formats/import_results.html",
                          {"results": results, "filename": upload.name})
    return render(request, "formats/import.html", {"form": form})
