"""Forms of the moderation app: a report, a moderator's action with its reason, and the
admins' moderator role form."""

from __future__ import annotations

from django import forms

from fichive.moderation.models import Report
from fichive.moderation.services import DESCRIPTION_MAX, REASON_MAX, SUSPENSION_DAYS_MAX


class ReportForm(forms.Form):
    """Reason and description; guests also give an email address (required for them)."""

    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *Report.Reason.choices],
        error_messages={"required": "Choose a reason from the list.",
                        "invalid_choice": "Choose a reason from the list."})
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=DESCRIPTION_MAX,
        help_text="What is wrong, and where (a chapter, a paragraph). The moderators read "
                  "every report.",
        error_messages={"required": "Tell the moderators what is wrong."})
    email = forms.EmailField(
        required=False, label="Your email address",
        help_text="So the moderators can answer you. It is never shown to anyone else.")

    def __init__(self, *args: object, guest: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if guest:
            self.fields["email"].required = True
            self.fields["email"].error_messages["required"] = (
                "Guests give an email address, so the moderators can answer.")
        else:
            del self.fields["email"]


class ActionForm(forms.Form):
    """One moderator action (the button pressed) with its reason, and days for suspensions."""

    ACTIONS = [
        ("hide", "Hide the work"), ("unhide", "Unhide the work"),
        ("delete_comment", "Delete the comment"), ("delete_bookmark", "Delete the bookmark"),
        ("suspend", "Suspend the user"), ("unsuspend", "Lift the suspension"),
        ("ban", "Ban the user"), ("unban", "Unban the user"),
        ("resolve", "Resolve"), ("dismiss", "Dismiss"),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX,
        help_text="Goes in the audit log; the work's creators or the user see it.",
        error_messages={"required": "Give a reason: it goes in the audit log."})
    days = forms.IntegerField(
        required=False, min_value=1, max_value=SUSPENSION_DAYS_MAX, label="Days",
        help_text="How long a suspension lasts.")

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("action") == "suspend" and not data.get("days") and "days" not in self.errors:
            self.add_error("days", "Say for how many days to suspend.")
        return data
