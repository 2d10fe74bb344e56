"""Forms of sign-ups: the queue, the admins' settings and buttons, users' requests."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from fichive.signups.models import InvitationRequest, Policy
from fichive.signups.services import PER_DAY_MAX, REASON_MAX, SEND_MAX


class QueueForm(forms.Form):
    email = forms.EmailField(max_length=254, error_messages={
        "max_length": "Enter an email address, like name@example.org.",
        "required": "Enter your email address.",
        "invalid": "Enter an email address, like name@example.org."})


class SignupSettingsForm(forms.Form):
    policy = forms.ChoiceField(label="Who may sign up", required=False)
    invitations_per_day = forms.IntegerField(
        label="Invitations sent from the queue each day", required=False, min_value=0,
        max_value=PER_DAY_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        configured = str(settings.FICHIVE_SIGNUP)
        policy = self.fields["policy"]
        assert isinstance(policy, forms.ChoiceField)
        policy.choices = [("", f"As the server is configured (FICHIVE_SIGNUP: {configured})"),
                          *Policy.choices]
        self.fields["invitations_per_day"].help_text = (
            f"Leave it empty to use the server's setting (FICHIVE_INVITATIONS_PER_DAY: "
            f"{settings.FICHIVE_INVITATIONS_PER_DAY}).")


class SendNowForm(forms.Form):
    count = forms.IntegerField(label="How many", min_value=1, max_value=SEND_MAX)


class AdminInviteForm(forms.Form):
    email = forms.EmailField(label="Invite by email", max_length=254, error_messages={
        "invalid": "Enter an email address, like name@example.org."})


class InvitationRequestForm(forms.Form):
    quantity = forms.IntegerField(label="How many invitations", min_value=1,
                                  max_value=InvitationRequest.MAX_QUANTITY, initial=1)
    reason = forms.CharField(
        label="Who are they for?", max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A line or two for the admins, e.g. “my writing group (3 people)”.",
        error_messages={"required": "Say briefly who the invitations are for."})


class FriendInviteForm(forms.Form):
    invitation = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(label="Friend's email", max_length=254, error_messages={
        "invalid": "Enter an email address, like name@example.org."})
