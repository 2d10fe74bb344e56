"""The form that names a new app password."""

from __future__ import annotations

from django import forms


class AppPasswordForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, strip=True,
        help_text="What the app password is for, such as the app or device: “Kobo”, "
                  "“KOReader on my phone”.",
        error_messages={"required": "Give the app password a name, such as the app's.",
                        "max_length": "The name can be at most 100 characters long."})
