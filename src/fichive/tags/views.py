"""Tag pages: what a tag is and how it is wrangled, autocomplete, the fandom index by media,
and the wranglers' pages (its works listing lives in works.views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fichive.accounts.permissions import wrangler_required
from fichive.accounts.requests import AuthedRequest, Viewer
from fichive.lib.ratelimit import RateLimit
from fichive.tags import selectors
from fichive.tags.forms import BulkWrangleForm, TagEditForm
from fichive.tags.models import USER_TYPES, Tag, WranglingLog, tag_key, tag_to_url
from fichive.tags.services import (
    BULK_ACTIONS,
    MAX_EXCLUSIONS,
    tag_exclusion_add,
    tag_exclusion_remove,
    tag_update,
    tags_bulk,
)

WRANGLING_PER_PAGE = 100
LOG_PER_PAGE = 50


def tag_detail(request: HttpRequest, tag_name: str) -> HttpResponse:
    tag = selectors.tag_for_viewer(request.user, tag_name)
    return render(request, "tags/detail.html", {
        "overview": selectors.tag_overview(request.user, tag),
        "tag": tag,
        "can_wrangle": getattr(request.user, "can_wrangle", False),
    })


@wrangler_required
def tag_edit(request: AuthedRequest, tag_name: str) -> HttpResponse:
    tag = selectors.tag_for_url(tag_name)
    if tag.is_fixed:
        return render(request, "tags/edit.html", {"tag": tag, "form": None})
    form = TagEditForm(request.POST or None, tag=tag)
    if request.method == "POST" and form.is_valid():
        try:
            tag = tag_update(actor=request.user, tag=tag, changes=form.to_changes())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Saved the changes to “{tag.name}”.")
            return redirect("tags:detail", tag_name=tag_to_url(tag.name))
    return render(request, "tags/edit.html", {
        "tag": tag, "form": form,
        "log": WranglingLog.objects.filter(tag=tag).select_related("actor")[:10],
    })


# The fields of the posting form each suggested type goes in.
SUGGESTION_FIELDS: dict[str, str] = {
    Tag.Type.FANDOM: "fandoms", Tag.Type.RELATIONSHIP: "relationships",
    Tag.Type.CHARACTER: "characters", Tag.Type.FREEFORM: "freeforms"}
SUGGESTION_LABELS: dict[str, str] = {
    Tag.Type.FANDOM: "Fandoms", Tag.Type.RELATIONSHIP: "Relationships",
    Tag.Type.CHARACTER: "Characters", Tag.Type.FREEFORM: "Additional Tags"}
SUGGESTION_TEXT_MAX = 2_000_000
# Each reading of a text costs up to a second of CPU: this many an hour per account.
SUGGESTIONS_LIMIT = RateLimit("tag-suggestions", limit=300, window=60 * 60)


def suggestions_context(viewer: Viewer, data: QueryDict,
                        request: HttpRequest | None = None) -> dict:
    """What _suggestions.html shows for a posting form's data: the suggestions for its text
    (the chapter text, with its fandoms as the hint), those already in a field checked."""
    from fichive.tags.suggestions import suggest_tags

    # The posting form's chapter text ("chapter-content"), or a plain "content".
    text = data.get("chapter-content", "") or data.get("content", "") or ""
    if not text.strip():
        return {"groups": [], "error": "Type or paste the work's text first: the suggestions "
                                        "are read from it."}
    if len(text) > SUGGESTION_TEXT_MAX:
        return {"groups": [], "error": "The text is too long to read for suggestions "
                                        f"(at most {SUGGESTION_TEXT_MAX:,} characters)."}
    if request is not None:
        keys = SUGGESTIONS_LIMIT.keys_for_request(request)
        wait = SUGGESTIONS_LIMIT.seconds_left(keys)
        if wait:
            return {"groups": [], "error": SUGGESTIONS_LIMIT.message(wait)}
        SUGGESTIONS_LIMIT.record(keys)
    hint = [n.strip() for n in (data.get("fandoms", "") or "").split(",") if n.strip()]
    groups: dict[str, dict] = {}
    for s in suggest_tags(text=text, viewer=viewer, fandom_hint=hint):
        field = SUGGESTION_FIELDS[s.type]
        present = {tag_key(n) for n in (data.get(field, "") or "").split(",") if n.strip()}
        group = groups.setdefault(s.type, {"type": s.type, "label": SUGGESTION_LABELS[s.type],
                                           "field": f"id_{field}", "items": []})
        group["items"].append({"name": s.name, "type": s.type, "evidence": s.evidence,
                               "percent": round(s.confidence * 100),
                               "checked": tag_key(s.name) in present})
    return {"groups": list(groups.values())}


def suggested_added(data: QueryDict) -> dict[str, str]:
    """The posting form's tag fields with the checked suggestions ("type:name") added (once,
    whatever the case), for the form without JavaScript."""
    fields = {field: data.get(field, "") or "" for field in SUGGESTION_FIELDS.values()}
    for value in data.getlist("suggested"):
        tag_type, _, name = value.partition(":")
        field = SUGGESTION_FIELDS.get(tag_type)
        name = " ".join(name.split())
        if field is None or not name:
            continue
        names = [n.strip() for n in fields[field].split(",") if n.strip()]
        if tag_key(name) not in {tag_key(n) for n in names}:
            names.append(name)
        fields[field] = ", ".join(names)
    return fields


@login_required
def suggestions(request: AuthedRequest) -> HttpResponse:
    """POST /tags/suggestions: the posting form's data in, the suggested tags out as the
    _suggestions.html fragment (the posting form's "Suggest tags" button, with JavaScript)."""
    if request.method != "POST":
        return HttpResponse("Post the work's text (the posting form's “Suggest tags”).",
                            status=405, content_type="text/plain; charset=utf-8")
    return render(request, "tags/_suggestions.html",
                  {**suggestions_context(request.user, request.POST, request),
                   "fragment": True})


@require_GET
def autocomplete(request: HttpRequest) -> JsonResponse:
    """/tags/autocomplete?type=fandom&term=nar (&canonical=1 for canonical tags only)."""
    tag_type = request.GET.get("type") or None
    if tag_type is not None and tag_type not in Tag.Type.values:
        return JsonResponse(
            {"error": f"Unknown tag type “{tag_type}”; use one of: "
                      f"{', '.join(Tag.Type.values)}."}, status=400)
    suggestions = selectors.tags_autocomplete(
        request.user, term=request.GET.get("term", "")[:150], tag_type=tag_type,
        canonical_only=request.GET.get("canonical") in ("1", "true"),
    )
    return JsonResponse(suggestions, safe=False)


def media_index(request: HttpRequest) -> HttpResponse:
    return render(request, "tags/media_index.html",
                  {"categories": selectors.media_index(request.user)})


def media_fandoms(request: HttpRequest, category: str) -> HttpResponse:
    media = selectors.media_from_slug(category)
    return render(request, "tags/media_fandoms.html", {
        "media": media, "groups": selectors.media_fandoms(request.user, media),
    })


@wrangler_required
def wrangling_index(request: AuthedRequest) -> HttpResponse:
    return render(request, "tags/wrangling_index.html",
                  {"fandoms": selectors.wrangling_fandoms()})


# Works a page of the wranglers' list shows, each read for suggestions (up to ~0.2 s each),
# and the text of each read (its first chapters up to this many characters).
WORKS_TO_WRANGLE_PER_PAGE = 10
WRANGLE_TEXT_MAX = 300_000


@wrangler_required
def wrangling_works(request: AuthedRequest) -> HttpResponse:
    """/tags/wrangling/unwrangled-works: works with unwrangled tags, each with those tags and
    what its text suggests (tags.suggestions), so a wrangler can see what "sasuke" or "the
    Nara" on a work stands for and make it a synonym of the canonical tag. Nothing is changed
    here."""
    from fichive.tags.suggestions import suggest_tags

    page = Paginator(selectors.works_to_wrangle(request.user),
                     WORKS_TO_WRANGLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for work in page.object_list:
        tags = list(Tag.objects.filter(taggings__work=work).order_by("type", "key").distinct())
        unwrangled = [t for t in tags if t.type in USER_TYPES and not t.canonical
                      and t.merger_id is None]
        text, size = [], 0
        for content in work.chapters.order_by("position").values_list("content", flat=True):
            text.append(content[:WRANGLE_TEXT_MAX - size])
            size += len(text[-1])
            if size >= WRANGLE_TEXT_MAX:
                break
        present = {t.key for t in tags}
        suggested = [s for s in suggest_tags(
            text="\n".join(text), viewer=request.user,
            fandom_hint=[t.name for t in tags if t.type == Tag.Type.FANDOM])
            if tag_key(s.name) not in present]
        rows.append({"work": work, "unwrangled": unwrangled, "suggested": suggested})
    return render(request, "tags/wrangling_works.html", {"page": page, "rows": rows})


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


def _bulk_apply(user, form: BulkWrangleForm) -> list[tuple[int, str]]:
    """Run the bulk form's action; the messages to show, as (level, text)."""
    if not form.is_valid():
        return [(messages.ERROR, str(text)) for errors in form.errors.values() for text in errors]
    data = form.cleaned_data
    try:
        result = tags_bulk(actor=user, tags=data["tags"], action=data["action"],
                           of=data["of"], fandoms=data["fandoms"], meta=data["meta"])
    except ValidationError as exc:
        return [(messages.ERROR, text) for text in exc.messages]
    notes = [(messages.ERROR, text) for text in result.errors]
    if result.changed:
        count = len(result.changed)
        notes.insert(0, (messages.SUCCESS, f"{BULK_ACTIONS[data['action']]}: done for {count} "
                                           f"tag{'s' if count != 1 else ''}."))
    return notes


@wrangler_required
def wrangling_fandom(request: AuthedRequest, fandom: str) -> HttpResponse:
    """One fandom's bin: its tags by status and type, ticked and wrangled in bulk."""
    fandom_tag = selectors.tag_for_url(fandom)
    if fandom_tag.type != Tag.Type.FANDOM:
        raise Http404("No such fandom.")
    tag_type = _choice(request.GET.get("type"), [t.value for t in USER_TYPES])
    status = _choice(request.GET.get("status"), selectors.WRANGLING_STATUSES) or "unwrangled"
    form = BulkWrangleForm(request.POST or None, tag_type=tag_type or "",
                           initial={"fandoms": fandom_tag.name if fandom_tag.canonical else ""})
    if request.method == "POST":
        for level, text in _bulk_apply(request.user, form):
            messages.add_message(request, level, text)
        return redirect(request.get_full_path())
    page = Paginator(
        selectors.wrangling_tags(fandom_tag, tag_type=tag_type, status=status),
        WRANGLING_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(request, "tags/wrangling_fandom.html", {
        "fandom": fandom_tag, "page": page, "form": form, "status": status,
        "tag_type": tag_type, "statuses": selectors.WRANGLING_STATUSES,
        "types": [(t.value, t.label) for t in USER_TYPES],
        "type_counts": selectors.wrangling_type_counts(fandom_tag, status=status),
        "action_url": reverse("tags:wrangling-fandom", args=[tag_to_url(fandom_tag.name)]),
    })


@wrangler_required
def wrangling_log(request: AuthedRequest) -> HttpResponse:
    """The audit log: who changed which tag how, newest first; ?tag=<name> narrows it."""
    entries = WranglingLog.objects.select_related("actor", "tag")
    tag_name = " ".join(request.GET.get("tag", "").split())
    if tag_name:
        entries = entries.filter(tag__key=tag_key(tag_name))
    page = Paginator(entries, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "tags/wrangling_log.html", {"page": page, "tag_name": tag_name})


@login_required
def exclusions(request: AuthedRequest) -> HttpResponse:
    """/preferences/excluded-tags: the reader's saved exclusions, kept out of every listing
    and search they see; add one by name (autocomplete), remove any."""
    error = ""
    if request.method == "POST":
        if request.POST.get("remove"):
            tag = Tag.objects.filter(pk=request.POST["remove"]).first() \
                if request.POST["remove"].isdigit() else None
            if tag is not None:
                tag_exclusion_remove(user=request.user, tag=tag)
                messages.success(request, f"“{tag.name}” is no longer excluded.")
            return redirect("tags:exclusions")
        try:
            tag = tag_exclusion_add(user=request.user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Works found under “{tag.name}” are now left out of "
                                      "your listings.")
            return redirect("tags:exclusions")
    ids = list(request.user.excluded_tag_ids or [])
    tags = sorted(Tag.objects.filter(pk__in=ids), key=lambda t: t.key)
    return render(request, "tags/exclusions.html", {
        "owner": request.user, "is_owner": True, "tags": tags, "error": error,
        "name": request.POST.get("name", "") if error else "", "limit": MAX_EXCLUSIONS,
    }, status=400 if error else 200)
