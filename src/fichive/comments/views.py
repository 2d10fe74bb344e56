"""Comment pages: a work's or chapter's threads (whole page, or the fragment the work page
loads), a comment's thread, and posting, editing, deleting, freezing, hiding and approving.

These pages are never cached (they carry a CSRF token and per-viewer state); the work and
chapter pages, which are, show only a "Comments (N)" link that leads or loads here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fichive.accounts.models import User
from fichive.accounts.requests import AuthedRequest
from fichive.comments import selectors, services
from fichive.comments.forms import CommentEditForm, CommentForm
from fichive.comments.models import Comment
from fichive.lib.visitors import address_hash
from fichive.works.models import Chapter, Work
from fichive.works.selectors import chapter_of, work_for_viewer

FRAGMENT_HEADER = "X-Fichive-Fragment"


def _account(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated else None


def _wants_fragment(request: HttpRequest) -> bool:
    return request.GET.get("fragment") == "1" or FRAGMENT_HEADER in request.headers


def _list_url(work: Work, chapter: Chapter | None) -> str:
    if chapter is None:
        return reverse("comments:work", args=[work.pk])
    return reverse("comments:chapter", args=[work.pk, chapter.pk])


def _new_form(request: HttpRequest, *, chapter: Chapter | None = None,
              parent: Comment | None = None) -> CommentForm:
    account = _account(request)
    pseuds = list(account.pseuds.all()) if account is not None else None
    return CommentForm(user=account, pseuds=pseuds, initial={
        "chapter_id": chapter.pk if chapter is not None else None,
        "parent_id": parent.pk if parent is not None else None,
    })


def _render_list(request: HttpRequest, work: Work, chapter: Chapter | None, *,
                 form: CommentForm | None = None, status: int = 200) -> HttpResponse:
    refusal = services.comment_refusal(work=work, user=request.user)
    viewer = selectors.CommentViewer.of(request.user, work)
    data = selectors.comments_page(work=work, chapter=chapter, viewer=viewer,
                                   page_number=request.GET.get("page"),
                                   may_comment=not refusal)
    context: dict[str, Any] = {
        "work": work, "chapter": chapter, "data": data, "page": data.page,
        "threads": data.threads, "refusal": refusal,
        "form": form or (None if refusal else _new_form(request, chapter=chapter)),
        "post_url": _list_url(work, chapter), "list_url": _list_url(work, chapter),
        "whole_work": chapter is None,
    }
    template = "comments/_comments.html" if _wants_fragment(request) else "comments/comments.html"
    return render(request, template, context, status=status)


def work_comments(request: HttpRequest, work_id: int) -> HttpResponse:
    """/works/<id>/comments: every comment on the work (a one-shot's, or "Entire Work");
    POST posts a comment on the whole work (or on the chapter named in the form)."""
    work = work_for_viewer(request.user, work_id)
    if request.method == "POST":
        return _post(request, work, chapter=None)
    return _render_list(request, work, None)


def chapter_comments(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    """/works/<id>/chapters/<cid>/comments: a chapter's comments (a one-shot's chapter has
    none of its own: its comments are the work's)."""
    work = work_for_viewer(request.user, work_id)
    chapter = chapter_of(work, chapter_id)
    scope = services.comment_scope(work=work, chapter=chapter)
    if request.method == "POST":
        return _post(request, work, chapter=scope)
    if scope is None:
        query = request.META.get("QUERY_STRING", "")
        return redirect(_list_url(work, None) + (f"?{query}" if query else ""))
    return _render_list(request, work, scope)


@require_POST
def comment_create(request: HttpRequest) -> HttpResponse:
    """POST /comments: a reply to the comment named by parent_id."""
    try:
        parent_id = int(request.POST.get("parent_id", ""))
    except ValueError:
        raise Http404("No such comment.") from None
    parent, work, _ = selectors.comment_with_work(request.user, parent_id)
    return _post(request, work, chapter=parent.chapter)


def _post(request: HttpRequest, work: Work, *, chapter: Chapter | None) -> HttpResponse:
    account = _account(request)
    form = CommentForm(request.POST, user=account)
    status, retry_after = 400, 0
    parent: Comment | None = None
    if form.is_valid():
        data = form.cleaned_data
        if data.get("parent_id"):
            parent = (Comment.objects.select_related("chapter")
                      .filter(pk=data["parent_id"]).first())
            if parent is None:
                raise Http404("No such comment.")
        if data.get("chapter_id") and chapter is None and parent is None:
            chapter = Chapter.objects.filter(pk=data["chapter_id"], work=work).first()
            if chapter is None:
                raise Http404("No such chapter.")
        try:
            comment = services.comment_post(
                work=work, chapter=chapter, parent=parent, user=account,
                pseud=data.get("pseud"), guest_name=data.get("name") or "",
                guest_email=data.get("email") or "", content=data.get("content") or "",
                address_hash=address_hash(request.META),
            )
        except services.RateLimited as exc:
            form.add_error(None, exc.messages)
            status, retry_after = 429, exc.retry_after
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _after_post(request, comment)
    if parent is not None and parent.work_id == work.pk:
        response = _render_thread(request, parent, work, form=form, status=status)
    else:
        response = _render_list(request, work, chapter, form=form, status=status)
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response


def _after_post(request: HttpRequest, comment: Comment) -> HttpResponse:
    if comment.status == Comment.Status.PENDING:
        messages.success(request, "Your comment was received. It will appear once the "
                                  "work's creator has approved it.")
    else:
        messages.success(request, "Comment posted.")
    if comment.parent_id is not None:
        return redirect(reverse("comments:detail", args=[comment.parent_id])
                        + f"#comment_{comment.pk}")
    page = selectors.comments_page_number(comment)
    back = _return_to(request, comment.work)
    if back and page == 1:
        # Posted from the comments shown under the work (comments.js): back to the work,
        # where the script shows the comments again at the new one.
        return redirect(f"{back}#comment_{comment.pk}")
    url = _list_url(comment.work, comment.chapter)
    return redirect(f"{url}?page={page}#comment_{comment.pk}" if page > 1
                    else f"{url}#comment_{comment.pk}")


def _return_to(request: HttpRequest, work: Work) -> str | None:
    """The work or chapter page the comment form was shown on (comments.js sends it as
    `return_to`), when it is one of this work's reading pages; None otherwise."""
    value = request.POST.get("return_to", "")
    pattern = rf"/works/{work.pk}(/chapters/\d+)?(\?view_full_work=true)?"
    return value if re.fullmatch(pattern, value) else None


def _render_thread(request: HttpRequest, comment: Comment, work: Work, *,
                   form: CommentForm | None = None, status: int = 200) -> HttpResponse:
    comment.work = work
    refusal = services.comment_refusal(work=work, user=request.user)
    viewer = selectors.CommentViewer.of(request.user, work)
    node = selectors.comment_thread(comment=comment, viewer=viewer, may_comment=not refusal)
    if form is None and node.can_reply:
        form = _new_form(request, parent=comment)
    return render(request, "comments/thread.html", {
        "work": work, "comment": comment, "node": node, "form": form, "refusal": refusal,
        "list_url": _list_url(work, comment.chapter), "whole_work": comment.chapter is None,
    }, status=status)


def comment_detail(request: HttpRequest, comment_id: int) -> HttpResponse:
    """/comments/<id>: the comment and its replies (where deeper threads continue)."""
    comment, work, _ = selectors.comment_with_work(request.user, comment_id)
    return _render_thread(request, comment, work)


@login_required
def comment_edit(request: AuthedRequest, comment_id: int) -> HttpResponse:
    comment, work, _ = selectors.comment_with_work(request.user, comment_id)
    if not services.may_edit(user=request.user, comment=comment):
        raise PermissionDenied("You can edit only your own comments, and not in a frozen "
                               "thread.")
    form = CommentEditForm(request.POST or None, initial={"content": comment.content})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(user=request.user, comment=comment,
                                  content=form.cleaned_data["content"])
        except ValidationError as exc:
            form.add_service_errors(exc)
            status = 400
        else:
            messages.success(request, "Comment updated.")
            return redirect(comment)
    return render(request, "comments/edit.html",
                  {"work": work, "comment": comment, "form": form}, status=status)


@login_required
def comment_delete(request: AuthedRequest, comment_id: int) -> HttpResponse:
    comment, work, _ = selectors.comment_with_work(request.user, comment_id)
    if not services.may_delete(user=request.user, comment=comment):
        raise PermissionDenied("Only the comment's author or the work's creators can delete it.")
    if request.method == "POST":
        parent_id = comment.parent_id
        services.comment_delete(user=request.user, comment=comment)
        messages.success(request, "Comment deleted.")
        if parent_id is not None and Comment.objects.filter(pk=parent_id).exists():
            return redirect("comments:detail", comment_id=parent_id)
        return redirect(_list_url(work, comment.chapter))
    return render(request, "comments/confirm_delete.html", {"work": work, "comment": comment})


def _moderate(request: AuthedRequest, comment_id: int, action: str) -> HttpResponse:
    comment, work, _ = selectors.comment_with_work(request.user, comment_id)
    done: dict[str, tuple[Callable[..., Any], str]] = {
        "freeze": (services.comment_freeze, "Comment thread frozen."),
        "unfreeze": (services.comment_unfreeze, "Comment thread unfrozen."),
        "hide": (services.comment_hide, "Comment hidden."),
        "unhide": (services.comment_unhide, "Comment unhidden."),
        "approve": (services.comment_approve, "Comment approved."),
    }
    service, message = done[action]
    try:
        service(user=request.user, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect(comment)


@login_required
@require_POST
def comment_freeze(request: AuthedRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, "freeze")


@login_required
@require_POST
def comment_unfreeze(request: AuthedRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, "unfreeze")


@login_required
@require_POST
def comment_hide(request: AuthedRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, "hide")


@login_required
@require_POST
def comment_unhide(request: AuthedRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, "unhide")


@login_required
@require_POST
def comment_approve(request: AuthedRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, "approve")
