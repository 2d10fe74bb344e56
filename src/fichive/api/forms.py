"""The form that makes a personal access token: its name and scopes."""

from __future__ import annotations

from typing import Any

from django import forms

from fichive.api.services import SCOPE_HELP


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, strip=True,
        help_text="What the token is for, such as the program or script: “reading list "
                  "sync”, “my e-reader app”.",
        error_messages={"required": "Give the token a name, such as the program's.",
                        "max_length": "The name can be at most 100 characters long."})
    scopes = forms.MultipleChoiceField(
        label="Scopes", widget=forms.CheckboxSelectMultiple,
        help_text="Reading public works needs no token. Give a token only what the program "
                  "needs.",
        error_messages={"required": "Choose at least one scope (read, write …).",
                        "invalid_choice": "Your account can't give the “%(value)s” scope."})

    def __init__(self, *args: Any, allowed: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = [(scope, f"{scope}: {SCOPE_HELP[scope]}") for scope in allowed]
