"""Template helpers of the moderation pages: a dict look-up, and the action buttons that fit
what a report (or page) is about."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag
def action_buttons(report: Any, work: Any, user: Any) -> list[tuple[str, str]]:
    """(action, label) pairs for the action form: what can be done to the reported work,
    comment, bookmark or user now, then resolve and dismiss while the report is open."""
    actions: list[tuple[str, str]] = []
    if work is not None:
        if work.is_hidden:
            actions.append(("unhide", "Unhide the work"))
        elif work.state == "posted":
            actions.append(("hide", "Hide the work"))
    if report is not None and report.comment is not None and not report.comment.deleted:
        actions.append(("delete_comment", "Delete the comment"))
    if report is not None and report.bookmark is not None:
        actions.append(("delete_bookmark", "Delete the bookmark"))
    if user is not None and not user.is_admin:
        actions.append(("unsuspend", "Lift the suspension") if user.is_suspended
                       else ("suspend", "Suspend the user"))
        actions.append(("unban", "Unban the user") if user.banned else ("ban", "Ban the user"))
    if report is not None and report.is_open:
        actions += [("resolve", "Resolve"), ("dismiss", "Dismiss")]
    return actions
