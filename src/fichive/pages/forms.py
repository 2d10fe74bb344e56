"""The admins' form for a page's title and text."""

from __future__ import annotations

from django import forms


class PageForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "A page needs a title."})
    body = forms.CharField(
        label="Text", widget=forms.Textarea(attrs={"rows": 24}),
        error_messages={"required": "A page needs some text."},
        help_text="HTML is allowed (the same tags as in works); blank lines make paragraphs.")
