"""API: kudos, comments (threaded), bookmarks, subscriptions, Marked for Later and the inbox:
reads and writes.

Reads go through the selectors the pages use (works.selectors, comments/bookmarks/
subscriptions/readings/inbox selectors): restricted works are 404 for guests, drafts and
hidden works for everyone but their creators (and moderators), muted users' comments and
bookmarks are left out, and an anonymous work's creators are never named. Writes go through
the same services as the forms, with the same messages; a comment counts against the same
rate limit as the comment form (3 in 15 minutes), answered with 429 and Retry-After.

Comments come threaded as the comments page shows them: 20 top-level threads a page, oldest
first, each with its `replies` nested up to five levels below it; `more_replies` says a
thread continues deeper (GET /comments/{id} of that comment shows the rest). A comment the
viewer may not see (deleted, held, hidden) appears only where replies they may see hang below
it, with `visible` false, no author or text, and the page's `placeholder` sentence.

Who may call what: reads of works' kudos, comments and bookmarks need no token; the caller's
own lists under /me/ need a token with `read` (or a logged-in session); every write needs a
token with `write`. Kudos can't be taken back on the site, so there is no DELETE for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Schema
from ninja.responses import Status
from pydantic import ConfigDict, WithJsonSchema

from fichive.accounts.models import Pseud, User
from fichive.accounts.selectors import user_by_name
from fichive.accounts.services import AccountRestricted
from fichive.api.endpoints.works import Creator, Facet, WorkOut, work_json
from fichive.api.pagination import links, page_number
from fichive.api.problems import invalid
from fichive.api.schemas import ERRORS, PageNumber, Paging, Problem, answers
from fichive.api.v1 import MINE, READ, WRITE, Refused, router
from fichive.bookmarks import selectors as bookmark_selectors
from fichive.bookmarks import services as bookmark_services
from fichive.bookmarks.forms import BookmarkListingForm
from fichive.bookmarks.models import (
    EXTERNAL_CREATOR_MAX,
    EXTERNAL_SUMMARY_MAX,
    EXTERNAL_TITLE_MAX,
    NOTES_MAX,
    URL_MAX,
    Bookmark,
    ExternalWork,
)
from fichive.comments import selectors as comment_selectors
from fichive.comments import services as comment_services
from fichive.comments.models import Comment
from fichive.inbox import selectors as inbox_selectors
from fichive.inbox import services as inbox_services
from fichive.inbox.models import InboxItem
from fichive.kudos import selectors as kudos_selectors
from fichive.kudos import services as kudos_services
from fichive.kudos.views import PER_PAGE as KUDOS_PER_PAGE
from fichive.kudos.views import THANKS
from fichive.lib.ratelimit import RateLimited
from fichive.lib.visitors import address_hash
from fichive.readings import selectors as reading_selectors
from fichive.readings import services as reading_services
from fichive.readings.models import Reading
from fichive.series.models import Series
from fichive.series.selectors import series_for_viewer
from fichive.subscriptions import selectors as subscription_selectors
from fichive.subscriptions import services as subscription_services
from fichive.subscriptions.models import Subscription
from fichive.subscriptions.views import PER_PAGE as SUBSCRIPTIONS_PER_PAGE
from fichive.tags.models import RATINGS, TAG_NAME_MAX
from fichive.works import listing
from fichive.works import selectors as work_selectors
from fichive.works.models import Chapter, Work

INBOX_PER_PAGE = 20  # as the inbox page
# An id in a request body: a positive 64-bit integer (anything else is a 400 naming it).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
GONE = "That message is gone."

# What the schema says of text the services check (and refuse with their own messages, so
# these types only document; pydantic checks the type alone). Text that says something has a
# character that is neither white space (str.isspace) nor one the services drop before
# looking (lib.text.one_line); a tag name (tags.services.tag_validate_name) also has none of
# the characters tags can't use. (Ranges spelt out: `\s` differs between regex engines.)
_BLANK = (r"\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
          r"\ufffe\uffff")
_SAYS_SOMETHING = rf"[^{_BLANK}]"
_NOT_IN_TAGS = r",^*<>{}=`\\%，、"
_TAG_NAME = {"type": "string", "maxLength": TAG_NAME_MAX,
             "pattern": rf"^[^{_NOT_IN_TAGS}]*[^{_BLANK}{_NOT_IN_TAGS}][^{_NOT_IN_TAGS}]*$"}
_Text = Annotated[str, WithJsonSchema({"type": "string", "minLength": 1,
                                       "pattern": _SAYS_SOMETHING})]
# (how many of them may differ is the service's to say: a name given twice counts once)
_TagNames = Annotated[list[str], WithJsonSchema({"type": "array", "items": _TAG_NAME})]
_Notes = Annotated[str, WithJsonSchema({"type": "string", "maxLength": NOTES_MAX})]


def _needs(*names: str) -> Any:
    """A body's json_schema_extra documenting `names` as required, where the service rather
    than pydantic refuses them missing, with its own messages (they have a default "")."""
    def extra(schema: dict[str, Any]) -> None:
        schema["required"] = sorted({*schema.get("required", []), *names})
        for name in names:
            schema["properties"][name].pop("default", None)
    return extra


# ------------------------------------------------------------------------------ shared


def _paged(request: HttpRequest, items: Any, per_page: int, page: int | None) -> Page:
    """Page `page` (or the cursor's) of `items`; past the last page, an empty page."""
    return listing.page_of(Paginator(items, per_page), page_number(request, page))


def _paging(request: HttpRequest, shown: Page, per_page: int) -> dict[str, Any]:
    return {"total": shown.paginator.count, "page": shown.number,
            "pages": shown.paginator.num_pages, "per_page": per_page, **links(request, shown)}


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


@contextmanager
def _as_the_forms_answer() -> Iterator[None]:
    """A write refused as the site refuses it: a suspended or banned account is 403 with the
    suspension's message (the site's 403 page), and the comment rate limit is 429 with
    Retry-After (the comment form's 429)."""
    try:
        yield
    except AccountRestricted as exc:
        raise PermissionDenied(" ".join(exc.messages)) from None
    except comment_services.RateLimited as exc:
        raise RateLimited(" ".join(exc.messages), retry_after=exc.retry_after) from None


def _me(request: HttpRequest) -> User:
    """The caller's account, for operations only an account may call (MINE, WRITE)."""
    user = request.user
    if not isinstance(user, User):  # (their auth= lets no guest through)
        raise Refused(401, "This needs a personal access token.")
    return user


def _own_pseud(user: User, name: str | None) -> Pseud:
    """The caller's pseud of that name (any case), or their default one."""
    if not name:
        return user.default_pseud
    pseud = Pseud.objects.filter(user=user, name__iexact=name.strip()).first()
    if pseud is None:
        raise ValidationError({"pseud": ["Choose one of your own pseuds."]})
    return pseud


def _works_json(request: HttpRequest, user: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """work_json of the works among `ids` this visitor may see, by id, in a fixed number of
    queries."""
    if not ids:
        return {}
    works = work_selectors.with_series(work_selectors.with_blurb_data(
        work_selectors.works_visible_to(user).filter(pk__in=ids)))
    return {work.pk: work_json(work, request) for work in works}


class _In(Schema):
    # A misspelt field is an error naming it, rather than left out (a PATCH would keep the
    # old value and answer 200).
    model_config = ConfigDict(extra="forbid")


class WorkRef(Schema):
    id: int
    title: str


class SeriesRef(Schema):
    id: int
    title: str


# ------------------------------------------------------------------------------ kudos


class KudosGiver(Schema):
    user: str
    at: str


class KudosListing(Paging):
    """Who left kudos on a work, as its kudos page lists them: the users (newest first,
    `total` of them, 50 a page) and how many guests (with deleted accounts)."""

    work_id: int
    guests: int
    givers: list[KudosGiver]


class KudosLeft(Schema):
    message: str
    kudos_count: int


@router.get("/works/{int:work_id}/kudos", response=answers(KudosListing), auth=READ,
            url_name="kudos-list", tags=["kudos"], summary="Who left kudos on a work")
def kudos_list(request: HttpRequest, work_id: int, page: PageNumber | None = None,
               cursor: str | None = None) -> dict[str, Any]:
    work = work_selectors.work_for_viewer(request.user, work_id)
    shown = _paged(request, kudos_selectors.givers(work), KUDOS_PER_PAGE, page)
    return {**_paging(request, shown, KUDOS_PER_PAGE), "work_id": work.pk,
            "guests": kudos_selectors.guest_kudos_count(work),
            "givers": [{"user": k.user.username, "at": k.created_at.isoformat()}
                       for k in shown.object_list]}


@router.post("/works/{int:work_id}/kudos",
             response={201: KudosLeft, **ERRORS, 409: Problem}, auth=WRITE,
             url_name="kudos-leave", tags=["kudos"],
             summary="Leave kudos on a work (once; not on your own)")
def kudos_leave(request: HttpRequest, work_id: int) -> Status[dict[str, Any]]:
    """409 if you already left kudos on it; 403 on your own work or a draft."""
    work = work_selectors.work_for_viewer(request.user, work_id)
    try:
        with _as_the_forms_answer():
            kudos_services.kudos_leave(work=work, user=request.user)
    except ValidationError as exc:
        # As the work page's kudos button answers: 409 for a second press, else 403.
        status = 409 if getattr(exc, "code", None) == "already" else 403
        raise Refused(status, " ".join(exc.messages)) from None
    count = Work.objects.values_list("kudos_count", flat=True).get(pk=work.pk)
    return Status(201, {"message": THANKS, "kudos_count": count})


# ------------------------------------------------------------------------------ comments


class CommentAuthor(Schema):
    """The byline as the page shows it: `name` is "pseud (user)", a guest's name,
    "Anonymous Creator" (a creator of the anonymous work it is on: no pseud or user) or
    "(Deleted account)"."""

    name: str
    pseud: str | None
    user: str | None
    guest: bool
    anonymous_creator: bool


class CommentOut(Schema):
    id: int
    url: str
    work_id: int
    chapter_id: int | None
    parent_id: int | None
    thread_id: int
    depth: int
    visible: bool = Field(description="False: a placeholder kept for the replies below it "
                                      "(no author, text or dates).")
    placeholder: str | None
    author: CommentAuthor | None
    html: str | None
    status: Literal["published", "pending", "hidden"]
    deleted: bool
    frozen: bool
    created_at: str | None
    edited_at: str | None
    can_reply: bool
    can_edit: bool
    can_delete: bool
    can_moderate: bool = Field(description="You are one of the work's creators: you may "
                                           "freeze, hide or approve it (PATCH).")
    more_replies: bool = Field(description="The thread goes on deeper than this answer "
                                           "nests: GET /comments/{id} of this one for the rest.")
    replies: list[CommentOut]


CommentOut.model_rebuild()


class CommentListing(Paging):
    """A page of top-level threads (`total` of them, 20 a page), oldest first."""

    work_id: int
    chapter_id: int | None
    refusal: str = Field(description="Why the caller may not comment here (\"\" when they "
                                     "may).")
    threads: list[CommentOut]


_COMMENT_TEXT = ("At most 10,000 characters of text, limited HTML; it must say something "
                 "once sanitized.")


class CommentIn(_In):
    content: _Text = Field(description=_COMMENT_TEXT)
    chapter_id: Id | None = Field(None, description="A chapter of the work to comment on.")
    pseud: str | None = Field(None, description="One of your pseuds by name; your default "
                                                "pseud when left out.")


class ReplyIn(_In):
    content: _Text = Field(description=_COMMENT_TEXT)
    pseud: str | None = None


def _unsent(description: str | None = None) -> Any:
    """A field that may be left out (then unchanged), but not sent as null."""
    return Field(None, description=description)


class CommentChange(_In):
    """What to change (at least one of them); what is left out stays as it is. `content`:
    your own comment's text. For the work's creators: `frozen` (the comment and every reply
    below it take no new replies, and can't be edited) and `status`: "hidden" hides a
    published comment, "published" shows a hidden one again or approves one awaiting
    approval. (Each field's default None only means "not sent": null is refused.)"""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    content: _Text = _unsent(_COMMENT_TEXT)
    frozen: bool = _unsent()
    status: Literal["published", "hidden"] = _unsent()


def _author(node: comment_selectors.Node) -> dict[str, Any]:
    comment = node.comment
    if node.anonymous_creator:
        return {"name": "Anonymous Creator", "pseud": None, "user": None, "guest": False,
                "anonymous_creator": True}
    pseud = comment.pseud if comment.pseud_id is not None else None
    return {"name": comment.author_name, "pseud": pseud.name if pseud else None,
            "user": pseud.user.username if pseud else None, "guest": comment.is_guest,
            "anonymous_creator": False}


def _comment_json(node: comment_selectors.Node, request: HttpRequest) -> dict[str, Any]:
    comment = node.comment
    shown = node.visible
    return {
        "id": comment.pk,
        "url": request.build_absolute_uri(comment.get_absolute_url()),
        "work_id": comment.work_id,
        "chapter_id": comment.chapter_id,
        "parent_id": comment.parent_id,
        "thread_id": comment.thread_id or comment.pk,
        "depth": comment.depth,
        "visible": shown,
        "placeholder": None if shown else node.placeholder,
        "author": _author(node) if shown else None,
        "html": comment.content if shown else None,
        "status": comment.status,
        "deleted": comment.deleted,
        "frozen": comment.frozen,
        "created_at": _when(comment.created_at) if shown else None,
        "edited_at": _when(comment.edited_at) if shown else None,
        "can_reply": node.can_reply,
        "can_edit": node.can_edit,
        "can_delete": node.can_delete,
        "can_moderate": node.can_moderate,
        "more_replies": node.more,
        "replies": [_comment_json(child, request) for child in node.children],
    }


def _thread_json(request: HttpRequest, comment: Comment, work: Work) -> dict[str, Any]:
    comment.work = work
    refusal = comment_services.comment_refusal(work=work, user=request.user)
    viewer = comment_selectors.CommentViewer.of(request.user, work)
    node = comment_selectors.comment_thread(comment=comment, viewer=viewer,
                                            may_comment=not refusal)
    return _comment_json(node, request)


@router.get("/works/{int:work_id}/comments", response=answers(CommentListing), auth=READ,
            url_name="comments-list", tags=["comments"],
            summary="A work's comment threads (or one chapter's), replies nested")
def comments_list(request: HttpRequest, work_id: int, chapter_id: int | None = None,
                  page: PageNumber | None = None, cursor: str | None = None) -> dict[str, Any]:
    """Every comment on the work, or with `chapter_id` the chapter's (a one-shot's chapter
    has none of its own: its comments are the work's)."""
    work = work_selectors.work_for_viewer(request.user, work_id)
    chapter: Chapter | None = None
    if chapter_id is not None:
        chapter = comment_services.comment_scope(
            work=work, chapter=work_selectors.chapter_of(work, chapter_id))
    refusal = comment_services.comment_refusal(work=work, user=request.user)
    viewer = comment_selectors.CommentViewer.of(request.user, work)
    data = comment_selectors.comments_page(
        work=work, chapter=chapter, viewer=viewer, page_number=page_number(request, page),
        may_comment=not refusal)
    return {**_paging(request, data.page, comment_selectors.THREADS_PER_PAGE),
            "work_id": work.pk, "chapter_id": chapter.pk if chapter else None,
            "refusal": refusal,
            "threads": [_comment_json(node, request) for node in data.threads]}


@router.get("/comments/{int:comment_id}", response=answers(CommentOut), auth=READ,
            url_name="comment", tags=["comments"],
            summary="A comment with its replies (its thread page)")
def comment_detail(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    comment, work, _ = comment_selectors.comment_with_work(request.user, comment_id)
    return _thread_json(request, comment, work)


def _posted(request: HttpRequest, comment: Comment, work: Work) -> Status[dict[str, Any]]:
    fresh = (Comment.objects.select_related("pseud__user", "chapter")
             .get(pk=comment.pk))
    return Status(201, _thread_json(request, fresh, work))


@router.post("/works/{int:work_id}/comments", response=answers(CommentOut, status=201),
             auth=WRITE, url_name="comment-post", tags=["comments"],
             summary="Comment on a work or one of its chapters")
def comment_post(request: HttpRequest, work_id: int, body: CommentIn
                 ) -> Status[dict[str, Any]]:
    """At most 10,000 characters of text with limited HTML; 3 comments (and replies) in 15
    minutes, then 429 with Retry-After. On a work whose creators approve comments first the
    comment's status is "pending"."""
    work = work_selectors.work_for_viewer(request.user, work_id)
    chapter: Chapter | None = None
    if body.chapter_id is not None:
        chapter = Chapter.objects.filter(pk=body.chapter_id, work=work).first()
        if chapter is None:
            raise ValidationError({"chapter_id": ["That chapter is not part of this work."]})
    with _as_the_forms_answer():
        comment = comment_services.comment_post(
            work=work, chapter=chapter, user=request.user,
            pseud=_own_pseud(_me(request), body.pseud), content=body.content,
            address_hash=address_hash(request.META))
    return _posted(request, comment, work)


@router.post("/comments/{int:comment_id}/replies", response=answers(CommentOut, status=201),
             auth=WRITE, url_name="comment-reply", tags=["comments"],
             summary="Reply to a comment")
def comment_reply(request: HttpRequest, comment_id: int, body: ReplyIn
                  ) -> Status[dict[str, Any]]:
    """The same rules and limits as a comment; frozen threads, and held, hidden or deleted
    comments, take no replies."""
    parent, work, _ = comment_selectors.comment_with_work(request.user, comment_id)
    with _as_the_forms_answer():
        comment = comment_services.comment_post(
            work=work, chapter=parent.chapter, parent=parent, user=request.user,
            pseud=_own_pseud(_me(request), body.pseud), content=body.content,
            address_hash=address_hash(request.META))
    return _posted(request, comment, work)


@router.patch("/comments/{int:comment_id}", response=answers(CommentOut), auth=WRITE,
              url_name="comment-edit", tags=["comments"],
              summary="Change your own comment's text; freeze, hide or approve one on your work")
def comment_edit(request: HttpRequest, comment_id: int, body: CommentChange
                 ) -> dict[str, Any]:
    """All or nothing: when one change is refused, none is made."""
    if body.content is None and body.frozen is None and body.status is None:
        raise ValidationError({"__all__": ["Give what to change: content, frozen or status."]})
    comment, work, _ = comment_selectors.comment_with_work(request.user, comment_id)
    comment.work = work
    with transaction.atomic(), _as_the_forms_answer():
        if body.content is not None:
            if not comment_services.may_edit(user=request.user, comment=comment):
                raise PermissionDenied("You can edit only your own comments, and not in a "
                                       "frozen thread.")
            comment_services.comment_edit(user=request.user, comment=comment,
                                          content=body.content)
        if body.status is not None:
            _comment_status(request, comment, body.status)
        if body.frozen is not None and body.frozen != comment.frozen:
            comment_services.comment_freeze(user=request.user, comment=comment,
                                            frozen=body.frozen)
    return _thread_json(request, comment, work)


def _comment_status(request: HttpRequest, comment: Comment, status: str) -> None:
    """Hide, unhide or approve, through the comments' services (their refusals name
    `status`)."""
    if status == comment.status:
        if not comment_services.is_work_creator(user=request.user, work=comment.work):
            raise PermissionDenied("Only the work's creators can hide or approve comments.")
        return
    change = (comment_services.comment_hide if status == Comment.Status.HIDDEN else
              comment_services.comment_approve if comment.status == Comment.Status.PENDING
              else comment_services.comment_unhide)
    try:
        change(user=request.user, comment=comment)
    except ValidationError as exc:
        raise ValidationError({"status": exc.messages}) from None


@router.delete("/comments/{int:comment_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="comment-delete", tags=["comments"],
               summary="Delete a comment (your own, or any on your work)")
def comment_delete(request: HttpRequest, comment_id: int) -> Status[None]:
    """A comment with replies stays as "(Previous comment deleted.)"."""
    comment, _, _ = comment_selectors.comment_with_work(request.user, comment_id)
    if not comment_services.may_delete(user=request.user, comment=comment):
        raise PermissionDenied("Only the comment's author or the work's creators can delete "
                               "it.")
    comment_services.comment_delete(user=request.user, comment=comment)
    return Status(204, None)


# ------------------------------------------------------------------------------ bookmarks


class ExternalWorkOut(Schema):
    id: int
    title: str
    creator: str
    url: str
    summary: str
    fandoms: list[str]
    rating: str | None


class BookmarkOut(Schema):
    """One bookmark: of a work (`work`, as GET /works/{id} shows it), of a series or of a
    story elsewhere (`external_work`); `notes` is sanitized HTML."""

    id: int
    url: str
    bookmarker: Creator
    kind: Literal["work", "series", "external"]
    work: WorkOut | None
    series: SeriesRef | None
    external_work: ExternalWorkOut | None
    notes: str
    tags: list[str]
    rec: bool
    private: bool
    created_at: str
    updated_at: str


class BookmarkListing(Paging):
    bookmarks: list[BookmarkOut]
    facets: dict[str, list[Facet]]
    notices: list[str]


class BookmarkIn(_In):
    notes: _Notes = Field("", description="Up to 5,000 characters; limited HTML.")
    tags: _TagNames = Field([], description="Your own tags for it, up to 75 (a new name "
                                            "makes a new additional tag).")
    rec: bool = False
    private: bool = False
    pseud: str | None = Field(None, description="One of your pseuds by name; your default "
                                                "pseud when left out.")


class BookmarkChange(_In):
    """What to change; what is left out stays as it is."""

    notes: _Notes | None = None
    tags: _TagNames | None = None
    rec: bool | None = None
    private: bool | None = None
    pseud: str | None = None


def _external_json(bookmark: Bookmark) -> dict[str, Any] | None:
    external = bookmark.external_work
    if external is None:
        return None
    tags = list(external.tags.all())
    rating = next((t.name for t in tags if t.type == "rating"), None)
    return {"id": external.pk, "title": external.title, "creator": external.creator,
            "url": external.url, "summary": external.summary,
            "fandoms": [t.name for t in tags if t.type == "fandom"], "rating": rating}


def _bookmarks_json(request: HttpRequest, bookmarks: list[Bookmark]) -> list[dict[str, Any]]:
    works = _works_json(request, request.user,
                        [b.work_id for b in bookmarks if b.work_id is not None])
    series_ids = [b.series_id for b in bookmarks if b.series_id is not None]
    titles = dict(Series.objects.filter(pk__in=series_ids).values_list("pk", "title")) \
        if series_ids else {}
    answer = []
    for bookmark in bookmarks:
        pseud = bookmark.pseud
        kind = ("work" if bookmark.work_id is not None else
                "series" if bookmark.series_id is not None else "external")
        answer.append({
            "id": bookmark.pk,
            "url": request.build_absolute_uri(bookmark.get_absolute_url()),
            "bookmarker": {"pseud": pseud.name, "user": pseud.user.username,
                           "byline": pseud.byline},
            "kind": kind,
            "work": works.get(bookmark.work_id) if bookmark.work_id is not None else None,
            "series": ({"id": bookmark.series_id, "title": titles.get(bookmark.series_id, "")}
                       if bookmark.series_id is not None else None),
            "external_work": _external_json(bookmark),
            "notes": bookmark.notes,
            "tags": [t.name for t in bookmark.tags.all()],
            "rec": bookmark.rec,
            "private": bookmark.private,
            "created_at": bookmark.created_at.isoformat(),
            "updated_at": bookmark.updated_at.isoformat(),
        })
    return answer


def _bookmark_json(request: HttpRequest, bookmark_id: int) -> dict[str, Any]:
    bookmark = bookmark_selectors.bookmark_for_viewer(request.user, bookmark_id)
    return _bookmarks_json(request, [bookmark])[0]


def _bookmark_listing(request: HttpRequest, bookmarks: QuerySet[Bookmark],
                      page: int | None, cursor: str | None) -> Any:
    query = request.GET.copy()
    if cursor:
        query["page"] = str(page_number(request))
    elif page is not None:
        page_number(request, page)  # (pages start at 1)
    query.pop("cursor", None)
    form = BookmarkListingForm.from_query(query)
    if not form.is_valid():
        return invalid({name: [str(m) for m in messages]
                        for name, messages in form.errors.items()})
    result = bookmark_selectors.bookmark_listing_build(
        viewer=request.user, bookmarks=bookmarks, works=form.filters(),
        filters=form.bookmark_filters())
    shown = result.page
    return {**_paging(request, shown, listing.PER_PAGE),
            "bookmarks": _bookmarks_json(request, list(shown.object_list)),
            "facets": {tag_type: [{"name": f.name, "count": f.count} for f in facets]
                       for tag_type, facets in result.works.facets.items()},
            "notices": result.messages()}


LISTING_DOC = """The bookmark listing's filters work here as on the page (sort: bookmarked,
title, author, words, kudos, … with order; the works' filters: include, exclude, rating,
complete, words_from …; the bookmarks' own: bookmark_include, bookmark_exclude, rec,
with_notes), 20 a page."""


@router.get("/works/{int:work_id}/bookmarks", response=answers(BookmarkListing), auth=READ,
            url_name="bookmarks-of-work", tags=["bookmarks"],
            summary="A work's bookmarks the caller may see", description=LISTING_DOC)
def work_bookmarks(request: HttpRequest, work_id: int, page: PageNumber | None = None,
                   cursor: str | None = None) -> Any:
    work = work_selectors.works_listed_for(request.user).filter(pk=work_id).first()
    if work is None:
        raise Http404("No such work.")
    return _bookmark_listing(
        request, bookmark_selectors.bookmarks_visible_to(request.user).filter(work_id=work.pk),
        page, cursor)


@router.get("/users/{username}/bookmarks", response=answers(BookmarkListing), auth=READ,
            url_name="bookmarks-of-user", tags=["bookmarks"],
            summary="A user's bookmarks: public ones, and their private ones for themselves",
            description=LISTING_DOC)
def user_bookmarks(request: HttpRequest, username: str, page: PageNumber | None = None,
                   cursor: str | None = None) -> Any:
    owner = user_by_name(username)
    return _bookmark_listing(
        request, bookmark_selectors.bookmarks_visible_to(request.user).filter(user=owner),
        page, cursor)


@router.get("/bookmarks/{int:bookmark_id}", response=answers(BookmarkOut), auth=READ,
            url_name="bookmark", tags=["bookmarks"], summary="A bookmark")
def bookmark_detail(request: HttpRequest, bookmark_id: int) -> dict[str, Any]:
    return _bookmark_json(request, bookmark_id)


@router.post("/works/{int:work_id}/bookmarks",
             response={201: BookmarkOut, **ERRORS, 409: Problem}, auth=WRITE,
             url_name="bookmark-create", tags=["bookmarks"], summary="Bookmark a work")
def bookmark_create(request: HttpRequest, work_id: int, body: BookmarkIn
                    ) -> Status[dict[str, Any]]:
    """Notes up to 5,000 characters (limited HTML), up to 75 tags of your own. 409 if you
    have already bookmarked the work (change that bookmark instead)."""
    work = work_selectors.works_listed_for(request.user).filter(pk=work_id).first()
    if work is None:
        raise Http404("No such work.")
    existing = bookmark_selectors.work_bookmarked_by(request.user, work.pk)
    if existing is not None:
        raise Refused(409, "You have already bookmarked this; edit that bookmark instead "
                           f"(bookmark {existing}).")
    data = bookmark_services.BookmarkData(notes=body.notes, tags=body.tags, rec=body.rec,
                                          private=body.private)
    with _as_the_forms_answer():
        bookmark = bookmark_services.bookmark_create(
            user=_me(request), work=work, pseud=_own_pseud(_me(request), body.pseud),
            data=data)
    return Status(201, _bookmark_json(request, bookmark.pk))


@router.get("/series/{int:series_id}/bookmarks", response=answers(BookmarkListing),
            auth=READ, url_name="bookmarks-of-series", tags=["bookmarks"],
            summary="A series' bookmarks the caller may see", description=LISTING_DOC)
def series_bookmarks(request: HttpRequest, series_id: int, page: PageNumber | None = None,
                     cursor: str | None = None) -> Any:
    series = series_for_viewer(request.user, series_id)
    return _bookmark_listing(
        request, bookmark_selectors.bookmarks_visible_to(request.user).filter(series=series),
        page, cursor)


@router.post("/series/{int:series_id}/bookmarks",
             response={201: BookmarkOut, **ERRORS, 409: Problem}, auth=WRITE,
             url_name="series-bookmark-create", tags=["bookmarks"],
             summary="Bookmark a series")
def series_bookmark_create(request: HttpRequest, series_id: int, body: BookmarkIn
                           ) -> Status[dict[str, Any]]:
    """As a work's bookmark; 409 if you have already bookmarked the series."""
    me = _me(request)
    series = series_for_viewer(me, series_id)
    existing = bookmark_selectors.series_bookmarked_by(me, series.pk)
    if existing is not None:
        raise Refused(409, "You have already bookmarked this; edit that bookmark instead "
                           f"(bookmark {existing}).")
    data = bookmark_services.BookmarkData(notes=body.notes, tags=body.tags, rec=body.rec,
                                          private=body.private)
    with _as_the_forms_answer():
        bookmark = bookmark_services.series_bookmark_create(
            user=me, series=series, pseud=_own_pseud(me, body.pseud), data=data)
    return Status(201, _bookmark_json(request, bookmark.pk))


_Url = Annotated[str, WithJsonSchema({"type": "string", "maxLength": URL_MAX,
                                      "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?://"})]
_Title = Annotated[str, WithJsonSchema({"type": "string", "minLength": 1,
                                        "maxLength": EXTERNAL_TITLE_MAX,
                                        "pattern": _SAYS_SOMETHING})]
_Creator = Annotated[str, WithJsonSchema({"type": "string", "minLength": 1,
                                          "maxLength": EXTERNAL_CREATOR_MAX,
                                          "pattern": _SAYS_SOMETHING})]
_Summary = Annotated[str, WithJsonSchema({"type": "string",
                                          "maxLength": EXTERNAL_SUMMARY_MAX})]
_Rating = Annotated[str, WithJsonSchema({"type": "string", "enum": ["", *RATINGS]})]


class ExternalBookmarkIn(BookmarkIn):
    """A story hosted elsewhere, and your bookmark of it. A second bookmark of the same
    address (by anyone) shares its external work, as the first bookmarker described it."""

    model_config = ConfigDict(extra="forbid",
                              json_schema_extra=_needs("url", "title", "creator"))

    url: _Url = Field("", description="Its web address (http or https).")
    title: _Title = ""
    creator: _Creator = ""
    summary: _Summary = Field("", description="Up to 1,250 characters; limited HTML.")
    fandoms: _TagNames = []
    rating: _Rating = Field("", description="One of the archive's ratings, or none.")


@router.post("/external-works", response={201: BookmarkOut, **ERRORS, 409: Problem},
             auth=WRITE, url_name="external-bookmark-create", tags=["bookmarks"],
             summary="Bookmark a story hosted elsewhere (an external work)")
def external_bookmark_create(request: HttpRequest, body: ExternalBookmarkIn
                             ) -> Status[dict[str, Any]]:
    """`url` (http or https), `title` and `creator` are needed; `summary` up to 1,250
    characters; `rating` one of the archive's ratings. 409 if you have already bookmarked
    that address."""
    me = _me(request)
    external = bookmark_services.ExternalWorkData(
        title=body.title, creator=body.creator, url=body.url, summary=body.summary,
        fandoms=body.fandoms, rating=body.rating)
    data = bookmark_services.BookmarkData(notes=body.notes, tags=body.tags, rec=body.rec,
                                          private=body.private)
    try:
        with _as_the_forms_answer():
            bookmark = bookmark_services.external_work_bookmark_create(
                user=me, external=external, pseud=_own_pseud(me, body.pseud), data=data)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "duplicate":
            raise Refused(409, " ".join(exc.messages)) from None
        raise
    return Status(201, _bookmark_json(request, bookmark.pk))


@router.get("/external-works/{int:external_work_id}/bookmarks",
            response=answers(BookmarkListing), auth=READ, url_name="bookmarks-of-external",
            tags=["bookmarks"], summary="An external work's bookmarks the caller may see",
            description=LISTING_DOC)
def external_bookmarks(request: HttpRequest, external_work_id: int, page: PageNumber | None = None,
                       cursor: str | None = None) -> Any:
    external = ExternalWork.objects.filter(pk=external_work_id).first()
    if external is None:
        raise Http404("No such external work.")
    return _bookmark_listing(
        request,
        bookmark_selectors.bookmarks_visible_to(request.user).filter(external_work=external),
        page, cursor)


def _own_bookmark(request: HttpRequest, bookmark_id: int) -> Bookmark:
    """The caller's own bookmark (404 if they may not see it, 403 if it is someone
    else's)."""
    return bookmark_selectors.bookmark_for_owner(_me(request), bookmark_id)


@router.patch("/bookmarks/{int:bookmark_id}", response=answers(BookmarkOut), auth=WRITE,
              url_name="bookmark-edit", tags=["bookmarks"],
              summary="Change your own bookmark")
def bookmark_edit(request: HttpRequest, bookmark_id: int, body: BookmarkChange
                  ) -> dict[str, Any]:
    bookmark = _own_bookmark(request, bookmark_id)
    if not bookmark_selectors.bookmarks_visible_to(request.user).filter(
            pk=bookmark.pk).exists():
        raise Http404("No such bookmark.")  # as the edit page: of a work gone from view
    data = bookmark_services.BookmarkData(
        notes=bookmark.notes if body.notes is None else body.notes,
        tags=([t.name for t in bookmark.tags.all()] if body.tags is None else body.tags),
        rec=bookmark.rec if body.rec is None else body.rec,
        private=bookmark.private if body.private is None else body.private)
    pseud = bookmark.pseud if body.pseud is None else _own_pseud(_me(request), body.pseud)
    with _as_the_forms_answer():
        bookmark_services.bookmark_update(user=_me(request), bookmark=bookmark, pseud=pseud,
                                          data=data)
    return _bookmark_json(request, bookmark.pk)


@router.delete("/bookmarks/{int:bookmark_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="bookmark-delete", tags=["bookmarks"],
               summary="Delete your own bookmark")
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> Status[None]:
    bookmark = _own_bookmark(request, bookmark_id)
    bookmark_services.bookmark_delete(user=_me(request), bookmark=bookmark)
    return Status(204, None)


# ------------------------------------------------------------------------------ subscriptions


class SubscriptionOut(Schema):
    """One subscription: to a work (its new chapters), a creator (their new works) or a
    series (its new parts)."""

    id: int
    kind: Literal["work", "creator", "series"]
    work: WorkRef | None
    creator: str | None
    series: SeriesRef | None
    created_at: str


class SubscriptionListing(Paging):
    subscriptions: list[SubscriptionOut]


def _subscription_json(subscription: Subscription) -> dict[str, Any]:
    work, series, creator = subscription.work, subscription.series, subscription.creator
    kind = "work" if work is not None else "series" if series is not None else "creator"
    return {"id": subscription.pk, "kind": kind,
            "work": {"id": work.pk, "title": work.title} if work is not None else None,
            "creator": creator.username if creator is not None else None,
            "series": {"id": series.pk, "title": series.title} if series is not None else None,
            "created_at": subscription.created_at.isoformat()}


@router.get("/me/subscriptions", response=answers(SubscriptionListing), auth=MINE,
            url_name="subscriptions", tags=["subscriptions"],
            summary="Your subscriptions, newest first")
def subscriptions_list(request: HttpRequest, page: PageNumber | None = None,
                       cursor: str | None = None) -> dict[str, Any]:
    """50 a page, as your subscriptions page; only those to works, series and users you may
    still see."""
    shown = _paged(request, subscription_selectors.subscriptions_of(_me(request)),
                   SUBSCRIPTIONS_PER_PAGE, page)
    return {**_paging(request, shown, SUBSCRIPTIONS_PER_PAGE),
            "subscriptions": [_subscription_json(s) for s in shown.object_list]}


def _subscribe(request: HttpRequest, **target: Any) -> Status[dict[str, Any]]:
    """201 (200 if already subscribed); 403 with the service's message for what may not be
    subscribed to (yourself, your own work or series), as kudos on your own work: the
    request is well formed, the caller just may not do that."""
    try:
        subscription, created = subscription_services.subscription_create(user=_me(request),
                                                                          **target)
    except ValidationError as exc:
        raise PermissionDenied(" ".join(exc.messages)) from None
    return Status(201 if created else 200, _subscription_json(subscription))


def _unsubscribe(request: HttpRequest, found: int | None, missing: str) -> Status[None]:
    if found is None or subscription_services.subscription_delete(
            user=_me(request), subscription_id=found) is None:
        raise Http404(missing)
    return Status(204, None)


SUBSCRIBED = {200: SubscriptionOut, 201: SubscriptionOut, **ERRORS}


@router.post("/works/{int:work_id}/subscription", response=SUBSCRIBED, auth=WRITE,
             url_name="work-subscribe", tags=["subscriptions"],
             summary="Subscribe to a work's new chapters (201; 200 if you already were)")
def work_subscribe(request: HttpRequest, work_id: int) -> Status[dict[str, Any]]:
    work = work_selectors.work_for_viewer(request.user, work_id)
    return _subscribe(request, work=work)


@router.delete("/works/{int:work_id}/subscription", response={204: None, **ERRORS},
               auth=WRITE, url_name="work-unsubscribe", tags=["subscriptions"],
               summary="Unsubscribe from a work")
def work_unsubscribe(request: HttpRequest, work_id: int) -> Status[None]:
    work = work_selectors.work_for_viewer(request.user, work_id)
    return _unsubscribe(request, subscription_selectors.subscription_to_work(_me(request), work),
                        "You aren't subscribed to that work.")


@router.post("/users/{username}/subscription", response=SUBSCRIBED, auth=WRITE,
             url_name="user-subscribe", tags=["subscriptions"],
             summary="Subscribe to a creator's new works (201; 200 if you already were)")
def user_subscribe(request: HttpRequest, username: str) -> Status[dict[str, Any]]:
    return _subscribe(request, creator=user_by_name(username))


@router.delete("/users/{username}/subscription", response={204: None, **ERRORS}, auth=WRITE,
               url_name="user-unsubscribe", tags=["subscriptions"],
               summary="Unsubscribe from a creator")
def user_unsubscribe(request: HttpRequest, username: str) -> Status[None]:
    creator = user_by_name(username)
    return _unsubscribe(request, subscription_selectors.subscription_to_creator(
        _me(request), creator), f"You aren't subscribed to {creator.username}.")


@router.post("/series/{int:series_id}/subscription", response=SUBSCRIBED, auth=WRITE,
             url_name="series-subscribe", tags=["subscriptions"],
             summary="Subscribe to a series' new parts (201; 200 if you already were)")
def series_subscribe(request: HttpRequest, series_id: int) -> Status[dict[str, Any]]:
    return _subscribe(request, series=series_for_viewer(request.user, series_id))


@router.delete("/series/{int:series_id}/subscription", response={204: None, **ERRORS},
               auth=WRITE, url_name="series-unsubscribe", tags=["subscriptions"],
               summary="Unsubscribe from a series")
def series_unsubscribe(request: HttpRequest, series_id: int) -> Status[None]:
    series = series_for_viewer(request.user, series_id)
    return _unsubscribe(request, subscription_selectors.subscription_to_series(
        _me(request), series), "You aren't subscribed to that series.")


@router.delete("/me/subscriptions/{int:subscription_id}", response={204: None, **ERRORS},
               auth=WRITE, url_name="subscription-delete", tags=["subscriptions"],
               summary="Unsubscribe, by the subscription's id")
def subscription_delete(request: HttpRequest, subscription_id: int) -> Status[None]:
    return _unsubscribe(request, subscription_id, "That subscription doesn't exist (perhaps "
                                                  "you already unsubscribed).")


# ------------------------------------------------------------------------------ Marked for Later


class MarkedOut(Schema):
    work: WorkOut
    marked_at: str | None
    update_available: bool = Field(description="The work changed since you last visited "
                                               "it.")


class MarkedListing(Paging):
    works: list[MarkedOut]


class Marked(Schema):
    work_id: int
    marked_at: str | None


@router.get("/me/marked-for-later", response=answers(MarkedListing), auth=MINE,
            url_name="marked-for-later", tags=["marked for later"],
            summary="Your Marked for Later list, latest marked first")
def marked_list(request: HttpRequest, page: PageNumber | None = None, cursor: str | None = None
                ) -> dict[str, Any]:
    """20 a page, as the list's page; only works you may still see."""
    readings = reading_selectors.readings_of(_me(request), to_read=True).select_related(
        "work").only("id", "work_id", "marked_at", "work_updated_seen", "work__modified_at")
    shown = _paged(request, readings, reading_selectors.PER_PAGE, page)
    rows: list[Reading] = list(shown.object_list)
    works = _works_json(request, request.user, [r.work_id for r in rows])
    return {**_paging(request, shown, reading_selectors.PER_PAGE),
            "works": [{"work": works[r.work_id], "marked_at": _when(r.marked_at),
                       "update_available": r.work_updated_seen is not None
                       and r.work.modified_at > r.work_updated_seen}
                      for r in rows if r.work_id in works]}


@router.post("/works/{int:work_id}/mark-for-later", response=answers(Marked), auth=WRITE,
             url_name="mark-for-later", tags=["marked for later"],
             summary="Put a work on your Marked for Later list")
def mark_for_later(request: HttpRequest, work_id: int) -> dict[str, Any]:
    work = work_selectors.work_for_viewer(request.user, work_id)
    reading = reading_services.reading_mark_for_later(user=_me(request), work=work)
    return {"work_id": work.pk, "marked_at": _when(reading.marked_at)}


@router.delete("/works/{int:work_id}/mark-for-later", response={204: None, **ERRORS},
               auth=WRITE, url_name="mark-as-read", tags=["marked for later"],
               summary="Take a work off your Marked for Later list (its history stays)")
def mark_as_read(request: HttpRequest, work_id: int) -> Status[None]:
    work = work_selectors.work_for_viewer(request.user, work_id)
    reading_services.reading_mark_as_read(user=_me(request), work=work)
    return Status(204, None)


# ------------------------------------------------------------------------------ inbox


class InboxItemOut(Schema):
    id: int
    kind: str
    label: str = Field(description="What kind of message it is, in words (\"Reply to your "
                                   "comment\" …).")
    work: WorkRef
    chapter_id: int | None
    comment_id: int | None
    url: str = Field(description="Where it leads on the site.")
    actor_name: str
    summary: str
    read: bool
    created_at: str


class InboxListing(Paging):
    unread: int
    items: list[InboxItemOut]


class InboxChange(_In):
    read: bool


class InboxSelection(_In):
    items: list[Id] = Field(..., max_length=100, description="Message ids (at most 100).",
                            json_schema_extra={"minItems": 1})


class InboxBulk(InboxSelection):
    read: bool


class InboxChanged(Schema):
    changed: int


class InboxReply(_In):
    content: _Text = Field(description=_COMMENT_TEXT)


def _item_json(request: HttpRequest, item: InboxItem) -> dict[str, Any]:
    return {"id": item.pk, "kind": item.kind, "label": item.get_kind_display(),
            "work": {"id": item.work_id, "title": item.work.title},
            "chapter_id": item.chapter_id, "comment_id": item.comment_id,
            "url": request.build_absolute_uri(item.get_absolute_url()),
            "actor_name": item.actor_name, "summary": item.summary, "read": item.read,
            "created_at": item.created_at.isoformat()}


def _own_item(request: HttpRequest, item_id: int) -> InboxItem:
    item = inbox_selectors.inbox_page_items(_me(request)).filter(pk=item_id).first()
    if item is None:
        raise Http404(GONE)
    return item


@router.get("/me/inbox", response=answers(InboxListing), auth=MINE, url_name="inbox",
            tags=["inbox"], summary="Your inbox, newest first")
def inbox_list(request: HttpRequest, show: Literal["all", "unread", "read"] = "all",
               page: PageNumber | None = None, cursor: str | None = None) -> dict[str, Any]:
    """20 a page, as your inbox page; `show` keeps only unread or read messages."""
    shown = _paged(request, inbox_selectors.inbox_page_items(_me(request), show=show),
                   INBOX_PER_PAGE, page)
    return {**_paging(request, shown, INBOX_PER_PAGE),
            "unread": inbox_selectors.inbox_unread_count(_me(request)),
            "items": [_item_json(request, item) for item in shown.object_list]}


@router.patch("/me/inbox/{int:item_id}", response=answers(InboxItemOut), auth=WRITE,
              url_name="inbox-item", tags=["inbox"], summary="Mark a message read or unread")
def inbox_item_mark(request: HttpRequest, item_id: int, body: InboxChange) -> dict[str, Any]:
    item = _own_item(request, item_id)
    inbox_services.inbox_mark(user=_me(request), item_ids=[item.pk], read=body.read)
    item.read = body.read
    return _item_json(request, item)


@router.delete("/me/inbox/{int:item_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="inbox-item-delete", tags=["inbox"], summary="Delete a message")
def inbox_item_delete(request: HttpRequest, item_id: int) -> Status[None]:
    item = _own_item(request, item_id)
    inbox_services.inbox_delete(user=_me(request), item_ids=[item.pk])
    return Status(204, None)


def _selected(request: HttpRequest, items: list[int]) -> set[int]:
    """The caller's messages among `items`, all of them (else a 400 naming `items`)."""
    if not items:
        raise ValidationError({"items": ["Select at least one message first."]})
    wanted = set(items)
    found = set(inbox_selectors.inbox_items_for(_me(request)).filter(pk__in=wanted)
                .values_list("pk", flat=True))
    if found != wanted:
        raise ValidationError({"items": [
            "Some of the selected messages are gone; reload your inbox and try again."]})
    return found


@router.post("/me/inbox/mark", response=answers(InboxChanged), auth=WRITE,
             url_name="inbox-mark", tags=["inbox"],
             summary="Mark several messages read or unread at once")
def inbox_mark(request: HttpRequest, body: InboxBulk) -> dict[str, int]:
    """Up to 100 messages; all or nothing: if one of them is gone, none is changed."""
    found = _selected(request, body.items)
    return {"changed": inbox_services.inbox_mark(user=_me(request), item_ids=found,
                                                 read=body.read)}


@router.post("/me/inbox/delete", response=answers(InboxChanged), auth=WRITE,
             url_name="inbox-delete", tags=["inbox"],
             summary="Delete several messages at once")
def inbox_delete(request: HttpRequest, body: InboxSelection) -> dict[str, int]:
    """Up to 100 messages; all or nothing, as marking them."""
    found = _selected(request, body.items)
    return {"changed": inbox_services.inbox_delete(user=_me(request), item_ids=found)}


@router.post("/me/inbox/{int:item_id}/reply", response=answers(CommentOut, status=201),
             auth=WRITE, url_name="inbox-reply", tags=["inbox"],
             summary="Reply to the comment a message is about")
def inbox_reply(request: HttpRequest, item_id: int, body: InboxReply
                ) -> Status[dict[str, Any]]:
    """The comment rules and limits apply; the message is marked read."""
    item = _own_item(request, item_id)
    if item.comment_id is None:
        raise ValidationError("There is no comment to reply to in that message.")
    with _as_the_forms_answer():
        comment = inbox_services.inbox_reply(user=_me(request), item_id=item.pk,
                                             content=body.content)
    return _posted(request, comment, item.work)
