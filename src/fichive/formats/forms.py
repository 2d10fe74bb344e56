"""The "Import a work" upload form."""

from __future__ import annotations

from typing import cast

from django import forms

from fichive.accounts.models import Pseud, User
from fichive.formats.services import MAX_IMPORT_BYTES, ImportOptions
from fichive.tags.models import RATINGS
from fichive.tags.services import split_tag_input


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A plain-text story (.txt), up to 10 MB.",
                           allow_empty_file=True)
    pseud = forms.ModelChoiceField(queryset=Pseud.objects.none(), empty_label=None,
                                   label="Post as")
    title = forms.CharField(required=False, max_length=255,
                            help_text="Leave blank to take it from the file.")
    fandoms = forms.CharField(help_text="Separate fandoms with commas.")
    rating = forms.ChoiceField(choices=[("", "From the file, or Not Rated")] +
                               [(r, r) for r in RATINGS], required=False)
    restricted = forms.BooleanField(required=False, label="Only show to registered users")
    draft = forms.BooleanField(required=False, label="Save as a draft instead of posting")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["pseud"]).queryset = user.pseuds.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(f"{upload.name}: the file is empty.")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"That file is {upload.size:,} bytes; the most is {MAX_IMPORT_BYTES:,}."
            )
        return upload

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            title=data["title"] or None, fandoms=split_tag_input(data["fandoms"]),
            rating=data["rating"] or None, restricted=data["restricted"], draft=data["draft"],
            pseud=data["pseud"],
        )
