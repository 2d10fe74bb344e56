"""The "Import a work" page: upload a story file (or a zip of stories) and see what became of
it; and work downloads (/downloads/<id>/<Title>.<ext>)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from fichive.accounts.requests import AuthedRequest
from fichive.apppasswords.auth import basic_auth
from fichive.formats import exporters
from fichive.formats.downloads import DownloadsBusy, download_file
from fichive.formats.forms import ImportForm
from fichive.formats.pending import pending_forget, pending_keep, pending_name, pending_read
from fichive.formats.services import OFFERED_CONFIDENCE, ImportResult, works_import
from fichive.lib.ranges import file_with_byte_range
from fichive.lib.ratelimit import RateLimit, refusal
from fichive.lib.uploads import upload_refused
from fichive.tags.suggestions import DEFAULT_THRESHOLD
from fichive.works import selectors
from fichive.works.adult import adult_notice

# Web imports one person may start an hour, counted per account and per address: each may
# parse up to FICHIVE_MAX_UPLOAD_MB of stories.
IMPORT_LIMIT = RateLimit("import", limit=30, window=60 * 60, address_for_accounts=True)


@login_required
def import_work(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    keys = IMPORT_LIMIT.keys_for_request(request)
    refused = upload_refused(request) if request.method == "POST" else ""
    if refused:
        # The file passed the upload limit as it came in and was dropped (lib/uploads.py).
        form = ImportForm(None, user=request.user)
        form.errors["file"] = form.error_class([refused])
        return render(request, "formats/import.html", {"form": form}, status=413)
    if request.method == "POST":
        wait = IMPORT_LIMIT.seconds_left(keys)
        if wait:
            form.add_error(None, IMPORT_LIMIT.message(wait))
            response = render(request, "formats/import.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
    if request.method == "POST" and form.is_valid():
        IMPORT_LIMIT.record(keys)
        upload = form.cleaned_data["file"]
        results = list(works_import(data=upload.read(), filename=upload.name,
                                    user=request.user, options=form.options()))
        copies = _copies_shown(request, results)
        if len(results) == 1:
            result = results[0]
            if result.copy_of is not None:
                form.add_error("file", format_html("{}: {}", upload.name, copies[0]))
            elif result.status == "failed" and result.field == "fandoms" and (
                    _readable_for_tags(upload.name)):
                # No fandom: offer the tags the story's text suggests instead of refusing.
                return _confirm_page(request, form=form, filename=upload.name,
                                     token=pending_keep(user=request.user,
                                                        filename=upload.name,
                                                        data=_upload_bytes(upload)),
                                     error=f"{upload.name}: {result.reason}.")
            elif result.status == "failed" and result.field in form.fields:
                # Marked on the form field that fixes it, named by its label.
                form.add_error(result.field, f"{upload.name}: {result.reason}. Fill in "
                                             f"“{form[result.field].label}” and import again.")
            elif result.status == "failed":
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
            advice = {name: f"fill in “{form[name].label}” and import it again"
                      for name in form.fields}
            rows = [(r, copies[i] if r.copy_of is not None else advice.get(r.field, ""))
                    for i, r in enumerate(results)]
            return render(request, "formats/import_results.html",
                          {"rows": rows, "filename": upload.name})
    return render(request, "formats/import.html", {"form": form})


def _upload_bytes(upload: UploadedFile) -> bytes:
    upload.seek(0)
    return bytes(upload.read())


def _readable_for_tags(filename: str) -> bool:
    """A plain-text or HTML story (by its name): what the confirm step reads for tags."""
    return filename.lower().rsplit(".", 1)[-1] in ("txt", "text", "htm", "html", "xhtml") or (
        "." not in filename)


_TYPE_LABELS = {"fandom": "Fandom", "relationship": "Relationship", "character": "Character",
                "freeform": "Additional tag"}
# The form fields the confirm step carries over (the file travels as a kept upload).
_CARRIED = ("pseud", "title", "fandoms", "rating", "restricted", "draft", "split_chapters",
            "on_duplicate")


def _confirm_page(request: AuthedRequest, *, form: ImportForm, filename: str, token: str,
                  chosen: set[str] | None = None, error: str = "",
                  status: int = 200) -> HttpResponse:
    """The import's confirm step: the file names no fandom, so the tags its text suggests
    (tags.suggestions, as this user may know of them) are offered, the confident ones
    checked, with a field for fandoms typed by hand."""
    from fichive.tags.suggestions import suggest_tags

    data = pending_read(user=request.user, token=token)
    found = suggest_tags(text=data.decode("utf-8", errors="replace"), viewer=request.user,
                         threshold=OFFERED_CONFIDENCE) if data is not None else []
    rows = [{"value": f"{s.type}:{s.name}", "suggestion": s, "label": _TYPE_LABELS[s.type],
             "percent": round(s.confidence * 100),
             "checked": (f"{s.type}:{s.name}" in chosen) if chosen is not None
             else s.confidence >= DEFAULT_THRESHOLD} for s in found]
    carried = {name: form.data.get(name, "") for name in _CARRIED}
    return render(request, "formats/import_confirm.html", {
        "filename": filename, "token": token, "rows": rows, "carried": carried,
        "error": error, "fandoms": form.data.get("fandoms", ""),
    }, status=status)


@login_required
@require_POST
def import_confirm(request: AuthedRequest) -> HttpResponse:
    """The confirm step's answer: import the kept file with the checked suggestions (and
    any fandoms typed); back to the confirm step while it still has no fandom."""
    token = request.POST.get("token", "")
    data = pending_read(user=request.user, token=token)
    if data is None:
        messages.error(request, "That import has expired or was already done; upload the "
                                "file again.")
        return redirect("import")
    keys = IMPORT_LIMIT.keys_for_request(request)
    wait = IMPORT_LIMIT.seconds_left(keys)
    if wait:
        messages.error(request, IMPORT_LIMIT.message(wait))
        return redirect("import")
    IMPORT_LIMIT.record(keys)
    filename = pending_name(token) or "story.txt"
    upload = SimpleUploadedFile(filename, data)
    form = ImportForm(request.POST, {"file": upload}, user=request.user)
    chosen = set(request.POST.getlist("suggested"))
    if not form.is_valid():
        return _confirm_page(request, form=form, filename=filename, token=token,
                             chosen=chosen, error=" ".join(
                                 str(e) for errors in form.errors.values() for e in errors),
                             status=400)
    options = form.options()
    options.choose_suggestions = lambda title, found: [
        s for s in found if f"{s.type}:{s.name}" in chosen]
    results = list(works_import(data=data, filename=filename, user=request.user,
                                options=options))
    result = results[0] if len(results) == 1 else None
    if result is None or result.status == "failed" or result.work is None:
        reason = result.reason if result is not None else "the file holds several stories"
        if result is not None and result.field == "fandoms":
            reason = "Check a suggested fandom or type one: a work needs at least one."
        return _confirm_page(request, form=form, filename=filename, token=token,
                             chosen=chosen, error=reason, status=400)
    pending_forget(token)
    verb = "Updated" if result.status == "updated" else "Imported"
    draft = " as a draft" if result.work.is_draft else ""
    messages.success(request, f"{verb} “{result.work.title}”{draft}.")
    if result.work.is_draft:
        return redirect("works:preview", work_id=result.work.pk)
    return redirect(result.work)


def _copies_shown(request: AuthedRequest, results: list[ImportResult]) -> dict[int, str]:
    """What to say of results refused as this archive's own downloads, by index: a link to
    the work for someone who may see it, else only that it is a download of a work here
    (never which: a draft or restricted work stays unknown)."""
    ids = {r.copy_of for r in results if r.copy_of is not None}
    visible = {w.pk: w for w in selectors.works_visible_to(request.user).filter(pk__in=ids)
               .only("id", "title")} if ids else {}
    said = {}
    for index, result in enumerate(results):
        if result.copy_of is None:
            continue
        work = visible.get(result.copy_of)
        if work is None:
            said[index] = ("this file is a download of a work on this archive; it was not "
                           "imported again")
        else:
            said[index] = format_html(
                'this file is a download of <a href="{}">{}</a>, a work on this archive; it '
                "was not imported again", work.get_absolute_url(), work.title)
    return said


@basic_auth  # type: ignore[arg-type]  # its View type predates streamed files
def download(request: HttpRequest, work_id: int, filename: str) -> HttpResponseBase:
    """/downloads/<id>/<Title_slug>.<ext>: the work as a file, for whoever may read it (the
    same rule as its page: restricted works and drafts are 404 to those who can't see them,
    and a work that could have adult content shows the notice first, whose "Yes, continue"
    comes back here with `?view_adult=true`). The name before the extension is only for the
    reader's file system; any name serves. Reading apps may send an app password with HTTP
    Basic (apppasswords.auth) to download restricted works, and resume with `Range`."""
    extension = filename.rpartition(".")[2].lower()
    download_format = exporters.FORMATS.get(extension)
    if download_format is None or "." not in filename:
        raise Http404("No such download format.")
    work = selectors.work_for_viewer(request.user, work_id)
    notice = adult_notice(request, work)
    if notice is not None:
        return notice
    try:
        built = download_file(work=work, extension=extension,
                              site_url=request.build_absolute_uri("/"))
    except DownloadsBusy as busy:
        return _downloads_busy(request, busy)
    name = f"{exporters.title_slug(work.title, work_id=work.pk)}.{extension}"
    response = file_with_byte_range(request, built.file, size=built.size, etag=built.etag,
                                    content_type=download_format.content_type)
    if response.status_code == 416:
        return response
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Fichive-Cache"] = built.cache
    return response


def _downloads_busy(request: HttpRequest, busy: DownloadsBusy) -> HttpResponse:
    """503 with Retry-After: every download build slot stayed busy (formats/downloads.py)."""
    return refusal(request, status=503, title="Service Unavailable",
                   heading="Downloads are busy",
                   message="The archive is making other download files right now and couldn't "
                           f"start on this one. Please try again in {busy.retry_after} "
                           "seconds; once made, the file is kept and comes at once.",
                   retry_after=busy.retry_after)
