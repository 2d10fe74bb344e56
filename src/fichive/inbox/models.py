"""Inbox items (what happened to a user's works, comments and subscriptions) and the kudos
summaries already queued for a day."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from fichive.accounts.models import User
from fichive.works.models import Chapter, Work


class InboxItem(models.Model):
    """One notification in a user's inbox. What it shows is copied in when it is made (who,
    a short text), so the list reads no other app's rows; the selector still hides items
    whose work or comment the user may no longer see."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment on your work"
        REPLY = "reply", "Reply to your comment"
        NEW_CHAPTER = "chapter", "New chapter"
        NEW_WORK = "work", "New work"
        NEW_PART = "part", "New part of a series"
        AWAITING_APPROVAL = "moderation", "Comment awaiting your approval"
        CREATOR_INVITATION = "invitation", "Invitation to be a co-creator"
        WORK_HIDDEN = "hidden", "Your work was hidden by a moderator"
        WORK_UNHIDDEN = "unhidden", "Your work is visible again"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox_items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # A deleted work takes its items with it.
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    chapter = models.ForeignKey(Chapter, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    # The comment it is about (comments, replies, comments awaiting approval); a comment
    # removed for good takes its items with it, a deleted one with replies hides them.
    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="+")
    # The path it leads to (the comment, the chapter), taken when it was made.
    url = models.CharField(max_length=500, blank=True)
    actor_name = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True)
    read = models.BooleanField(default=False)
    # When the mail for it went out (None: not sent, or not wanted).
    mailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="inbox_item_by_user"),
            # The header's unread count.
            models.Index(fields=["user", "read"], name="inbox_item_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    def get_absolute_url(self) -> str:
        """Where the item leads: the comment, the new chapter (the work once the chapter is
        deleted), or the work."""
        if self.url and not (self.kind == self.Kind.NEW_CHAPTER and self.chapter_id is None):
            return self.url
        return reverse("works:detail", args=[self.work_id])


class KudosDigest(models.Model):
    """A creator's daily kudos summary mail, queued once per (user, day) for the end of the
    day (UTC)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"],
                                               name="kudos_digest_unique")]

    def __str__(self) -> str:
        return f"kudos of {self.day} for {self.user_id}"
