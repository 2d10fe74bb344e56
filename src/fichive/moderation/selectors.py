"""Reads of the moderation app: what a visitor may report (through the other apps'
selectors, so nobody can report what they may not see), the queue of reports with what they
are about, and the audit log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from fichive.accounts.models import User
from fichive.accounts.requests import Viewer
from fichive.moderation.models import ModerationAction, Report
from fichive.works.blurbs import Blurb, blurbs_of
from fichive.works.models import Chapter, Work

QUEUE_FILTERS = {"open": Report.Status.OPEN, "resolved": Report.Status.RESOLVED,
                 "dismissed": Report.Status.DISMISSED, "all": None}


def report_target(viewer: Viewer, kind: str, pk: int) -> Any:
    """The thing a visitor wants to report, if they may see it; 404 otherwise."""
    from fichive.bookmarks.selectors import bookmark_for_viewer
    from fichive.comments.selectors import comment_with_work
    from fichive.series.selectors import series_for_viewer
    from fichive.works.selectors import work_for_viewer

    if kind == Report.Kind.WORK:
        return work_for_viewer(viewer, pk)
    if kind == Report.Kind.CHAPTER:
        chapter = Chapter.objects.filter(pk=pk).first()
        if chapter is None:
            raise Http404("No such chapter.")
        chapter.work = work_for_viewer(viewer, chapter.work_id)
        return chapter
    if kind == Report.Kind.COMMENT:
        comment, _, _ = comment_with_work(viewer, pk)
        if comment.deleted:
            raise Http404("That comment has been deleted.")
        return comment
    if kind == Report.Kind.BOOKMARK:
        return bookmark_for_viewer(viewer, pk)
    if kind == Report.Kind.SERIES:
        return series_for_viewer(viewer, pk)
    if kind == Report.Kind.USER:
        user = User.objects.filter(pk=pk, is_active=True).first()
        if user is None:
            raise Http404("No such user.")
        return user
    raise Http404("Nothing of that kind can be reported.")


def _with_targets(reports: QuerySet[Report]) -> QuerySet[Report]:
    return reports.select_related(
        "work", "chapter__work", "comment__pseud__user", "comment__work", "bookmark__pseud__user",
        "bookmark__work", "bookmark__series", "bookmark__external_work", "series",
        "reported_user", "reporter", "closed_by")


def shown_work(report: Report) -> Work | None:
    """The work a report is about (a chapter's work for a chapter), if it still exists."""
    if report.work is not None:
        return report.work
    return report.chapter.work if report.chapter is not None else None


def reports_for_queue(status: str = "open") -> QuerySet[Report]:
    """Reports with what they are about, newest first; `status` one of QUEUE_FILTERS."""
    reports = _with_targets(Report.objects.all())
    wanted = QUEUE_FILTERS.get(status, Report.Status.OPEN)
    if wanted is not None:
        reports = reports.filter(status=wanted)
    return reports.order_by("-created_at", "-id")


def work_blurbs_for(reports: list[Report]) -> dict[int, Blurb]:
    """The blurbs of the works these reports are about (moderators see hidden works too),
    in the blurbs' fixed few queries."""
    ids = {w.pk for w in map(shown_work, reports) if w is not None}
    if not ids:
        return {}
    return {b.id: b for b in blurbs_of(Work.objects.filter(pk__in=ids).order_by("id"))}


def report_for_moderator(report_id: int) -> Report:
    report = _with_targets(Report.objects.filter(pk=report_id)).first()
    if report is None:
        raise Http404("No such report.")
    return report


def other_reports_of(report: Report) -> QuerySet[Report]:
    """Other reports about the same thing (a work, a user, …), newest first."""
    field = {Report.Kind.WORK: "work_id", Report.Kind.CHAPTER: "chapter_id",
             Report.Kind.COMMENT: "comment_id", Report.Kind.BOOKMARK: "bookmark_id",
             Report.Kind.SERIES: "series_id", Report.Kind.USER: "reported_user_id"}[
        Report.Kind(report.kind)]
    value = getattr(report, field)
    if value is None:
        return Report.objects.none()
    return (Report.objects.filter(kind=report.kind, **{field: value}).exclude(pk=report.pk)
            .order_by("-created_at", "-id"))


def audit_log() -> QuerySet[ModerationAction]:
    """Every moderation action, newest first."""
    return ModerationAction.objects.select_related("report").order_by("-created_at", "-id")
