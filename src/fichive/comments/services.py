"""Writes to comments: posting and replying, editing, deleting, freezing, hiding, approving,
and importing comments from another archive.

Rules (AO3's): who may comment is the work's setting (everyone, logged-in users, nobody);
restricted works take comments from logged-in users only and drafts from nobody. Guests give a
name and an email address; users comment under one of their pseuds. A comment is 1 to
CONTENT_MAX characters of text (sanitized HTML, comments' allowlist). Frozen threads take no
replies. Authors edit and delete their own comments; the work's creators (any co-creator)
delete any comment on it, freeze threads, hide comments and approve held ones; admins may
delete any comment. Every refusal is a ValidationError (or PermissionDenied) that changes
nothing. Work.comments_count counts published, not deleted comments, kept with F() in the
same transaction as the change.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, F, Q
from django.dispatch import Signal
from django.utils import timezone

from fichive.accounts.models import Pseud, User
from fichive.accounts.requests import Viewer
from fichive.accounts.services import ensure_may_post
from fichive.blocking.selectors import blockers_among
from fichive.comments import ratelimit, signals
from fichive.comments.models import CONTENT_MAX, Comment
from fichive.lib.cache import content_changed
from fichive.lib.ratelimit import wait_text
from fichive.lib.sanitize import comment_from_input
from fichive.stats.services import work_stat_add
from fichive.works.models import Chapter, Creatorship, Work

GUEST_NAME_MAX = 100
EMAIL_MAX = 254
# Input far beyond the limit is refused before it is sanitized.
_RAW_MAX = CONTENT_MAX * 5


class RateLimited(ValidationError):
    """Too many comments from one account or address in the window (comments/ratelimit.py);
    `retry_after` seconds until the next may be posted."""

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


def _account(user: Viewer) -> User | None:
    return user if user is not None and user.is_authenticated else None


def creator_user_ids(work: Work) -> set[int]:
    """The accounts behind the work's creators, from prefetched creatorships when present."""
    cache = getattr(work, "_prefetched_objects_cache", {})
    if "creatorships" in cache:
        return {c.pseud.user_id for c in work.creatorships.all()}
    return set(Creatorship.objects.filter(work=work).values_list("pseud__user_id", flat=True))


def is_work_creator(*, user: Viewer, work: Work) -> bool:
    account = _account(user)
    return account is not None and account.pk in creator_user_ids(work)


def comment_refusal(*, work: Work, user: Viewer) -> str:
    """Why this visitor may not comment on the work, or "" when they may."""
    if work.state != Work.State.POSTED:
        return "Comments can't be left on a draft."
    if work.comment_permission == Work.CommentPermission.NONE:
        return "Sorry, this work doesn't allow comments."
    if _account(user) is None and (
        work.restricted or work.comment_permission == Work.CommentPermission.USERS
    ):
        return "Sorry, this work only allows comments from logged-in users. Log in to comment."
    return ""


def _tell_on_commit(signal: Signal, comment: Comment) -> None:
    transaction.on_commit(lambda: signal.send(sender=Comment, comment=comment))


def _count(work: Work, delta: int, *, threads: int = 0) -> None:
    """Move the work's comment count by `delta` (in the caller's transaction), and its
    comment threads (counted top-level comments) in its daily stats by `threads`, and retire
    the work's cached pages, which show the count."""
    if not delta:
        return
    Work.objects.filter(pk=work.pk).update(comments_count=F("comments_count") + delta)
    work.comments_count = (work.comments_count or 0) + delta
    if threads:
        work_stat_add(work_id=work.pk, comment_threads=threads)
    content_changed(work_ids=[work.pk], listings=False)


def _thread(comment: Comment) -> int:
    """1 for a top-level comment (a comment thread in the author's stats), else 0."""
    return 1 if comment.parent_id is None else 0


def comments_leaving(*, chapter: Chapter) -> None:
    """A chapter is about to be deleted with its comments: take those the work's count
    counts off it."""
    leaving = Comment.objects.filter(chapter=chapter, status=Comment.Status.PUBLISHED,
                                     deleted=False).aggregate(
        comments=Count("pk"), threads=Count("pk", filter=Q(parent__isnull=True)))
    if leaving["comments"]:
        work = Work(pk=chapter.work_id, comments_count=0)
        _count(work, -leaving["comments"], threads=-leaving["threads"])


def _clean_content(content: str) -> str:
    """The stored HTML of a comment, or a ValidationError saying what is wrong."""
    raw = content or ""
    html, text = comment_from_input(raw) if len(raw) <= _RAW_MAX else ("", "x" * len(raw))
    if len(text) > CONTENT_MAX:
        raise ValidationError(
            f"Your comment is {len(text):,} characters long; the most is {CONTENT_MAX:,}. "
            "Please shorten it.", code="too_long")
    if not html:
        raise ValidationError("Please write something before posting your comment.",
                              code="empty")
    return html


def _author_fields(*, user: User | None, pseud: Pseud | None, guest_name: str,
                   guest_email: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    if user is not None:
        pseud = pseud or user.default_pseud
        if pseud.user_id != user.pk:
            errors["pseud"] = ["Choose one of your own pseuds."]
        return {"user": user, "pseud": pseud}
    name = " ".join((guest_name or "").split())
    email = (guest_email or "").strip()
    if not name:
        errors["name"] = ["Please enter your name."]
    elif len(name) > GUEST_NAME_MAX:
        errors["name"] = [f"Names are at most {GUEST_NAME_MAX} characters."]
    if not email:
        errors["email"] = ["Please enter your email address."]
    elif len(email) > EMAIL_MAX:
        errors["email"] = [f"Email addresses are at most {EMAIL_MAX} characters."]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Please enter a valid email address (like name@example.org)."]
    return {"guest_name": name, "guest_email": email}


def _reply_refusal(parent: Comment) -> str:
    if parent.frozen:
        return "This thread has been frozen; no new replies can be added."
    if parent.deleted:
        return "That comment has been deleted; it can't be replied to."
    if parent.status == Comment.Status.PENDING:
        return "That comment is awaiting approval; it can be replied to once it is approved."
    if parent.status == Comment.Status.HIDDEN:
        return "That comment has been hidden; it can't be replied to."
    return ""


def _block_refusal(*, work: Work, parent: Comment | None, account: User) -> str:
    """Why a block keeps this account from commenting here, or "": a creator of the work
    blocks them, or (for a reply) the author of the comment replied to does. One query."""
    creators = creator_user_ids(work)
    replied_to = {parent.user_id} if parent is not None and parent.user_id else set()
    blockers = blockers_among(user_ids=creators | replied_to, user=account)
    if blockers & creators:
        return ("Sorry, you can't comment on this work: one of its creators has blocked "
                "you.")
    if blockers:
        return "Sorry, you can't reply to this comment: its author has blocked you."
    return ""


def comment_scope(*, work: Work, chapter: Chapter | None) -> Chapter | None:
    """Where a comment on this page belongs: a one-shot's comments are the work's."""
    if chapter is not None and not work.is_multichapter:
        return None
    return chapter


@transaction.atomic
def comment_post(*, work: Work, chapter: Chapter | None = None, parent: Comment | None = None,
                 user: Viewer = None, pseud: Pseud | None = None, guest_name: str = "",
                 guest_email: str = "", content: str, address_hash: str = "") -> Comment:
    """Post a comment on the work (or its `chapter`), or a reply to `parent`. Raises
    ValidationError (RateLimited when over the limit) and changes nothing when refused."""
    ensure_may_post(user)
    account = _account(user)
    if parent is not None:
        # Read it again, locked: a freeze or delete may have come in since it was read.
        parent = (Comment.objects.select_for_update(of=("self",)).select_related("chapter")
                  .filter(pk=parent.pk).first())
        if parent is None:
            raise ValidationError("That comment has been deleted.", code="deleted")
        if parent.work_id != work.pk:
            raise ValidationError("That comment is not on this work.", code="wrong_work")
        chapter = parent.chapter
    elif chapter is not None:
        if chapter.work_id != work.pk:
            raise ValidationError("That chapter is not part of this work.", code="wrong_work")
        chapter = comment_scope(work=work, chapter=chapter)
    refusal = comment_refusal(work=work, user=account)
    if refusal:
        raise ValidationError(refusal, code="not_allowed")
    if parent is not None:
        refusal = _reply_refusal(parent)
        if refusal:
            raise ValidationError(refusal, code="reply_refused")
    if account is not None:
        refusal = _block_refusal(work=work, parent=parent, account=account)
        if refusal:
            raise ValidationError(refusal, code="blocked")
    errors: dict[str, list[str]] = {}
    author = _author_fields(user=account, pseud=pseud, guest_name=guest_name,
                            guest_email=guest_email, errors=errors)
    try:
        html = _clean_content(content)
    except ValidationError as exc:
        errors["content"] = exc.messages
    if errors:
        raise ValidationError(errors)
    keys = ratelimit.keys_for(user_id=account.pk if account else None,
                              address_hash=address_hash)
    left = ratelimit.seconds_left(keys)
    if left:
        minutes = ratelimit.WINDOW_SECONDS // 60
        raise RateLimited(
            f"You have posted {ratelimit.LIMIT} comments in the last {minutes} minutes; "
            f"please wait {wait_text(left)} before posting another.", code="rate_limited",
            retry_after=left)
    creator = account is not None and account.pk in creator_user_ids(work)
    held = work.moderated_comments and not creator
    comment = Comment.objects.create(
        work=work, chapter=chapter, parent=parent,
        thread_id=(parent.thread_id or parent.pk) if parent is not None else None,
        depth=parent.depth + 1 if parent is not None else 0, content=html,
        status=Comment.Status.PENDING if held else Comment.Status.PUBLISHED, **author,
    )
    if parent is None:
        comment.thread = comment
        comment.save(update_fields=["thread"])
    ratelimit.record(keys)
    if held:
        _tell_on_commit(signals.comment_awaiting_approval, comment)
    else:
        _count(work, +1, threads=_thread(comment))
        _tell_on_commit(signals.comment_published, comment)
    return comment


def _lock(comment: Comment) -> bool:
    """Lock the comment's row and refresh its state from it (a concurrent delete, hide or
    approval may have changed it since it was read); False if it is gone."""
    fresh = (Comment.objects.select_for_update(of=("self",))
             .filter(pk=comment.pk).values("status", "deleted", "frozen", "content").first())
    if fresh is None:
        return False
    for name, value in fresh.items():
        setattr(comment, name, value)
    return True


def _may_remove(*, user: User | None, comment: Comment) -> bool:
    if user is None:
        return False
    return (comment.user_id == user.pk or user.can_moderate
            or user.pk in creator_user_ids(comment.work))


def may_edit(*, user: Viewer, comment: Comment) -> bool:
    account = _account(user)
    return (account is not None and comment.user_id == account.pk and not comment.deleted
            and not comment.frozen)


def may_delete(*, user: Viewer, comment: Comment) -> bool:
    return not comment.deleted and _may_remove(user=_account(user), comment=comment)


@transaction.atomic
def comment_edit(*, user: Viewer, comment: Comment, content: str) -> Comment:
    """Change your own comment's text; it shows "Last edited" with the time."""
    ensure_may_post(user)
    account = _account(user)
    if account is None or comment.user_id != account.pk:
        raise PermissionDenied("Only the comment's author can edit it.")
    if comment.deleted:
        raise ValidationError("That comment has been deleted.", code="deleted")
    if comment.frozen:
        raise ValidationError("This thread has been frozen; its comments can't be edited.",
                              code="frozen")
    try:
        comment.content = _clean_content(content)
    except ValidationError as exc:
        raise ValidationError({"content": exc.messages}) from None
    comment.edited_at = timezone.now()
    comment.save(update_fields=["content", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, user: Viewer, comment: Comment) -> None:
    """Delete a comment: with replies it stays as "(Previous comment deleted.)"; without, it
    goes, and so do deleted comments above it that are left with no replies."""
    if not _lock(comment):
        return
    if not may_delete(user=user, comment=comment):
        raise PermissionDenied("Only the comment's author or the work's creators can delete it.")
    was_counted = comment.counted
    if Comment.objects.filter(parent=comment).exists():
        comment.deleted = True
        comment.content = ""
        comment.save(update_fields=["deleted", "content"])
    else:
        parent_id = comment.parent_id
        comment.delete()
        while parent_id is not None:
            parent = Comment.objects.filter(pk=parent_id, deleted=True).first()
            if parent is None or Comment.objects.filter(parent=parent).exists():
                break
            parent_id = parent.parent_id
            parent.delete()
    if was_counted:
        _count(comment.work, -1, threads=-_thread(comment))


def subtree_ids(comment: Comment) -> list[int]:
    """The comment and every reply below it, at any depth."""
    rows = Comment.objects.filter(thread_id=comment.thread_id or comment.pk,
                                  depth__gt=comment.depth).values_list("id", "parent_id")
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in rows:
        children[parent_id].append(pk)
    found, todo = [comment.pk], [comment.pk]
    while todo:
        below = children.get(todo.pop(), [])
        found.extend(below)
        todo.extend(below)
    return found


def _require_creator(*, user: Viewer, comment: Comment, what: str) -> None:
    if not is_work_creator(user=user, work=comment.work):
        raise PermissionDenied(f"Only the work's creators can {what}.")


@transaction.atomic
def comment_freeze(*, user: Viewer, comment: Comment, frozen: bool = True) -> int:
    """Freeze (or unfreeze) a comment and every reply below it; returns how many changed."""
    _require_creator(user=user, comment=comment,
                     what="freeze threads" if frozen else "unfreeze threads")
    changed = Comment.objects.filter(pk__in=subtree_ids(comment)).update(frozen=frozen)
    comment.frozen = frozen
    return changed


def comment_unfreeze(*, user: Viewer, comment: Comment) -> int:
    return comment_freeze(user=user, comment=comment, frozen=False)


def _moderate(*, user: Viewer, comment: Comment, what: str,
              allowed: Callable[[Comment], bool],
              refusal: tuple[str, str], to: str) -> Comment:
    """What hiding, unhiding and approving share: only the work's creators, on a comment still
    there (read again, locked) and in a state `allowed` accepts; then the new status."""
    _require_creator(user=user, comment=comment, what=what)
    if not _lock(comment):
        raise ValidationError("That comment has been deleted.", code="deleted")
    if not allowed(comment):
        raise ValidationError(refusal[0], code=refusal[1])
    comment.status = to
    comment.save(update_fields=["status"])
    return comment


@transaction.atomic
def comment_hide(*, user: Viewer, comment: Comment) -> Comment:
    """Hide a published comment: only the work's creators and its author still see it."""
    _moderate(user=user, comment=comment, what="hide comments",
              allowed=lambda c: not c.deleted and c.status == Comment.Status.PUBLISHED,
              refusal=("Only published comments can be hidden.", "not_published"),
              to=Comment.Status.HIDDEN)
    _count(comment.work, -1, threads=-_thread(comment))
    return comment


@transaction.atomic
def comment_unhide(*, user: Viewer, comment: Comment) -> Comment:
    _moderate(user=user, comment=comment, what="unhide comments",
              allowed=lambda c: c.status == Comment.Status.HIDDEN,
              refusal=("That comment is not hidden.", "not_hidden"),
              to=Comment.Status.PUBLISHED)
    if not comment.deleted:
        _count(comment.work, +1, threads=_thread(comment))
    return comment


@transaction.atomic
def comment_approve(*, user: Viewer, comment: Comment) -> Comment:
    """Approve a held comment on a moderated work: it is published for everyone."""
    _moderate(user=user, comment=comment, what="approve comments",
              allowed=lambda c: c.status == Comment.Status.PENDING,
              refusal=("That comment is not awaiting approval.", "not_pending"),
              to=Comment.Status.PUBLISHED)
    if not comment.deleted:
        _count(comment.work, +1, threads=_thread(comment))
        _tell_on_commit(signals.comment_published, comment)
    return comment


@transaction.atomic
def comment_import(*, work: Work, chapter: Chapter | None, content: str,
                   created_at: datetime.datetime, pseud: Pseud | None = None,
                   guest_name: str = "", guest_email: str = "",
                   parent: Comment | None = None) -> Comment:
    """A comment brought over from another archive (eFiction reviews): its own date and
    author, published, without the posting rules (the work's settings, the rate limit) and
    without notifications. Content must still be text within the limits."""
    if chapter is not None and chapter.work_id != work.pk:
        raise ValidationError("That chapter is not part of this work.", code="wrong_work")
    html = _clean_content(content)
    name = " ".join((guest_name or "").split())[:GUEST_NAME_MAX]
    if pseud is None and not name:
        name = "Anonymous"
    comment = Comment.objects.create(
        work=work, chapter=comment_scope(work=work, chapter=chapter), parent=parent,
        thread_id=(parent.thread_id or parent.pk) if parent is not None else None,
        depth=parent.depth + 1 if parent is not None else 0, content=html,
        pseud=pseud, user=pseud.user if pseud is not None else None,
        guest_name="" if pseud is not None else name,
        guest_email=guest_email if pseud is None else "", created_at=created_at,
    )
    if parent is None:
        comment.thread = comment
        comment.save(update_fields=["thread"])
    _count(work, +1, threads=_thread(comment))
    return comment
