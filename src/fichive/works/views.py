"""Work pages: listings (all works, a tag's, a user's), reading (work, chapter, full work,
index), posting, editing and deleting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fichive.accounts.preferences import prefs_for
from fichive.accounts.requests import AuthedRequest
from fichive.accounts.selectors import pseud_by_name, user_by_name
from fichive.accounts.services import preferences_update
from fichive.comments.selectors import (
    chapter_comment_count,
    comments_count_shown,
    comments_counts_shown,
)
from fichive.formats.exporters import download_links
from fichive.gifts.services import gifts_set
from fichive.lib.cache import cached_for_guests, work_version_known
from fichive.lib.fragments import fragment, fragments_on, kept
from fichive.lib.ratelimit import RateLimit, limited, wait_text
from fichive.readings.tracking import read_counted
from fichive.recommendations.views import more_like_this_html
from fichive.search.limits import SearchTooBroad, search_count
from fichive.series.selectors import series_ids_of_work, series_lines_of_work
from fichive.series.services import work_series_set
from fichive.tags.models import Tag
from fichive.tags.selectors import tag_for_viewer
from fichive.works import adult, listing, selectors, services
from fichive.works.blurbs import blurbs_of
from fichive.works.forms import (
    SKIN_MESSAGES_SHOWN,
    ChapterForm,
    NewWorkChapterForm,
    OrphanForm,
    ServiceErrorsForm,
    WorkForm,
)
from fichive.works.models import Chapter, Work


@cached_for_guests()
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "works/home.html", {"works": selectors.recent_works(request.user)})


def _listing_page(
    request: HttpRequest, works: QuerySet[Work] | None, *, heading: str,
    tag: Tag | None = None, **context: Any,
) -> HttpResponse:
    """A filtered, sorted page of `works` (those found under `tag` when given), or of every
    work listed for the visitor when None (listing_build then builds what it needs): bad
    parameters come back as messages on the page, with status 400."""
    form = listing.ListingForm.from_query(request.GET)
    context.update(heading=heading, form=form, tag=tag)
    if not form.is_valid():
        return render(request, "works/index.html", context, status=400)
    if form.cleaned_data["q"]:
        search_count(request)
    try:
        result = listing.listing_build(works=works, filters=form.filters(), under=tag,
                                       fetch=blurbs_of, viewer=request.user)
    except SearchTooBroad as exc:
        form.add_error("q", exc.message)
        return render(request, "works/index.html", context, status=400)
    return render(request, "works/index.html", {**context, "listing": result,
                                                "page": result.page})


@cached_for_guests(params=listing.LISTING_PARAMS)
def work_index(request: HttpRequest) -> HttpResponse:
    return _listing_page(request, None, heading="Works")


def work_search(request: HttpRequest) -> HttpResponse:
    """/works/search?q=…: every work the visitor may see, searched (full text and fields)
    and filtered like any listing; Best Match first unless another sort is chosen."""
    searched = bool(request.GET.get("q", "").strip())
    return _listing_page(request, None,
                         heading="Search results" if searched else "Search works",
                         search=True, searched=searched)


@cached_for_guests(params=listing.LISTING_PARAMS)
def tag_works(request: HttpRequest, tag_name: str) -> HttpResponse:
    """/tags/<name>/works: works found under the tag (its synonyms and sub tags included);
    a synonym's URL lists its canonical tag's works."""
    tag = tag_for_viewer(request.user, tag_name)
    target = tag.merger or tag
    return _listing_page(request, None, heading=f"Works in {target.name}", tag=target)


@cached_for_guests(params=listing.LISTING_PARAMS)
def user_works(request: HttpRequest, username: str) -> HttpResponse:
    owner = user_by_name(username)
    return _listing_page(request, selectors.works_listed_for(request.user, owner=owner),
                         heading=f"Works by {owner.username}", owner=owner,
                         tab="works")


@cached_for_guests(params=listing.LISTING_PARAMS)
def pseud_works(request: HttpRequest, username: str, pseud_name: str) -> HttpResponse:
    """/users/<name>/pseuds/<pseud>/works: the works posted under one pseud."""
    owner = user_by_name(username)
    pseud = pseud_by_name(owner, pseud_name)
    return _listing_page(request, selectors.works_listed_for(request.user, pseud=pseud),
                         heading=f"Works by {pseud.byline}", owner=owner,
                         pseud=pseud, tab="works")


@login_required
def creatorships(request: AuthedRequest, username: str) -> HttpResponse:
    """/users/<name>/creatorships: the user's Co-Creator Requests, each with Accept and
    Decline (a POST with `invitation` and `action`)."""
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        raise PermissionDenied("Only the invited user can see their co-creator requests.")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            invitation_id = int(request.POST.get("invitation", ""))
        except ValueError:
            invitation_id = 0
        try:
            if action == "accept":
                work = services.creator_invitation_accept(user=owner,
                                                          invitation_id=invitation_id)
                messages.success(request, f"You are now a co-creator of “{work.title}”.")
            elif action == "decline":
                work = services.creator_invitation_decline(user=owner,
                                                           invitation_id=invitation_id)
                messages.success(request, f"You declined to be a co-creator of “{work.title}”.")
            else:
                messages.error(request, "Choose Accept or Decline.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("works:creatorships", username=owner.username)
    return render(request, "works/creatorships.html", {
        "owner": owner, "is_owner": True,
        "invitations": selectors.creator_invitations_for(owner)})


@login_required
def creatorship_leave(request: AuthedRequest, work_id: int) -> HttpResponse:
    """Remove me as co-creator: asks first (GET), then takes the user off the work."""
    work = selectors.work_for_editing(request.user, work_id)
    if request.method == "POST":
        try:
            services.creator_remove_self(user=request.user, work=work)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(work)
        messages.success(request, f"You are no longer a co-creator of “{work.title}”.")
        return redirect("accounts:dashboard", username=request.user.username)
    return render(request, "works/creatorship_leave.html", {"work": work})


@login_required
def user_drafts(request: AuthedRequest, username: str) -> HttpResponse:
    owner = user_by_name(username)
    if owner.pk != request.user.pk:
        return redirect("works:user-works", username=owner.username)
    page = Paginator(selectors.works_by_user(request.user, owner, drafts=True), listing.PER_PAGE)
    return render(request, "works/index.html", {
        "page": listing.page_of(page, request.GET.get("page")), "heading": "Drafts",
        "owner": owner, "drafts": True,
    })


def _reading_context(request: HttpRequest, work: Work, chapters: list[Chapter], *,
                     version: str | None = None) -> dict:
    """What a work page shows; `version`, the work's version read before the work was
    (lib/cache.work_version_known), lets the page reuse what every viewer is shown."""
    # The same for every viewer: kept under the work's version (lib/fragments.py).
    all_chapters = kept(None if version is None else ("all-chapters", work.pk, version),
                        lambda: list(work.chapters.only("id", "position", "title", "work_id")))
    context = {
        "work": work,
        "chapters": chapters,
        "all_chapters": all_chapters,
        "is_creator": work.is_created_by(request.user),
        "full_work": len(chapters) == len(all_chapters),
        "show_work_notes": chapters[0].position == 1,
        "show_end_notes": chapters[-1].position == len(all_chapters),
        "downloads": adult.with_consent_kept(request, download_links(work)),
        # What this link carries that the work's other links keep (_kept_query).
        "kept": _kept_query(request),
        "series_lines": series_lines_of_work(request.user, work, series_ids=kept(
            None if version is None else ("series-ids", work.pk, version),
            lambda: series_ids_of_work(work))),
        **_skin_context(request, work),
    }
    if len(chapters) == 1 and len(all_chapters) > 1:
        index = chapters[0].position - 1
        context["previous"] = all_chapters[index - 1] if index > 0 else None
        context["next"] = all_chapters[index + 1] if index + 1 < len(all_chapters) else None
        # The meta block's "Comments: N" and the chapter's "Comments (N)" (comments_link)
        # as this viewer sees them; the chapter's own count is kept under the version.
        chapter = chapters[0]
        counted = kept(None if version is None else
                       ("chapter-comments", work.pk, version, chapter.pk),
                       lambda: chapter_comment_count(chapter))
        context["comments_shown"], shown = comments_counts_shown(
            user=request.user, work=work, chapter=chapter, work_count=work.comments_count,
            chapter_count=counted)
        context["chapter_comments"] = (chapter.pk, shown)
    else:
        context["comments_shown"] = comments_count_shown(
            user=request.user, work=work, chapter=None, count=work.comments_count)
    context["reader_state"] = selectors.reader_state(request.user, work)
    context["more_like_this"] = more_like_this_html(request, work, version=version)
    if context["reader_state"] is not None:
        context["kudos_state"] = ("creator" if context["is_creator"] else
                                  "left" if context["reader_state"].kudos_left else "open")
    _reuse_fragments(request, context, version)
    return context


def _reuse_fragments(request: HttpRequest, context: dict, version: str | None) -> None:
    """Put the page's viewer-independent parts in `context` as HTML kept across requests
    (lib/fragments.py): the work's navigation, meta block, text and notes (`reading_html`)
    and who left kudos (`kudos_html`). Their key is the work's version and whatever of this
    request went into them; the rest of the page (the reader's own state) is rendered around
    them. Not for a work's creators (an anonymous work's byline names them only for them) nor
    for a draft or hidden work (seen by few, and shown with notices of its own)."""
    work: Work = context["work"]
    if context["is_creator"] or work.state != Work.State.POSTED:
        return
    if version is None:
        # The work exists and a reader sees it: give it a version (if it has none) for the
        # next request to keep its parts under; this one's may predate it. Not for a guest:
        # the page cache gives the work a version when it keeps the page (made here, it
        # would find the key taken and keep nothing).
        if request.user.is_authenticated and fragments_on():
            work_version_known(work.pk, make=True)
        return
    prefs = prefs_for(request)
    key = ("reading", work.pk, version, tuple(c.pk for c in context["chapters"]),
           context["full_work"], len(context["all_chapters"]), context["kept"],
           prefs.hide_warnings, prefs.hide_freeform, timezone.get_current_timezone_name(),
           tuple((line.series_id, line.title, line.number, line.previous_id, line.next_id)
                 for line in context["series_lines"]),
           context["comments_shown"], work.hits, work.kudos_count, work.bookmarks_count)
    context["reading_html"] = fragment(
        key, lambda: render_to_string("works/_reading.html", context, request))
    context["kudos_html"] = fragment(
        ("kudos", work.pk, version, work.kudos_count),
        lambda: render_to_string("kudos/_kudos_list.html", context, request))


# The reading pages' parameters the creator's-style link keeps.
_KEPT_PARAMETERS = ("view_full_work", "view_adult")

# New works (posted or drafts) per account: 30 an hour; new chapters: 60 an hour. Past them
# the form says when to try again (429) and nothing is saved.
NEW_WORKS = RateLimit("fichive:works:new", limit=30, window=60 * 60)
NEW_CHAPTERS = RateLimit("fichive:chapters:new", limit=60, window=60 * 60)


def _over(limit: RateLimit, request: HttpRequest, form: Any, what: str) -> tuple[int, list[str]]:
    """Seconds until `request`'s user may add another `what` under `limit` (0 if they may
    now; else the form says so), and the counters to record once it is saved."""
    keys = limit.keys_for_request(request)
    left = limit.seconds_left(keys) if request.method == "POST" else 0
    if left:
        form.is_valid()
        form.add_error(None, f"You have added {limit.limit} {what} in the last "
                             f"{limit.window_text}. Nothing was saved: please wait "
                             f"{wait_text(left)} and try again.")
    return left, keys



def _kept_query(request: HttpRequest) -> str:
    """The query string a work's chapter and index links keep from this link: consent to its
    adult content (`view_adult=true`) and the work skin turned off or on for the visit
    (`style=disable` / `style=creator`)."""
    style = request.GET.get("style")
    return "&".join(part for part in (
        adult.consent_query(request),
        f"style={style}" if style in ("disable", "creator") else "") if part)


def _skin_context(request: HttpRequest, work: Work) -> dict:
    """The work skin for this visit: shown unless the reader turned it off, for this page
    with ?style=disable (AO3's URL) or always with the "hide work skins" preference (then
    ?style=creator shows it); and the link that turns it the other way."""
    # Skins are stored filtered by the works services, which never leave a "<" in one; a
    # skin written some other way that holds one is not served (it could close the <style>).
    if not work.work_skin or "<" in work.work_skin:
        return {}
    hidden_by_preference = prefs_for(request).hide_work_skins
    style = request.GET.get("style")
    shown = style == "creator" if hidden_by_preference else style != "disable"
    params = QueryDict(mutable=True)
    for name in _KEPT_PARAMETERS:
        if name in request.GET:
            params[name] = request.GET[name]
    if shown:
        params["style"] = "disable"
    elif hidden_by_preference:
        params["style"] = "creator"
    query = params.urlencode()
    return {"work_skin": work.work_skin if shown else "", "skin_shown": shown,
            "skin_toggle_url": f"{request.path}?{query}" if query else request.path}


@cached_for_guests(work_arg="work_id")
def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    """/works/<id>: the first chapter, or the whole work with ?view_full_work=true."""
    version = work_version_known(work_id)  # before the work is read: see lib/fragments.py
    work = selectors.work_for_reading(request.user, work_id, version=version)
    notice = adult.adult_notice(request, work)
    if notice is not None:
        return notice
    chapters = list(work.chapters.all())
    if request.GET.get("view_full_work") not in {"true", "1"}:
        chapters = chapters[:1]
    context = _reading_context(request, work, chapters, version=version)
    response = render(request, "works/work.html", context)
    read_counted(request, work, is_creator=context["is_creator"])
    return response


@cached_for_guests(work_arg="work_id")
def chapter_detail(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    version = work_version_known(work_id)  # before the work is read: see lib/fragments.py
    work = selectors.work_for_reading(request.user, work_id, version=version)
    chapter = selectors.chapter_of(work, chapter_id)
    notice = adult.adult_notice(request, work)
    if notice is not None:
        return notice
    context = _reading_context(request, work, [chapter], version=version)
    response = render(request, "works/work.html", context)
    read_counted(request, work, is_creator=context["is_creator"])
    return response


@cached_for_guests(work_arg="work_id")
def work_navigate(request: HttpRequest, work_id: int) -> HttpResponse:
    work = selectors.work_for_viewer(request.user, work_id)
    return render(request, "works/navigate.html",
                  {"work": work, "chapters": work.chapters.defer("content"),
                   "kept": _kept_query(request)})


@csrf_exempt  # guests' notice pages are cached and shared: see adult.always_refused
@require_POST
def adult_always(request: HttpRequest, work_id: int) -> HttpResponse:
    """The adult-content notice's "Yes, always": a logged-in user's preference, a guest's
    preferences cookie; then on to the page the notice stood in front of."""
    refused = adult.always_refused(request)
    if refused is not None:
        return refused
    if request.user.is_authenticated:
        preferences_update(user=request.user, view_adult=True)
    messages.success(request, "Works that could have adult content will now open without "
                              "asking.")
    return adult.guest_consent_kept(request, redirect(adult.consent_target(request, work_id)))


@login_required
def work_new(request: AuthedRequest) -> HttpResponse:
    """Post a new work: Post, Preview (saves a draft and shows it) or Save as draft."""
    if request.method == "POST" and request.POST.get("action") in ("suggest", "add-suggested"):
        return _work_new_suggested(request)
    form = WorkForm(request.POST or None, user=request.user)
    chapter_form = NewWorkChapterForm(request.POST or None)
    left, keys = _over(NEW_WORKS, request, form, "works")
    if not left and request.method == "POST" and form.is_valid() & chapter_form.is_valid():
        _skin_notes(request, form)
        action = request.POST.get("action", "post")
        try:
            with transaction.atomic():
                work = services.work_create(
                    user=request.user, meta=form.to_meta(),
                    chapters=[chapter_form.to_text(fmt=form.cleaned_data["fmt"])],
                    post=action == "post",
                )
                gifts_set(work=work, names=form.cleaned_data["gifts"])
                work_series_set(user=request.user, work=work, **form.series_choices())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            NEW_WORKS.record(keys)
            return _after_save(request, work, action)
    return limited(render(request, "works/work_form.html",
                                    {"form": form, "chapter_form": chapter_form, "new": True}),
                             left)


def _work_new_suggested(request: AuthedRequest) -> HttpResponse:
    """The new-work form without JavaScript: "Suggest tags" shows it again as typed with the
    tags its text suggests (tags.suggestions), "Add the checked tags" with the checked ones
    added to their fields. Nothing is saved."""
    from fichive.tags.views import suggested_added, suggestions_context

    data = request.POST.copy()
    if data.get("action") == "add-suggested":
        for name, value in suggested_added(data).items():
            data[name] = value
    initial = {k: v if len(v) > 1 else v[0] for k, v in data.lists()}
    chapter_form = NewWorkChapterForm()
    chapter_initial = {name: initial.get(chapter_form.add_prefix(name), "")
                       for name in chapter_form.fields}
    return render(request, "works/work_form.html", {
        "form": WorkForm(initial=initial, user=request.user),
        "chapter_form": NewWorkChapterForm(initial=chapter_initial), "new": True,
        "suggestions": suggestions_context(request.user, data, request),
    })


def _skin_notes(request: HttpRequest, form: WorkForm) -> None:
    """Tell the author what of their work skin was left out (it is saved without it)."""
    notes = form.skin_messages
    if not notes:
        return
    messages.warning(request, "Parts of the work skin were left out (what is kept shows in "
                              "the form when you edit the work):")
    for note in notes[:SKIN_MESSAGES_SHOWN]:
        messages.warning(request, note)
    if len(notes) > SKIN_MESSAGES_SHOWN:
        messages.warning(request, f"…and {len(notes) - SKIN_MESSAGES_SHOWN} more.")


def _after_save(
    request: HttpRequest, work: Work, action: str, *, updated: bool = False
) -> HttpResponse:
    if action == "preview":
        return redirect("works:preview", work_id=work.pk)
    if work.is_draft:
        messages.success(request, "Draft saved. It is visible only to you until you post it.")
        return redirect("works:preview", work_id=work.pk)
    messages.success(request, "Work updated." if updated else "Work posted.")
    return redirect(work)


def _save_or_preview(
    request: AuthedRequest, work: Work, form: ServiceErrorsForm, *, save: Callable[[], Any],
    saved: Callable[[Any], HttpResponse], form_template: str, default_action: str = "post",
    **context: Any,
) -> HttpResponse | None:
    """Submit an edit form of `work` (edit work, add or edit a chapter) the way the new-work
    form does: on a draft, Preview and Save as draft save it as a draft and show it (the
    draft is visible only to its creators) and Post saves and posts it; on a posted work,
    Preview shows the page as it would read without saving anything (below it the form,
    still filled in) and anything else saves. `save` calls the services and returns what
    `saved` (the posted-work answer) needs. None when the services refused: the form then
    carries their errors. A form sent without a button's action (an older client) does
    `default_action`."""
    action = request.POST.get("action", default_action)
    draft = work.is_draft
    try:
        if action == "preview" and not draft:
            return _preview_unsaved(request, work, save=save, form=form,
                                    form_template=form_template, **context)
        with transaction.atomic():
            result = save()
            if draft and action == "post":
                services.work_post(user=request.user, work=work)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None
    if draft:
        return _after_save(request, work, action)
    return saved(result)


def _preview_unsaved(request: AuthedRequest, work: Work, *, save: Callable[[], Any],
                     form: ServiceErrorsForm, form_template: str,
                     **context: Any) -> HttpResponse:
    """The work page as it would read once `save` ran, with nothing saved: the services run
    in a savepoint (validating, sanitizing and counting exactly as saving does), the page is
    rendered from what they wrote, and the savepoint is rolled back. A Chapter from `save` is
    the one shown, else every chapter (as the draft preview shows them)."""
    with transaction.atomic():
        result = save()
        shown = selectors.work_for_editing(request.user, work.pk)
        chapters = ([selectors.chapter_of(shown, result.pk)] if isinstance(result, Chapter)
                    else list(shown.chapters.all()))
        page = _reading_context(request, shown, chapters)
        page.update(context, preview=True, unsaved=True, form=form, preview_form=form_template)
        response = render(request, "works/work.html", page)
        transaction.set_rollback(True)
    return response


@login_required
def work_edit(request: AuthedRequest, work_id: int) -> HttpResponse:
    work = selectors.work_for_editing(request.user, work_id)
    form = WorkForm(request.POST or None, user=request.user, work=work,
                    initial=WorkForm.initial_for(work, user=request.user))
    form.note_invited([i.pseud.byline for i in selectors.creator_invitations_of_work(work)])
    if request.method == "POST" and form.is_valid():
        _skin_notes(request, form)

        def save() -> Work:
            services.work_update(user=request.user, work=work, meta=form.to_meta())
            gifts_set(work=work, names=form.cleaned_data["gifts"])
            work_series_set(user=request.user, work=work, **form.series_choices())
            return work

        def saved(_: Work) -> HttpResponse:
            return _after_save(request, work, "post", updated=True)

        response = _save_or_preview(request, work, form, save=save, saved=saved,
                                    form_template="works/_work_form.html", new=False)
        if response is not None:
            return response
    return render(request, "works/work_form.html", {"form": form, "work": work, "new": False})


@login_required
def work_preview(request: AuthedRequest, work_id: int) -> HttpResponse:
    work = selectors.work_for_editing(request.user, work_id)
    context = _reading_context(request, work, list(work.chapters.all()))
    context["preview"] = True
    return render(request, "works/work.html", context)


@login_required
@require_POST
def work_post(request: AuthedRequest, work_id: int) -> HttpResponse:
    work = selectors.work_for_editing(request.user, work_id)
    services.work_post(user=request.user, work=work)
    messages.success(request, "Work posted.")
    return redirect(work)


@login_required
def work_delete(request: AuthedRequest, work_id: int) -> HttpResponse:
    work = selectors.work_for_editing(request.user, work_id)
    if request.method == "POST":
        title = work.title
        services.work_delete(user=request.user, work=work)
        messages.success(request, f"“{title}” was deleted.")
        return redirect("accounts:dashboard", username=request.user.username)
    return render(request, "works/confirm_delete.html", {"work": work, "object": work})


@login_required
def orphan_new(request: AuthedRequest) -> HttpResponse:
    """/orphans/new?work_id=N (one work) or /orphans/new (all the visitor's posted works): the
    confirmation, with the choice of keeping the pseud's name; it posts to /orphans."""
    work = _orphaned_work(request, request.GET.get("work_id"))
    return _orphan_page(request, OrphanForm(), work)


def _orphaned_work(request: AuthedRequest, work_id: str | None) -> Work | None:
    if not work_id:
        return None
    if not work_id.isdigit():
        raise Http404("No such work.")
    return selectors.work_for_editing(request.user, int(work_id))


def _orphan_page(request: AuthedRequest, form: OrphanForm, work: Work | None,
                 status: int = 200) -> HttpResponse:
    count = (None if work is not None
             else selectors.works_by_user(request.user, request.user).count())
    return render(request, "works/orphan_confirm.html",
                  {"form": form, "work": work, "count": count}, status=status)


@login_required
@require_POST
def orphan_create(request: AuthedRequest) -> HttpResponse:
    """Orphan the work named by `work_id`, or every posted work of the visitor's."""
    work = _orphaned_work(request, request.POST.get("work_id"))
    form = OrphanForm(request.POST)
    if not form.is_valid():
        return _orphan_page(request, form, work, status=400)
    if work is None:
        count = services.works_orphan_all(user=request.user,
                                          keep_pseud_name=form.keep_pseud_name)
        messages.success(request, f"{count} work{'s' if count != 1 else ''} orphaned: "
                         "they now belong to orphan_account.")
        return redirect("accounts:dashboard", username=request.user.username)
    try:
        services.work_orphan(user=request.user, work=work,
                             keep_pseud_name=form.keep_pseud_name)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _orphan_page(request, form, work, status=400)
    messages.success(request, f"“{work.title}” was orphaned: it now belongs to orphan_account.")
    return redirect(work)


@login_required
def chapter_new(request: AuthedRequest, work_id: int) -> HttpResponse:
    work = selectors.work_for_editing(request.user, work_id)
    form = ChapterForm(request.POST or None)
    context = {"position": work.chapter_count + 1}
    left, keys = _over(NEW_CHAPTERS, request, form, "chapters")
    if not left and request.method == "POST" and form.is_valid():
        def save() -> Chapter:
            return services.chapter_add(user=request.user, work=work, text=form.to_text())

        def saved(chapter: Chapter) -> HttpResponse:
            messages.success(request, f"{chapter.full_title} added.")
            return redirect(chapter)

        # A chapter sent without a button's action keeps a draft a draft, as it always did.
        response = _save_or_preview(request, work, form, save=save, saved=saved,
                                    form_template="works/_chapter_form.html",
                                    default_action="draft", **context)
        if response is not None:
            if not (request.POST.get("action") == "preview" and not work.is_draft):
                NEW_CHAPTERS.record(keys)  # a preview of a posted work's chapter saved nothing
            return response
    return limited(
        render(request, "works/chapter_form.html", {"form": form, "work": work, **context}),
        left)


@login_required
def chapter_edit(request: AuthedRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = selectors.work_for_editing(request.user, work_id)
    chapter = selectors.chapter_of(work, chapter_id)
    form = ChapterForm(request.POST or None, initial=ChapterForm.initial_for(chapter))
    context = {"chapter": chapter, "position": chapter.position}
    if request.method == "POST" and form.is_valid():
        def save() -> Chapter:
            return services.chapter_update(user=request.user, chapter=chapter,
                                           text=form.to_text())

        def saved(_: Chapter) -> HttpResponse:
            messages.success(request, f"{chapter.full_title} updated.")
            return redirect(chapter)

        # A chapter sent without a button's action keeps a draft a draft, as it always did.
        response = _save_or_preview(request, work, form, save=save, saved=saved,
                                    form_template="works/_chapter_form.html",
                                    default_action="draft", **context)
        if response is not None:
            return response
    return render(request, "works/chapter_form.html", {"form": form, "work": work, **context})


@login_required
def chapter_delete(request: AuthedRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = selectors.work_for_editing(request.user, work_id)
    chapter = selectors.chapter_of(work, chapter_id)
    if request.method == "POST":
        try:
            services.chapter_delete(user=request.user, chapter=chapter)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("works:chapters-manage", work_id=work.pk)
        messages.success(request, f"{chapter.full_title} was deleted.")
        return redirect("works:chapters-manage", work_id=work.pk)
    return render(request, "works/confirm_delete.html",
                  {"work": work, "object": chapter, "chapter": chapter})


@login_required
def chapters_manage(request: AuthedRequest, work_id: int) -> HttpResponse:
    """Reorder chapters: each gets a position number; the new order is by those numbers."""
    work = selectors.work_for_editing(request.user, work_id)
    chapters = list(work.chapters.defer("content"))
    error = None
    if request.method == "POST":
        try:
            positions = {c.pk: int(request.POST.get(f"position-{c.pk}", "")) for c in chapters}
        except ValueError:
            error = "Give every chapter a whole-number position."
        else:
            order = sorted(positions, key=lambda pk: (positions[pk], pk))
            try:
                services.chapters_reorder(user=request.user, work=work, order=order)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, "Chapter order saved.")
                return redirect("works:navigate", work_id=work.pk)
    return render(request, "works/chapters_manage.html",
                  {"work": work, "chapters": chapters, "error": error})
