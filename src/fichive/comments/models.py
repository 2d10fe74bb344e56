"""Comments on works and chapters, threaded: a root comment and its replies."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from fichive.accounts.models import Pseud, User
from fichive.lib.sanitize import current_sanitizer_version
from fichive.works.models import Chapter, Work

# AO3's limits: 10,000 characters of text; replies nest this deep on a listing page, and
# deeper ones continue on the thread page of their own.
CONTENT_MAX = 10_000
MAX_DEPTH = 5


class Comment(models.Model):
    """A comment on a work (`chapter` null: on the whole work, as every comment on a one-shot
    is) or on one of its chapters.

    Threads: `parent` is the comment it answers (null for a root), `thread` the root of its
    thread, which for a root is the comment itself (so a page fetches whole threads with
    `thread__in=roots`), and `depth` how far down it is (0 for a root).

    `status`: published, pending (held on a moderated work until a creator approves it) or
    hidden (by a creator; only creators and its author still see it). `deleted`: deleted
    while it had replies, so it stays as "(Previous comment deleted.)" to keep the thread
    readable (a comment without replies is removed outright). `frozen`: no new replies.
    """

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Awaiting approval"
        HIDDEN = "hidden", "Hidden by a creator"

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="comments")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="replies")
    thread = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="thread_comments")
    depth = models.PositiveSmallIntegerField(default=0)
    pseud = models.ForeignKey(Pseud, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="comments")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="comments")
    guest_name = models.CharField(max_length=100, blank=True)
    guest_email = models.EmailField(blank=True)
    content = models.TextField(blank=True)
    # The allowlist its HTML was last cleaned with (lib/sanitize.py SANITIZER_VERSION): rows
    # with an older one are cleaned again by `fichive resanitize`.
    sanitizer_version = models.PositiveSmallIntegerField(default=current_sanitizer_version,
                                                         editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    deleted = models.BooleanField(default=False)
    frozen = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A chapter's threads and a whole work's threads, oldest first.
            models.Index(fields=["chapter", "depth", "created_at", "id"],
                         name="comment_chapter_threads"),
            models.Index(fields=["work", "depth", "created_at", "id"],
                         name="comment_work_threads"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on work {self.work_id}"

    def get_absolute_url(self) -> str:
        """The comment on its thread page, with its replies."""
        return reverse("comments:detail", args=[self.pk]) + f"#comment_{self.pk}"

    @property
    def is_guest(self) -> bool:
        """Left by a visitor without an account (not by an account deleted since)."""
        return self.user_id is None and self.pseud_id is None and bool(self.guest_name)

    @property
    def author_name(self) -> str:
        """The byline: the pseud's ("pseud (user)"), or the guest's name."""
        if self.pseud_id is not None and self.pseud is not None:
            return self.pseud.byline
        return self.guest_name or "(Deleted account)"

    @property
    def replied_to_user(self) -> User | None:
        """The account that wrote the comment this one answers (the inbox tells them)."""
        if self.parent_id is None or self.parent is None:
            return None
        return self.parent.user

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_hidden(self) -> bool:
        return self.status == self.Status.HIDDEN

    @property
    def counted(self) -> bool:
        """Whether Work.comments_count counts it: published and not deleted."""
        return self.status == self.Status.PUBLISHED and not self.deleted
