"""Forms for wrangling: the tag edit page and the wrangling page's bulk actions. They turn
typed tag names into tags and hand the rest to the services."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from fichive.tags.models import MEDIA, USER_TYPES, Tag
from fichive.tags.selectors import tag_named, tags_named
from fichive.tags.services import BULK_ACTIONS, TagChanges, split_tag_input

COMMA_HELP = "Separate tags with commas."


def _autocomplete(tag_type: str = "", *, multiple: bool = False) -> forms.TextInput:
    """A text input the vendored autocomplete script enhances (canonical tags only)."""
    attrs = {"data-autocomplete": tag_type, "data-autocomplete-canonical": "1"}
    if multiple:
        attrs["data-autocomplete-multiple"] = "1"
    return forms.TextInput(attrs=attrs)


class TagEditForm(forms.Form):
    name = forms.CharField(
        max_length=150, help_text="Works keep the tag when it is renamed; a name another tag "
                                  "has is refused (make one a synonym instead).",
    )
    canonical = forms.BooleanField(
        required=False, help_text="Canonical tags show in filters and autocomplete."
    )
    synonym_of = forms.CharField(
        required=False, label="Synonym of",
        help_text="A canonical tag of the same type; works tagged with this tag are then "
                  "found under it. Clear it to un-synonym.",
    )
    parents = forms.CharField(required=False, label="Fandoms", help_text=COMMA_HELP)
    meta_tags = forms.CharField(
        required=False, label="Meta tags",
        help_text="Canonical tags of the same type; works under this tag are also found "
                  "under them. " + COMMA_HELP,
    )
    # Not called `media`: forms already have a `media` attribute (their CSS and JS).
    category = forms.ChoiceField(choices=[(m, m) for m in MEDIA], label="Media")

    def __init__(self, *args, tag: Tag, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tag = tag
        self.fields["synonym_of"].widget = _autocomplete(tag.type)
        self.fields["meta_tags"].widget = _autocomplete(tag.type, multiple=True)
        self.fields["parents"].widget = _autocomplete(Tag.Type.FANDOM, multiple=True)
        if not tag.takes_parents or tag.merger_id:
            del self.fields["parents"]
        if tag.type != Tag.Type.FANDOM:
            del self.fields["category"]
        if not self.is_bound:
            self.initial.update({
                "name": tag.name,
                "canonical": tag.canonical,
                "synonym_of": tag.merger.name if tag.merger else "",
                "parents": ", ".join(sorted(t.name for t in tag.parents.all())),
                "meta_tags": ", ".join(sorted(t.name for t in tag.meta_tags.all())),
                "category": tag.media,
            })

    def clean_synonym_of(self) -> Tag | None:
        name = self.cleaned_data.get("synonym_of", "").strip()
        return tag_named(name, tag_type=self.tag.type) if name else None

    def clean_parents(self) -> list[Tag]:
        return tags_named(split_tag_input(self.cleaned_data.get("parents", "")),
                          tag_type=Tag.Type.FANDOM)

    def clean_meta_tags(self) -> list[Tag]:
        return tags_named(split_tag_input(self.cleaned_data.get("meta_tags", "")),
                          tag_type=self.tag.type)

    def to_changes(self) -> TagChanges:
        data = self.cleaned_data
        synonym_of: Tag | None = data["synonym_of"]
        return TagChanges(
            name=data["name"],
            canonical=data["canonical"],
            synonym_of=synonym_of if synonym_of and synonym_of.pk != self.tag.merger_id else None,
            unsynonym=synonym_of is None and self.tag.merger_id is not None,
            parents=data.get("parents"),
            meta_tags=data["meta_tags"],
            media=data.get("category"),
        )

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class BulkWrangleForm(forms.Form):
    """The wrangling page's bulk form: ticked tags, an action, and what the action needs."""

    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(), error_messages={"required": "Tick at least one tag."}
    )
    action = forms.ChoiceField(choices=list(BULK_ACTIONS.items()))
    of = forms.CharField(required=False, label="Synonym of", widget=_autocomplete())
    fandoms = forms.CharField(
        required=False, label="Fandoms", widget=_autocomplete(Tag.Type.FANDOM, multiple=True)
    )
    meta = forms.CharField(required=False, label="Meta tag", widget=_autocomplete())

    def __init__(self, *args, tag_type: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["tags"]).queryset = Tag.objects.filter(
            type__in=USER_TYPES
        )
        for name in ("of", "meta"):
            self.fields[name].widget = _autocomplete(tag_type)

    def clean_of(self) -> Tag | None:
        name = self.cleaned_data.get("of", "").strip()
        return tag_named(name) if name else None

    def clean_fandoms(self) -> list[Tag]:
        return tags_named(split_tag_input(self.cleaned_data.get("fandoms", "")),
                          tag_type=Tag.Type.FANDOM)

    def clean_meta(self) -> Tag | None:
        name = self.cleaned_data.get("meta", "").strip()
        return tag_named(name) if name else None
