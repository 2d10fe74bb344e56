"""Reads of comments that depend on who is looking.

The work comes first, through works.selectors.work_for_viewer (restricted works are 404 for
guests, drafts for everyone but their creators). Then per comment: published comments are
for everyone; held (pending) and hidden ones only for the work's creators and their author;
a deleted comment, or one the viewer may not see, shows as a placeholder only where replies
the viewer may see hang below it. Pages show 20 threads, oldest first, nested MAX_DEPTH
levels deep; deeper replies continue on the thread page of the comment above them.
A logged-in viewer never sees the comments of users they mute, nor the replies below them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from fichive.accounts.requests import Viewer
from fichive.comments.models import MAX_DEPTH, Comment
from fichive.comments.services import creator_user_ids
from fichive.works.models import Chapter, Work
from fichive.works.selectors import work_for_viewer

THREADS_PER_PAGE = 20


@dataclass(frozen=True)
class CommentViewer:
    """Who is reading a work's comments: their account id (None for guests), whether they
    are one of the work's creators, and whether they are an admin. `hidden_authors`: on an
    anonymous work, its creators' accounts, whose comments show as "Anonymous Creator" (to
    everyone alike, so a guest's cached page and a reader's agree)."""

    user_id: int | None
    creator: bool
    admin: bool = False
    hidden_authors: frozenset[int] = frozenset()
    # The accounts the viewer mutes: their comments, and the replies below them, are left
    # out (the whole thread under a muted comment goes, as on AO3).
    muted: frozenset[int] = frozenset()

    @classmethod
    def of(cls, user: Viewer, work: Work) -> CommentViewer:
        hidden = frozenset(creator_user_ids(work)) if work.anonymous else frozenset()
        if user is None or not user.is_authenticated:
            return cls(user_id=None, creator=False, hidden_authors=hidden)
        return cls(user_id=user.pk, creator=user.pk in creator_user_ids(work),
                   admin=bool(getattr(user, "is_admin", False)), hidden_authors=hidden,
                   # An anonymous work's creators stay unnamed: muting them doesn't tell.
                   muted=frozenset(getattr(user, "muted_ids", None) or ()) - hidden)

    def is_muted(self, comment: Comment) -> bool:
        return comment.user_id is not None and comment.user_id in self.muted

    def may_see(self, comment: Comment) -> bool:
        if comment.deleted or self.is_muted(comment):
            return False
        if comment.status == Comment.Status.PUBLISHED or self.creator:
            return True
        return self.user_id is not None and comment.user_id == self.user_id

    def visible(self) -> Q:
        """Q for the comments may_see admits."""
        not_muted = ~Q(user_id__in=self.muted) if self.muted else Q()
        if self.creator:
            return Q(deleted=False) & not_muted
        shown = Q(status=Comment.Status.PUBLISHED)
        if self.user_id is not None:
            shown |= Q(user_id=self.user_id)
        return shown & Q(deleted=False) & not_muted


@dataclass
class Node:
    """A comment as a page shows it, with what this viewer may do to it."""

    comment: Comment
    visible: bool
    children: list[Node] = field(default_factory=list)
    # Replies below that this page does not nest: "Continue this thread".
    more: bool = False
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_moderate: bool = False  # freeze, hide, approve: the work's creators
    # By a creator of the anonymous work it is on: the byline reads "Anonymous Creator".
    anonymous_creator: bool = False

    @property
    def placeholder(self) -> str:
        if self.comment.deleted:
            return "(Previous comment deleted.)"
        if self.comment.status == Comment.Status.HIDDEN:
            return "(This comment has been hidden by the work's creator.)"
        return "(This comment is awaiting approval.)"


def _node(comment: Comment, viewer: CommentViewer, *, may_comment: bool) -> Node:
    visible = viewer.may_see(comment)
    own = viewer.user_id is not None and comment.user_id == viewer.user_id
    published = comment.status == Comment.Status.PUBLISHED
    return Node(
        comment=comment, visible=visible,
        can_reply=visible and may_comment and published and not comment.frozen,
        can_edit=visible and own and not comment.frozen,
        can_delete=not comment.deleted and (own or viewer.creator or viewer.admin)
        and (visible or viewer.admin),
        can_moderate=visible and viewer.creator,
        anonymous_creator=comment.user_id is not None
        and comment.user_id in viewer.hidden_authors,
    )


def _trees(comments: list[Comment], tops: list[Comment], viewer: CommentViewer, *,
           may_comment: bool) -> list[Node]:
    """Nodes for `tops` with their replies from `comments`, nested MAX_DEPTH levels below
    each top; what the viewer may not see is left out unless it carries visible replies."""
    by_parent: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        by_parent[comment.parent_id].append(comment)

    def build(comment: Comment, level: int) -> Node | None:
        if viewer.is_muted(comment):
            return None  # with the replies below it
        node = _node(comment, viewer, may_comment=may_comment)
        children = [child for reply in by_parent.get(comment.pk, [])
                    if (child := build(reply, level + 1)) is not None]
        if level + 1 >= MAX_DEPTH and children:
            node.more = True
        else:
            node.children = children
        if not node.visible and not children:
            return None
        return node

    return [node for top in tops if (node := build(top, 0)) is not None]


def _with_people(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return comments.select_related("pseud__user", "chapter")


@dataclass
class CommentsPage:
    """One page of a work's (or chapter's) threads for a viewer."""

    work: Work
    chapter: Chapter | None
    viewer: CommentViewer
    page: Page
    threads: list[Node]


def comments_page(*, work: Work, chapter: Chapter | None, viewer: CommentViewer,
                  page_number: str | int | None, may_comment: bool) -> CommentsPage:
    """A page of threads: the chapter's, or with chapter None the whole work's (every
    comment on the work, whatever its chapter)."""
    roots = Comment.objects.filter(work=work, depth=0)
    if chapter is not None:
        roots = roots.filter(chapter=chapter)
    has_replies = Exists(Comment.objects.filter(parent=OuterRef("pk")))
    roots = roots.filter(viewer.visible() | Q(deleted=True) | Q(has_replies))
    if viewer.muted:
        roots = roots.exclude(user_id__in=viewer.muted)
    paginator = Paginator(roots.order_by("created_at", "id").only("id"), THREADS_PER_PAGE)
    page = paginator.get_page(page_number)
    root_ids = [root.pk for root in page.object_list]
    comments = list(_with_people(Comment.objects.filter(thread_id__in=root_ids))) \
        if root_ids else []
    by_id = {comment.pk: comment for comment in comments}
    tops = [by_id[pk] for pk in root_ids if pk in by_id]
    return CommentsPage(work=work, chapter=chapter, viewer=viewer, page=page,
                        threads=_trees(comments, tops, viewer, may_comment=may_comment))


def comment_with_work(user: Viewer, comment_id: int) -> tuple[Comment, Work, CommentViewer]:
    """The comment, its work (read through work_for_viewer) and the viewer; 404 when the
    comment does not exist or this viewer may not see it (a deleted comment still shows as
    its placeholder on its thread page)."""
    comment = (Comment.objects.select_related("pseud__user", "chapter", "parent")
               .filter(pk=comment_id).first())
    if comment is None:
        raise Http404("No such comment.")
    work = work_for_viewer(user, comment.work_id)
    comment.work = work
    viewer = CommentViewer.of(user, work)
    if not viewer.may_see(comment) and not comment.deleted and not viewer.admin:
        raise Http404("No such comment.")
    return comment, work, viewer


def comment_thread(*, comment: Comment, viewer: CommentViewer, may_comment: bool) -> Node:
    """The comment with its replies, nested MAX_DEPTH levels below it."""
    below = list(_with_people(Comment.objects.filter(
        thread_id=comment.thread_id or comment.pk, depth__gt=comment.depth)))
    trees = _trees([comment, *below], [comment], viewer, may_comment=may_comment)
    if trees:
        return trees[0]
    return _node(comment, viewer, may_comment=may_comment)


def comments_page_number(comment: Comment, *, whole_work: bool = False) -> int:
    """The page of its chapter's listing (or with `whole_work` the work's) that shows the
    comment's thread (counting every earlier thread: close enough for any viewer)."""
    root = comment
    if comment.depth and comment.thread_id is not None:
        root = Comment.objects.get(pk=comment.thread_id)
    earlier = Comment.objects.filter(work_id=root.work_id, depth=0).filter(
        Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, id__lt=root.pk))
    if root.chapter_id is not None and not whole_work:
        earlier = earlier.filter(chapter_id=root.chapter_id)
    return earlier.count() // THREADS_PER_PAGE + 1


def chapter_comment_count(chapter: Chapter) -> int:
    """Published, not deleted comments on one chapter (what its "Comments (N)" shows)."""
    return Comment.objects.filter(chapter=chapter, status=Comment.Status.PUBLISHED,
                                  deleted=False).count()


def _muted_on(user: Viewer, work: Work) -> set[int]:
    muted = set(getattr(user, "muted_ids", None) or ()) if user is not None else set()
    if muted and work.anonymous:
        muted -= set(creator_user_ids(work))
    return muted


def comments_counts_shown(*, user: Viewer, work: Work, chapter: Chapter, work_count: int,
                          chapter_count: int) -> tuple[int, int]:
    """comments_count_shown for the whole work and for one of its chapters at once (one
    query, only for a reader who mutes someone)."""
    muted = _muted_on(user, work)
    if not muted or not work_count:
        return work_count, chapter_count
    # Plain SQL: the same statement through the ORM cost ~1 ms of CPU to build, on every
    # reading page of a reader who mutes someone.
    table = Comment._meta.db_table
    ids = sorted(muted)
    marks = ", ".join(["%s"] * len(ids))
    sql = (f"SELECT COUNT(*), COUNT(CASE WHEN c.chapter_id = %s THEN 1 END) "  # noqa: S608
           f"FROM {table} c LEFT JOIN {table} t ON t.id = c.thread_id "
           f"WHERE c.work_id = %s AND c.status = %s AND NOT c.deleted "
           f"AND (c.user_id IN ({marks}) OR t.user_id IN ({marks}))")
    with connections[router.db_for_read(Comment)].cursor() as cursor:
        cursor.execute(sql, [chapter.pk, work.pk, Comment.Status.PUBLISHED, *ids, *ids])
        gone_work, gone_chapter = cursor.fetchone()
    return max(0, work_count - gone_work), max(0, chapter_count - gone_chapter)


def comments_count_shown(*, user: Viewer, work: Work, chapter: Chapter | None,
                         count: int) -> int:
    """A "Comments (N)" count as this visitor sees it: `count` (published, not deleted) less
    the comments of users they mute and the threads under them, which they don't see (one
    query, only for a reader who mutes someone; an anonymous work's creators stay unnamed, so
    muting them takes nothing away)."""
    muted = _muted_on(user, work)
    if not muted or not count:
        return count
    rows = Comment.objects.filter(work=work, status=Comment.Status.PUBLISHED, deleted=False)
    if chapter is not None:
        rows = rows.filter(chapter=chapter)
    gone = rows.filter(Q(user_id__in=muted) | Q(thread__user_id__in=muted)).count()
    return max(0, count - gone)
