"""Forms for writing comments: they parse input into comments service arguments."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from fichive.accounts.models import Pseud, User
from fichive.comments.models import CONTENT_MAX


class CommentForm(forms.Form):
    """A new comment or reply. Logged-in users pick a pseud; guests give a name and an email
    address. The comments service checks the text, the name and the address."""

    content = forms.CharField(
        required=False, label="Comment",
        widget=forms.Textarea(attrs={"rows": 6, "data-max-length": CONTENT_MAX}),
        help_text=f"Plain text with limited HTML; at most {CONTENT_MAX:,} characters.",
    )
    pseud = forms.ModelChoiceField(
        queryset=Pseud.objects.none(), required=False, label="Comment as",
        error_messages={"invalid_choice": "Choose one of your own pseuds."},
    )
    name = forms.CharField(required=False, label="Guest name")
    email = forms.CharField(
        required=False, label="Guest email",
        help_text="Never shown on the archive.",
    )
    parent_id = forms.IntegerField(required=False, widget=forms.HiddenInput,
                                   error_messages={"invalid": "That comment does not exist."})
    chapter_id = forms.IntegerField(required=False, widget=forms.HiddenInput,
                                    error_messages={"invalid": "That chapter does not exist."})

    def __init__(self, *args, user: User | None, pseuds: list[Pseud] | None = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None:
            del self.fields["pseud"]
        else:
            del self.fields["name"], self.fields["email"]
            field = cast(forms.ModelChoiceField, self.fields["pseud"])
            field.queryset = user.pseuds.all()
            if pseuds is not None:
                # The pseuds already read for the page: no second query to list them.
                field.choices = [(p.pk, p.name) for p in pseuds]
                default = next((p.pk for p in pseuds if p.is_default), None)
                self.fields["pseud"].initial = default

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class CommentEditForm(forms.Form):
    content = forms.CharField(
        required=False, label="Comment",
        widget=forms.Textarea(attrs={"rows": 6, "data-max-length": CONTENT_MAX}),
    )

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)
