"""The "Import a work" upload form."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings

from fichive.accounts.models import Pseud, User
from fichive.formats.services import ImportOptions
from fichive.lib.uploads import max_upload_bytes
from fichive.tags.models import RATINGS
from fichive.tags.services import split_tag_input


class ImportForm(forms.Form):
    file = forms.FileField(allow_empty_file=True)
    pseud = forms.ModelChoiceField(queryset=Pseud.objects.none(), empty_label=None,
                                   label="Post as")
    title = forms.CharField(required=False, max_length=255,
                            help_text="Leave blank to take it from the file.")
    fandoms = forms.CharField(
        required=False,
        help_text="Separate fandoms with commas. Needed when the file names none (plain text, "
                  "HTML and most EPUBs); added to the file's own fandoms otherwise.",
    )
    rating = forms.ChoiceField(choices=[("", "From the file, or Not Rated")] +
                               [(r, r) for r in RATINGS], required=False)
    restricted = forms.BooleanField(required=False, label="Only show to registered users")
    draft = forms.BooleanField(required=False, label="Save as a draft instead of posting")
    split_chapters = forms.BooleanField(
        required=False, label="Split HTML into chapters at its headings",
    )
    on_duplicate = forms.ChoiceField(
        choices=[("skip", "Skip it"), ("update", "Update the existing work")],
        initial="skip", required=False, label="If this story was imported before",
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["pseud"]).queryset = user.pseuds.all()
        self.fields["file"].help_text = (
            "A story as plain text, HTML, an AO3 download (HTML or EPUB), a FanFicFare or "
            f"other EPUB, or a zip of text/HTML stories; up to {settings.FICHIVE_MAX_UPLOAD_MB} "
            "MB.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(f"{upload.name}: the file is empty.")
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                f"That file is {upload.size:,} bytes; the most is {max_upload_bytes():,} "
                f"({settings.FICHIVE_MAX_UPLOAD_MB} MB)."
            )
        return upload

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            title=data["title"] or None, fandoms=split_tag_input(data["fandoms"]),
            rating=data["rating"] or None, restricted=data["restricted"], draft=data["draft"],
            pseud=data["pseud"], split_chapters=data["split_chapters"],
            on_duplicate=data["on_duplicate"] or "skip",
        )
