"""Reports of abuse (from users and guests) and the moderators' audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class Report(models.Model):
    """Someone reporting a work, chapter, comment, bookmark, series or user. The reported
    thing is one of the nullable foreign keys (its `kind` says which); a deleted thing leaves
    the key empty and `target_label` (what it was, copied in) for the queue."""

    class Kind(models.TextChoices):
        WORK = "work", "Work"
        CHAPTER = "chapter", "Chapter"
        COMMENT = "comment", "Comment"
        BOOKMARK = "bookmark", "Bookmark"
        SERIES = "series", "Series"
        USER = "user", "User"

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        HARASSMENT = "harassment", "Harassment or threats"
        PLAGIARISM = "plagiarism", "Plagiarism"
        UNTAGGED = "untagged", "Inappropriate content not tagged as such"
        ILLEGAL = "illegal", "Illegal content"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    work = models.ForeignKey("works.Work", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    chapter = models.ForeignKey("works.Chapter", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    comment = models.ForeignKey("comments.Comment", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    bookmark = models.ForeignKey("bookmarks.Bookmark", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    series = models.ForeignKey("series.Series", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # The reported user (kind USER), or whose comment or bookmark it is.
    reported_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    target_label = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    description = models.TextField()
    # A logged-in reporter, or a guest's email address (required for guests).
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reports_made")
    email = models.EmailField(blank=True)
    # The reporter's address as lib/visitors.py's salted hash (never the address itself).
    address_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["status", "-created_at", "-id"],
                                name="report_queue")]

    def __str__(self) -> str:
        return f"report {self.pk} ({self.kind}: {self.target_label})"

    def get_absolute_url(self) -> str:
        return reverse("moderation:report", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ModerationAction(models.Model):
    """One line of the audit log: who did what to what, when and why, and the report it
    answered (if any)."""

    class Action(models.TextChoices):
        HIDE_WORK = "hide_work", "Hid a work"
        UNHIDE_WORK = "unhide_work", "Unhid a work"
        DELETE_COMMENT = "delete_comment", "Deleted a comment"
        DELETE_BOOKMARK = "delete_bookmark", "Deleted a bookmark"
        SUSPEND = "suspend", "Suspended a user"
        LIFT_SUSPENSION = "unsuspend", "Lifted a suspension"
        BAN = "ban", "Banned a user"
        UNBAN = "unban", "Unbanned a user"
        RESOLVE = "resolve", "Resolved a report"
        DISMISS = "dismiss", "Dismissed a report"
        GRANT_MODERATOR = "grant_mod", "Granted the moderator role"
        REVOKE_MODERATOR = "revoke_mod", "Revoked the moderator role"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # The actor's user name when it was done (the account may be renamed or deleted).
    actor_name = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    target = models.CharField(max_length=300)
    work = models.ForeignKey("works.Work", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    target_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="actions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["-created_at", "-id"], name="moderation_log")]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.target}"
